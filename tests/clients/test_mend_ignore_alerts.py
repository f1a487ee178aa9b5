"""mend-ignore-alerts 26.5.1 (Mend Ignore Alerts, console script `ignore_alerts`) against the Mend mock.

What it exists for: carry ignored alerts over from a baseline project to a new one, ignore the alerts of a CVE
white list, export the ignored alerts of projects to YAML ("create") and ignore the alerts a YAML file lists
("load"). It posts to https://{host}/api/v1.4 with certificate verification on, so it talks to a TLS front whose
throwaway CA is the only one it trusts.

Every flow reads an alert list or an ignored-alert field in the shape the real server answers, not the documented
one: alert lists under 'alerts', the ignore comment at the top level of an ignored alert, vulnerability.lastUpdated,
modifiedDate; and it sends excludeExtraData with getAllProjects. The mock's observed mode (the default) answers and
accepts so, and every flow completes; against the documented mode none would (tests/clients/FINDINGS.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    )["alerts"]
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


def test_baseline_ignores_in_the_new_project_what_the_old_one_ignored(
    clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path
) -> None:
    ignored, baseline, destination = carried_over(mend)
    cve = ignored["vulnerability"]["name"]
    assert cve not in ignored_cves(mend, destination)
    run = ignore_alerts(clients, mend, mend_https.host, workdir, "-b", baseline, "-t", destination)
    assert run.returncode == 0, run.describe()
    assert cve in ignored_cves(mend, destination), run.describe()


def test_white_list_ignores_the_listed_cves(clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path) -> None:
    ignored, baseline, destination = carried_over(mend)
    active = mend.call({"requestType": "getProjectAlerts", "projectToken": destination})["alerts"]
    carried = ignored["vulnerability"]["name"]  # not this one: the baseline copy alone could ignore it
    cve = next(
        a["vulnerability"]["name"]
        for a in active
        if a["type"] == "SECURITY_VULNERABILITY" and a["vulnerability"]["name"] != carried
    )
    run = ignore_alerts(clients, mend, mend_https.host, workdir, "-b", baseline, "-t", destination, "-w", cve)
    assert run.returncode == 0, run.describe()
    assert cve in ignored_cves(mend, destination), run.describe()


def test_create_exports_the_ignored_alerts_of_every_project_to_yaml(
    clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path
) -> None:
    run = ignore_alerts(clients, mend, mend_https.host, workdir, "--mode", "create", "--yaml", "ignored.yaml")
    assert run.returncode == 0, run.describe()
    exported = yaml.safe_load((workdir / "ignored.yaml").read_text(encoding="utf-8"))
    # The tool exports ignored security alerts and ignored policy alerts (ignore_alerts.py:624-643).
    kinds = ("SECURITY_VULNERABILITY", "REJECTED_BY_POLICY_RESOURCE")
    expected = {a["project"] for a in mend_ignored_alerts(mend) if a["type"] in kinds}
    assert {entry["projectname"] for entry in exported} == expected


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
    document: a proxy judging by the documents reports that request (client_request_valid), and no other request.
    The real server takes the field (MEND-OBS-019), and so does the observed mock: nothing is refused. The same
    proxy also fails the observed mock's alert answers (alerts under 'alerts', upper-case levels), which the
    documents do not describe."""
    _, baseline, destination = carried_over(mend)
    proxy = Proxy("mend", mend.url, tmp_path / "proxy-report", contract="documented")
    front = TlsFront(clients.certificates, proxy.port)
    try:
        run = ignore_alerts(clients, mend, front.host, workdir, "-b", baseline, "-t", destination)
    finally:
        front.stop()
        report = proxy.stop()
    assert run.returncode == 0, run.describe()
    reported = reported_operations(report)
    requests = {op: checks & {"client_request_valid", "client_operation_known"} for op, checks in reported.items()}
    assert {op: checks for op, checks in requests.items() if checks} == {
        "POST /api/v1.2#getProjectAlertsByType": {"client_request_valid"}
    }
    assert any("excludeExtraData" in f["message"] for f in report["failures"] if f["check"] == "client_request_valid")
    answers = {op for op, checks in reported.items() if checks - requests[op]}
    assert answers == {"POST /api/v1.2#getProjectAlertsByType", "POST /api/v1.2#getProjectIgnoredAlerts"}
    assert [c.request for c in mend.recorder.calls if c.error is not None] == []
