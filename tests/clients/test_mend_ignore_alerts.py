"""mend-ignore-alerts 26.5.1 (Mend Ignore Alerts, console script `ignore_alerts`) against the Mend mock.

What it exists for: carry ignored alerts over from a baseline project to a new one, ignore the alerts of a CVE
white list, export the ignored alerts of projects to YAML ("create") and ignore the alerts a YAML file lists
("load"). It posts to https://{host}/api/v1.4 with certificate verification on, so it talks to a TLS front whose
throwaway CA is the only one it trusts.

None of its flows completes against today's mock: every one reads an alert list or an ignored-alert field in the
shape the real server answers, not the documented one. Each test is a strict xfail naming that shape; it turns
into a failure (XPASS) the day the mock answers like the real server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.clients.harness import (
    Clients,
    Mock,
    Proxy,
    Run,
    TlsFront,
    mend_ignored_alerts,
    mend_products,
    mend_projects,
    reported_operations,
)

ALERTS_KEY = (
    "getProjectAlertsByType and getProjectAlerts answer {'alerts': [...]} on the real server; the mock answers the "
    "documented "
    "{'apiAlertInfo': [...]}, and the tool reads answer['alerts'] (mend_ignore_alerts/ignore_alerts.py:578, "
    "599, 693, 707), so it finds no alert to ignore"
)
IGNORED_FIELDS = (
    "each *IgnoredAlerts entry carries 'comments' at the top level and vulnerability.lastUpdated "
    "(policy alerts: 'modifiedDate') on the real server; the mock puts 'comments' inside 'library' as documented "
    "and has no lastUpdated, so the tool's parser drops every ignored alert (ignore_alerts.py:624-643)"
)


def ignore_alerts(clients: Clients, mock: Mock, host: str, workdir: Path, *args: str) -> Run:
    creds = mock.credentials
    return clients.run("ignore_alerts", "-u", host, "-k", creds["userKey"], "-o", creds["orgToken"], *args, cwd=workdir)


def carried_over(mock: Mock) -> tuple[dict[str, Any], str, str]:
    """An ignored vulnerability alert of one project (the baseline) whose CVE and library are still active in
    another project (the destination): (the ignored alert, baseline token, destination token)."""
    projects = mend_projects(mock)
    active = mock.call(
        {
            "requestType": "getOrganizationAlertsByType",
            "orgToken": mock.credentials["orgToken"],
            "alertType": "SECURITY_VULNERABILITY",
        }
    )["apiAlertInfo"]
    for ignored in mend_ignored_alerts(mock):
        if ignored["type"] != "SECURITY_VULNERABILITY":
            continue
        key = (ignored["vulnerability"]["name"], ignored["library"]["artifactId"])
        for alert in active:
            if (alert["vulnerability"]["name"], alert["library"]["artifactId"]) == key:
                return ignored, projects[ignored["project"]], projects[alert["project"]]
    raise AssertionError("the seed has no ignored alert that is still active elsewhere")


def ignored_cves(mock: Mock, project_token: str) -> set[str]:
    answer = mock.call({"requestType": "getProjectIgnoredAlerts", "projectToken": project_token})
    return {a["vulnerability"]["name"] for a in answer["alerts"] if a.get("vulnerability")}


@pytest.mark.xfail(
    strict=True, raises=AssertionError, reason=f"observed-mode mock needed: {IGNORED_FIELDS} and {ALERTS_KEY}"
)
def test_baseline_ignores_in_the_new_project_what_the_old_one_ignored(
    clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path
) -> None:
    ignored, baseline, destination = carried_over(mend)
    cve = ignored["vulnerability"]["name"]
    assert cve not in ignored_cves(mend, destination)
    run = ignore_alerts(clients, mend, mend_https.host, workdir, "-b", baseline, "-t", destination)
    assert run.returncode == 0, run.describe()
    assert cve in ignored_cves(mend, destination), run.describe()


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=f"observed-mode mock needed: {ALERTS_KEY}")
def test_white_list_ignores_the_listed_cves(clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path) -> None:
    ignored, baseline, destination = carried_over(mend)
    active = mend.call({"requestType": "getProjectAlerts", "projectToken": destination})["apiAlertInfo"]
    carried = ignored["vulnerability"]["name"]  # not this one: the baseline copy alone could ignore it
    cve = next(
        a["vulnerability"]["name"]
        for a in active
        if a["type"] == "SECURITY_VULNERABILITY" and a["vulnerability"]["name"] != carried
    )
    run = ignore_alerts(clients, mend, mend_https.host, workdir, "-b", baseline, "-t", destination, "-w", cve)
    assert run.returncode == 0, run.describe()
    assert cve in ignored_cves(mend, destination), run.describe()


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=f"observed-mode mock needed: {IGNORED_FIELDS}")
def test_create_exports_the_ignored_alerts_of_every_project_to_yaml(
    clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path
) -> None:
    run = ignore_alerts(clients, mend, mend_https.host, workdir, "--mode", "create", "--yaml", "ignored.yaml")
    assert run.returncode == 0, run.describe()
    exported = yaml.safe_load((workdir / "ignored.yaml").read_text(encoding="utf-8"))
    expected = {a["project"] for a in mend_ignored_alerts(mend) if a["type"] == "SECURITY_VULNERABILITY"}
    assert {entry["projectname"] for entry in exported} == expected


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="observed-mode mock needed: getAllProjects must accept 'excludeExtraData': true, which the tool sends "
    "when given product tokens (mend_ignore_alerts/ignore_alerts.py:376-381); the mock refuses the field "
    "(errorCode 2001) and the tool, swallowing the error, finds no project in the product",
)
def test_create_for_a_product_visits_each_of_its_projects(
    clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path
) -> None:
    product = mend_products(mend)["Payments Platform"]
    run = ignore_alerts(
        clients, mend, mend_https.host, workdir, "--mode", "create", "--yaml", "ignored.yaml", "-d", product
    )
    assert run.returncode == 0, run.describe()
    assert all(c.error is None for c in mend.recorder.of("getAllProjects"))
    product_projects = mend.call({"requestType": "getAllProjects", "productToken": product})["projects"]
    asked = {c.request["projectToken"] for c in mend.recorder.of("getProjectIgnoredAlerts")}
    assert asked == {p["projectToken"] for p in product_projects}


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=f"observed-mode mock needed: {ALERTS_KEY}")
def test_load_ignores_the_alerts_a_yaml_file_lists(
    clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path
) -> None:
    ignored, _, destination = carried_over(mend)
    name = {v: k for k, v in mend_projects(mend).items()}[destination]
    cve = ignored["vulnerability"]["name"]
    plan = [{"projectname": name, "vulns": [{"vuln_id": cve, "note": "accepted", "end_date": "2999-12-31"}]}]
    (workdir / "plan.yaml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    run = ignore_alerts(clients, mend, mend_https.host, workdir, "--mode", "load", "--yaml", "plan.yaml")
    assert run.returncode == 0, run.describe()
    assert cve in ignored_cves(mend, destination), run.describe()


def test_the_proxy_reports_the_undocumented_field_of_the_baseline_flow(
    clients: Clients, mend: Mock, workdir: Path, tmp_path: Path
) -> None:
    """Baseline mode asks for policy alerts with 'excludeExtraData', a field getProjectAlertsByType does not
    document: the proxy reports that request (client_request_valid) and nothing else."""
    _, baseline, destination = carried_over(mend)
    proxy = Proxy("mend", mend.url, tmp_path / "proxy-report")
    front = TlsFront(clients.certificates, proxy.port)
    try:
        run = ignore_alerts(clients, mend, front.host, workdir, "-b", baseline, "-t", destination)
    finally:
        front.stop()
        report = proxy.stop()
    assert run.returncode == 0, run.describe()
    assert reported_operations(report) == {"POST /api/v1.2#getProjectAlertsByType": {"client_request_valid"}}
    refused = [c.request for c in mend.recorder.calls if c.error is not None]
    assert refused == [r for r in refused if r.get("excludeExtraData") is True] and len(refused) == 1
