"""Generic CRUD: one table maps operationIds to (resource, action, reply shape); one class executes it.

Reply shapes are `+`-joined tokens, because this API wraps the same records in many envelopes:
`entity` (the bare record), `entities` (a bare list), `none` (no body), `base` (ResponseKey/ResponseMessage),
`result` (OperationResult), `params` (ResponseMessageParams), and `Field=entity|entities|id|name` for a named
member (e.g. `base+Project=entity` is ProjectResponse, `result+ScanPoolId=id` is AddScanPoolResponse).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apiconform.mocks.behaviour import Handler, MockRequest, MockResponse
from apiconform.vendors.metadefender_sscp.store import TENANT_ID, Record, State, base, missing, ok, public


@dataclass(frozen=True)
class Resource:
    collection: str
    label: str  # for messages: "Project", "Scan pool", ...
    defaults: Callable[[State], Record]  # a new record's fields before the request body is applied
    writable: tuple[str, ...] | None = None  # body fields copied onto the record (None: every field but Id)
    refs: dict[str, str] = field(default_factory=dict)  # body field -> collection it must name (when non-empty)
    created: tuple[str, ...] = ()  # timestamp fields set on create
    touched: tuple[str, ...] = ()  # timestamp fields set on every write
    soft_delete: bool = False  # delete sets IsDeleted; the record stays listable with includeDeleted=true
    audit: tuple[str, str] | None = None  # (LogType prefix, CategoryType) recorded on writes
    hidden: tuple[str, ...] = ()  # stored but never rendered (credentials)
    on_write: Callable[[State, str, Record], None] | None = None  # (state, "Add"|"Update"|"Delete", record)


@dataclass(frozen=True)
class Action:
    resource: str
    action: str  # list | get | create | update | delete | attach | detach
    reply: str
    id_param: str = "id"
    field: str = ""  # attach/detach: the list field the body's Ids go to


def _stamp_defaults(*names: str) -> Callable[[State], Record]:
    def make(state: State) -> Record:
        return {n: state.stamp() for n in names}

    return make


def _sync_storage(state: State, verb: str, service: Record) -> None:
    """Every service is also a storage with the same id (real-time protection and scans address storages)."""
    if verb == "Delete":
        state.store.delete("storages", str(service["Id"]))
        for repo in state.store.all("repositories"):
            if repo["ServiceId"] == service["Id"]:
                state.store.delete("repositories", repo["Id"])
        return
    storage = state.store.get("storages", service["Id"]) or {
        "Id": service["Id"],
        "StorageType": {"Name": "GitHub", "CategoryType": "Cloud", "ProtocolType": "GitHubSdk", "VendorType": "GitHub"},
        "StorageStatus": {"Message": "Not tested yet", "StatusType": "NotTested"},
    }
    storage["Name"] = service["Name"]
    state.store.put("storages", storage)


RESOURCES: dict[str, Resource] = {
    r.collection: r
    for r in (
        Resource("projects", "Project", lambda s: {"Name": "", "WorkflowIds": [], "StorageIds": []}),
        Resource(
            "labelKeys", "Global label key",
            lambda s: {"Name": "", "Description": "", "ValueType": "String", "Options": [], "TenantId": TENANT_ID},
            created=("Created", "CreatedAt"), touched=("Updated", "LastUpdated"),
        ),
        Resource(
            "externalLoggers", "External logger",
            lambda s: {"ConnectionSettings": {"ServerAddress": "", "Port": 514, "Facility": "LocalUse0",
                                              "Format": "RFC5424"}},
            audit=("ExternalLogger", "Settings"),
        ),
        Resource(
            "scanConfigurations", "Scan configuration",
            lambda s: {"Name": "", "ScanPoolId": "", "Rules": [], "UserAgent": ""},
            refs={"ScanPoolId": "scanPools"}, audit=("ScanConfiguration", "Settings"),
        ),
        Resource(
            "scanInstances", "Scan instance",
            lambda s: {"ScanPoolId": "", "Url": "", "ApiKey": "", "Timeout": {"Ticks": 3_000_000_000},
                       "ScanInstanceType": "MdCore"},
            refs={"ScanPoolId": "scanPools"}, audit=("ScanInstance", "ServiceUnits"),
        ),
        Resource(
            "scanPools", "Scan pool", lambda s: {"Name": "", "ScanPoolType": "MdCore"},
            audit=("ScanPool", "ServiceUnits"),
        ),
        Resource(
            "jira", "Jira configuration",
            lambda s: {"Name": "", "ApiKey": "", "BaseAddress": "", "ProductAddress": "", "Username": "",
                       "TenantId": TENANT_ID},
            created=("CreatedAt",), touched=("LastUpdated",),
        ),
        Resource(
            "workflows", "Workflow",
            lambda s: {"Name": "", "Description": "", "IsDeleted": False,
                       "ScanSource": {"ServiceId": "", "ServiceName": "", "Repositories": []}},
            created=("CreatedAt",), touched=("LastUpdated",), soft_delete=True,
        ),
        Resource(
            "services", "Service",
            lambda s: {"Name": "", "CredentialsType": 0, "ScanWorkflowId": "", "Domain": "", "Type": "GitHubSdk",
                       "ConnectionType": "SourceCode", "_credentials": "", "_references": []},
            writable=("Name", "Credentials"), audit=("Service", "ServiceUnits"), on_write=_sync_storage,
        ),
    )
}  # fmt: skip

TABLE: dict[str, Action] = {
    "listProjects": Action("projects", "list", "entities"),
    "createProject": Action("projects", "create", "base+Project=entity"),
    "getProject": Action("projects", "get", "entity"),
    "updateProject": Action("projects", "update", "base+Project=entity"),
    "deleteProject": Action("projects", "delete", "base+Project=entity"),
    "attachProjectWorkflows": Action("projects", "attach", "base+Project=entity", field="WorkflowIds"),
    "detachProjectWorkflows": Action("projects", "detach", "base+Project=entity", field="WorkflowIds"),
    "attachProjectStorages": Action("projects", "attach", "base+Project=entity", field="StorageIds"),
    "detachProjectStorages": Action("projects", "detach", "base+Project=entity", field="StorageIds"),
    "listGlobalLabelKeys": Action("labelKeys", "list", "base+GlobalKeys=entities"),
    "addGlobalLabelKey": Action("labelKeys", "create", "base+GlobalKey=entity"),
    "updateGlobalLabelKey": Action("labelKeys", "update", "base+GlobalKey=entity"),
    "deleteGlobalLabelKey": Action("labelKeys", "delete", "base"),
    "listExternalLoggers": Action("externalLoggers", "list", "entities"),
    "addExternalLogger": Action("externalLoggers", "create", "entity"),
    "updateExternalLogger": Action("externalLoggers", "update", "entity"),
    "deleteExternalLogger": Action("externalLoggers", "delete", "none"),
    "listScanConfigurations": Action("scanConfigurations", "list", "entities"),
    "getScanConfiguration": Action("scanConfigurations", "get", "entity"),
    "addScanConfiguration": Action("scanConfigurations", "create", "result+Id=id"),
    "updateScanConfiguration": Action("scanConfigurations", "update", "result"),
    "deleteScanConfiguration": Action("scanConfigurations", "delete", "result"),
    "addScanInstance": Action("scanInstances", "create", "result+ScanInstanceId=id"),
    "getScanInstance": Action("scanInstances", "get", "entity"),
    "updateScanInstance": Action("scanInstances", "update", "result"),
    "deleteScanInstance": Action("scanInstances", "delete", "result"),
    "listScanPools": Action("scanPools", "list", "entities"),
    "addScanPool": Action("scanPools", "create", "result+ScanPoolId=id"),
    "getScanPool": Action("scanPools", "get", "entity"),
    "updateScanPool": Action("scanPools", "update", "result"),
    "deleteScanPool": Action("scanPools", "delete", "result"),
    "listJiraConfigurations": Action("jira", "list", "base+JiraEntries=entities"),
    "addJiraConfiguration": Action("jira", "create", "base"),
    "getJiraConfiguration": Action("jira", "get", "base+Jira=entity"),
    "updateJiraConfiguration": Action("jira", "update", "base"),
    "deleteJiraConfiguration": Action("jira", "delete", "base+JiraId=id"),
    "listWorkflows": Action("workflows", "list", "entities"),
    "createWorkflow": Action("workflows", "create", "result+params"),
    "getWorkflow": Action("workflows", "get", "entity"),
    "updateWorkflow": Action("workflows", "update", "result+params"),
    "deleteWorkflow": Action("workflows", "delete", "result+params"),
    "addService": Action("services", "create", "result+params+Id=id+Name=name"),
    "updateService": Action("services", "update", "base+params+Id=id+Name=name", id_param="serviceId"),
    "deleteService": Action("services", "delete", "result+params", id_param="serviceId"),
}


class Crud:
    """Executes TABLE against the store."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.store = state.store

    def handlers(self) -> dict[str, Handler]:
        return {op_id: self._bind(action) for op_id, action in TABLE.items()}

    def _bind(self, action: Action) -> Handler:
        run = getattr(self, f"_{action.action}")
        resource = RESOURCES[action.resource]
        return lambda request: run(resource, action, request)

    # -- rendering ----------------------------------------------------------------------------------------------
    def render(self, resource: Resource, record: Record) -> Record:
        return {k: v for k, v in public(record).items() if k not in resource.hidden}

    def reply(self, resource: Resource, action: Action, record: Record | None, outcome: str = "Success") -> Any:
        """The body `action.reply` describes; `record` None (with outcome NotFound) for in-band failures."""
        if action.reply == "none":
            return None if outcome == "Success" else base(outcome, f"{resource.label} not found.")
        if action.reply == "entity":
            return self.render(resource, record) if record is not None else base(outcome)
        if action.reply == "entities":
            return [self.render(resource, r) for r in self._visible(resource, action, None)]
        message = f"{resource.label} {'not found' if record is None else _past(action.action)}."
        record_id = str(record["Id"]) if record is not None else ""
        body: dict[str, Any] = {}
        for token in action.reply.split("+"):
            name, _, kind = token.partition("=")
            if name == "base":
                body.update(base(outcome, message))
            elif name == "result":
                body.update({"Result": outcome, **base(outcome, message), "ResponseMessageParams": {}})
            elif name == "params":
                body["ResponseMessageParams"] = {f"{resource.collection[:-1].title()}Id": record_id} if record else {}
            elif kind == "entity":
                shown = record if record is not None else {**resource.defaults(self.state), "Id": ""}
                body[name] = self.render(resource, {**_timestamps(self.state, resource, {}), **shown})
            elif kind == "entities":
                body[name] = [self.render(resource, r) for r in self._visible(resource, action, None)]
            elif kind == "id":
                body[name] = record_id
            elif kind == "name":
                body[name] = str(record.get("Name", "")) if record is not None else ""
        return body

    # -- actions ------------------------------------------------------------------------------------------------
    def _visible(self, resource: Resource, action: Action, request: MockRequest | None) -> list[Record]:
        records = self.store.all(resource.collection)
        include_deleted = request is not None and request.query.get("includeDeleted") is True
        if resource.soft_delete and not (include_deleted and self.state.filtering):
            records = [r for r in records if not r.get("IsDeleted")]
        return records

    def _find(self, resource: Resource, action: Action, request: MockRequest) -> Record | None:
        record = self.store.get(resource.collection, request.path[action.id_param])
        if record is None or (resource.soft_delete and record.get("IsDeleted")):
            return None
        return record

    def _absent(self, resource: Resource, action: Action, request: MockRequest, what: str = "") -> MockResponse:
        label = what or f"{resource.label} {request.path.get(action.id_param, '')}".strip()
        return missing(request, label, self.reply(resource, action, None, "NotFound"))

    def _list(self, resource: Resource, action: Action, request: MockRequest) -> MockResponse:
        records = self._visible(resource, action, request)
        if action.reply == "entities":
            return ok([self.render(resource, r) for r in records])
        name = action.reply.split("+")[-1].partition("=")[0]
        return ok({**base(), name: [self.render(resource, r) for r in records]})

    def _get(self, resource: Resource, action: Action, request: MockRequest) -> MockResponse:
        record = self._find(resource, action, request)
        if record is None:
            return self._absent(resource, action, request)
        return ok(self.reply(resource, action, record))

    def _apply(self, resource: Resource, record: Record, body: dict[str, Any]) -> None:
        protected = {"Id", "IsDeleted", *resource.created, *resource.touched}
        for key, value in body.items():
            if (
                key in protected
                or key.startswith("_")
                or (resource.writable is not None and key not in resource.writable)
            ):
                continue
            if key == "Credentials":
                if body.get("HasNewCredentials") is not False:
                    record["_credentials"] = value
            elif isinstance(value, dict) and isinstance(record.get(key), dict):
                record[key] = {**record[key], **copy.deepcopy(value)}
            else:
                record[key] = copy.deepcopy(value)
        record.update(_timestamps(self.state, resource, record, touched_only=True))

    def _broken_ref(self, resource: Resource, body: Any) -> str | None:
        for key, collection in resource.refs.items():
            value = body.get(key) if isinstance(body, dict) else None
            if value and self.store.get(collection, value) is None:
                return f"{key} {value}"
        return None

    def _create(self, resource: Resource, action: Action, request: MockRequest) -> MockResponse:
        body = request.body if isinstance(request.body, dict) else {}
        broken = self._broken_ref(resource, body)
        if broken:
            return self._absent(resource, action, request, broken)
        record = {"Id": self.store.new_id(resource.collection), **resource.defaults(self.state)}
        record.update(_timestamps(self.state, resource, {}))
        self._apply(resource, record, body)
        if "writes-lost" not in self.state.faults:
            self.store.put(resource.collection, record)
        self._audit(resource, "Add", record)
        return ok(self.reply(resource, action, record))

    def _update(self, resource: Resource, action: Action, request: MockRequest) -> MockResponse:
        record = self._find(resource, action, request)
        if record is None:
            return self._absent(resource, action, request)
        body = request.body if isinstance(request.body, dict) else {}
        broken = self._broken_ref(resource, body)
        if broken:
            return self._absent(resource, action, request, broken)
        self._apply(resource, record, body)
        self._audit(resource, "Update", record)
        return ok(self.reply(resource, action, record))

    def _delete(self, resource: Resource, action: Action, request: MockRequest) -> MockResponse:
        record = self._find(resource, action, request)
        if record is None:
            return self._absent(resource, action, request)
        if resource.soft_delete:
            record["IsDeleted"] = True
            record.update(_timestamps(self.state, resource, record, touched_only=True))
        else:
            self.store.delete(resource.collection, str(record["Id"]))
        self._audit(resource, "Delete", record)
        return ok(self.reply(resource, action, record))

    def _attach(self, resource: Resource, action: Action, request: MockRequest) -> MockResponse:
        return self._link(resource, action, request, attach=True)

    def _detach(self, resource: Resource, action: Action, request: MockRequest) -> MockResponse:
        return self._link(resource, action, request, attach=False)

    def _link(self, resource: Resource, action: Action, request: MockRequest, *, attach: bool) -> MockResponse:
        record = self._find(resource, action, request)
        if record is None:
            return self._absent(resource, action, request)
        ids = [str(i) for i in (request.body or {}).get("Ids", [])]
        current: list[str] = record[action.field]
        if attach:
            current.extend(i for i in dict.fromkeys(ids) if i not in current)
        else:
            record[action.field] = [i for i in current if i not in set(ids)]
        return ok(self.reply(resource, action, record))

    def _audit(self, resource: Resource, verb: str, record: Record) -> None:
        if resource.on_write is not None:
            resource.on_write(self.state, verb, record)
        if resource.audit is not None:
            prefix, category = resource.audit
            log_type = f"{prefix}{verb}" if prefix != "Service" else f"Service{_past(verb.lower()).title()}"
            self.state.audit(log_type, category, f"{resource.label} {record['Id']} {_past(verb.lower())}")


def _past(verb: str) -> str:
    return {"add": "added", "create": "created", "update": "updated", "delete": "removed"}.get(verb, f"{verb}ed")


def _timestamps(state: State, resource: Resource, record: Record, *, touched_only: bool = False) -> Record:
    now = state.stamp()
    stamps = {n: now for n in resource.touched}
    if not touched_only:
        stamps.update({n: now for n in resource.created})
    return stamps
