"""Administration: audit trail, SMTP, OCM, licenses, version, startup, webhooks, and the reads that join
collections (scan pool rules, configurations by pool, Jira projects, workflows by repository)."""

from __future__ import annotations

import random
import re
from typing import Any

from apiconform.mocks.behaviour import Handler, MockRequest, MockResponse
from apiconform.vendors.metadefender_sscp.store import Record, State, base, matches_text, missing, ok, public, result

VERSION = "3.6.1"
LAST_SUPPORTED_CONFIG_VERSION = "3.0.0"
LICENSE_KEY = re.compile(r"[0-9A-Fa-f]{4}(-[0-9A-Fa-f]{4}){3,7}")
SMTP_RENAMES = {"Username": "UserName"}  # MDS-59: the update body says Username, the answer UserName
JIRA_PROJECTS = ("Security", "Platform", "Web", "Mobile", "Infrastructure", "Compliance")


def scan_source_repositories(workflow: Record) -> list[dict[str, Any]]:
    """The repositories of a workflow's scan source (open bodies can store anything there: be defensive)."""
    source = workflow.get("ScanSource")
    repos = source.get("Repositories") if isinstance(source, dict) else None
    return [r for r in repos if isinstance(r, dict)] if isinstance(repos, list) else []


class Admin:
    def __init__(self, state: State, webhook_secret: str) -> None:
        self.state = state
        self.store = state.store
        self.webhook_secret = webhook_secret

    def handlers(self) -> dict[str, Handler]:
        return {
            "listAuditEvents": self.audit,
            "getSmtpConfiguration": lambda r: ok({**base(), "Smtp": self._smtp()}),
            "updateSmtpConfiguration": self.update_smtp,
            "getOcm": lambda r: ok(self._ocm()),
            "updateOcm": self.update_ocm,
            "deleteOcm": self.delete_ocm,
            "getLicenses": self.license,
            "removeLicenses": self.remove_license,
            "activateOnlineLicense": self.activate_license,
            "getVersion": lambda r: ok(
                {**base(), "Version": VERSION, "LastSupportedConfigVersion": LAST_SUPPORTED_CONFIG_VERSION}
            ),
            "getStartupStatus": lambda r: ok(),
            "handleHmacScanEvent": self.webhook,
            "handleScanEvent": self.webhook,
            "listScanPoolRules": self.pool_rules,
            "listScanConfigurationsByScanPool": self.configurations_by_pool,
            "listJiraProjects": self.jira_projects,
            "listWorkflowsByRepository": self.workflows_by_repository,
            "updateWorkflowScanSource": self.update_scan_source,
        }

    # -- audit ----------------------------------------------------------------------------------------------------
    def audit(self, request: MockRequest) -> MockResponse:
        q = request.query
        events = sorted(self.store.all("audit"), key=lambda e: e["_at"], reverse=True)  # newest first
        if self.state.filtering:
            for param in ("LogType", "CategoryType", "LogLevel"):
                if q.get(param):
                    events = [e for e in events if e[param] == q[param]]
            events = [e for e in events if matches_text(q.get("SearchText"), e["Message"], e["UserName"])]
        start = int(q["Start"]) if q.get("Start") else None
        count = int(q["Count"]) if q.get("Count") else None
        page = [public(e) for e in self.state.page(events, start, count)]
        return ok({**base(), "AuditEvents": page, "TotalCount": len(events)})

    # -- singletons -------------------------------------------------------------------------------------------------
    def _smtp(self) -> Record:
        smtp = dict(self.state.singletons["smtp"] or {})
        smtp["Password"] = "********" if smtp.get("Password") else ""
        return smtp

    def update_smtp(self, request: MockRequest) -> MockResponse:
        smtp = self.state.singletons["smtp"]
        assert smtp is not None
        for key, value in request.body.items():
            smtp[SMTP_RENAMES.get(key, key)] = value
        smtp["LastUpdated"] = self.state.stamp()
        self.state.audit("Smtp", "Notifications", "SMTP configuration updated")
        return ok(base("Success", "SMTP configuration updated."))

    def _ocm(self) -> Record:
        ocm = self.state.singletons["ocm"] or {}
        return {"ServerApi": ocm.get("ServerApi", ""), "Connected": bool(ocm.get("Connected"))}

    def update_ocm(self, request: MockRequest) -> MockResponse:
        ocm = {"ServerApi": request.body.get("ServerApi", ""), "RegCode": request.body.get("RegCode", "")}
        ocm["Connected"] = bool(ocm["ServerApi"] and ocm["RegCode"])
        self.state.singletons["ocm"] = ocm
        return ok(base("Success", "OCM connection updated."))

    def delete_ocm(self, request: MockRequest) -> MockResponse:
        self.state.singletons["ocm"] = {"ServerApi": "", "RegCode": "", "Connected": False}
        return ok(base("Success", "OCM connection removed."))

    def license(self, request: MockRequest) -> MockResponse:
        installed = self.state.singletons.get("license")
        if installed is None:
            return missing(request, "License", {"Result": "NotFound", "License": {}, "ResponseMessage": "No license."})
        return ok({"Result": "Success", "License": dict(installed), "ResponseMessage": "License is active."})

    def remove_license(self, request: MockRequest) -> MockResponse:
        if self.state.singletons.get("license") is None:
            return missing(request, "License", {"Result": "NotFound", "ResponseMessage": "No license is installed."})
        self.state.singletons["license"] = None
        self.state.audit("LicenseDeactivated", "Settings", "license deactivated")
        return ok({"Result": "Success", "ResponseMessage": "License deactivated."})

    def activate_license(self, request: MockRequest) -> MockResponse:
        key = str(request.body["Key"]).strip()
        if not LICENSE_KEY.fullmatch(key):
            return ok({"Result": "FailedToActivate", "ResponseMessage": "The activation key is not valid."})
        now = self.state.now()
        self.state.singletons["license"] = {
            "ProductId": "MDSSC",
            "ProductName": "MetaDefender Software Supply Chain",
            "Expiration": int(now + 365 * 86400) * 1000,
            "DeploymentId": key.replace("-", "").lower().ljust(32, "0")[:32],
            "ActivationKey": key.upper(),
            "LicenseContent": "",
            "MaxDevelopers": 250,
        }
        self.state.audit("OnlineLicenseActivated", "Settings", "license activated online")
        return ok({"Result": "Success", "ResponseMessage": "License activated."})

    # -- webhooks ---------------------------------------------------------------------------------------------------
    def webhook(self, request: MockRequest) -> MockResponse:
        route = request.path["routeParameter"]
        kind = "signed" if request.principal.get("scheme") == "HmacAuth" else "authenticated"
        self.store.put(
            "webhookEvents",
            {
                "Id": self.store.new_id("webhookEvents"),
                "Route": route,
                "Payload": request.body,
                "At": self.state.stamp(),
            },
        )
        self.state.audit("Other", "Processes", f"{kind} webhook event received on route {route!r}", user="webhook")
        return ok()

    # -- joins ------------------------------------------------------------------------------------------------------
    def _configurations(self, pool_id: str) -> list[Record]:
        return [c for c in self.store.all("scanConfigurations") if c.get("ScanPoolId") == pool_id]

    def pool_rules(self, request: MockRequest) -> MockResponse:
        configurations = self._configurations(request.path["id"])
        return ok(
            [{"name": c["Name"], "user_agents": [c["UserAgent"]] if c["UserAgent"] else []} for c in configurations]
        )

    def configurations_by_pool(self, request: MockRequest) -> MockResponse:
        return ok([public(c) for c in self._configurations(request.path["id"])])

    def jira_projects(self, request: MockRequest) -> MockResponse:
        jira = self.store.get("jira", request.path["id"])
        if jira is None:
            return missing(request, "Jira configuration", {**base("NotFound"), "Projects": []})
        rng = random.Random(f"jira:{jira['Id']}")
        names = rng.sample(JIRA_PROJECTS, 4)
        projects = [{"Id": str(10000 + n), "Key": name[:4].upper(), "Name": name} for n, name in enumerate(names)]
        return ok({**base(), "Projects": projects})

    def workflows_by_repository(self, request: MockRequest) -> MockResponse:
        repository_id = request.path["repositoryId"]
        workflows = [
            public(w)
            for w in self.store.all("workflows")
            if not w.get("IsDeleted")
            and any(r.get("RepositoryId") == repository_id for r in scan_source_repositories(w))
        ]
        return ok(workflows)

    def update_scan_source(self, request: MockRequest) -> MockResponse:
        workflow = self.store.get("workflows", request.path["id"])
        if workflow is None or workflow.get("IsDeleted"):
            return missing(request, "Workflow", result("NotFound", "Workflow not found."))
        body: dict[str, Any] = request.body
        service = self.store.get("services", body.get("ServiceId", ""))
        workflow["ScanSource"] = {
            "ServiceId": body.get("ServiceId", ""),
            "ServiceName": body.get("ServiceName") or (service["Name"] if service else ""),
            "Repositories": [dict(r) for r in body.get("Repositories", [])],
        }
        workflow["LastUpdated"] = self.state.stamp()
        return ok(result("Success", "Scan source updated.", {"WorkflowId": workflow["Id"]}))
