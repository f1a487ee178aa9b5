"""ws-sdk 23.12.2 (WhiteSource PS Python SDK, the library the ws-* tools are built on) against the Mend mock.

The SDK runs unmodified in the side venv; tests/clients/drivers/ws_sdk_flows.py calls its public methods (list,
read, report download, alerts, ignore, create/delete) and prints what they returned. It posts to /api/v1.3 with
an agentInfo object, over plain http (its URL is taken as given).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.clients.harness import (
    Clients,
    Mock,
    Proxy,
    Run,
    mend_ignored_alerts,
    mend_products,
    mend_project_alerts,
    mend_projects,
    reported_operations,
    xlsx_text,
)

DRIVER = str(Path(__file__).with_name("drivers") / "ws_sdk_flows.py")


def drive(clients: Clients, mock: Mock, flow: str, workdir: Path, url: str | None = None, **extra: str) -> Run:
    creds = mock.credentials
    env = {
        "MEND_URL": url or mock.origin,
        "MEND_USERKEY": creds["userKey"],
        "MEND_ORGTOKEN": creds["orgToken"],
        "MEND_PROJECTTOKEN": creds["projectToken"],
        **extra,
    }
    return clients.run(DRIVER, flow, cwd=workdir, env=env)


def result(run: Run) -> dict[str, Any]:
    assert run.returncode == 0, run.describe()
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_lists_every_product_and_project(clients: Clients, mend: Mock, workdir: Path) -> None:
    got = result(drive(clients, mend, "list", workdir))
    assert {p["name"]: p["token"] for p in got["products"]} == mend_products(mend)
    assert {p["name"]: p["token"] for p in got["projects"]} == mend_projects(mend)
    assert all(p["product"] for p in got["projects"])
    assert all(c.error is None for c in mend.recorder.calls)
    assert {c.path for c in mend.recorder.calls} == {"/api/v1.3"}


def test_reads_the_organization_and_a_project(clients: Clients, mend: Mock, workdir: Path) -> None:
    got = result(drive(clients, mend, "read", workdir))
    details = mend.call({"requestType": "getOrganizationDetails", "orgToken": mend.credentials["orgToken"]})
    project_name = {v: k for k, v in mend_projects(mend).items()}[mend.credentials["projectToken"]]
    assert got == {"organization": details["orgName"], "project": project_name, "product": got["product"]}
    assert got["product"] in mend_products(mend)


def test_downloads_project_reports_listing_the_project_libraries(clients: Clients, mend: Mock, workdir: Path) -> None:
    got = result(drive(clients, mend, "reports", workdir))
    assert set(got["written"]) == {"inventory.xlsx", "due_diligence.xlsx"}
    libraries = {a["library"]["sha1"] for a in mend_project_alerts(mend, mend.credentials["projectToken"])}
    inventory = xlsx_text(workdir / "inventory.xlsx")
    assert libraries and all(sha1 in inventory for sha1 in libraries)
    assert xlsx_text(workdir / "due_diligence.xlsx")
    assert all(c.error is None for c in mend.recorder.calls)


def test_lists_ignored_alerts_of_a_project(clients: Clients, mend: Mock, workdir: Path) -> None:
    ignored = mend_ignored_alerts(mend)
    project = ignored[0]["project"]
    token = mend_projects(mend)[project]
    got = result(drive(clients, mend, "ignored", workdir, MEND_IGNORED_PROJECTTOKEN=token))
    expected = sorted(a["library"]["filename"] for a in ignored if a["project"] == project)
    assert sorted(got["ignored"]) == expected


def test_lists_alerts_of_a_type(clients: Clients, mend: Mock, workdir: Path) -> None:
    got = result(drive(clients, mend, "alerts", workdir))
    expected = {
        a["vulnerability"]["name"]
        for a in mend_project_alerts(mend, mend.credentials["projectToken"])
        if a["type"] == "SECURITY_VULNERABILITY"
    }
    assert got["alerts_type"] == "list"
    assert expected and set(got["alerts"]) == expected


def test_downloads_the_attribution_report(clients: Clients, mend: Mock, workdir: Path) -> None:
    got = result(drive(clients, mend, "attribution", workdir))
    html = (workdir / "attribution.html").read_text(encoding="utf-8")
    assert got["written"]["attribution.html"] > 0
    assert "<html" in html.lower()


def test_creates_and_deletes_a_product_project(clients: Clients, mend: Mock, workdir: Path) -> None:
    got = result(drive(clients, mend, "create-delete", workdir))
    assert got["after_create"] == ["apiconform-client-project"]
    assert got["after_delete"] == []
    assert "apiconform-client-product" in mend_products(mend)
    assert "apiconform-client-project" not in mend_projects(mend)
    assert [
        c.request_type
        for c in mend.recorder.calls
        if c.request_type in ("createProduct", "createProject", "deleteProject")
    ] == ["createProduct", "createProject", "deleteProject"]


def test_ignoring_an_alert_uses_an_undocumented_call_which_the_proxy_reports(
    clients: Clients, mend: Mock, workdir: Path, tmp_path: Path
) -> None:
    """WSApp.set_alerts_status posts requestType setAlertsStatus, which the v1.2 documents do not describe (they
    document ignoreAlerts). The mock refuses it (2002), the SDK raises, and the proxy reports exactly that call."""
    alert = mend_project_alerts(mend, mend.credentials["projectToken"])[0]
    proxy = Proxy("mend", mend.url, tmp_path / "proxy-report")
    try:
        run = drive(
            clients, mend, "ignore", workdir, url=proxy.url.rsplit("/api/", 1)[0], MEND_ALERT_UUID=alert["alertUuid"]
        )
    finally:
        report = proxy.stop()
    assert run.returncode != 0 and "setAlertsStatus" in run.output
    assert reported_operations(report) == {"POST /api/v1.2#setAlertsStatus": {"client_operation_known"}}
    assert [c.request_type for c in mend.recorder.calls] == ["setAlertsStatus"]
