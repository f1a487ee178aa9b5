"""Repository services (reads beyond CRUD: repositories, references, resources) and real-time protection.

Every service is also a storage with the same id; file storages (S3, SMB, Azure Blob) are storages only.
Real-time protection is kept per storage as {repository id: workflow id}.
"""

from __future__ import annotations

from typing import Any

from apiconform.mocks.behaviour import Handler, MockRequest, MockResponse
from apiconform.vendors.metadefender_sscp import seed
from apiconform.vendors.metadefender_sscp.store import Record, State, base, matches_text, missing, ok, public, result

SERVICE_FIELDS = ("Id", "Name", "CredentialsType", "ScanWorkflowId", "Domain", "Type", "ConnectionType")


class Services:
    def __init__(self, state: State) -> None:
        self.state = state
        self.store = state.store

    def handlers(self) -> dict[str, Handler]:
        return {
            "listServices": self.list_services,
            "getService": self.get,
            "listRepositoryReferences": self.references,
            "getServiceReferences": self.service_references,
            "getServiceResources": self.resources,
            "addServiceReferences": self.add_references,
            "enableRealtimeProtection": self.enable,
            "disableRealtimeProtectionForStorage": lambda r: self.disable(r, None),
            "disableRealtimeProtectionForRepository": lambda r: self.disable(r, r.path["repositoryId"]),
            "listRealtimeStorages": self.realtime_storages,
            "listRealtimeScans": self.realtime_scans,
            "deleteRealtimeStorageData": lambda r: self.delete_realtime_data(r, None),
            "deleteRealtimeRepositoryData": lambda r: self.delete_realtime_data(r, r.path["repositoryId"]),
        }

    # -- services ---------------------------------------------------------------------------------------------------
    def render(self, service: Record, *, content: bool) -> Record:
        shown = {k: service[k] for k in SERVICE_FIELDS}
        if content:
            repos = seed.repositories_of(self.state, service["Id"])
            shown["Repositories"] = [_repository(r) for r in repos]
        return shown

    def list_services(self, request: MockRequest) -> MockResponse:
        services = self.store.all("services")
        wanted = request.query.get("type")
        if wanted and self.state.filtering:
            services = [s for s in services if s["Type"] in wanted]
        content = request.query.get("content") is True
        return ok({"ServiceDtos": [self.render(s, content=content) for s in services], "StatusMessage": ""})

    def get(self, request: MockRequest) -> MockResponse:
        service = self.store.get("services", request.path["serviceId"])
        if service is None:
            return missing(request, f"Service {request.path['serviceId']}", base("NotFound"))
        q = request.query
        shown = self.render(service, content=False)
        if q.get("content") is True:
            repos = seed.repositories_of(self.state, service["Id"])
            if self.state.filtering:
                repos = [r for r in repos if matches_text(q.get("Search"), r["Name"])]
                repos = [r for r in repos if not q.get("FilterValue") or q["FilterValue"] in r["References"]]
            prioritized = q.get("PrioritizedRepositoriesReference")
            if prioritized:
                repos = sorted(repos, key=lambda r: prioritized not in r["References"])
            start, size = _paging(q)
            shown["Repositories"] = [_repository(r) for r in self.state.page(repos, start, size)]
            shown["TotalRepositories"] = len(repos)
        return ok(shown)

    def _repository(self, request: MockRequest) -> Record | None:
        repo = self.store.get("repositories", request.path["repositoryId"])
        return repo if repo is not None and repo["ServiceId"] == request.path["serviceId"] else None

    def references(self, request: MockRequest) -> MockResponse:
        repo = self._repository(request)
        if repo is None:
            return missing(request, "Repository", {"References": [], "TotalReferences": 0})
        q = request.query
        references = list(repo["References"])
        if self.state.filtering and q.get("FilterValue"):
            references = [r for r in references if str(q["FilterValue"]).lower() in r.lower()]
        start, size = _paging(q)
        page = self.state.page(references, start, size)
        body: dict[str, Any] = {"References": page, "TotalReferences": len(references)}
        following = (start or 0) + len(page)
        if following < len(references):
            body["Cursor"] = str(following)
        return ok(body)

    def service_references(self, request: MockRequest) -> MockResponse:
        service = self.store.get("services", request.path["serviceId"])
        if service is None:
            return missing(request, "Service", {"ServiceId": "", "ServiceName": ""})
        return ok({"ServiceId": service["Id"], "ServiceName": service["Name"], "RepositoryIds": service["_references"]})

    def resources(self, request: MockRequest) -> MockResponse:
        service = self.store.get("services", request.path["serviceId"])
        if service is None:
            return missing(request, "Service", {"Resources": []})
        return ok({"Resources": [r["Name"] for r in seed.repositories_of(self.state, service["Id"])]})

    def add_references(self, request: MockRequest) -> MockResponse:
        items: list[dict[str, Any]] = request.body
        if not items:
            return MockResponse(204)
        answers = []
        for item in items:
            service = self.store.get("services", item.get("ServiceId", ""))
            if service is None:
                return missing(request, f"Service {item.get('ServiceId', '')}", [])
            for repo_id in item.get("RepositoryIds", []):
                if repo_id not in service["_references"]:
                    service["_references"].append(repo_id)
            answers.append({"ServiceId": service["Id"], "ServiceName": service["Name"]})
        return ok(answers)

    # -- real-time protection ---------------------------------------------------------------------------------------
    def _realtime(self, storage: Record) -> dict[str, str]:
        enabled: dict[str, str] = storage.setdefault("_realtime", {})
        return enabled

    def enable(self, request: MockRequest) -> MockResponse:
        storage = self.store.get("storages", request.path["storageId"])
        if storage is None:
            return ok(result("NotFound", f"Storage {request.path['storageId']} not found."), status=207)
        enabled = self._realtime(storage)
        repos = {r["Id"]: r for r in seed.repositories_of(self.state, storage["Id"])}
        by_name = {r["Name"]: r for r in repos.values()}
        wanted = request.body.get("Repositories", [])
        added, unknown, already = [], [], []
        for item in wanted:
            repo = repos.get(item.get("RepositoryId", "")) or by_name.get(item.get("RepositoryName", ""))
            if repo is None:
                unknown.append(item.get("RepositoryId") or item.get("RepositoryName") or "")
            elif repo["Id"] in enabled:
                already.append(repo["Id"])
            else:
                enabled[repo["Id"]] = item.get("WorkflowId", "")
                added.append(repo["Id"])
        if wanted and len(already) == len(wanted):
            return MockResponse(409, {"error": "real-time protection is already enabled for every repository given"})
        params = {"Enabled": str(len(added)), "AlreadyEnabled": str(len(already)), "NotFound": str(len(unknown))}
        code = "Success" if not unknown else "NotFound" if not added else "Error"
        if added:
            self.state.audit("Other", "Settings", f"real-time protection enabled for {len(added)} repositories")
        return ok(result(code, f"Real-time protection enabled for {len(added)} repositories.", params), status=207)

    def disable(self, request: MockRequest, repository_id: str | None) -> MockResponse:
        storage = self.store.get("storages", request.path["storageId"])
        if storage is not None:
            enabled = self._realtime(storage)
            for repo_id in [repository_id] if repository_id is not None else list(enabled):
                enabled.pop(repo_id, None)
        return ok()

    def realtime_storages(self, request: MockRequest) -> MockResponse:
        storages = [public(s) for s in self.store.all("storages") if s.get("_realtime")]
        return ok({"Storages": storages})

    def realtime_scans(self, request: MockRequest) -> MockResponse:
        storage = self.store.get("storages", request.path["storageId"])
        if storage is None:
            return ok([])
        repos = {r["Id"]: r for r in seed.repositories_of(self.state, storage["Id"])}
        return ok(
            [
                {"RepositoryId": repo_id, "RepositoryName": repos[repo_id]["Name"], "WorkflowId": workflow_id,
                 "Status": "Running", "StorageId": storage["Id"]}
                for repo_id, workflow_id in self._realtime(storage).items()
            ]
        )  # fmt: skip

    def delete_realtime_data(self, request: MockRequest, repository_id: str | None) -> MockResponse:
        storage_id = request.path["storageId"]
        storage = self.store.get("storages", storage_id)
        if storage is None:
            return ok()
        enabled = self._realtime(storage)
        for scan in self.store.all("scans"):
            if scan["ServiceId"] != storage_id or scan["TriggerEvent"] != "RealTime":
                continue
            if repository_id is not None and scan["RepositoryId"] != repository_id:
                continue
            # Data of repositories still protected is kept unless forceDelete=true.
            if scan["RepositoryId"] in enabled and request.query.get("forceDelete") is not True:
                continue
            self.store.delete("scans", scan["Id"])
        return ok()


def _repository(repo: Record) -> Record:
    return {
        "Id": repo["Id"],
        "Name": repo["Name"],
        "Organization": repo["Organization"],
        "References": repo["References"],
    }


def _paging(q: dict[str, Any]) -> tuple[int | None, int | None]:
    """(start, size) from Page/PageSize (1-based pages; 0 and below mean the first) or a Cursor (an offset)."""
    size = q.get("PageSize")
    cursor = str(q.get("Cursor") or "")
    if cursor.isdigit() and cursor.isascii():
        return int(cursor), size
    page = q.get("Page")
    if page is None:
        return None, size
    return (max(page, 1) - 1) * (25 if size is None else max(size, 0)), size
