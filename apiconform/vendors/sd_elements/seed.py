"""Deterministic seed data: projects, users, ALM and security-tool connections, and their jobs.

ALM jobs and analysis jobs live in two tables, as ALM and security-tool connections do, so their ids overlap
(the document's examples use job 12 and connection 12 for both kinds). Everything but the fixed tables below is
drawn from `random.Random(seed)`; connection 12 of either kind is the document's ("My Connection", Rally or
WhiteHat) and belongs to project 1, the project the document's POST examples use.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from typing import Any

DAY = 86400.0


@dataclass(frozen=True)
class User:
    id: int
    username: str
    edits_connections: bool  # 'Edit ALM connections' / 'Edit security tool connections': sees `params`
    first_name: str
    last_name: str

    @property
    def email(self) -> str:
        """Later SD Elements versions name a job's user by e-mail (SDE-OBS-002)."""
        return f"{self.username}@example.com"


USERS = (
    User(1, "admin", True, "Site", "Admin"),
    User(2, "jsmith", True, "Jane", "Smith"),
    User(3, "mlee", False, "Min", "Lee"),
    User(5, "alm-sync", True, "ALM", "Sync"),
    User(8, "scanner-bot", True, "Scanner", "Bot"),
    User(13, "auditor", False, "Audra", "Reyes"),
)
AUTOMATION_USERS = (5, 8)  # the users that automatic runs are recorded under

BUSINESS_UNITS = ("General", "Retail Banking", "Payments", "Platform")
APPLICATIONS = (
    "Demo Application",
    "Online Banking",
    "Mobile Wallet",
    "Payments Gateway",
    "Customer Portal",
    "Core API",
)
PROJECT_KINDS = ("Web", "Android", "iOS", "Backend")
PROJECT_COUNT = 12


@dataclass(frozen=True)
class Project:
    id: int
    name: str
    application: str
    business_unit: str


def projects() -> dict[int, Project]:
    """Project 1 is the document's "Demo Project" of "Demo Application" in "General"."""
    result = {1: Project(1, "Demo Project", APPLICATIONS[0], BUSINESS_UNITS[0])}
    for pid in range(2, PROJECT_COUNT + 1):
        app = APPLICATIONS[pid % len(APPLICATIONS)]
        kind = PROJECT_KINDS[pid % len(PROJECT_KINDS)]
        result[pid] = Project(pid, f"{app} {kind}", app, BUSINESS_UNITS[pid % len(BUSINESS_UNITS)])
    return result


# (system as SD Elements spells it, server, system-specific parameter, its value)
ALM_SYSTEMS = (
    ("Rally", "rally1.rallydev.com", "rally_workspace", "Rally Workspace"),
    ("JIRA", "jira.example.com", "alm_issue_type", "Task"),
    ("TFS", "dev.azure.com", "alm_area_path", "Security"),
    ("HP ALM", "alm.example.com", "alm_domain", "DEFAULT"),
    ("GitHub", "api.github.com", "alm_labels", "security,sde"),
    ("GitLab", "gitlab.example.com", "alm_labels", "security"),
    ("VersionOne", "www7.v1host.com", "alm_context", "Scope:1005"),
)
ANALYSIS_SYSTEMS = (
    ("Whitehat", "server.whitehatsec.com"),
    ("Checkmarx", "checkmarx.example.com"),
    ("Fortify", "ssc.example.com"),
    ("Veracode", "analysiscenter.veracode.com"),
    ("AppScan", "appscan.example.com"),
    ("Burp", "burp.example.com"),
    ("Sonarqube", "sonar.example.com"),
)
FREQUENCIES = ("daily", "weekly", "monthly", "hourly")
ALM_PHASES = ("requirements", "architecture-design", "development", "testing", "deployment")
IMPORT_BEHAVIOURS = ("replace-scanner", "replace", "combine")
ALM_CONNECTION_COUNT = 26
ANALYSIS_CONNECTION_COUNT = 22
ALM_JOB_COUNT = 72
ANALYSIS_JOB_COUNT = 64


def connection_project(connection_id: int) -> int:
    """Spread connections over the projects; connection 12 (the document's) lands in project 1."""
    return 1 + (connection_id * 7) % PROJECT_COUNT


def _slug(text: str) -> str:
    return "_".join(text.lower().replace("-", " ").split())


def alm_connections(seed: int) -> dict[int, dict[str, Any]]:
    rng = random.Random(f"{seed}:alm-connections")
    all_projects = projects()
    result = {}
    for cid in range(1, ALM_CONNECTION_COUNT + 1):
        project = all_projects[connection_project(cid)]
        system, server, extra_key, extra_value = ALM_SYSTEMS[rng.randrange(len(ALM_SYSTEMS)) if cid != 12 else 0]
        alias = f"{project.name} {system}" if cid != 12 else "My Connection"
        phases = [p for p in ALM_PHASES if rng.random() < 0.6] or [ALM_PHASES[2]]
        params: dict[str, Any] = {
            "sde_project": project.name,
            "alm_user": f"{_slug(system)}_user",
            "sde_verification_filter": "none,partial,pass,fail",
            extra_key: extra_value,
            "alm_method": "https",
            "alm_title_format": "$task_id $title",
            "alm_server": server,
            "sde_businessunit": project.business_unit,
            "sde_application": project.application,
            "alm_project": f"{project.application} ({system})",
            "alm_pass": "********",
            "alm_phases": ",".join(phases),
            "sde_statuses_in_scope": rng.choice(("TODO", "TODO,DONE", "TODO,NA")),
            "conflict_policy": rng.choice(("alm", "sde", "alm")),
            "sde_min_priority": rng.randint(1, 10),
        }
        result[cid] = {
            "alias": alias,
            "command": f"run_{_slug(alias)}",
            "frequency": rng.choice(FREQUENCIES),
            "id": cid,
            "params": params,
            "project": project.id,
            "system": system,
        }
    return result


def analysis_connections(seed: int) -> dict[int, dict[str, Any]]:
    rng = random.Random(f"{seed}:analysis-connections")
    all_projects = projects()
    result = {}
    for cid in range(1, ANALYSIS_CONNECTION_COUNT + 1):
        project = all_projects[connection_project(cid)]
        system, server = ANALYSIS_SYSTEMS[rng.randrange(len(ANALYSIS_SYSTEMS)) if cid != 12 else 0]
        alias = f"{project.name} {system}" if cid != 12 else "My Connection"
        mapping = {} if rng.random() < 0.6 else {"Verified": "DONE", "Not Verified": "TODO"}
        result[cid] = {
            "alias": alias,
            "command": f"run_{_slug(alias)}",
            "frequency": rng.choice(FREQUENCIES),
            "id": cid,
            "params": {
                "asset_name": f"{project.application} {rng.choice(('Java', 'Node', 'Python', '.NET'))}",
                "sde_project": project.name,
                "sde_businessunit": project.business_unit,
                "sde_application": project.application,
                "import_behaviour": rng.choice(IMPORT_BEHAVIOURS),
                "analysis_server": server,
                "task_status_mapping": json.dumps(mapping, separators=(",", ":")),
            },
            "project": project.id,
            "system": system,
        }
    return result


def _alm_message(rng: random.Random, connection: dict[str, Any], succeeded: bool) -> str:
    server = connection["params"]["alm_server"]
    if succeeded:
        return rng.choice(("", f"Synchronized {rng.randint(1, 180)} tasks with {connection['system']}"))
    return rng.choice(
        (
            f"Could not connect to {server}: 401 Unauthorized",
            f"Project '{connection['params']['alm_project']}' not found in {connection['system']}",
            f"Connection to {server} timed out after 60 seconds",
        )
    )


def _analysis_message(rng: random.Random, connection: dict[str, Any], succeeded: bool) -> str:
    if succeeded:
        found, updated = rng.randint(0, 400), rng.randint(0, 60)
        return rng.choice(("", f"Imported {found} findings from {connection['system']}; {updated} tasks updated"))
    return rng.choice(
        (
            f"No scan results for asset '{connection['params']['asset_name']}'",
            f"Could not connect to {connection['params']['analysis_server']}: 403 Forbidden",
            "The report could not be parsed: unexpected end of file",
        )
    )


def _jobs(seed: int, kind: str, count: int, connections: dict[int, dict[str, Any]], now: float) -> list[dict[str, Any]]:
    """Jobs with ids 1..count over the ~200 days before today (newest = highest id); a few recent ones running.

    Times are anchored at the start of the clock's current UTC day, so the data depend on the seed and the day
    only (pass a fixed `Clock` for data that never change).
    """
    rng = random.Random(f"{seed}:{kind}-jobs")
    message = _alm_message if kind == "alm" else _analysis_message
    people = [u.id for u in USERS if u.id not in AUTOMATION_USERS]
    today = now - now % DAY
    last_run = today - 200 * DAY
    jobs = []
    for job_id in range(1, count + 1):
        last_run = min(last_run + rng.uniform(0.1, 5.5) * DAY, today - 60)
        connection = connections[rng.randrange(1, len(connections) + 1)] if job_id != 12 else connections[12]
        automatic = rng.random() < 0.65
        running = job_id > count - 8 and rng.random() < 0.4
        succeeded = not running and rng.random() < 0.8
        jobs.append(
            {
                "id": job_id,
                "user": rng.choice(AUTOMATION_USERS) if automatic else rng.choice(people),
                "succeeded": succeeded,
                "automatic": automatic,
                "ready": 0 if running else run_seconds(rng),
                "result_message": "" if running else message(rng, connection, succeeded),
                "last_run": last_run,
                "connection": connection["id"],
            }
        )
    return jobs


def run_seconds(rng: random.Random) -> int:
    """What a finished job's `ready` holds: the document shows an integer (129); the mock uses the run time."""
    return rng.randint(3, 900)


def alm_jobs(seed: int, connections: dict[int, dict[str, Any]], now: float) -> list[dict[str, Any]]:
    return _jobs(seed, "alm", ALM_JOB_COUNT, connections, now)


def analysis_jobs(seed: int, connections: dict[int, dict[str, Any]], now: float) -> list[dict[str, Any]]:
    return _jobs(seed, "analysis", ANALYSIS_JOB_COUNT, connections, now)


def timestamp(epoch: float) -> str:
    """SD Elements' format, e.g. `2015-04-15T20:27:24.396442Z` (UTC, microseconds)."""
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
