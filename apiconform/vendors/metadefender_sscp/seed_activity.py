"""Deterministic seed data, part two: what happened on the installation (scans, schedules, audit trail) and
its settings (Jira, external loggers, SMTP, OCM, license)."""

from __future__ import annotations

import random

from apiconform.vendors import _tokens
from apiconform.vendors.metadefender_sscp.seed import (
    ADMIN,
    COPYLEFT,
    DAY,
    LICENSES,
    SEVERITIES,
    repositories_of,
)
from apiconform.vendors.metadefender_sscp.store import TENANT_ID, Record, State, iso

SCAN_STATUSES = ("Completed",) * 7 + ("Failed", "Cancelled", "Running", "NotStarted")
TRIGGERS = ("Manual", "Scheduled", "Webhook", "RealTime")
AUDIT_TYPES = (
    ("LoggedIn", "Authentication"), ("LoggedOut", "Authentication"), ("ProcessStarted", "Processes"),
    ("ProcessCompleted", "Processes"), ("ProcessFailed", "Processes"), ("FileScanned", "Processes"),
    ("ServiceAdded", "ServiceUnits"), ("ServiceUpdated", "ServiceUnits"), ("UserCreated", "Users"),
    ("UserUpdated", "Users"), ("ScanPoolAdd", "Settings"), ("ScanConfigurationAdd", "Settings"),
    ("Smtp", "Notifications"), ("DataRetention", "Settings"), ("ApiKeyAdd", "Settings"), ("Other", "Other"),
)  # fmt: skip
LEVELS = ("Info",) * 6 + ("Debug", "Warn", "Error")
SCAN_COUNT = 160
AUDIT_COUNT = 240


def populate(state: State, rng: random.Random, now: float, workflows: list[Record]) -> None:
    _scans(state, rng, now, workflows)
    _settings(state, rng, now)


def _scans(state: State, rng: random.Random, now: float, workflows: list[Record]) -> None:
    store = state.store
    services = store.all("services")
    started = now - 60 * DAY
    for n in range(SCAN_COUNT):
        started = min(started + rng.uniform(0.05, 0.7) * DAY, now - 120)
        service = services[n % len(services)]
        repo = rng.choice(repositories_of(state, service["Id"]))
        workflow = rng.choice(workflows)
        status = SCAN_STATUSES[rng.randrange(len(SCAN_STATUSES))] if n < SCAN_COUNT - 3 else "Running"
        counts = {s: (rng.choice((0, 0, 0, 1, 2, 5)) if status == "Completed" else 0) for s in SEVERITIES}
        record = scan_record(
            state,
            service=service,
            repo=repo,
            workflow=workflow,
            started=started,
            status=status,
            counts=counts,
            rng=rng,
            n=n,
        )
        state.store.put("scans", record)
    packages = store.all("packages")
    completed = [s for s in store.all("scans") if s["Status"] == "Completed"]
    for package in packages:
        package["ScanId"] = rng.choice(completed)["Id"]
    for n, workflow in enumerate(workflows[:4]):
        storage = rng.choice(store.all("storages"))
        created = now - (90 - n * 10) * DAY
        recurrence = ("Hourly", "Daily", "Weekly", "Monthly")[n % 4]
        store.put(
            "schedules",
            {
                "Id": store.new_id("schedules"),
                "WorkflowId": workflow["Id"],
                "StorageId": storage["Id"],
                "UserId": store.all("users")[0]["UserId"],
                "Name": f"{recurrence} {workflow['Name'].lower()}",
                "Priority": ("Low", "Medium", "High")[n % 3],
                "CreatedAt": iso(created),
                "LastUpdated": iso(created + DAY),
                "LastScanTime": iso(now - (n + 1) * 3600),
                "NextScanTime": iso(now + (n + 1) * 3600),
                "RecurrenceType": recurrence,
                "StartDate": iso(created),
                "TimeToStart": iso(created + 2 * 3600),
                "EveryNumberOfHours": 6 if recurrence == "Hourly" else 0,
                "EveryNumberOfDays": 1 if recurrence == "Daily" else 0,
                "EveryNumberOfWeeks": 1 if recurrence == "Weekly" else 0,
                "EveryNumberOfMonths": 1 if recurrence == "Monthly" else 0,
                "DaysOfWeek": ["Monday", "Thursday"] if recurrence == "Weekly" else [],
                "DayOfMonth": 1 if recurrence == "Monthly" else 0,
            },
        )


def scan_record(
    state: State,
    *,
    service: Record,
    repo: Record,
    workflow: Record | None,
    started: float,
    status: str,
    counts: dict[str, int],
    rng: random.Random,
    n: int,
) -> Record:
    """A scan as stored; `Status` None means 'derived from the clock' (scans started through the API)."""
    scan_id = state.store.new_id("scans")
    return {
        "Id": scan_id,
        "ServiceId": service["Id"],
        "StorageName": service["Name"],
        "RepositoryId": repo["Id"],
        "RepositoryName": repo["Name"],
        "ProtocolType": service.get("Type") or service["StorageType"]["ProtocolType"],
        "ConnectionType": service.get("ConnectionType", "Unknown"),
        "Connection": service["Name"],
        "Reference": rng.choice(repo["References"]),
        "WorkflowId": workflow["Id"] if workflow else "",
        "WorkflowName": workflow["Name"] if workflow else "",
        "TriggerEvent": TRIGGERS[n % len(TRIGGERS)],
        "TriggerBy": ADMIN if n % 3 else "scheduler",
        "Status": status,
        "StartTime": iso(started),
        "EndTime": iso(started + 420 + n % 300) if status in ("Completed", "Failed", "Cancelled") else None,
        "Vulnerabilities": counts,
        "LicenseRisks": sorted({COPYLEFT[x] for x in rng.sample(LICENSES, 2) if x in COPYLEFT}),
        "Secrets": rng.choice((0, 0, 0, 1, 3)) if status == "Completed" else 0,
        "Threats": rng.choice((0,) * 9 + (1,)) if status == "Completed" else 0,
        "FilesScanned": 0 if status == "NotStarted" else rng.randint(4, 60),
        "_at": started,
    }


def _settings(state: State, rng: random.Random, now: float) -> None:
    store = state.store
    for n, name in enumerate(("Jira Cloud", "Jira DC")):
        at = iso(now - (120 - n) * DAY)
        store.put(
            "jira",
            {
                "Id": store.new_id("jira"),
                "Name": name,
                "ApiKey": _tokens.hex_token(state.seed, f"jira:{n}", 24),
                "BaseAddress": f"https://acme{n}.atlassian.net",
                "ProductAddress": "https://mdssc.example.com",
                "Username": f"jira-bot{n}@example.com",
                "TenantId": TENANT_ID,
                "CreatedAt": at,
                "LastUpdated": at,
            },
        )
    store.put(
        "externalLoggers",
        {
            "Id": store.new_id("externalLoggers"),
            "ConnectionSettings": {"ServerAddress": "syslog.example.com", "Port": 514, "Facility": "LocalUse0",
                                   "Format": "RFC5424"},
        },
    )  # fmt: skip
    moment = now - 60 * DAY
    users = [u["Username"] for u in store.all("users")]
    for _ in range(AUDIT_COUNT):
        moment = min(moment + rng.uniform(0.01, 0.45) * DAY, now - 60)
        log_type, category = rng.choice(AUDIT_TYPES)
        user = rng.choice(users)
        state.audit(log_type, category, f"{log_type} by {user}", user=user, level=rng.choice(LEVELS), at=moment)
    state.singletons["smtp"] = {
        "Id": store.new_id("smtp"), "Host": "smtp.example.com", "Port": 587, "SenderAddress": "mdssc@example.com",
        "SenderName": "MetaDefender SSC", "Domain": "example.com", "BaseUrl": "https://mdssc.example.com",
        "UserName": "mdssc", "Password": "", "SecureSocketOption": "StartTls", "IgnoreCertWarnings": False,
        "IsEnabled": True, "TenantId": TENANT_ID, "CreatedAt": iso(now - 100 * DAY), "LastUpdated": iso(now - 5 * DAY),
    }  # fmt: skip
    state.singletons["ocm"] = {"ServerApi": "", "RegCode": "", "Connected": False}
    state.singletons["license"] = {
        "ProductId": "MDSSC",
        "ProductName": "MetaDefender Software Supply Chain",
        "Expiration": int(now + 365 * DAY) * 1000,
        "DeploymentId": _tokens.hex_token(state.seed, "deployment", 32),
        "ActivationKey": "-".join(
            _tokens.hex_token(state.seed, "activation", 16).upper()[i : i + 4] for i in range(0, 16, 4)
        ),
        "LicenseContent": "",
        "MaxDevelopers": 250,
    }
