"""The Mend mock through its ASGI app: every requestType's documented answer, body credentials and scopes,
errorCode answers (always HTTP 200), writes visible to later reads, faults, concurrency. No network, no ports.

The mock runs in its documented mode unless a test says otherwise; the observed mode (the default of
`apiconform mock`) is tested at the end: every requestType answers per the observed contract, in the shapes, formats
and error codes real servers use.
"""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from collections.abc import Iterator
from functools import partial
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import apiconform.mocks
from apiconform import rpc
from apiconform.contract import contract_for
from apiconform.mocks import Clock
from apiconform.observed import view_for
from apiconform.openapi import load_api
from apiconform.redact import MASK, Redactor
from apiconform.runner.profiles import PROFILES
from apiconform.runner.scenarios import examples
from apiconform.runner.scenarios.base import ScenarioContext, Verdict
from apiconform.surfaces import get_surface
from apiconform.validation import SchemaValidator
from apiconform.vendors.mend import discovery, semantics
from apiconform.vendors.mend.mock import MendMock

START = 1_750_000_000.0
SPEC_PATH = get_surface("mend").spec_path
SPEC = load_api(SPEC_PATH)
VARIANTS = rpc.variants(SPEC.document)
VALIDATOR = SchemaValidator(SPEC.document)
OBSERVED = contract_for(SPEC_PATH, "observed")
OBSERVED_VARIANTS = rpc.variants(OBSERVED.spec.document)
TOKENS = ("orgToken", "productToken", "projectToken")
JSON_MEDIA = "application/json"
BINARY_MAGIC = {
    "application/pdf": b"%PDF-1.4",
    "application/zip": b"PK\x03\x04",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": b"PK\x03\x04",
}

Body = dict[str, Any]


class Client:
    """A synchronous view of one mock app (each call runs its own event loop)."""

    def __init__(self, *faults: str, seed: int = 0, contract: str = "documented") -> None:
        mock = apiconform.mocks.behaviour("mend", faults=faults, clock=Clock(START), seed=seed, contract=contract)
        assert isinstance(mock, MendMock)
        self.mock = mock
        self.contract = contract
        self.app = apiconform.mocks.app(mock)
        self.creds = mock.credentials()

    def post(self, body: Any, path: str = "/api/v1.2", **kwargs: Any) -> httpx.Response:
        """POST `body` as JSON (or raw `content=` bytes) to the API path."""
        payload = {} if "content" in kwargs else {"json": body}

        async def run() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://mend.test") as client:
                return await client.post(path, **payload, **kwargs)

        return asyncio.run(run())

    def call(self, request_type: str, **fields: Any) -> Any:
        body = {"requestType": request_type, "userKey": self.creds["userKey"], **fields}
        response = self.post(body)
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, request_type: str, **fields: Any) -> Any:
        answer = self.call(request_type, **fields)
        assert not (isinstance(answer, dict) and "errorCode" in answer), answer
        return answer


def error_code(answer: Any) -> int | None:
    return answer.get("errorCode") if isinstance(answer, dict) else None


@pytest.fixture
def client() -> Client:
    return Client()


# -- a valid request for every requestType, with real tokens and entities ---------------------------------------


def _fixups(c: Client, request_type: str) -> tuple[Body, list[Body]]:
    """Fields that must name real entities, and the requests to send first (setup)."""
    state, creds = c.mock.state, c.creds
    product = state.products[creds["productToken"]]
    projects = [p for p in state.projects.values() if p.product_token == product.token]
    project = state.projects[creds["projectToken"]]
    other = next(p for p in projects if p.token != project.token)
    people = state.humans()
    parent = next(u for u in project.usages if any(o.parent == u.key_id for o in project.usages))
    org_policies = [p.id for p in state.policies.values() if p.owner == state.org.token]
    product_policies = [p.id for p in state.policies.values() if p.owner == product.token]
    tagged = next(p for p in state.projects.values() if p.tags)
    tag_key = next(iter(tagged.tags))
    libs = list(state.libraries.values())
    roles = {"groupAssignments": [{"name": "admins"}], "userAssignments": [{"email": people[0].email}]}
    policy = {"policy": {"name": "Block Log4Shell", "filter": {"type": "LIBRARY_NAME"}, "action": {"type": "REJECT"}}}
    table: dict[str, Body] = {
        "getAlertsByProjectTag": {"tagKey": tag_key, "tagValue": tagged.tags[tag_key][0]},
        "ignoreAlerts": {"alertUuids": [next(a.uuid for a in state.alerts.values() if a.status == "ACTIVE")]},
        "getAllOrganizations": {"globalOrgToken": state.org.global_token},
        "getProductComparisonReport": {"productToken2": list(state.products)[1]},
        "getProjectComparisonReport": {"projectToken2": other.token},
        "addOrganizationPolicy": policy,
        "addProductPolicy": policy,
        "updateOrganizationPolicy": {"policy": {"id": org_policies[0], "name": "Renamed"}},
        "updateProductPolicy": {"policy": {"id": product_policies[0], "enabled": False}},
        "removeOrganizationPolicies": {"policyIds": org_policies[:1]},
        "removeProductPolicies": {"policyIds": product_policies},
        "reorderOrganizationPolicyPriorities": {"policyIds": org_policies[::-1]},
        "reorderProductPolicyPriorities": {"policyIds": product_policies},
        "createUser": {"inviter": {"email": people[0].email}, "addedUser": {"name": "Nina", "email": "nina@x.io"}},
        "inviteUsers": {"inviter": {"email": people[0].email}, "emails": ["a@x.io", "b@x.io"]},
        "addUsersToGroups": {"assignedUsers": [[{"name": "auditors"}, [{"email": people[3].email}]]]},
        "removeUserFromGroup": {"group": {"name": "developers"}, "user": {"email": people[3].email}},
        "removeUserFromOrganization": {"user": {"email": people[-1].email}},
        "setOrganizationAssignments": {"administrators": roles},
        "setProductAssignments": {"productAdmins": roles},
        "deleteProject": {"projectToken": other.token},
        "deleteProduct": {"productToken": list(state.products)[-1]},
        "getLibrarySourceFiles": {"keyUuid": state.libraries[project.usages[0].key_id].key_uuid},
        "getProjectLibraryDependencies": {"keyUuid": state.libraries[parent.key_id].key_uuid},
        "regenerateUserKey": {"serviceUserKey": next(u.key for u in state.users.values() if u.service)},
        "changeOriginLibrary": {"targetKeyUuid": libs[0].key_uuid, "sourceFiles": [libs[9].source_files[0].sha1]},
        "setProjectSetupNotificationConfig": {"action": "CUSTOM"},
        "getRequestState": {"requestToken": project.requests[-1]},
    }
    for level in ("Organization", "Product", "Project"):
        table[f"get{level}AlertsByType"] = {"alertType": "SECURITY_VULNERABILITY"}
    user = {"userKey": creds["userKey"]}
    setup = {
        "removeProductTag": [{"requestType": "saveProductTag", "productToken": product.token, **user,
                              "tagKey": "newKey", "tagValue": "newValue"}],
        "removeProjectTag": [{"requestType": "saveProjectTag", "projectToken": project.token, **user,
                              "tagKey": "key1", "tagValue": "value1"}],
    }  # fmt: skip
    return table.get(request_type, {}), setup.get(request_type, [])


def valid_request(c: Client, request_type: str) -> tuple[Body, list[Body]]:
    variant = VARIANTS[request_type]
    body: Body = dict((variant.get("examples") or [{}])[0])
    body |= {"requestType": request_type, "userKey": c.creds["userKey"]}
    body |= {field: c.creds[field] for field in TOKENS if field in variant.get("required", []) or field in body}
    fields, setup = _fixups(c, request_type)
    return body | fields, setup


def check_answer(request_type: str, response: httpx.Response, contract: str = "documented") -> None:
    """The answer is the documented success: its media type, its schema (JSON) or a named attachment (files); under
    the observed contract, the observed one."""
    variant = (OBSERVED_VARIANTS if contract == "observed" else VARIANTS)[request_type]
    validator = OBSERVED.validator if contract == "observed" else VALIDATOR
    media = response.headers["content-type"].split(";")[0]
    assert response.status_code == 200
    assert media in variant["x-response-media-types"], (media, response.text[:300])
    if media == JSON_MEDIA:
        answer = response.json()
        assert error_code(answer) is None, answer
        assert "content-disposition" not in response.headers
        ref = variant.get("x-response-schema")
        if ref is not None:
            assert validator.errors(answer, {"$ref": ref}) == []
        else:  # no documented shape: a domain list plus a message, never an error
            assert isinstance(answer, dict)
            assert isinstance(answer.get("message"), str)
        return
    assert response.headers["content-disposition"].startswith("attachment; filename")
    magic = BINARY_MAGIC.get(media)
    assert response.content.startswith(magic) if magic else response.content.strip()
    if "spreadsheetml" in media:
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= set(names)


@pytest.mark.parametrize("contract", ["documented", "observed"])
@pytest.mark.parametrize("request_type", list(VARIANTS))
def test_every_request_type_answers_its_documented_response(request_type: str, contract: str) -> None:
    c = Client(contract=contract)
    body, setup = valid_request(c, request_type)
    for step in setup:
        assert error_code(c.post(step).json()) is None
    check_answer(request_type, c.post(body), contract)


FORMATTED = [name for name, v in VARIANTS.items() if "format" in v.get("properties", {}) and "xlsx" in str(v)]


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
@pytest.mark.parametrize("request_type", FORMATTED)
def test_reports_answer_per_their_format_field(request_type: str, fmt: str) -> None:
    c = Client()
    body, _ = valid_request(c, request_type)
    response = c.post(body | {"format": fmt})
    check_answer(request_type, response)
    assert response.headers["content-type"].startswith(JSON_MEDIA if fmt == "json" else "application/vnd.")


@pytest.mark.parametrize(("export", "media"), [("TXT", "text/plain"), ("html", "text/html"), (None, "text/plain")])
def test_attribution_report_answers_per_export_format(client: Client, export: str | None, media: str) -> None:
    body, _ = valid_request(client, "getProductAttributionReport")
    body.pop("exportFormat")
    response = client.post(body | ({"exportFormat": export} if export else {}))
    check_answer("getProductAttributionReport", response)
    assert response.headers["content-type"].startswith(media)


def test_seed_covers_the_hierarchy_and_every_alert_type(client: Client) -> None:
    state = client.mock.state
    assert len(state.products) >= 5
    assert len(state.projects) >= 24
    assert len(state.libraries) >= 200
    documented = set(VARIANTS["getOrganizationAlertsByType"]["properties"]["alertType"]["enum"]) - {"alert_type"}
    assert {a.type for a in state.alerts.values()} == documented
    assert {a.status for a in state.alerts.values()} == {"ACTIVE", "IGNORED", "RESOLVED"}
    assert any(lib.vulnerabilities for lib in state.libraries.values())
    assert Client(seed=3).creds != client.creds
    assert Client().creds == client.creds


# -- transport: base paths, headers, malformed input --------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1.2", "/api/v1.3", "/api/v1.4", "/api/v1.4/"])
def test_every_version_path_answers(client: Client, path: str) -> None:
    body = {"requestType": "getOrganizationDetails", "userKey": client.creds["userKey"]}
    answer = client.post(body | {"orgToken": client.creds["orgToken"]}, path=path).json()
    assert answer["orgToken"] == client.creds["orgToken"]


def test_agent_info_extra_headers_and_accept_charset_are_tolerated(client: Client) -> None:
    agent = {"agent": "ws-sbt", "agentVersion": "2.1.0", "pluginVersion": "21.11.1"}
    headers = {"Accept-Charset": "utf-8", "X-Request-Id": "abc", "User-Agent": "unified-agent"}
    body = {"requestType": "getAllProjects", "userKey": client.creds["userKey"], "agentInfo": agent}
    response = client.post(body | {"productToken": client.creds["productToken"]}, headers=headers)
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json()["projects"]


@pytest.mark.parametrize("charset", ["utf-16", "iso-8859-1", "us-ascii"])
def test_supported_charsets_encode_the_answer(client: Client, charset: str) -> None:
    client.ok("createProject", productToken=client.creds["productToken"], projectName="caf\u00e9 \u2603")
    body = {
        "requestType": "getAllProjects",
        "userKey": client.creds["userKey"],
        "productToken": client.creds["productToken"],
    }
    response = client.post(body, headers={"Accept-Charset": f"{charset};q=0.9, *;q=0.1"})
    assert response.headers["content-type"] == f"application/json; charset={charset}"
    names = [p["projectName"] for p in json.loads(response.content.decode(charset))["projects"]]
    assert "caf\u00e9 \u2603" in names


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", JSON_MEDIA),
        (b'{"requestType": "getAllProducts"}', "text/plain"),
        (b"", JSON_MEDIA),
        (b"[1, 2]", JSON_MEDIA),
        (b'"getAllProducts"', JSON_MEDIA),
        (b"null", JSON_MEDIA),
        (b"[" * 100_000 + b"]" * 100_000, JSON_MEDIA),
    ],
)
def test_malformed_bodies_get_an_error_code_with_http_200(client: Client, content: bytes, content_type: str) -> None:
    response = client.post(None, content=content, headers={"Content-Type": content_type})
    assert response.status_code == 200
    assert error_code(response.json()) == 2001


def test_other_methods_get_405(client: Client) -> None:
    async def run() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=client.app), base_url="http://m") as c:
            return await c.get("/api/v1.2")

    response = asyncio.run(run())
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]


def test_schema_violations_are_named_in_the_error(client: Client) -> None:
    answer = client.call("createProject", productToken=client.creds["productToken"], projectName=5)
    assert error_code(answer) == 2001
    assert "projectName" in answer["errorMessage"]
    assert error_code(client.call("getAllProducts", orgToken=client.creds["orgToken"], surprise=1)) == 2001


@pytest.mark.parametrize("request_type", ["getEverything", "", None, 7])
def test_unknown_or_missing_request_type_is_2002(client: Client, request_type: Any) -> None:
    body = {"userKey": client.creds["userKey"], "orgToken": client.creds["orgToken"]}
    answer = client.post(body if request_type is None else body | {"requestType": request_type}).json()
    assert error_code(answer) == 2002


# -- credentials and scopes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", "user_key", "0" * 64, "A" * 63])
def test_bad_user_keys_are_5001(client: Client, key: str | None) -> None:
    body = {"requestType": "getAllProducts", "orgToken": client.creds["orgToken"]}
    answer = client.post(body if key is None else body | {"userKey": key}).json()
    assert error_code(answer) in (2001, 5001) if key is None else error_code(answer) == 5001


def test_tokens_of_another_scope_or_unknown_tokens_are_refused(client: Client) -> None:
    creds = client.creds
    assert error_code(client.call("getOrganizationDetails", orgToken=creds["productToken"])) == 5003
    assert error_code(client.call("getProductAlerts", productToken=creds["projectToken"])) == 5003
    assert error_code(client.call("getProjectAlerts", projectToken=creds["orgToken"])) == 5003
    assert error_code(client.call("getProjectAlerts", projectToken="f" * 64)) == 5002
    assert error_code(client.call("getAllOrganizations", globalOrgToken=creds["orgToken"])) == 5002
    assert client.ok("getAllOrganizations", globalOrgToken=creds["globalOrgToken"])["organizations"]


def test_product_administrators_stay_in_their_products_except_documented_calls(client: Client) -> None:
    admin, state = client.mock.product_admin(), client.mock.state
    org, product = client.creds["orgToken"], client.creds["productToken"]
    other = next(t for t in state.products if t != product)

    def call(request_type: str, **fields: Any) -> Any:
        return client.post({"requestType": request_type, "userKey": admin.key, **fields}).json()

    assert error_code(call("getOrganizationDetails", orgToken=org)) == 5004
    assert error_code(call("getAllProducts", orgToken=org)) == 5004
    assert error_code(call("getProductAlerts", productToken=other)) == 5004
    assert call("getProductAlerts", productToken=product)["apiAlertInfo"]
    vitals = call("getOrganizationProjectVitals", orgToken=org)["projectVitals"]
    assert vitals
    assert {v["productName"] for v in vitals} == {state.products[product].name}
    assert [v["token"] for v in call("getOrganizationProductVitals", orgToken=org)["productVitals"]] == [product]
    token = client.mock.project.requests[-1]
    assert call("getRequestState", orgToken=org, requestToken=token)["requestState"] != "UNKNOWN"


def test_request_state_progresses_with_the_clock_and_is_unknown_for_bad_tokens(client: Client) -> None:
    # The first seeded project's latest update request was submitted as the mock started (seed_activity.LIVE_AGES).
    first = next(iter(client.mock.state.projects.values()))
    org, token = client.creds["orgToken"], first.requests[-1]
    assert client.ok("getRequestState", orgToken=org, requestToken=token)["requestState"] == "IN_PROGRESS"
    assert client.ok("getProjectState", projectToken=first.token)["projectState"]["inProgress"]
    client.mock.clock.advance(35)
    assert client.ok("getRequestState", orgToken=org, requestToken=token)["requestState"] == "UPDATED"
    client.mock.clock.advance(30)
    assert client.ok("getRequestState", orgToken=org, requestToken=token)["requestState"] == "FINISHED"
    assert client.ok("getRequestState", orgToken=org, requestToken="nope")["requestState"] == "UNKNOWN"
    assert client.ok("getRequestState", orgToken="f" * 64, requestToken=token)["requestState"] == "UNKNOWN"


# -- writes visible to later reads ---------------------------------------------------------------------------------


def test_created_and_deleted_projects_and_products(client: Client) -> None:
    product = client.creds["productToken"]
    token = client.ok("createProject", productToken=product, projectName="svc-new")["projectToken"]
    listed = client.ok("getAllProjects", productToken=product)["projects"]
    assert {"projectName": "svc-new", "projectToken": token} in listed
    assert client.ok("getProjectVitals", projectToken=token)["projectVitals"][0]["name"] == "svc-new"
    assert error_code(client.call("createProject", productToken=product, projectName="svc-new")) == 4002
    client.ok("deleteProject", productToken=product, projectToken=token)
    assert token not in {p["projectToken"] for p in client.ok("getAllProjects", productToken=product)["projects"]}
    assert error_code(client.call("getProjectVitals", projectToken=token)) == 5002
    org = client.creds["orgToken"]
    new = client.ok("createProduct", orgToken=org, productName="Brand New")["productToken"]
    assert client.ok("getAllProjects", productToken=new)["projects"] == []
    client.ok("deleteProduct", orgToken=org, productToken=new)
    assert new not in {p["productToken"] for p in client.ok("getAllProducts", orgToken=org)["products"]}


def test_tags_saved_and_removed(client: Client) -> None:
    project, product = client.creds["projectToken"], client.creds["productToken"]
    client.ok("saveProjectTag", projectToken=project, tagKey="env", tagValue="prod")
    assert "prod" in client.ok("getProjectTags", projectToken=project)["projectTags"][0]["tags"]["env"]
    alerts = client.ok("getAlertsByProjectTag", orgToken=client.creds["orgToken"], tagKey="env", tagValue="prod")
    assert {a["project"] for a in alerts["apiAlertInfo"]} == {client.mock.project.name}
    answer = client.ok("removeProjectTag", projectToken=project, tagKey="env", tagValue="prod")
    assert answer == {"message": "Successfully removed project tag"}  # an object, like removeProductTag (MEND-93)
    assert "env" not in client.ok("getProjectTags", projectToken=project)["projectTags"][0]["tags"]
    assert error_code(client.call("removeProjectTag", projectToken=project, tagKey="env", tagValue="prod")) == 4001
    client.ok("saveProductTag", productToken=product, tagKey="team", tagValue="blue")
    assert client.ok("getProductTags", productToken=product)["productTags"][0]["tags"]["team"] == ["blue"]


def test_ignored_alerts_move_from_alert_reads_to_ignored_reads(client: Client) -> None:
    project = client.creds["projectToken"]
    active = client.ok("getProjectAlerts", projectToken=project)["apiAlertInfo"]
    chosen = active[0]["alertUuid"]
    answer = client.ok("ignoreAlerts", orgToken=client.creds["orgToken"], alertUuids=[chosen], comments="n/a")
    assert answer == {"message": "Successfully ignored alerts"}
    assert chosen not in {a["alertUuid"] for a in client.ok("getProjectAlerts", projectToken=project)["apiAlertInfo"]}
    ignored = client.ok("getProjectIgnoredAlerts", projectToken=project)["alerts"]
    assert [a["library"]["comments"] for a in ignored if a["alertUuid"] == chosen] == ["n/a"]
    org_ignored = client.ok("getOrganizationIgnoredAlerts", orgToken=client.creds["orgToken"])["alerts"]
    assert chosen in {a["alertUuid"] for a in org_ignored}


def test_people_groups_assignments_and_service_users(client: Client) -> None:
    org, product = client.creds["orgToken"], client.creds["productToken"]
    client.ok("createGroup", orgToken=org, group={"name": "qa"})
    client.ok("createUser", orgToken=org, addedUser={"name": "Quinn", "email": "quinn@acme.example"})
    assert "quinn@acme.example" in {u["email"] for u in client.ok("getAllUsers", orgToken=org)["users"]}
    client.ok("addUsersToGroups", orgToken=org, assignedUsers=[[{"name": "qa"}, [{"email": "quinn@acme.example"}]]])
    groups = {g["name"]: g for g in client.ok("getAllGroups", orgToken=org)["groups"]}
    assert [u["email"] for u in groups["qa"]["users"]] == ["quinn@acme.example"]
    roles = {"userAssignments": [{"email": "quinn@acme.example"}], "groupAssignments": [{"name": "qa"}]}
    client.ok("setProductAssignments", productToken=product, productIntegrators=roles)
    assigned = client.ok("getProductAssignments", productToken=product)
    assert [u["email"] for u in assigned["userRoles"]["PRODUCT_INTEGRATOR"]] == ["quinn@acme.example"]
    assert [g["name"] for g in assigned["groupRoles"]["PRODUCT_INTEGRATOR"]] == ["qa"]
    client.ok("setOrganizationAssignments", orgToken=org, defaultApprover=roles)
    assert client.ok("getOrganizationAssignments", orgToken=org)["userRoles"]["DEFAULT_APPROVER"][0]["name"] == "Quinn"
    key = client.ok("createServiceUser", orgToken=org, addedUser={"name": "bot"})["user"]["userKey"]
    assert "bot" in {
        u["serviceUserName"] for u in client.ok("getOrganizationServiceUsers", orgToken=org)["serviceUsers"]
    }
    assert client.post({"requestType": "getAllProducts", "userKey": key, "orgToken": org}).json()["products"]
    new_key = client.ok("regenerateUserKey", orgToken=org, serviceUserKey=key)["user"]["userKey"]
    assert error_code(client.post({"requestType": "getAllProducts", "userKey": key, "orgToken": org}).json()) == 5001
    assert client.post({"requestType": "getAllProducts", "userKey": new_key, "orgToken": org}).json()["products"]


def test_writes_that_name_nothing_succeed_and_change_nothing(client: Client) -> None:
    # The documents give the policy calls no fields (MEND-72 to MEND-75) and present each role of the assignments as
    # an optional member: a schema-valid call that names no policy or no role is answered, not refused.
    org, product = client.creds["orgToken"], client.creds["productToken"]
    before = client.ok("getOrganizationPolicies", orgToken=org)["policies"]
    for request_type in ("removeOrganizationPolicies", "reorderOrganizationPolicyPriorities"):
        client.ok(request_type, orgToken=org, policyIds=[])
        client.ok(request_type, orgToken=org)
    assert client.ok("getOrganizationPolicies", orgToken=org)["policies"] == before
    client.ok("removeProductPolicies", productToken=product, policyIds=[])
    client.ok("reorderProductPolicyPriorities", productToken=product, policyIds=[])
    roles = client.ok("getOrganizationAssignments", orgToken=org)
    client.ok("setOrganizationAssignments", orgToken=org)
    assert client.ok("getOrganizationAssignments", orgToken=org) == roles
    roles = client.ok("getProductAssignments", productToken=product)
    client.ok("setProductAssignments", productToken=product)
    assert client.ok("getProductAssignments", productToken=product) == roles


@pytest.mark.parametrize(
    "config",
    [
        {"action": "notification_ENABLED|DISABLED|CUSTOM"},  # the document's example value (MEND-91)
        {"action": "CUSTOM", "projectTagKeyRegex": "", "projectTagValueRegex": ".*"},  # "" is a valid regex
        {"action": "DISABLED"},
    ],
)
def test_notification_config_takes_every_action_the_contract_admits(client: Client, config: Body) -> None:
    client.ok("setProjectSetupNotificationConfig", orgToken=client.creds["orgToken"], **config)
    assert client.mock.state.org.notification == config


@pytest.mark.parametrize(
    ("request_type", "field", "value"),
    [
        ("getProductAlertsByType", "fromDate", "2021-02-31"),  # no 31 February: read as 3 March, like Java does
        ("getProductAlertsByType", "toDate", "0000-01-01 23:59:59"),
        ("getChangesReport", "startDateTime", "2019-02-29 08:08:08"),
    ],
)
def test_dates_the_contract_admits_are_read_leniently(
    client: Client, request_type: str, field: str, value: str
) -> None:
    # The patterns bound each field (MEND-96, MEND-98), not the day of the month: whatever they admit is a date.
    scope = {"getChangesReport": {"orgToken": client.creds["orgToken"]}}.get(
        request_type, {"productToken": client.creds["productToken"], "alertType": "SECURITY_VULNERABILITY"}
    )
    client.ok(request_type, **scope, **{field: value})
    out_of_range = f"{value[:5]}13{value[7:]}"  # month 13
    assert error_code(client.call(request_type, **scope, **{field: out_of_range})) == 2001


def test_a_lenient_date_counts_from_where_it_rolls_over() -> None:
    from apiconform.vendors.mend.answers import parse_time

    assert parse_time("2021-02-31", "fromDate") == parse_time("2021-03-03", "fromDate")
    assert parse_time("2020-12-31 23:59:59", "toDate") + 1 == parse_time("2021-01-01", "toDate")
    assert parse_time("0001-01-01", "fromDate") - parse_time("0000-01-01", "fromDate") == 366 * 86400  # leap year 0


# What the contract requires of a call's object (MEND-97, MEND-99 to MEND-108): (requestType, scope token, a body that
# satisfies it with a blank name, the members to drop or empty so that it does not).
NAMED = [
    ("createGroup", "orgToken", {"group": {"name": " "}}, [{"group": {}}, {"group": {"name": ""}}, {}]),
    ("createUser", "orgToken", {"addedUser": {"email": " "}}, [{"addedUser": {"name": "x"}}, {}]),
    ("inviteUsers", "orgToken", {"emails": [" "]}, [{"emails": []}, {"emails": [""]}, {}]),
    ("inviteUserToWebAdvisor", "orgToken", {"userEmail": " "}, [{"userEmail": ""}, {}]),
    ("createServiceUser", "orgToken", {"addedUser": {"name": " "}}, [{"addedUser": {}}, {}]),
    ("createProduct", "orgToken", {"productName": " "}, [{"productName": ""}]),
    ("createProject", "productToken", {"projectName": " "}, [{"projectName": ""}]),
    ("saveProjectTag", "projectToken", {"tagKey": " ", "tagValue": ""}, [{"tagKey": "", "tagValue": ""}]),
    ("saveProductTag", "productToken", {"tagKey": " ", "tagValue": ""}, [{"tagKey": "", "tagValue": ""}]),
]


@pytest.mark.parametrize(("request_type", "token", "named", "unnamed"), NAMED)
def test_a_call_must_name_its_object_but_any_non_empty_name_will_do(
    client: Client, request_type: str, token: str, named: Body, unnamed: list[Body]
) -> None:
    client.ok(request_type, **{token: client.creds[token]}, **named)
    for body in unnamed:
        answer = client.call(request_type, **{token: client.creds[token]}, **body)
        assert error_code(answer) == 2001 and answer["errorMessage"].startswith("Invalid request: "), (body, answer)


def test_targets_that_must_be_named_are_refused_empty_and_unknown_when_named_wrongly(client: Client) -> None:
    org = client.creds["orgToken"]
    for request_type, field in (("regenerateUserKey", "serviceUserKey"), ("changeOriginLibrary", "targetKeyUuid")):
        assert error_code(client.call(request_type, orgToken=org)) == 2001
        assert error_code(client.call(request_type, orgToken=org, **{field: ""})) == 2001
        assert error_code(client.call(request_type, orgToken=org, **{field: " "})) == 4001  # names nothing known
    assert error_code(client.call("ignoreAlerts", orgToken=org, alertUuids=[], comments="")) == 2001


def test_thousand_concurrent_creates_make_distinct_projects(client: Client) -> None:
    base = {
        "requestType": "createProject",
        "userKey": client.creds["userKey"],
        "productToken": client.creds["productToken"],
    }

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://m") as c:
            return await asyncio.gather(
                *(c.post("/api/v1.2", json=base | {"projectName": f"p{i}"}) for i in range(1000))
            )

    tokens = [r.json()["projectToken"] for r in asyncio.run(run())]
    assert len(set(tokens)) == 1000
    listed = {
        p["projectToken"] for p in client.ok("getAllProjects", productToken=client.creds["productToken"])["projects"]
    }
    assert set(tokens) <= listed


# -- the run's Mend semantics against the mock: discovery, documented examples, scratch writes -------------------


class _Body(httpx.SyncByteStream):
    def __init__(self, data: bytes) -> None:
        self.data = data

    def __iter__(self) -> Iterator[bytes]:
        yield self.data


class SyncApp(httpx.BaseTransport):
    """The mock's ASGI app behind the synchronous transport a run's scenarios use; keeps every body it was sent."""

    def __init__(self, c: Client) -> None:
        self.asgi = httpx.ASGITransport(app=c.app)
        self.bodies: list[Any] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        self.bodies.append(json.loads(content) if content else None)

        async def send() -> httpx.Response:
            sent = httpx.Request(request.method, request.url, headers=request.headers, content=content)
            answer = await self.asgi.handle_async_request(sent)
            return httpx.Response(answer.status_code, headers=answer.headers, stream=_Body(await answer.aread()))

        return asyncio.run(send())


class SemanticsRun:
    """What `apiconform run mend` does besides its generated cases: preflight, discovery, then (optionally) the
    documented examples replayed and the Mend scenarios. No fuzzing: what this proves owes nothing to luck."""

    def __init__(self, c: Client, *, allow_writes: bool = True, replay: bool = True, scenarios: bool = True) -> None:
        self.transport = SyncApp(c)
        self.verdicts: list[Verdict] = []
        self.http = httpx.Client(transport=self.transport, base_url="http://mend.test")
        self.ctx = ScenarioContext(
            surface="mend",
            contract=contract_for(SPEC_PATH, c.contract),
            view=view_for(SPEC_PATH, c.contract),
            client=self.http,
            base_url="http://mend.test/api/v1.2",
            credentials=dict(c.creds),
            redactor=Redactor(c.creds.values()),
            profile=PROFILES["quick"],
            allow_writes=allow_writes,
            record=self.verdicts.append,
        )
        semantics.preflight(self.ctx)
        self.ctx.discovery = discovery.discover(self.ctx)
        if replay:
            examples.replay_examples(self.ctx, partial(semantics.prepare_example, self.ctx))
        if scenarios:
            semantics.run_scenarios(self.ctx)

    def unproven(self) -> set[str]:
        return {op.variant for op in self.ctx.contract.operations if op.variant and not self.ctx.proven[op.label]}

    def failed(self) -> list[tuple[str, str, str]]:
        return [(v.operation, v.check, v.title) for v in self.verdicts if not v.ok]


def snapshot(c: Client) -> dict[str, Any]:
    """What a run must leave as it found it (the change log aside)."""
    state = c.mock.state
    return {
        "products": {p.token: (p.name, repr(p.tags), repr(p.roles)) for p in state.products.values()},
        "projects": {p.token: (p.name, repr(p.tags)) for p in state.projects.values()},
        "active users": {u.key: (u.name, u.email, u.service) for u in state.users.values() if u.active},
        "groups": {g.name: list(g.members) for g in state.groups.values()},
        "organization roles": repr(state.org.roles),
        "policies": {
            p.id: (p.owner, p.priority, p.enabled, p.name, p.filter, p.action) for p in state.policies.values()
        },
        "alerts": {a.uuid: (a.status, a.comments) for a in state.alerts.values()},
        "source files": {lib.key_uuid: [f.sha1 for f in lib.source_files] for lib in state.libraries.values()},
    }


@pytest.mark.parametrize(
    ("seed", "contract"), [(0, "documented"), (1, "documented"), (2, "documented"), (0, "observed")]
)
def test_every_request_type_is_proven_without_fuzzing(seed: int, contract: str) -> None:
    run = SemanticsRun(Client(seed=seed, contract=contract))
    # Neither has a documented example; every body a run generates for them is valid (its fields are all pinned).
    assert run.unproven() == {"getLicenses", "getProductPolicies"}
    assert run.failed() == []


def test_the_same_seed_sends_the_same_requests() -> None:
    assert SemanticsRun(Client()).transport.bodies == SemanticsRun(Client()).transport.bodies


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scratch_writes_leave_the_data_as_it_was(seed: int) -> None:
    c = Client(seed=seed)
    before = snapshot(c)
    run = SemanticsRun(c, replay=False)  # the documented create examples replayed add entities of their own
    after = snapshot(c)
    # Mend documents no way to remove a service user: the scratch one stays (the next run reuses it).
    added = [user for key, user in after["active users"].items() if key not in before["active users"]]
    assert [(name, service) for name, _, service in added] == [("apiconform-scratch-quick-service", True)]
    assert after | {"active users": before["active users"]} == before
    assert before["active users"].items() <= after["active users"].items()
    assert run.failed() == []
    destructive = [body for body in run.transport.bodies if body["requestType"] in semantics.DESTRUCTIVE]
    assert sorted({body["requestType"] for body in destructive}) == sorted(semantics.DESTRUCTIVE)
    targets = {"deleteProduct": "productToken", "deleteProject": "projectToken", "regenerateUserKey": "serviceUserKey"}
    for body in destructive:  # each aims at what the scenario created, never at what the credentials name
        if body["requestType"] in targets:
            assert body[targets[body["requestType"]]] not in c.creds.values()
        else:
            assert body["user"]["email"].startswith("apiconform-scratch-")


@pytest.mark.parametrize("request_type", ["ignoreAlerts", "changeOriginLibrary", "setOrganizationAssignments"])
def test_prepared_write_examples_are_proven_and_change_nothing(request_type: str) -> None:
    c = Client()
    run = SemanticsRun(c, replay=False, scenarios=False)
    before = snapshot(c)
    op = next(op for op in run.ctx.contract.operations if op.variant == request_type)
    for example in VARIANTS[request_type]["examples"]:
        run.ctx.call("POST", "", json_body=semantics.prepare_example(run.ctx, op, example))
    assert run.ctx.proven[op.label] == 1  # setOrganizationAssignments: the defaultApprover example only
    assert snapshot(c) == before


def test_a_read_only_run_discovers_reads_and_writes_nothing() -> None:
    c = Client()
    before = snapshot(c)
    run = SemanticsRun(c, allow_writes=False)
    tokens = {"productToken", "productToken2", "projectToken", "projectToken2", "keyUuid", "alertType"}
    reads = {"tagKey@getAlertsByProjectTag", "tagValue@getAlertsByProjectTag", "requestToken@getRequestState"}
    reads |= {f"{d}@{rt}" for d in ("fromDate", "toDate") for rt in discovery.BY_TYPE}
    assert set(run.ctx.discovery) == tokens | reads
    sent = {body["requestType"] for body in run.transport.bodies} - {"getEverything"}  # an error probe
    assert {rt for rt in sent if VARIANTS[rt]["x-effect"] != "read"} == set()
    assert snapshot(c) == before


def test_examples_get_discovered_values_but_destructive_ones_only_the_callers_credentials() -> None:
    c = Client()
    ctx = SemanticsRun(c, replay=False, scenarios=False).ctx
    ops = {op.variant: op for op in ctx.contract.operations}

    def prepared(request_type: str, index: int = 0) -> Any:
        return semantics.prepare_example(ctx, ops[request_type], VARIANTS[request_type]["examples"][index])

    compared = prepared("getProductComparisonReport")
    assert compared["productToken"] == c.creds["productToken"] != compared["productToken2"] in c.mock.state.products
    assert prepared("getAllOrganizations")["globalOrgToken"] == c.creds["globalOrgToken"]
    assert prepared("getProductBugsReport")["userKey"] == c.creds["userKey"]  # the example has none (MEND-59)
    for request_type in semantics.DESTRUCTIVE:
        body, example = prepared(request_type), VARIANTS[request_type]["examples"][0]
        assert body == example | {k: c.creds[k] for k in semantics.CALLER if k in body}


def test_scratch_secrets_are_redacted() -> None:
    c = Client()
    run = SemanticsRun(c, replay=False)
    service = next(u for u in c.mock.state.users.values() if u.name == "apiconform-scratch-quick-service")
    old = next(b["serviceUserKey"] for b in run.transport.bodies if b["requestType"] == "regenerateUserKey")
    assert old != service.key
    assert run.ctx.redactor.text(f"{old} {service.key}") == f"{MASK} {MASK}"


# -- faults --------------------------------------------------------------------------------------------------------


def test_wrong_request_type_shape_fault_answers_with_a_foreign_shape() -> None:
    faulty, honest = Client("wrong-request-type-shape"), Client()
    checked = 0
    for request_type, variant in VARIANTS.items():
        ref = variant.get("x-response-schema")
        if ref is None or ref.endswith("/UndocumentedJsonResponse"):
            continue  # no documented shape: any object is that requestType's answer (quirk MEND-95)
        body, setup = valid_request(faulty, request_type)
        for step in setup:
            faulty.post(step)
        answer = faulty.post(body).json()
        assert error_code(answer) is None
        assert VALIDATOR.errors(answer, {"$ref": ref}), request_type
        checked += 1
    assert checked > 60
    body, _ = valid_request(honest, "getAllProjects")
    assert VALIDATOR.errors(honest.post(body).json(), {"$ref": VARIANTS["getAllProjects"]["x-response-schema"]}) == []


@pytest.mark.parametrize("contract", ["documented", "observed"])
def test_request_type_error_fault_fails_only_its_request_type_after_the_call_is_authorised_and_built(
    contract: str,
) -> None:
    c = Client("request-type-error:createProject", "request-type-error:getProjectLicenses=2001", contract=contract)
    product, project = c.creds["productToken"], c.creds["projectToken"]
    answer = c.call("createProject", productToken=product, projectName="late failure")
    assert answer == {"errorCode": 4000, "errorMessage": "Unexpected error"}  # the default
    assert "late failure" in {p["projectName"] for p in c.ok("getAllProjects", productToken=product)["projects"]}
    # The code is sent as given: the observed mode does not turn 2001 into 3000 (MEND-OBS-027).
    assert c.call("getProjectLicenses", projectToken=project) == {"errorCode": 2001, "errorMessage": "Unexpected error"}
    assert error_code(c.call("getProjectLicenses", projectToken="nope")) == 5002  # not authorised: not its turn yet
    c.ok("getProductLicenses", productToken=product)


def test_request_type_error_fault_says_what_the_codes_real_servers_use_mean() -> None:
    c = Client("request-type-error:getProductRiskReport=2015", "request-type-error:getOrganizationDetails=5001")
    answer = c.call("getProductRiskReport", productToken=c.creds["productToken"])
    assert answer == {"errorCode": 2015, "errorMessage": "Inactive organization"}  # JSON, not the PDF
    assert semantics.valid_request_rejection(answer) is not None  # no data explains it
    answer = c.call("getOrganizationDetails", orgToken=c.creds["orgToken"])
    assert semantics.credential_rejection(answer) is not None  # 5001: the caller is refused


@pytest.mark.parametrize("fault", ["undocumented-enum", "required-field-missing", "field-type-changed"])
def test_generic_faults_rewrite_the_shape_of_the_request_type_sent(fault: str) -> None:
    c = Client(fault)
    answer = c.ok("getProjectState", projectToken=c.creds["projectToken"])
    assert VALIDATOR.errors(answer, {"$ref": VARIANTS["getProjectState"]["x-response-schema"]})
    error = c.call("getProjectState", projectToken="nope")  # errors are HTTP 200 answers too (MendError has no enum)
    assert bool(VALIDATOR.errors(error, {"$ref": "#/components/schemas/MendError"})) == (fault != "undocumented-enum")


def test_report_faults_drop_the_disposition_or_change_the_content_type() -> None:
    for fault, header in (("missing-content-disposition", "content-disposition"), ("wrong-content-type", None)):
        c = Client(fault)
        body, _ = valid_request(c, "getProductRiskReport")
        response = c.post(body)
        if header:
            assert header not in response.headers
        else:
            assert (
                response.headers["content-type"].split(";")[0]
                not in VARIANTS["getProductRiskReport"]["x-response-media-types"]
            )


def test_auth_not_enforced_fault_serves_bad_credentials() -> None:
    c = Client("auth-not-enforced")
    assert c.post({"requestType": "getAllProducts", "userKey": "nope", "orgToken": "nope"}).json()["products"]


@pytest.fixture(scope="module")
def strict_and_lenient() -> tuple[Client, Client]:
    return Client(), Client("out-of-range-accepted", "auth-not-enforced")


FIELDS = st.sampled_from(["requestType", "userKey", "orgToken", "productToken", "projectToken", "format", "keyUuid"])
VALUES = st.one_of(st.sampled_from(list(VARIANTS)), st.text(), st.integers(), st.none(), st.lists(st.integers()))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(FIELDS, VALUES))
def test_random_bodies_never_crash_even_with_validation_off(
    strict_and_lenient: tuple[Client, Client], body: Body
) -> None:
    for c in strict_and_lenient:
        response = c.post(body)
        assert response.status_code == 200


# -- the observed mode: answers like real servers (specs/overlays/mend.observed.yaml) -----------------------------


@pytest.fixture
def real() -> Client:
    return Client(contract="observed")


def test_observed_alerts_are_under_alerts_with_the_members_real_servers_send(real: Client) -> None:
    project = real.creds["projectToken"]
    active = real.ok("getProjectAlerts", projectToken=project)
    assert set(active) == {"alerts"}
    alert = active["alerts"][0]
    assert alert["level"] in ("MAJOR", "MINOR")
    assert alert["projectToken"] == project and isinstance(alert["projectId"], int)
    assert alert["creation_date"] == alert["date"] == alert["modifiedDate"]
    chosen = alert["alertUuid"]
    real.mock.clock.advance(86_400 * 3)
    real.ok("ignoreAlerts", orgToken=real.creds["orgToken"], alertUuids=[chosen], comments="risk accepted")
    ignored = next(
        a for a in real.ok("getProjectIgnoredAlerts", projectToken=project)["alerts"] if a["alertUuid"] == chosen
    )
    assert ignored["comments"] == "risk accepted" and "comments" not in ignored["library"]
    assert ignored["modifiedDate"] > ignored["creation_date"]
    assert "status" not in ignored
    security = [a for a in real.ok("getOrganizationIgnoredAlerts", orgToken=real.creds["orgToken"])["alerts"]
                if a["type"] == "SECURITY_VULNERABILITY"]  # fmt: skip
    assert security and all(len(a["vulnerability"]["lastUpdated"]) == 10 for a in security)
    alerts = real.ok("getOrganizationAlerts", orgToken=real.creds["orgToken"])["alerts"]
    origins = {a["vulnerability"]["topFix"]["origin"] for a in alerts if "vulnerability" in a}
    assert "WHITESOURCE_EXPERT" in origins and "mend_EXPERT" not in origins


def test_observed_vitals_dates_carry_a_utc_offset_and_ids(real: Client) -> None:
    vitals = real.ok("getProductProjectVitals", productToken=real.creds["productToken"])
    assert "warningMessages" not in vitals
    for entry in vitals["projectVitals"]:
        assert entry["lastUpdatedDate"].endswith(" +0000") and entry["creationDate"].endswith(" +0000")
        assert isinstance(entry["id"], int)
    inventory = real.ok("getProjectInventory", projectToken=real.creds["projectToken"], format="json")
    assert not inventory["projectVitals"]["lastUpdatedDate"].endswith("+0000")  # as an older capture shows it
    warned = real.ok("getProjectVitals", projectToken=real.creds["projectToken"], orgToken=real.creds["orgToken"])
    assert warned["warningMessages"] == ["Invalid input: orgToken"]


def test_observed_error_codes_are_the_ones_real_clients_act_on(real: Client) -> None:
    org, product = real.creds["orgToken"], real.creds["productToken"]
    assert error_code(real.call("getAllProducts", orgToken=org, surprise=1)) == 3000
    assert error_code(real.call("getAllProducts")) == 3010
    assert error_code(real.post(None, content=b"{nope", headers={"Content-Type": JSON_MEDIA}).json()) == 3000
    taken = real.mock.state.products[product].name
    assert error_code(real.call("createProduct", orgToken=org, productName=taken)) == 2001
    assert error_code(real.call("createProject", productToken=product, projectName=real.mock.project.name)) == 2010
    assert error_code(real.call("getProjectAlerts", projectToken="f" * 64)) == 5002


def test_observed_change_log_licenses_details_and_listings(real: Client) -> None:
    org = real.creds["orgToken"]
    changes = real.ok("getChangesReport", orgToken=org)["changes"]
    system = [c for c in changes if c["operator"] == "SYSTEM"]
    assert system and all(c["userEmail"] == "WhiteSource System" and "projectId" not in c for c in system)
    assert all("changeCategory" in c and "category" not in c and "comment" not in c for c in changes)
    assert all(c["orgName"] == real.mock.state.org.name for c in changes if c["operator"] == "USER")
    libraries = real.ok("getProjectLicenses", projectToken=real.creds["projectToken"])["libraries"]
    assert all(isinstance(lic, dict) and lic["name"] for lib in libraries for lic in lib["licenses"])
    details = real.ok("getOrganizationDetails", orgToken=org)
    assert isinstance(details["numberOfProjects"], int) and len(details["creationDate"]) == 10
    projects = real.ok("getAllProjects", productToken=real.creds["productToken"], excludeExtraData=True)["projects"]
    assert all(isinstance(p["projectId"], int) for p in projects)


@pytest.mark.parametrize("request_type", sorted(name.replace("Report", "") for name in (
    "getProjectBugsReport", "getProjectInHouseReport", "getProjectLicenseCompatibilityReport",
    "getProjectRequestHistoryReport")))  # fmt: skip
def test_observed_excel_reports_take_format_xlsx(real: Client, request_type: str) -> None:
    body = {"requestType": f"{request_type}Report", "userKey": real.creds["userKey"], "format": "xlsx"}
    response = real.post(body | {"projectToken": real.creds["projectToken"]})
    check_answer(f"{request_type}Report", response, "observed")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")


def test_observed_attribution_report_takes_the_sdk_members_and_answers_json(real: Client) -> None:
    base = {"projectToken": real.creds["projectToken"], "reportingAggregationMode": "BY_PROJECT"}
    answer = real.ok("getProjectAttributionReport", **base, reportingScope="LICENSES", exportFormat="JSON")
    entries = answer["detail"][real.mock.project.name]
    assert entries and all({"library", "licenses"} <= set(e) for e in entries)
    assert all({"license", "licenseText"} == set(lic) for e in entries for lic in e["licenses"])

    def text(scope: str, **sdk: str) -> str:
        body = {"requestType": "getProjectAttributionReport", "userKey": real.creds["userKey"], **base}
        response = real.post(body | {"exportFormat": "TXT", "reportingScope": scope, **sdk})
        assert response.headers["content-type"].startswith("text/plain")
        return response.content.decode()

    inline, appendix = text("LICENSES"), text("LICENSES", licenseReferenceTextPlacement="APPENDIX_SECTION")
    assert "\nLicense: " in inline and "Appendix: licenses" not in inline
    assert "\nLicense: " not in appendix and "Appendix: licenses" in appendix
    project_libraries = [real.mock.state.libraries[u.key_id] for u in real.mock.project.usages]
    assert all(f"{lib.name} {lib.version} (" in text("SUMMARY", includeVersions="True") for lib in project_libraries)
    unversioned = text("SUMMARY", includeVersions="False")
    assert all(f"{lib.name} {lib.version} (" not in unversioned for lib in project_libraries)


def test_observed_vulnerability_report_narrows_to_an_alert_status(real: Client) -> None:
    def report(**status: str) -> list[Any]:
        body = {"orgToken": real.creds["orgToken"], "format": "json", **status}
        return list(real.ok("getOrganizationVulnerabilityReport", **body)["vulnerabilities"])

    everything, active, ignored = report(), report(status="Active"), report(status="Ignored")
    assert active and ignored and len(active) + len(ignored) <= len(everything)
    assert not {r["name"] for r in ignored} - {r["name"] for r in everything}
