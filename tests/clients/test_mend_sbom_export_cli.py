"""mend-sbom-export-cli 23.12.1 (Mend SBOM Export CLI, console script `sbom_export_cli`) against the Mend mock.

What it exists for: find the projects of an organization, of products or by token, and write one SPDX (or
CycloneDX) JSON document per project, optionally with license texts. It only speaks https to `/api/v1.4` with
certificate verification on (requests' default), so it talks to a TLS front whose throwaway CA is the only one it
trusts (REQUESTS_CA_BUNDLE).

The SBOM itself comes from getProjectSpdxReport (SPDX) or generateProjectReportAsync / getAsyncProcessStatus /
downloadAsyncReport (CycloneDX): none of them is in the v1.2 documents, so the mock refuses them and the proxy
reports them. Finding the projects uses documented calls and completes.
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
)

PRODUCT = "Payments Platform"


def export(clients: Clients, mock: Mock, host: str, workdir: Path, *args: str) -> Run:
    creds = mock.credentials
    return clients.run(
        "sbom_export_cli",
        "--url",
        host,
        "--userKey",
        creds["userKey"],
        "--apiKey",
        creds["orgToken"],
        "--out",
        "sbom",
        "--threads",
        "2",
        *args,
        cwd=workdir,
    )


def written(workdir: Path) -> set[str]:
    return {p.name for p in (workdir / "sbom").iterdir()}


def test_finds_every_project_of_a_product_and_writes_one_file_each(
    clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path
) -> None:
    product_token = mend_products(mend)[PRODUCT]
    run = export(clients, mend, mend_https.host, workdir, "--productToken", product_token)
    assert run.returncode == 0, run.describe()
    names = mend_product_projects(mend, product_token)
    assert names and written(workdir) == {f"SPDX report for {name}.json" for name in names}
    refused = {c.request_type for c in mend.recorder.calls if c.error is not None}
    assert refused == {"getProjectSpdxReport"}  # the documented calls that found the projects all completed


def test_finds_every_project_of_the_organization(
    clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path
) -> None:
    run = export(clients, mend, mend_https.host, workdir)
    assert run.returncode == 0, run.describe()
    assert written(workdir) == {f"SPDX report for {name}.json" for name in mend_projects(mend)}


def test_the_spdx_report_call_is_the_one_the_proxy_reports(
    clients: Clients, mend: Mock, workdir: Path, tmp_path: Path
) -> None:
    proxy = Proxy("mend", mend.url, tmp_path / "proxy-report")
    front = TlsFront(clients.certificates, proxy.port)
    try:
        run = export(clients, mend, front.host, workdir, "--projectToken", mend.credentials["projectToken"])
    finally:
        front.stop()
        report = proxy.stop()
    assert run.returncode == 0, run.describe()
    assert len(written(workdir)) == 1
    assert reported_operations(report) == {"POST /api/v1.2#getProjectSpdxReport": {"client_operation_known"}}


def test_collects_license_texts_from_the_attribution_report(
    clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path
) -> None:
    run = export(
        clients, mend, mend_https.host, workdir, "--projectToken", mend.credentials["projectToken"], "--lictext", "true"
    )
    assert run.returncode == 0, run.describe()
    attribution = mend.recorder.of("getProjectAttributionReport")
    assert attribution, "the tool did not ask for the attribution report"
    assert all(c.error is None for c in attribution), [c.answer for c in attribution]
    assert all(isinstance(c.answer, dict) and c.answer.get("detail") for c in attribution)


def test_cyclonedx_export_uses_undocumented_async_report_calls(
    clients: Clients, mend: Mock, mend_https: TlsFront, workdir: Path
) -> None:
    run = export(
        clients, mend, mend_https.host, workdir, "--projectToken", mend.credentials["projectToken"], "--type", "cdx"
    )
    # Refused, the async request leaves the tool's own report name unset (sbom_export_cli.py:333-416): it stops
    # with "cannot access local variable 'rep_name'". A genuinely undocumented call, so not an observed-mode case.
    assert run.returncode != 0 and "rep_name" in run.output, run.describe()
    refused = [c for c in mend.recorder.calls if c.error is not None]
    assert [c.request_type for c in refused] == ["generateProjectReportAsync"]
    assert refused[0].error == 2002
