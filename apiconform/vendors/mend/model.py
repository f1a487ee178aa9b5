"""Entities of the Mend mock: one organization, its products and projects, libraries, alerts, people, policies.

Plain mutable dataclasses: `state.MendState` indexes them, the answer builders render them in Mend's shapes.
Times are epoch seconds (the mock's clock); rendering formats them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LicenseInfo:
    name: str
    url: str
    copyleft: str
    linking: str
    royalty_free: str
    copyright_risk: str
    patent_risk: str


@dataclass(frozen=True)
class Vulnerability:
    name: str  # CVE-yyyy-n or WS-yyyy-n
    score: float  # CVSS 2
    cvss3_score: float
    vector: str
    description: str
    published: str  # yyyy-MM-dd
    fix_origin: str
    fix_version: str
    fix_url: str

    @property
    def kind(self) -> str:
        return "CVE" if self.name.startswith("CVE") else "WS"

    @property
    def severity(self) -> str:
        return "high" if self.score >= 7 else "medium" if self.score >= 4 else "low"

    @property
    def cvss3_severity(self) -> str:
        return "High" if self.cvss3_score >= 7 else "Medium" if self.cvss3_score >= 4 else "Low"


@dataclass(frozen=True)
class SourceFile:
    name: str
    sha1: str
    path: str


@dataclass
class Library:
    """One library version known to the organization (shared by every project that uses it)."""

    key_id: int
    key_uuid: str
    package: str  # groupId:artifactId, the same for every version
    group_id: str
    artifact_id: str
    name: str
    version: str
    type: str
    language: str
    description: str
    homepage: str
    filename: str
    sha1: str
    licenses: tuple[str, ...]
    vulnerabilities: tuple[Vulnerability, ...] = ()
    in_house: str | None = None  # "manual" | "automatic"
    in_house_note: str = ""  # the comment (manual) or the matching pattern (automatic)
    source_files: list[SourceFile] = field(default_factory=list)
    version_rank: int = 0  # position among the package's versions (0 = oldest)
    newer_major: str | None = None  # newest version with a higher major, if any
    newer_minor: str | None = None  # newest version with the same major and a higher minor, if any


@dataclass
class Usage:
    """A library in a project's inventory."""

    key_id: int
    direct: bool
    parent: int | None  # key_id of the library that pulls it in (transitive dependencies)
    path: str
    dependency_file: str
    match_type: str


@dataclass
class Alert:
    uuid: str
    type: str
    level: str
    project_token: str
    key_id: int
    description: str
    created: float
    direct: bool
    vulnerability: Vulnerability | None = None
    status: str = "ACTIVE"  # ACTIVE | IGNORED | RESOLVED
    comments: str = ""
    modified: float | None = None  # when its status last changed (ignoreAlerts); None: never since created


@dataclass
class Roles:
    users: list[int] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)


@dataclass
class Project:
    id: int
    token: str
    name: str
    product_token: str
    description: str
    created: float
    updated: float
    plugin: str
    uploaded_by: str
    tags: dict[str, list[str]] = field(default_factory=dict)
    usages: list[Usage] = field(default_factory=list)
    last_process: str = "SETUP"
    requests: list[str] = field(default_factory=list)  # update request tokens, oldest first


@dataclass
class Product:
    id: int
    token: str
    name: str
    created: float
    updated: float
    tags: dict[str, list[str]] = field(default_factory=dict)
    roles: dict[str, Roles] = field(default_factory=dict)


@dataclass
class User:
    id: int
    name: str
    email: str
    key: str
    service: bool = False
    org_admin: bool = False
    product_token: str | None = None  # service users created for one product
    active: bool = True
    generation: int = 0  # bumped by regenerateUserKey


@dataclass
class Group:
    id: int
    name: str
    description: str
    members: list[int] = field(default_factory=list)


@dataclass
class Policy:
    id: int
    name: str
    owner: str  # the organization or product token
    priority: int
    enabled: bool
    filter: dict[str, Any]
    action: dict[str, Any]
    created: float


@dataclass
class UpdateRequest:
    """A plugin update request (its token is the "support token" getRequestState takes)."""

    token: str
    project_token: str
    submitted: float
    outcome: str  # FINISHED | FAILED | SKIPPED once done
    plugin: str
    requester: str
    live: bool = False  # progresses with the clock: IN_PROGRESS, UPDATED, then `outcome`


@dataclass
class Change:
    at: float
    category: str
    type: str
    change_type: str
    scope: str
    scope_name: str
    scope_id: int
    before: list[str]
    after: list[str]
    operator: str
    user_email: str
    product_id: int
    product_name: str
    project_id: int
    project_name: str
    comment: str


@dataclass
class AttributeValue:
    key_id: int
    name: str
    value: str
    context: str  # Organizational | Product | Project
    context_token: str


@dataclass
class Organization:
    id: int
    name: str
    token: str
    created: float
    global_token: str
    siblings: list[tuple[str, str]] = field(default_factory=list)  # (name, token) under the global organization
    roles: dict[str, Roles] = field(default_factory=dict)
    notification: dict[str, str] = field(default_factory=dict)
    web_advisor_invites: list[str] = field(default_factory=list)
