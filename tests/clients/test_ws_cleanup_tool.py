"""ws-cleanup-tool 24.6.4 (Mend SCA Cleanup Tool, console script `ws_cleanup_tool`) against the Mend mock.

What it exists for: list the organization's products and their projects, pick the projects to clean up (oldest
copies beyond N, or not updated for N days, optionally by project tag), save reports of each (Excel, HTML), then
delete it. It only speaks https (`https://{host}{/api/v1.4}`, certificate not verified), so it talks to a TLS
front on a free loopback port.
"""

from __future__ import annotations

from pathlib import Path

from tests.clients.harness import (
    Clients,
    Mock,
    Proxy,
    Run,
    TlsFront,
    mend_product_projects,
    mend_products,
    mend_projects,
    reported_operations,
    xlsx_text,
)

PRODUCT = "Payments Platform"
DOCUMENTED_REPORTS = "inventory,attribution,due_diligence,vulnerability,source_file_inventory"
# The tool sends "format": "xlsx" with every Excel report; these four requestTypes document no format field, which
# the real server takes (MEND-OBS-044) and the observed mock too.
FORMAT_REFUSED = {
    "bugs": "getProjectBugsReport",
    "in_house_libraries": "getProjectInHouseReport",
    "license_compatibility": "getProjectLicenseCompatibilityReport",
    "request_history": "getProjectRequestHistoryReport",
}


def cleanup(clients: Clients, mock: Mock, host: str, workdir: Path, *args: str) -> Run:
    creds = mock.credentials
    return clients.run(
        "ws_cleanup_tool",
        "-a",
        host,
        "-u",
        creds["userKey"],
        "-k",
        creds["orgToken"],
        "-o",
        "reports",
        *args,
        cwd=workdir,
    )


def oldest_first(mock: Mock, product_token: str) -> list[str]:
    vitals = mock.call({"requestType": "getProductProjectVitals", "productToken": product_token})["projectVitals"]
    return [p["name"] for p in sorted(vitals, key=lambda p: p["lastUpdatedDate"])]


def test_saves_reports_then_deletes_all_but_the_newest_copies(
    clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path
) -> None:
    product_token = mend_products(mend)[PRODUCT]
    projects = oldest_first(mend, product_token)
    doomed, kept = projects[:-2], projects[-2:]
    run = cleanup(
        clients,
        mend,
        mend_https.host,
        workdir,
        "-i",
        product_token,
        "-m",
        "FilterProjectsByLastCreatedCopies",
        "-r",
        "2",
        "-t",
        DOCUMENTED_REPORTS,
    )
    assert run.returncode == 0, run.describe()
    assert f"Deleted {len(doomed)} project(s)" in run.stdout, run.describe()
    assert sorted(mend_product_projects(mend, product_token)) == sorted(kept)
    for name in doomed:
        folder = workdir / "reports" / PRODUCT / name
        saved = {p.name for p in folder.iterdir()}
        assert saved == {
            "inventory.xlsx",
            "attribution.html",
            "due_diligence.xlsx",
            "vulnerability.xlsx",
            "source_file_inventory.xlsx",
        }, saved
        assert "Library" in xlsx_text(folder / "inventory.xlsx")
        assert name in (folder / "attribution.html").read_text(encoding="utf-8")
    assert all(c.error is None for c in mend.recorder.calls), [c.answer for c in mend.recorder.calls if c.error]
    assert {c.path for c in mend.recorder.calls} == {"/api/v1.4"}
    assert [c.request_type for c in mend.recorder.calls].count("deleteProject") == len(doomed)


def test_saves_the_other_excel_reports(clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path) -> None:
    product_token = mend_products(mend)[PRODUCT]
    doomed = oldest_first(mend, product_token)[0]
    run = cleanup(
        clients,
        mend,
        mend_https.host,
        workdir,
        "-i",
        product_token,
        "-m",
        "FilterProjectsByLastCreatedCopies",
        "-r",
        "5",
        "-t",
        ",".join(FORMAT_REFUSED),
    )
    assert run.returncode == 0, run.describe()
    folder = workdir / "reports" / PRODUCT / doomed
    for report in FORMAT_REFUSED:
        assert (folder / f"{report}.xlsx").read_bytes().startswith(b"PK"), report
    refused = {c.request_type for c in mend.recorder.calls if c.error is not None}
    assert refused == set(), refused


def test_dry_run_by_project_tag_deletes_nothing(
    clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path
) -> None:
    tags = mend.call({"requestType": "getOrganizationProjectTags", "orgToken": mend.credentials["orgToken"]})
    staging = sorted(p["name"] for p in tags["projectTags"] if "staging" in p["tags"].get("status", []))
    before = mend_projects(mend)
    run = cleanup(
        clients,
        mend,
        mend_https.host,
        workdir,
        "-m",
        "FilterProjectsByLastCreatedCopies",
        "-r",
        "0",
        "-g",
        "status:staging",
        "-y",
        "true",
    )
    assert run.returncode == 0, run.describe()
    assert staging and f"Dry Run found {len(staging)} project(s) to delete" in run.stdout, run.describe()
    listed = sorted(name for name in before if f"'{name}'" in run.stdout)
    assert listed == staging
    assert mend_projects(mend) == before
    assert not any(c.request_type == "deleteProject" for c in mend.recorder.calls)


def test_dry_run_by_age_finds_the_stale_projects(
    clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path
) -> None:
    run = cleanup(clients, mend, mend_https.host, workdir, "-m", "FilterProjectsByUpdateTime", "-r", "1", "-y", "true")
    assert run.returncode == 0, run.describe()
    assert "Dry Run found" in run.stdout or "No projects to clean up were found" in run.stdout, run.describe()


def test_alert_reports_use_an_undocumented_call_which_the_proxy_reports(
    clients: Clients, mend: Mock, workdir: Path, tmp_path: Path
) -> None:
    """The alerts, ignored_alerts and resolved_alerts reports are asked for with
    getProjectSecurityAlertsByVulnerabilityReport, a requestType the v1.2 documents do not have. The mock answers
    2002 (unsupported), which the tool saves as the .xlsx without noticing; the proxy reports that call only."""
    product_token = mend_products(mend)[PRODUCT]
    newest = oldest_first(mend, product_token)[-1]
    proxy = Proxy("mend", mend.url, tmp_path / "proxy-report")
    front = TlsFront(clients.certificates, proxy.port)
    try:
        run = cleanup(
            clients,
            mend,
            front.host,
            workdir,
            "-i",
            product_token,
            "-m",
            "FilterProjectsByLastCreatedCopies",
            "-r",
            "5",
            "-t",
            "inventory,alerts",
        )
    finally:
        front.stop()
        report = proxy.stop()
    assert run.returncode == 0, run.describe()
    assert sorted(mend_product_projects(mend, product_token)) != [] and newest in mend_product_projects(
        mend, product_token
    )
    assert reported_operations(report) == {
        "POST /api/v1.2#getProjectSecurityAlertsByVulnerabilityReport": {"client_operation_known"}
    }
    refused = {c.request_type for c in mend.recorder.calls if c.error is not None}
    assert refused == {"getProjectSecurityAlertsByVulnerabilityReport"}
