"""The MetaDefender Software Supply Chain mock through its ASGI app: JWT/ApiKey/HMAC auth, CRUD round-trips,
paging and its faults, routing, exports, errors, and 1 000 concurrent creates. In-process: no network, no ports."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import apiconform.mocks
from apiconform.errors import UsageError
from apiconform.mocks import Clock
from apiconform.mocks.behaviour import Behaviour
from apiconform.observed import view_for
from apiconform.redact import Redactor
from apiconform.runner.profiles import get_profile
from apiconform.runner.scenarios.base import ScenarioContext, Verdict
from apiconform.surfaces import get_surface
from apiconform.validation import SchemaValidator
from apiconform.vendors.metadefender_sscp import semantics

START = 1_750_000_000.0
API = "/api/v1"


class Client:
    """A synchronous view of one mock app (each call runs its own event loop)."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.app = apiconform.mocks.app(behaviour)
        self.creds = behaviour.credentials()
        self.auth = behaviour.auth_headers()
        self.validator = SchemaValidator(behaviour.spec.document)

    def request(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        headers = {**(self.auth if auth else {}), **kwargs.pop("headers", {})}

        async def send() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://mds.test") as c:
                return await c.request(method, API + path, headers=headers, **kwargs)

        return asyncio.run(send())

    def ok(self, method: str, path: str, operation_id: str, **kwargs: Any) -> Any:
        """A request that must succeed and conform to the documented response schema; its JSON body."""
        response = self.request(method, path, **kwargs)
        assert response.status_code < 300, response.text
        self.conforms(operation_id, response)
        return response.json() if response.content else None

    def conforms(self, operation_id: str, response: httpx.Response) -> None:
        op = self.behaviour.spec.operation(operation_id)
        assert str(response.status_code) in op.responses, (operation_id, response.status_code)
        media = response.headers.get("content-type", "").split(";")[0]
        content = op.responses[str(response.status_code)].get("content")
        if not content:
            return
        assert media in content, (operation_id, media)
        schema = content[media].get("schema")
        if schema is not None and media.endswith("json"):
            assert not self.validator.errors(response.json(), schema), (operation_id, response.text[:500])


def make(*faults: str, seed: int = 0) -> Client:
    return Client(apiconform.mocks.behaviour("metadefender-sscp", faults=faults, clock=Clock(START), seed=seed))


@pytest.fixture
def client() -> Client:
    return make()


def login(client: Client) -> str:
    body = {"Username": client.creds["username"], "Password": client.creds["password"]}
    token: str = client.ok("POST", "/user/login", "loginUser", json=body, auth=False)["JwtToken"]["Token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def me(client: Client, headers: dict[str, str]) -> httpx.Response:
    return client.request("GET", "/user", auth=False, headers=headers)


# -- authentication ------------------------------------------------------------------------------------------------


def test_credentials_are_well_formed(client: Client) -> None:
    creds = client.creds
    assert set(creds) >= {"username", "password", "api_key", "webhook_secret", "token"}
    assert len(creds["api_key"]) >= 32 and int(creds["api_key"], 16) >= 0
    assert client.auth == {"Authorization": f"Bearer {creds['token']}"}
    assert me(client, client.auth).status_code == 200


def test_login_issues_a_jwt_that_authenticates(client: Client) -> None:
    token = login(client)
    assert token.count(".") == 2
    user = me(client, bearer(token)).json()["UserDto"]
    assert user["Username"] == client.creds["username"]


def test_wrong_password_and_missing_credentials_are_rejected(client: Client) -> None:
    bad = client.request("POST", "/user/login", auth=False, json={"Username": "admin", "Password": "nope"})
    assert bad.status_code == 401  # wrong credentials: 401, documented since quirk MDS-67
    assert me(client, {}).status_code == 401


def test_jwt_expires_after_60_minutes(client: Client) -> None:
    token = login(client)
    client.behaviour.clock.advance(59 * 60)
    assert me(client, bearer(token)).status_code == 200
    client.behaviour.clock.advance(61)
    expired = me(client, bearer(token))
    assert expired.status_code == 401
    assert "WWW-Authenticate" in expired.headers
    assert me(client, client.auth).status_code == 401  # the provisioned token is 60 minutes old too


def test_forged_tokens_are_rejected(client: Client) -> None:
    header, payload, signature = login(client).split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert me(client, bearer(f"{header}.{payload}.{flipped}")).status_code == 401
    other = make(seed=7)  # same claims shape, another signing key
    assert me(client, bearer(login(other))).status_code == 401
    assert me(client, bearer("not-a-jwt")).status_code == 401


def test_refresh_issues_a_new_token(client: Client) -> None:
    token = login(client)
    body = client.ok("PUT", "/user/token", "refreshAccessToken", json={"AccessToken": token}, headers=bearer(token))
    fresh = body["JwtToken"]["Token"]
    assert fresh != token
    client.behaviour.clock.advance(30 * 60)
    assert me(client, bearer(fresh)).status_code == 200


def test_an_expired_token_can_be_refreshed_with_the_api_key(client: Client) -> None:
    token = login(client)
    client.behaviour.clock.advance(2 * 3600)
    key = {"ApiKey": client.creds["api_key"]}
    body = client.ok("PUT", "/user/token", "refreshAccessToken", json={"AccessToken": token}, auth=False, headers=key)
    assert me(client, bearer(body["JwtToken"]["Token"])).status_code == 200
    forged = client.request("PUT", "/user/token", auth=False, headers=key, json={"AccessToken": "x.y.z"})
    assert forged.status_code == 401


def test_api_key_authenticates(client: Client) -> None:
    assert me(client, {"ApiKey": client.creds["api_key"]}).status_code == 200
    assert me(client, {"ApiKey": client.creds["api_key"][:-1] + "0"}).status_code == 401


def test_removing_a_users_tokens_spares_the_calling_token(client: Client) -> None:
    session = login(client)
    admin_id = me(client, client.auth).json()["UserDto"]["UserId"]
    client.ok("DELETE", f"/user/login/{admin_id}", "removeUserTokens")
    assert me(client, bearer(session)).status_code == 401
    assert me(client, client.auth).status_code == 200


@pytest.mark.parametrize("prefix", ["sha256=", ""])
def test_hmac_webhook_accepts_a_correct_signature(client: Client, prefix: str) -> None:
    raw = json.dumps({"ref": "refs/heads/main", "repository": {"full_name": "acme/payments"}}).encode()
    digest = hmac.new(client.creds["webhook_secret"].encode(), raw, hashlib.sha256).hexdigest()
    headers = {"X-Hub-Signature": prefix + digest, "Content-Type": "application/json"}
    response = client.request("POST", "/webhook/hmac/github", auth=False, headers=headers, content=raw)
    assert response.status_code == 200


def test_hmac_webhook_rejects_a_wrong_or_missing_signature(client: Client) -> None:
    raw = b'{"ref": "refs/heads/main"}'
    digest = hmac.new(client.creds["webhook_secret"].encode(), raw + b" ", hashlib.sha256).hexdigest()
    for headers in ({"X-Hub-Signature": f"sha256={digest}"}, {}):
        headers["Content-Type"] = "application/json"
        assert client.request("POST", "/webhook/hmac/github", headers=headers, content=raw).status_code == 401


# -- CRUD ----------------------------------------------------------------------------------------------------------


def test_project_round_trip_with_attach_and_detach(client: Client) -> None:
    created = client.ok("POST", "/projects", "createProject", json={"Name": "Mobile", "WorkflowIds": ["w1"]})["Project"]
    path = f"/projects/{created['Id']}"
    assert client.ok("GET", path, "getProject") == created
    client.ok("PUT", path, "updateProject", json={"Name": "Mobile apps"})
    assert client.ok("GET", path, "getProject")["Name"] == "Mobile apps"
    client.ok("POST", f"{path}/workflows/attach", "attachProjectWorkflows", json={"Ids": ["w2", "w1"]})
    client.ok("POST", f"{path}/storages/attach", "attachProjectStorages", json={"Ids": ["s1"]})
    client.ok("POST", f"{path}/workflows/detach", "detachProjectWorkflows", json={"Ids": ["w1"]})
    project = client.ok("GET", path, "getProject")
    assert (project["WorkflowIds"], project["StorageIds"]) == (["w2"], ["s1"])
    assert created["Id"] in [p["Id"] for p in client.ok("GET", "/projects", "listProjects")]
    client.ok("DELETE", path, "deleteProject")
    assert client.request("GET", path).status_code == 404
    assert client.request("DELETE", path).status_code == 404


def test_scan_pool_and_instance_round_trip(client: Client) -> None:
    added = client.ok("POST", "/scan-pools", "addScanPool", json={"Name": "Edge", "ScanPoolType": "MdCore"})
    pool = f"/scan-pools/{added['ScanPoolId']}"
    assert client.ok("GET", pool, "getScanPool") == {
        "Id": added["ScanPoolId"],
        "Name": "Edge",
        "ScanPoolType": "MdCore",
    }
    client.ok("PUT", pool, "updateScanPool", json={"Name": "Edge EU"})
    assert client.ok("GET", pool, "getScanPool")["Name"] == "Edge EU"
    body = {"ScanPoolId": added["ScanPoolId"], "Url": "https://core:8008", "Timeout": {"Ticks": 10}}
    instance = client.ok("POST", "/scan-instances", "addScanInstance", json=body)["ScanInstanceId"]
    assert client.ok("GET", f"/scan-instances/{instance}", "getScanInstance")["Url"] == "https://core:8008"
    orphan = client.request("POST", "/scan-instances", json={"ScanPoolId": "no-such-pool"})
    assert orphan.status_code == 404
    client.ok("DELETE", pool, "deleteScanPool")
    assert client.request("GET", pool).status_code == 404


def test_global_label_keys_and_package_labels(client: Client) -> None:
    key = client.ok("POST", "/global-label-keys", "addGlobalLabelKey", json={"Name": "tier", "Options": ["a", "b"]})
    key_id = key["GlobalKey"]["Id"]
    client.ok("PUT", f"/global-label-keys/{key_id}", "updateGlobalLabelKey", json={"Description": "Support tier"})
    keys = client.ok("GET", "/global-label-keys", "listGlobalLabelKeys")["GlobalKeys"]
    assert next(k for k in keys if k["Id"] == key_id)["Description"] == "Support tier"
    package = client.ok("GET", "/packages", "listPackages", params={"Ecosystem": "npm"})[0]["Id"]
    labels = f"/packages/{package}/labels"
    assert client.ok("POST", labels, "addPackageLabel", json={"Key": "tier", "Value": "c"})["ResponseKey"] != "Success"
    assert client.ok("POST", labels, "addPackageLabel", json={"Key": "tier", "Value": "a"})["Label"]["Value"] == "a"
    client.ok("PUT", f"{labels}/tier", "updatePackageLabel", json={"value": "b"})
    assert {"Key": "tier", "Value": "b"}.items() <= client.ok("GET", labels, "listPackageLabels")["Labels"][-1].items()
    found = client.ok("GET", "/packages/search/labels", "searchPackagesByLabel", params={"key": "tier", "value": "b"})
    assert [p["Id"] for p in found] == [package]
    client.ok("DELETE", f"{labels}/tier", "deletePackageLabel")
    client.ok("DELETE", f"/global-label-keys/{key_id}", "deleteGlobalLabelKey")
    assert key_id not in [k["Id"] for k in client.ok("GET", "/global-label-keys", "listGlobalLabelKeys")["GlobalKeys"]]


def test_unknown_ids_get_404_where_documented_and_an_in_band_answer_elsewhere(client: Client) -> None:
    assert client.request("GET", "/jira/nope").status_code == 404
    workflow = client.ok("GET", "/workflows/nope", "getWorkflow")
    assert workflow["ResponseKey"] == "NotFound"
    assert client.request("DELETE", "/scan-pools/nope").status_code == 404
    assert client.ok("DELETE", "/users/nope", "deleteUser")["ResponseKey"] == "NotFound"
    assert client.ok("PUT", "/global-label-keys/nope", "updateGlobalLabelKey", json={})["ResponseKey"] == "NotFound"


# -- paging and faults ----------------------------------------------------------------------------------------------


def user_page(client: Client, start: int, count: int) -> list[str]:
    body = client.ok("GET", "/users", "listUsers", params={"StartIndex": start, "Count": count})
    return [u["UserId"] for u in body["EnumerateUsersDto"]["Entries"]]


def test_user_pages_are_disjoint_and_bounded(client: Client) -> None:
    pages = [user_page(client, start, 4) for start in (0, 4, 8)]
    assert all(len(p) == 4 for p in pages)
    flat = [u for p in pages for u in p]
    assert len(set(flat)) == len(flat)


def test_audit_pages_are_disjoint_newest_first(client: Client) -> None:
    def page(start: int) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = client.ok(
            "GET", "/audit", "listAuditEvents", params={"Start": str(start), "Count": "10"}
        )["AuditEvents"]
        return events

    first, second = page(0), page(10)
    assert len(first) == len(second) == 10
    assert not {e["Id"] for e in first} & {e["Id"] for e in second}
    stamps = [e["Timestamp"] for e in first + second]
    assert stamps == sorted(stamps, reverse=True)


def test_offset_ignored_fault_returns_the_first_page_again() -> None:
    faulty = make("offset-ignored")
    assert user_page(faulty, 4, 4) == user_page(faulty, 0, 4)


def test_page_larger_than_limit_fault() -> None:
    assert len(user_page(make("page-larger-than-limit"), 0, 4)) == 5


def test_order_flipped_does_not_apply_where_no_order_is_documented() -> None:
    with pytest.raises(UsageError, match="does not apply to metadefender-sscp"):
        make("order-flipped")


def test_filter_ignored_fault() -> None:
    params = {"LogLevel": "Error", "Count": "200"}
    plain = make().ok("GET", "/audit", "listAuditEvents", params=params)["AuditEvents"]
    assert plain and all(e["LogLevel"] == "Error" for e in plain)
    ignored = make("filter-ignored").ok("GET", "/audit", "listAuditEvents", params=params)["AuditEvents"]
    assert {e["LogLevel"] for e in ignored} > {"Error"}


# -- protocol --------------------------------------------------------------------------------------------------


def test_unsupported_method_gets_405_with_allow(client: Client) -> None:
    response = client.request("PATCH", "/projects")
    assert response.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["allow"].split(",")}


def test_malformed_json_is_a_documented_4xx(client: Client) -> None:
    headers = {"Content-Type": "application/json"}
    for path in ("/projects", "/user/login"):
        response = client.request("POST", path, headers=headers, content=b'{"Name": ')
        assert response.status_code == 400, response.text
    assert client.request("POST", "/projects", headers=headers, content=b"null").status_code == 400


def test_literal_routes_win_over_templates(client: Client) -> None:
    latest = client.ok("GET", "/scans/latest", "listLatestScans")
    assert isinstance(latest, list) and latest
    assert isinstance(client.ok("GET", "/scans/schedules", "listScanSchedules"), list)
    scan_id = latest[0]["Id"]
    files = client.ok("GET", f"/scans/{scan_id}/files", "listScanFiles", params={"page": 1, "pageSize": 2})
    assert len(files["Files"]) <= 2
    invalid = client.request("GET", f"/scans/{scan_id}/files", params={"page": "x"})
    assert invalid.status_code == 404


def test_scan_runs_with_the_clock_and_can_be_stopped(client: Client) -> None:
    service = client.ok("GET", "/services", "listServices")["ServiceDtos"][0]["Id"]
    started = client.ok("POST", "/scans", "startScan", json={"StorageId": service})
    assert started["ResponseKey"] == "Success" and started["ScanIds"]
    first = started["ScanIds"][0]
    assert client.ok("GET", f"/scans/{first}", "getScan")["Status"] == "NotStarted"
    client.behaviour.clock.advance(60)
    assert client.ok("GET", f"/scans/{first}", "getScan")["Status"] == "Completed"
    assert client.ok("POST", f"/scans/{first}", "stopScan")["StatusCode"] == 409
    again = client.ok("POST", "/scans", "startScan", json={"StorageId": service})["ScanIds"][0]
    assert client.ok("POST", f"/scans/{again}", "stopScan")["StatusCode"] == 200
    assert client.ok("GET", f"/scans/{again}", "getScan")["Status"] == "Cancelled"


def test_exports_carry_content_type_and_disposition(client: Client) -> None:
    scan_id = client.ok("GET", "/scans/latest", "listLatestScans")[0]["Id"]
    for path in (f"/export/pdf/overview/{scan_id}", f"/export/pdf/sbom/{scan_id}", "/export/pdf/all-scans"):
        response = client.request("GET", path)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"].startswith("attachment; filename=")
        assert response.content.startswith(b"%PDF-1.4") and response.content.rstrip().endswith(b"%%EOF")
    service = client.ok("GET", "/services", "listServices", params={"content": "true"})["ServiceDtos"][0]
    repo = service["Repositories"][0]["Id"]
    bom = client.request("GET", f"/export/cyclonedx/{repo}")
    assert bom.headers["content-type"] == "application/vnd.cyclonedx+json"
    assert bom.headers["content-disposition"].endswith('.cdx.json"')
    assert bom.json()["bomFormat"] == "CycloneDX"
    assert client.request("GET", "/export/cyclonedx/nope").status_code == 404


def test_reads_conform_to_the_spec(client: Client) -> None:
    reads = {
        "listAuditEvents": "/audit",
        "listExternalLoggers": "/externallogger",
        "listGlobalLabelKeys": "/global-label-keys",
        "listPackages": "/packages",
        "listPackageVersions": "/packages/versions",
        "listProjects": "/projects",
        "listRealtimeStorages": "/realtime",
        "listScanConfigurations": "/scan-configurations",
        "listScanPools": "/scan-pools",
        "listScans": "/scans",
        "listLatestScans": "/scans/latest",
        "listScanSchedules": "/scans/schedules",
        "getSmtpConfiguration": "/smtp",
        "listJiraConfigurations": "/jira",
        "listUsers": "/users",
        "getCurrentUser": "/user",
        "getVersion": "/version",
        "listWorkflows": "/workflows",
        "getLicenses": "/licenses",
        "getOcm": "/ocm",
        "listServices": "/services",
        "getStartupStatus": "/startup",
    }
    for operation_id, path in reads.items():
        client.ok("GET", path, operation_id)
    package = client.ok("GET", "/packages", "listPackages")[0]["Id"]
    for operation_id, suffix in (("getPackage", ""), ("listPackageCves", "/cves"), ("listPackageLabels", "/labels")):
        client.ok("GET", f"/packages/{package}{suffix}", operation_id)
    service = client.ok("GET", "/services", "listServices", params={"content": "true"})["ServiceDtos"][0]
    sid, repo = service["Id"], service["Repositories"][0]["Id"]
    client.ok("GET", f"/services/{sid}", "getService", params={"content": "true", "Page": 1, "PageSize": 2})
    client.ok("GET", f"/services/{sid}/{repo}/references", "listRepositoryReferences", params={"PageSize": 1})
    client.ok("GET", f"/services/{sid}/references", "getServiceReferences")
    client.ok("GET", f"/services/{sid}/resources", "getServiceResources")
    client.ok("GET", f"/scans/{sid}/latest", "listLatestScansByService")
    client.ok("GET", f"/scans/{sid}/{repo}", "listScansByRepository")
    protect = {"Repositories": [{"RepositoryId": repo}]}
    enabled = client.request("POST", f"/realtime/{sid}/enable", json=protect)
    client.conforms("enableRealtimeProtection", enabled)
    assert enabled.status_code == 207
    assert client.request("POST", f"/realtime/{sid}/enable", json=protect).status_code == 409
    assert sid in [s["Id"] for s in client.ok("GET", "/realtime", "listRealtimeStorages")["Storages"]]
    client.ok("GET", f"/realtime/{sid}", "listRealtimeScans")
    scan = client.ok("GET", "/scans/latest", "listLatestScans", params={"Status": "Completed"})[0]["Id"]
    client.ok("GET", f"/scans/{scan}/overview", "getScanOverview")
    files = client.ok("GET", f"/scans/{scan}/files", "listScanFiles")["Files"]
    client.ok("GET", f"/scans/{files[0]['ScanResultId']}/core-result", "getScanCoreResult")
    client.ok("GET", f"/scans/{files[0]['ScanResultId']}/archive", "listArchiveCoreResults")
    pool = client.ok("GET", "/scan-pools", "listScanPools")[0]["Id"]
    assert client.ok("GET", f"/scan-pools/{pool}/rules", "listScanPoolRules")
    client.ok("GET", f"/scan-configurations/scan-pools/{pool}", "listScanConfigurationsByScanPool")
    jira = client.ok("GET", "/jira", "listJiraConfigurations")["JiraEntries"][0]["Id"]
    client.ok("GET", f"/jira/{jira}/projects", "listJiraProjects")


# -- vendor semantics: discovery and the scenarios that prove the by-id operations ---------------------------------


class Body(httpx.SyncByteStream):
    """A body the client streams (httpx reads a plain `content=` body at once, and then never times the answer)."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def __iter__(self) -> Iterator[bytes]:
        yield self.content


class AsgiTransport(httpx.BaseTransport):
    """A synchronous transport onto the mock's ASGI app (the scenario context drives a sync client); records every
    request as (method, path)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sent: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.method, request.url.path))

        async def send() -> httpx.Response:
            answer = await httpx.ASGITransport(app=self.app).handle_async_request(request)
            body = await answer.aread()
            headers = [(k, v) for k, v in answer.headers.multi_items() if k.lower() != "content-encoding"]
            return httpx.Response(answer.status_code, headers=headers, stream=Body(body))

        return asyncio.run(send())


def scenario_context(client: Client, *, allow_writes: bool) -> tuple[ScenarioContext, list[Verdict], AsgiTransport]:
    verdicts: list[Verdict] = []
    transport = AsgiTransport(client.app)
    # The mock answers under the observed contract (the default), so the scenarios judge by that view too.
    view = view_for(get_surface("metadefender-sscp").spec_path, "observed")
    ctx = ScenarioContext(
        surface="metadefender-sscp",
        contract=view.contract,
        view=view,
        client=httpx.Client(transport=transport),
        base_url="http://mds.test",
        credentials=dict(client.creds),
        redactor=Redactor(),
        profile=get_profile("quick"),
        allow_writes=allow_writes,
        record=verdicts.append,
        auth_headers=dict(client.auth),
    )
    return ctx, verdicts, transport


# Operations whose path parameter names collide with other kinds' (`{id}`), or that need their own credentials or a
# scratch entity: the vendor scenarios prove each with an id of its own kind.
BY_ID_READS = [
    "GET /api/v1/scan-configurations/{id}",
    "GET /api/v1/scan-pools/{id}",
    "GET /api/v1/scans/{id}",
    "GET /api/v1/jira/{id}",
    "GET /api/v1/jira/{id}/projects",
    "GET /api/v1/services/{serviceId}",
    "GET /api/v1/services/{serviceId}/{repositoryId}/references",
    "GET /api/v1/services/{serviceId}/references",
    "GET /api/v1/services/{serviceId}/resources",
]
BY_ID_WRITES = [
    "POST /api/v1/projects/{id}/workflows/attach",
    "POST /api/v1/projects/{id}/workflows/detach",
    "POST /api/v1/projects/{id}/storages/attach",
    "POST /api/v1/projects/{id}/storages/detach",
    "PUT /api/v1/scan-configurations/{id}",
    "DELETE /api/v1/scan-configurations/{id}",
    "GET /api/v1/scan-instances/{id}",  # a read, but no listing names scan instances: proven on a scratch one
    "PUT /api/v1/scan-instances/{id}",
    "DELETE /api/v1/scan-instances/{id}",
    "PUT /api/v1/scan-pools/{id}",
    "DELETE /api/v1/scan-pools/{id}",
    "PUT /api/v1/jira/{id}",
    "DELETE /api/v1/jira/{id}",
    "POST /api/v1/user/login",
    "POST /api/v1/webhook/hmac/{routeParameter}",
    "DELETE /api/v1/services/{serviceId}",
]
SEEDED = ("/services", "/projects", "/scan-pools", "/scan-configurations", "/jira", "/workflows")


def test_discovery_reads_the_documented_service_list(client: Client) -> None:
    ctx, _, _ = scenario_context(client, allow_writes=False)
    found = semantics.discover(ctx)
    service = client.ok("GET", "/services", "listServices", params={"content": "true"})["ServiceDtos"][0]
    assert found["serviceId"] == found["storageId"] == service["Id"]
    assert found["repositoryId"] == found["repoId"] == service["Repositories"][0]["Id"]
    assert set(found) == {*semantics.READ_ONLY_IDS, *semantics.WRITE_ADDRESSING_IDS}
    client.ok("GET", f"/services/{found['serviceId']}", "getService")
    client.request("GET", f"/export/cyclonedx/{found['repoId']}").raise_for_status()


def test_a_run_that_may_write_discovers_only_ids_no_write_addresses(client: Client) -> None:
    ctx, _, _ = scenario_context(client, allow_writes=True)
    assert set(semantics.discover(ctx)) == set(semantics.READ_ONLY_IDS)
    for op in ctx.contract.operations:
        names = {p.name for p in op.operation.parameters if p.location in ("path", "query")}
        assert not (op.is_write and names & set(semantics.READ_ONLY_IDS)), op.label


def test_scenarios_prove_every_by_id_operation_and_leave_the_seed_intact(client: Client) -> None:
    before = {path: client.request("GET", path).json() for path in SEEDED}
    ctx, verdicts, _ = scenario_context(client, allow_writes=True)
    ctx.discovery = semantics.discover(ctx)
    semantics.run_scenarios(ctx)
    assert [v for v in verdicts if v.ok is False] == []
    assert [label for label in BY_ID_READS + BY_ID_WRITES if not ctx.proven[label]] == []
    after = {path: client.request("GET", path).json() for path in SEEDED}
    assert after == before  # scratch entities removed again, nothing seeded modified


def test_read_only_scenarios_prove_the_reads_and_write_nothing(client: Client) -> None:
    ctx, verdicts, transport = scenario_context(client, allow_writes=False)
    ctx.discovery = semantics.discover(ctx)
    semantics.run_scenarios(ctx)
    assert [v for v in verdicts if v.ok is False] == []
    assert [label for label in BY_ID_READS if not ctx.proven[label]] == []
    writes = {(m, p) for m, p in transport.sent if m != "GET"}
    assert writes == {("POST", f"{API}/user/login"), ("PUT", f"{API}/user/token")}  # the session, no data


# -- concurrency -------------------------------------------------------------------------------------------------


def test_a_thousand_concurrent_creates_lose_nothing(client: Client) -> None:
    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=client.app), base_url="http://mds.test") as c:
            return await asyncio.gather(
                *(c.post(f"{API}/projects", json={"Name": f"p{n}"}, headers=client.auth) for n in range(1000))
            )

    responses = asyncio.run(run())
    assert {r.status_code for r in responses} == {200}
    ids = [r.json()["Project"]["Id"] for r in responses]
    assert len(set(ids)) == 1000
    listed = {p["Id"] for p in client.ok("GET", "/projects", "listProjects")}
    assert set(ids) <= listed
    assert {p["Name"] for p in client.ok("GET", "/projects", "listProjects")} >= {f"p{n}" for n in range(1000)}
