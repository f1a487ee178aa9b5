"""ws-bulk-report-generator 24.1.1 (WS Bulk Report Generator, console script `ws_bulk_report_generator`) against
the Mend mock.

What it exists for: run one report type over every product or project of an organization (or of the tokens
given) and save one file per scope (Excel as the server sends it) or one unified JSON/Excel file. It is built on
ws_sdk.WS, whose constructor checks GitHub for the Unified Agent: it runs with the `github` fixture's environment
(loopback GitHub stub, fake java). Mend calls go to the mock over plain http at /api/v1.3.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.clients.harness import (
    Clients,
    Mock,
    Proxy,
    Run,
    mend_ignored_alerts,
    mend_product_projects,
    mend_products,
    reported_operations,
    xlsx_text,
)

PRODUCT = "Payments Platform"


def bulk(clients: Clients, mock: Mock, github: dict[str, str], workdir: Path, *args: str, url: str = "") -> Run:
    creds = mock.credentials
    return clients.run(
        "ws_bulk_report_generator",
        "-u",
        creds["userKey"],
        "-k",
        creds["orgToken"],
        "-a",
        url or mock.origin,
        "-o",
        "reports",
        *args,
        cwd=workdir,
        env=github,
    )


def test_saves_one_inventory_workbook_per_project(
    clients: Clients, mend: Mock, github: dict[str, str], workdir: Path
) -> None:
    product = mend_products(mend)[PRODUCT]
    run = bulk(clients, mend, github, workdir, "-r", "inventory", "-s", "project", "-i", product)
    assert run.returncode == 0, run.describe()
    projects = mend_product_projects(mend, product)
    saved = {p.name: p for p in (workdir / "reports").iterdir()}
    assert set(saved) == {f"project_{name}_{PRODUCT}_inventory_org_ACME Corporation.xlsx" for name in projects}
    for name, token in projects.items():
        inventory = mend.call({"requestType": "getProjectInventory", "projectToken": token})
        libraries = {lib["sha1"] for lib in inventory["libraries"]}
        text = xlsx_text(saved[f"project_{name}_{PRODUCT}_inventory_org_ACME Corporation.xlsx"])
        assert all(sha1 in text for sha1 in libraries), name
    assert all(c.error is None for c in mend.recorder.calls)


def test_unified_json_reports_merge_every_project(
    clients: Clients, mend: Mock, github: dict[str, str], workdir: Path
) -> None:
    product = mend_products(mend)[PRODUCT]
    projects = mend_product_projects(mend, product)
    for report in ("ignored_alerts", "due_diligence", "inventory"):
        run = bulk(clients, mend, github, workdir, "-r", report, "-s", "project", "-i", product, "-t", "unified_json")
        assert run.returncode == 0, run.describe()
    folder = workdir / "reports"
    ignored = json.loads((folder / "ACME Corporation - ignored_alerts report.json").read_text(encoding="utf-8"))
    expected = sorted(a["alertUuid"] for a in mend_ignored_alerts(mend) if a["project"] in projects)
    assert expected and sorted(a["alertUuid"] for a in ignored) == expected
    due = json.loads((folder / "ACME Corporation - due_diligence report.json").read_text(encoding="utf-8"))
    assert due and all(row["library"] for row in due) and any(row["license"] for row in due)
    inventory = json.loads((folder / "ACME Corporation - inventory report.json").read_text(encoding="utf-8"))
    assert inventory and all(lib["sha1"] for lib in inventory)
    assert all(c.error is None for c in mend.recorder.calls)


def test_saves_product_level_excel_reports(clients: Clients, mend: Mock, github: dict[str, str], workdir: Path) -> None:
    run = bulk(clients, mend, github, workdir, "-r", "vulnerability", "-s", "product")
    assert run.returncode == 0, run.describe()
    saved = sorted(p.name for p in (workdir / "reports").iterdir())
    assert saved == sorted(f"product_{name}_vulnerability_org_ACME Corporation.xlsx" for name in mend_products(mend))
    assert all((workdir / "reports" / name).read_bytes().startswith(b"PK") for name in saved)


def test_the_alerts_report_is_the_undocumented_call_the_proxy_reports(
    clients: Clients, mend: Mock, github: dict[str, str], workdir: Path, tmp_path: Path
) -> None:
    """The 'alerts' report is asked for with getProjectSecurityAlertsByVulnerabilityReport, which the v1.2
    documents do not have; the SDK raises on the mock's 2002 answer. Everything else the tool sent conforms."""
    product = mend_products(mend)[PRODUCT]
    proxy = Proxy("mend", mend.url, tmp_path / "proxy-report")
    try:
        run = bulk(
            clients,
            mend,
            github,
            workdir,
            "-r",
            "alerts",
            "-s",
            "project",
            "-i",
            product,
            url=proxy.url.rsplit("/api/", 1)[0],
        )
    finally:
        report = proxy.stop()
    assert "getProjectSecurityAlertsByVulnerabilityReport" in run.output
    assert reported_operations(report) == {
        "POST /api/v1.2#getProjectSecurityAlertsByVulnerabilityReport": {"client_operation_known"}
    }
