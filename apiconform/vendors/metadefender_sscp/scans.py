"""Scans: start/stop/delete, enumerations with the shared scan filters, files and MetaDefender Core results.

A scan started through the API has no stored status: it is derived from the clock (NotStarted, then Running,
then Completed), so tests advance the clock instead of sleeping. Files and Core results are derived from the
scan id, so they need no storage and stay stable.
"""

from __future__ import annotations

import random
from typing import Any

from apiconform.mocks.behaviour import Handler, MockRequest, MockResponse
from apiconform.vendors.metadefender_sscp import seed, seed_activity
from apiconform.vendors.metadefender_sscp.store import (
    Record,
    State,
    any_in,
    base,
    iso,
    matches_text,
    missing,
    ok,
    public,
)

RUNNING_AFTER = 2.0
DONE_AFTER = 10.0
TERMINAL = frozenset({"Completed", "Failed", "Cancelled"})
TIME_FRAMES = {"OneDay": 1, "TwoDays": 2, "ThreeDays": 3}
VERDICTS = ("No Threat Detected",) * 12 + ("Infected", "Suspicious", "Encrypted Archive")
EXTENSIONS = (".js", ".py", ".json", ".dll", ".jar", ".so", ".zip", ".tar.gz", ".md", ".exe")


class Scans:
    def __init__(self, state: State) -> None:
        self.state = state
        self.store = state.store

    def handlers(self) -> dict[str, Handler]:
        return {
            "listScans": self.list_scans,
            "startScan": self.start,
            "deleteScans": self.delete_many,
            "getScan": self.get,
            "stopScan": self.stop,
            "listLatestScans": lambda r: ok(self._latest(r, None)),
            "listLatestScansByService": lambda r: ok(self._latest(r, r.path["serviceId"])),
            "getScanOverview": self.overview,
            "listScansByRepository": self.by_repository,
            "listScanSchedules": lambda r: ok([public(s) for s in self.store.all("schedules")]),
            "listScanFiles": self.files,
            "getScanCoreResult": self.core_result,
            "listArchiveCoreResults": self.archive,
        }

    # -- rendering and filters ------------------------------------------------------------------------------------
    def status(self, scan: Record) -> str:
        if scan["Status"] is not None:
            return str(scan["Status"])
        age = self.state.now() - scan["_at"]
        return "NotStarted" if age < RUNNING_AFTER else "Running" if age < DONE_AFTER else "Completed"

    def render(self, scan: Record) -> Record:
        shown = public(scan)
        shown["Status"] = status = self.status(scan)
        if scan["Status"] is None:
            shown["EndTime"] = iso(scan["_at"] + DONE_AFTER) if status in TERMINAL else None
            shown["FilesScanned"] = scan["_files"] if status == "Completed" else 0
        shown["ScanId"] = scan["Id"]
        return shown

    def matches(self, scan: Record, q: dict[str, Any]) -> bool:
        """The shared scan filters (Type, TimeFrame, Vulnerabilities, ..., ConnectionType)."""
        if not self.state.filtering:
            return True
        found = [s for s, n in scan["Vulnerabilities"].items() if n] or ["None"]
        days = TIME_FRAMES.get(q.get("TimeFrame", ""), 0)
        checks = (
            any_in(q.get("Type"), [scan["ProtocolType"]]),
            not days or scan["_at"] >= self.state.now() - days * seed.DAY,
            any_in(q.get("Vulnerabilities"), found),
            any_in(q.get("LicenseRisks"), scan["LicenseRisks"]),
            any_in(q.get("Status"), [self.status(scan)]),
            any_in(q.get("TriggerEvent"), [scan["TriggerEvent"]]),
            q.get("Workflow") in (None, "", scan["WorkflowId"], scan["WorkflowName"]),
            not q.get("Connection") or str(q["Connection"]).lower() == scan["Connection"].lower(),
            "Secrets" not in q or q["Secrets"] == (scan["Secrets"] > 0),
            "Threats" not in q or q["Threats"] == (scan["Threats"] > 0),
            matches_text(q.get("Search"), scan["RepositoryName"], scan["Reference"], scan["WorkflowName"]),
            q.get("ConnectionType") in (None, scan["ConnectionType"]),
        )
        return all(checks)

    def newest_first(self, scans: list[Record]) -> list[Record]:
        return sorted(scans, key=lambda s: s["_at"], reverse=True)

    # -- enumerations ---------------------------------------------------------------------------------------------
    def list_scans(self, request: MockRequest) -> MockResponse:
        scans = [self.render(s) for s in self.newest_first(self.store.all("scans")) if self.matches(s, request.query)]
        if "order-flipped" in self.state.faults:
            scans.reverse()
        return ok({**base("Success", f"{len(scans)} scan(s)."), "Scans": scans, "TotalCount": len(scans)})

    def _latest(self, request: MockRequest, service_id: str | None) -> list[Record]:
        latest: dict[tuple[str, str], Record] = {}
        for scan in self.newest_first(self.store.all("scans")):
            if service_id is not None and scan["ServiceId"] != service_id:
                continue
            latest.setdefault((scan["ServiceId"], scan["RepositoryId"]), scan)
        return [self.render(s) for s in latest.values() if self.matches(s, request.query)]

    def by_repository(self, request: MockRequest) -> MockResponse:
        service_id, repository_id = request.path["serviceId"], request.path["repositoryId"]
        scans = self.newest_first(self.store.all("scans"))
        return ok([self.render(s) for s in scans if (s["ServiceId"], s["RepositoryId"]) == (service_id, repository_id)])

    def get(self, request: MockRequest) -> MockResponse:
        scan = self.store.get("scans", request.path["id"])
        if scan is None:
            return missing(request, f"Scan {request.path['id']}", base("NotFound"))
        return ok(self.render(scan))

    def overview(self, request: MockRequest) -> MockResponse:
        scan = self.store.get("scans", request.path["id"])
        if scan is None:
            return missing(request, f"Scan {request.path['id']}", base("NotFound", "Scan not found."))
        shown = self.render(scan)
        packages = [p for p in self.store.all("packages") if p["ScanId"] == scan["Id"]]
        keys = (
            "ScanId",
            "Status",
            "StartTime",
            "EndTime",
            "RepositoryName",
            "Reference",
            "StorageName",
            "WorkflowName",
        )
        return ok(
            {
                **base(),
                **{k: shown[k] for k in keys},
                "Vulnerabilities": shown["Vulnerabilities"],
                "TotalVulnerabilities": sum(shown["Vulnerabilities"].values()),
                "LicenseRisks": shown["LicenseRisks"],
                "Secrets": shown["Secrets"],
                "Threats": shown["Threats"],
                "FilesScanned": shown["FilesScanned"],
                "Packages": len(packages),
            }
        )

    # -- writes -----------------------------------------------------------------------------------------------------
    def start(self, request: MockRequest) -> MockResponse:
        body: dict[str, Any] = request.body
        user = self.store.get("users", request.principal.get("user"))
        actor = user["Username"] if user else "system"
        service = self.store.get("services", body.get("StorageId", "")) or next(
            (s for s in self.store.all("services") if body.get("StorageName") and s["Name"] == body["StorageName"]),
            None,
        )
        repos = seed.repositories_of(self.state, service["Id"]) if service else []
        if body.get("RepositoryId") or body.get("RepositoryName"):
            repos = [r for r in repos if body.get("RepositoryId") in (None, r["Id"])]
            repos = [r for r in repos if body.get("RepositoryName") in (None, r["Name"])]
        workflow = self.store.get("workflows", body.get("WorkflowId") or (service or {}).get("ScanWorkflowId", ""))
        if workflow is not None and workflow.get("IsDeleted"):
            workflow = None
        if service is None or not repos or (body.get("WorkflowId") and workflow is None):
            what = "Storage" if service is None else "Repository" if not repos else "Workflow"
            answer = self._started(body, service=service, repo=None, workflow=workflow, scan_ids=[], references=[])
            return ok({**answer, **base("NotFound", f"{what} not found."), "TriggerBy": actor})
        scan_ids: list[str] = []
        used: list[str] = []
        for repo in repos:
            references = [r for r in body.get("RepositoryReferences", []) if r] or repo["References"][:1]
            for reference in references:
                scan = seed_activity.scan_record(
                    self.state,
                    service=service,
                    repo=repo,
                    workflow=workflow,
                    started=self.state.now(),
                    status="NotStarted",
                    counts={},
                    rng=random.Random(0),
                    n=0,
                )
                rng = random.Random(f"{self.state.seed}:{scan['Id']}")
                trigger = "RealTime" if body.get("ScanType") == "RealTime" else "Manual"
                scan.update(Status=None, Reference=reference, TriggerEvent=trigger, TriggerBy=actor, EndTime=None)
                scan.update(_files=rng.randint(4, 60), FilesScanned=0, Secrets=0, Threats=0, LicenseRisks=[])
                scan["Vulnerabilities"] = {s: rng.choice((0, 0, 1, 2)) for s in seed.SEVERITIES}
                self.store.put("scans", scan)
                scan_ids.append(scan["Id"])
                used.append(reference)
        self.state.audit("ScanAdd", "Processes", f"{len(scan_ids)} scan(s) started on {service['Name']}", user=actor)
        repo_one = repos[0] if len(repos) == 1 else None
        answer = self._started(
            body, service=service, repo=repo_one, workflow=workflow, scan_ids=scan_ids, references=used
        )
        return ok({**answer, **base("Success", "Scan started."), "TriggerBy": actor})

    def _started(
        self,
        body: dict[str, Any],
        *,
        service: Record | None,
        repo: Record | None,
        workflow: Record | None,
        scan_ids: list[str],
        references: list[str],
    ) -> Record:
        return {
            "ScanIds": scan_ids,
            "ReferencesUsedForScanning": sorted(set(references)),
            "ProtocolType": service["Type"] if service else body.get("ProtocolType", "GitHubSdk"),
            "RepositoryId": repo["Id"] if repo else "",
            "RepositoryName": repo["Name"] if repo else "",
            "ServiceId": service["Id"] if service else "",
            "StorageName": service["Name"] if service else "",
            "WorkflowId": workflow["Id"] if workflow else "",
            "WorkflowName": workflow["Name"] if workflow else "",
            "TriggerEvent": "RealTime" if body.get("ScanType") == "RealTime" else "Manual",
        }

    def stop(self, request: MockRequest) -> MockResponse:
        scan = self.store.get("scans", request.path["id"])
        if scan is None:
            return ok({"StatusCode": 404, **base("NotFound", "Scan not found.")})
        if self.status(scan) in TERMINAL:
            return ok({"StatusCode": 409, **base("ScanAlreadyFinished", f"Scan is {self.status(scan)}.")})
        scan["Status"] = "Cancelled"
        scan["EndTime"] = self.state.stamp()
        self.state.audit("ProcessCancelled", "Processes", f"scan {scan['Id']} cancelled")
        return ok({"StatusCode": 200, **base("Success", "Scan cancelled.")})

    def delete_many(self, request: MockRequest) -> MockResponse:
        ids = request.body if isinstance(request.body, list) else []
        removed = [i for i in dict.fromkeys(ids) if self.store.delete("scans", i) is not None]
        if removed:
            self.state.audit("ScanDelete", "Processes", f"{len(removed)} scan(s) deleted")
        return ok()

    # -- files and Core results -------------------------------------------------------------------------------------
    def file_count(self, scan: Record) -> int:
        return int(self.render(scan)["FilesScanned"])

    def file(self, scan: Record, index: int) -> Record:
        rng = random.Random(f"{scan['Id']}:{index}")
        ext = rng.choice(EXTENSIONS)
        verdict = rng.choice(VERDICTS)
        name = f"{rng.choice(seed.REPO_WORDS)}-{index:03d}{ext}"
        return {
            "ScanResultId": f"{scan['Id']}-{index}",
            "FileName": name,
            "Path": f"{scan['RepositoryName']}/{rng.choice(('src', 'lib', 'dist', 'vendor'))}/{name}",
            "Size": rng.randint(200, 9_000_000),
            "Sha256": seed.sha256(f"{scan['Id']}:{index}"),
            "Verdict": verdict,
            "IsArchive": ext in (".zip", ".tar.gz", ".jar"),
            "ScanTime": scan["StartTime"],
        }

    def files(self, request: MockRequest) -> MockResponse:
        scan = self.store.get("scans", request.path["scanId"])
        if scan is None:
            return missing(request, f"Scan {request.path['scanId']}", base("NotFound"))
        q = request.query
        files = [self.file(scan, i) for i in range(self.file_count(scan))]
        if self.state.filtering:
            files = [f for f in files if matches_text(q.get("search"), f["FileName"], f["Path"], f["Sha256"])]
            if q.get("includeArchives") is False:
                files = [f for f in files if not f["IsArchive"]]
        page = max(int(q.get("page") or 1), 1)
        size = q.get("pageSize")
        size = 25 if size is None else max(int(size), 0)
        shown = self.state.page(files, (page - 1) * size, size)
        return ok({"Files": shown, "TotalCount": len(files), "Page": page, "PageSize": size})

    def _file_of(self, scan_result_id: str) -> tuple[Record, Record] | None:
        scan_id, _, index = scan_result_id.rpartition("-")
        scan = self.store.get("scans", scan_id)
        if scan is None or not index.isdigit() or int(index) >= self.file_count(scan):
            return None
        return scan, self.file(scan, int(index))

    def core(self, file: Record, data_id: str) -> Record:
        rng = random.Random(data_id)
        infected = file["Verdict"] == "Infected"
        total = rng.randint(8, 20)
        return {
            "data_id": data_id,
            "file_info": {"display_name": file["FileName"], "file_size": file["Size"], "sha256": file["Sha256"]},
            "scan_results": {
                "scan_all_result_a": file["Verdict"],
                "scan_all_result_i": {"No Threat Detected": 0, "Infected": 1, "Suspicious": 2}.get(file["Verdict"], 12),
                "total_avs": total,
                "total_detected_avs": rng.randint(1, total) if infected else 0,
                "start_time": file["ScanTime"],
                "total_time": rng.randint(40, 4000),
            },
            "process_info": {"result": "Blocked" if infected else "Allowed", "profile": "File process"},
        }

    def core_result(self, request: MockRequest) -> MockResponse:
        found = self._file_of(request.path["scanResultId"])
        if found is None:
            return missing(request, "Scan result", base("NotFound", "Scan result not found."))
        return ok(self.core(found[1], request.path["scanResultId"]))

    def archive(self, request: MockRequest) -> MockResponse:
        found = self._file_of(request.path["scanResultId"])
        if found is None or not found[1]["IsArchive"]:
            return ok([])
        outer = found[1]
        count = random.Random(outer["ScanResultId"]).randint(3, 12)
        inner = []
        for n in range(count):
            child = {**outer, "FileName": f"{outer['FileName']}/entry-{n:02d}.bin", "Verdict": VERDICTS[n % 3]}
            child["Sha256"] = seed.sha256(f"{outer['ScanResultId']}/{n}")
            inner.append(self.core(child, f"{outer['ScanResultId']}.{n}"))
        return ok(self.state.page(inner, request.query.get("offset"), request.query.get("count")))
