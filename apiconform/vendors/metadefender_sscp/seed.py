"""Deterministic seed data, built in code from `seed`: a small but realistic MetaDefender SSC installation.

Storages include one per repository service (same id), so real-time protection, scans, exports and the
service endpoints all talk about the same repositories.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from apiconform.vendors import _tokens
from apiconform.vendors.metadefender_sscp.store import TENANT_ID, Record, State, iso

DAY = 86400.0
ADMIN = "admin"
FIRST = ("Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj")
LAST = ("Nguyen", "Smith", "Garcia", "Kowalski", "Okafor", "Schmidt", "Tanaka", "Rossi", "Haddad", "Silva")
# (name, protocol type, vendor type, category, connection type, domain)
SERVICES = (
    ("github-main", "GitHubSdk", "GitHub", "Cloud", "SourceCode", "github.com"),
    ("dockerhub-prod", "DockerHubSdk", "DockerHub", "Cloud", "Container", "hub.docker.com"),
    ("gitlab-internal", "GitLabSourceSdk", "GitLabSource", "Cloud", "SourceCode", "gitlab.example.com"),
    ("jfrog-artifacts", "JFrogBinarySdk", "JFrogBinary", "Cloud", "Binary", "example.jfrog.io"),
    (
        "ecr-eu-west-1",
        "AmazonEcrSdk",
        "AmazonEcr",
        "Cloud",
        "Container",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
    ),
)
FILE_STORAGES = (
    ("s3-build-artifacts", "AwsSdk", "AmazonS3", "Object"),
    ("smb-release-share", "Smb", "SmbCompatible", "Local"),
    ("azure-blob-backups", "AzureBlobSdk", "AzureBlob", "Object"),
)
REPO_WORDS = ("payments", "checkout", "auth", "gateway", "inventory", "frontend", "billing", "search", "mailer")
REFERENCES = ("main", "develop", "release/1.4", "release/2.0", "v1.4.2", "v2.0.0", "latest", "feature/sbom")
ECOSYSTEMS = {
    "npm": ("lodash", "express", "axios", "moment", "minimist", "react", "jsonwebtoken", "ws"),
    "pypi": ("requests", "django", "flask", "pyyaml", "urllib3", "jinja2", "cryptography", "pillow"),
    "maven": ("log4j-core", "jackson-databind", "spring-core", "commons-text", "guava", "netty-codec"),
    "nuget": ("Newtonsoft.Json", "System.Text.Json", "Serilog", "Npgsql"),
    "golang": ("golang.org/x/net", "github.com/gin-gonic/gin", "gopkg.in/yaml.v3"),
}
LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-only", "LGPL-2.1-only", "AGPL-3.0-only", "MPL-2.0")
COPYLEFT = {"GPL-3.0-only": "High", "AGPL-3.0-only": "Critical", "LGPL-2.1-only": "Medium", "MPL-2.0": "Low"}
SEVERITIES = ("Critical", "High", "Medium", "Low", "Unknown")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def populate(state: State) -> dict[str, str]:
    """Fill `state` with the seed data; returns the login credentials of the administrator."""
    rng = random.Random(state.seed)
    now = state.now()
    store = state.store
    password = "Adm1n-" + _tokens.hex_token(state.seed, "mdssc-admin-password", 16)
    _users(state, rng, now, password)
    services = _storages(state, rng, now)
    workflows = _workflows(state, rng, now, services)
    for n in range(6):
        store.put(
            "projects",
            {
                "Id": store.new_id("projects"),
                "Name": f"{REPO_WORDS[n].title()} platform",
                "WorkflowIds": [w["Id"] for w in rng.sample(workflows, 2)],
                "StorageIds": [s["Id"] for s in rng.sample(store.all("storages"), 2)],
            },
        )
    _scan_pools(state, rng, now)
    _labels_and_packages(state, rng, now)
    from apiconform.vendors.metadefender_sscp import seed_activity

    seed_activity.populate(state, rng, now, workflows)
    return {"username": ADMIN, "password": password}


def _users(state: State, rng: random.Random, now: float, password: str) -> None:
    people = [(ADMIN, "System Administrator", "Administrator")]
    for n in range(14):
        first, last = FIRST[n % len(FIRST)], LAST[(n * 3) % len(LAST)]
        role = ("ReadOnlyAdministrator", "Administrator", "SsoReadOnlyAdministrator", "TenantAdministrator")[n % 4]
        people.append((f"{first.lower()}.{last.lower()}", f"{first} {last}", role))
    for n, (login, full, role) in enumerate(people):
        user_id = state.store.new_id("users")
        state.store.put(
            "users",
            {
                "UserId": user_id,
                "Username": login,
                "FullName": full,
                "Email": f"{login}@example.com",
                "Role": role,
                "ShowTutorial": n % 5 == 3,
                "_password": password if login == ADMIN else "Passw0rd-" + _tokens.hex_token(state.seed, login, 12),
                "_created": now - (400 - n * 20) * DAY,
                "_lastLogin": None if n % 4 == 2 else now - rng.uniform(0.1, 30) * DAY,
            },
            key="UserId",
        )


def _storage(state: State, rng: random.Random, name: str, *, protocol: str, vendor: str, category: str) -> Record:
    status = "Operational" if rng.random() > 0.15 else "Error"
    return state.store.put(
        "storages",
        {
            "Id": state.store.new_id("storages"),
            "Name": name,
            "StorageType": {"Name": vendor, "CategoryType": category, "ProtocolType": protocol, "VendorType": vendor},
            "StorageStatus": {
                "Message": "Connection tested successfully" if status == "Operational" else "Authentication failed",
                "StatusType": status,
            },
        },
    )


def _repositories(state: State, owner: Record, rng: random.Random, org: str) -> None:
    for word in rng.sample(REPO_WORDS, rng.randint(3, 6)):
        state.store.put(
            "repositories",
            {
                "Id": state.store.new_id("repositories"),
                "Name": f"{org}/{word}",
                "ServiceId": owner["Id"],
                "Organization": org,
                "References": sorted(rng.sample(REFERENCES, rng.randint(2, 6))),
            },
        )


def _storages(state: State, rng: random.Random, now: float) -> list[Record]:
    services = []
    for n, (name, protocol, vendor, category, kind, domain) in enumerate(SERVICES):
        storage = _storage(state, rng, name, protocol=protocol, vendor=vendor, category=category)
        service = state.store.put(
            "services",
            {
                "Id": storage["Id"],
                "Name": name,
                "CredentialsType": n % 3,
                "ScanWorkflowId": "",
                "Domain": domain,
                "Type": protocol,
                "ConnectionType": kind,
                "_credentials": _tokens.hex_token(state.seed, f"service-credentials:{name}", 40),
                "_references": [],
            },
        )
        _repositories(state, service, rng, ("acme", "acme-labs", "platform")[n % 3])
        services.append(service)
    for n, (name, protocol, vendor, category) in enumerate(FILE_STORAGES):
        storage = _storage(state, rng, name, protocol=protocol, vendor=vendor, category=category)
        _repositories(state, storage, rng, name.split("-")[0])
        if n == 0:  # one storage already under real-time protection: GET /realtime has a storage to show
            storage["_realtime"] = {repositories_of(state, storage["Id"])[0]["Id"]: ""}
    return services


def repositories_of(state: State, owner_id: str) -> list[Record]:
    return [r for r in state.store.all("repositories") if r["ServiceId"] == owner_id]


def _workflows(state: State, rng: random.Random, now: float, services: list[Record]) -> list[Record]:
    workflows = []
    names = ("Default", "Nightly SBOM", "Release gate", "Container hardening", "Secrets sweep", "License audit")
    for n, name in enumerate(names):
        service = services[n % len(services)]
        repos = repositories_of(state, service["Id"])[:2]
        created = now - (300 - n * 30) * DAY
        workflow = state.store.put(
            "workflows",
            {
                "Id": state.store.new_id("workflows"),
                "Name": name,
                "Description": f"{name} workflow",
                "IsDeleted": n == 5,
                "CreatedAt": iso(created),
                "LastUpdated": iso(created + 3 * DAY),
                "ScanSource": {
                    "ServiceId": service["Id"],
                    "ServiceName": service["Name"],
                    "Repositories": [
                        {
                            "RepositoryId": r["Id"],
                            "RepositoryName": r["Name"],
                            "Type": service["Type"],
                            "Connection": service["Name"],
                            "Organization": r["Organization"],
                            "ReferencesToScan": r["References"][:2],
                        }
                        for r in repos
                    ],
                },
            },
        )
        workflows.append(workflow)
        if n < len(services):
            service["ScanWorkflowId"] = workflow["Id"]
    return [w for w in workflows if not w["IsDeleted"]]


def _scan_pools(state: State, rng: random.Random, now: float) -> None:
    store = state.store
    for n, (name, kind) in enumerate((("Core pool EU", "MdCore"), ("Core pool US", "MdCore"), ("Cloud", "MdCloud"))):
        pool = store.put("scanPools", {"Id": store.new_id("scanPools"), "Name": name, "ScanPoolType": kind})
        for m in range(2 if kind == "MdCore" else 1):
            store.put(
                "scanInstances",
                {
                    "Id": store.new_id("scanInstances"),
                    "ScanPoolId": pool["Id"],
                    "Url": f"https://mdcore-{n}{m}.example.com:8008"
                    if kind == "MdCore"
                    else "https://api.metadefender.com",
                    "ApiKey": _tokens.hex_token(state.seed, f"scan-instance:{n}:{m}", 32),
                    "Timeout": {"Ticks": 300 * 10_000_000},
                    "ScanInstanceType": kind,
                },
            )
        store.put(
            "scanConfigurations",
            {
                "Id": store.new_id("scanConfigurations"),
                "Name": f"{name} default rule",
                "ScanPoolId": pool["Id"],
                "Rules": ["multiscan", "dlp"] if kind == "MdCore" else ["multiscan"],
                "UserAgent": f"mdssc-{kind.lower()}-{n}",
            },
        )


def _labels_and_packages(state: State, rng: random.Random, now: float) -> None:
    store = state.store
    keys: tuple[tuple[str, str, list[str]], ...] = (
        ("team", "String", []),
        ("criticality", "Enum", ["low", "medium", "high"]),
        ("approved", "Boolean", []),
    )
    for n, (name, kind, options) in enumerate(keys):
        at = iso(now - (200 - n) * DAY)
        store.put(
            "labelKeys",
            {
                "Id": store.new_id("labelKeys"),
                "Name": name,
                "Description": f"The {name} of a package",
                "ValueType": kind,
                "Options": list(options),
                "Created": at,
                "Updated": at,
                "TenantId": TENANT_ID,
                "CreatedAt": at,
                "LastUpdated": at,
            },
        )
    repos = store.all("repositories")
    owners = {s["Id"]: s["Name"] for s in store.all("storages")}
    for ecosystem, names in ECOSYSTEMS.items():
        for name in names:
            for version_index in range(rng.randint(1, 3)):
                version = f"{rng.randint(0, 5)}.{rng.randint(0, 20)}.{version_index + rng.randint(0, 9)}"
                repo = rng.choice(repos)
                license_id = rng.choice(LICENSES)
                cves = [_cve(rng, name, n) for n in range(rng.choice((0, 0, 1, 2, 3)))]
                package_id = store.new_id("packages")
                at = iso(now - rng.uniform(1, 90) * DAY)
                store.put(
                    "packages",
                    {
                        "Id": package_id,
                        "Name": name,
                        "Ecosystem": ecosystem,
                        "Version": version,
                        "Purl": f"pkg:{ecosystem}/{name}@{version}",
                        "License": license_id,
                        "LicenseRisks": [COPYLEFT[license_id]] if license_id in COPYLEFT else [],
                        "Vulnerabilities": sorted({c["Severity"] for c in cves}) or ["None"],
                        "Connection": owners[repo["ServiceId"]],
                        "Repository": repo["Name"],
                        "Reference": repo["References"][0],
                        "ScanId": "",
                        "StepSha256": sha256(f"{package_id}:layer"),
                        "_cves": cves,
                        "_labels": _team_label(rng, at) if rng.random() < 0.4 else {},
                    },
                )


def _team_label(rng: random.Random, at: str) -> dict[str, Record]:
    team = rng.choice(("core", "web", "infra"))
    return {"team": {"Key": "team", "Value": team, "ValueType": "String", "Created": at, "Updated": at}}


def _cve(rng: random.Random, name: str, n: int) -> dict[str, Any]:
    year = rng.randint(2018, 2025)
    return {
        "Id": f"CVE-{year}-{rng.randint(1000, 49999)}",
        "FixedVersions": [f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"] if n % 3 != 2 else [],
        "Severity": rng.choice(SEVERITIES),
        "Source": rng.choice(("NVD", "GitHub Advisory Database", "OSV")),
        "Cwes": [f"CWE-{rng.choice((20, 22, 79, 89, 400, 502, 787))}"],
    }
