"""Report downloads: CycloneDX BOMs and PDF reports, with the documented media types and Content-Disposition."""

from __future__ import annotations

import re
import uuid

from apiconform.mocks.behaviour import Handler, MockRequest, MockResponse
from apiconform.vendors import _tokens
from apiconform.vendors.metadefender_sscp.scans import Scans
from apiconform.vendors.metadefender_sscp.store import Record, State, base, iso, missing

CYCLONEDX = "application/vnd.cyclonedx+json"
PDF = "application/pdf"
MAX_PDF_LINES = 52


def attachment(filename: str) -> dict[str, str]:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("_") or "report"
    return {"Content-Disposition": f'attachment; filename="{safe}"'}


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF 1.4 (Helvetica text, correct xref offsets)."""
    shown = [title, "", *lines]
    if len(shown) > MAX_PDF_LINES:
        shown = [*shown[: MAX_PDF_LINES - 1], f"... and {len(shown) - MAX_PDF_LINES + 1} more line(s)"]
    ops = ["BT", "/F1 10 Tf", "14 TL", "40 810 Td", *(f"({_pdf_text(line)}) '" for line in shown), "ET"]
    stream = "\n".join(ops).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class Exports:
    def __init__(self, state: State, scans: Scans) -> None:
        self.state = state
        self.store = state.store
        self.scans = scans

    def handlers(self) -> dict[str, Handler]:
        return {
            "exportCycloneDxReport": self.cyclonedx,
            "exportAllScansPdfReport": self.all_scans,
            "exportOverviewPdfReport": lambda r: self.scan_report(r, "Overview"),
            "exportSbomPdfReport": lambda r: self.scan_report(r, "SBOM"),
        }

    def _footer(self, request: MockRequest) -> list[str]:
        address = request.query.get("ProductAddress") or "https://mdssc-server"
        return ["", f"Generated {iso(self.state.now())} by MetaDefender Software Supply Chain ({address})"]

    def cyclonedx(self, request: MockRequest) -> MockResponse:
        repo = self.store.get("repositories", request.path["repoId"])
        if repo is None:
            return missing(request, f"Repository {request.path['repoId']}", base("NotFound"))
        reference = request.query.get("Reference")
        packages = [
            p
            for p in self.store.all("packages")
            if p["Repository"] == repo["Name"] and (not reference or p["Reference"] == reference)
        ]
        serial = uuid.UUID(_tokens.hex_token(self.state.seed, f"bom:{repo['Id']}:{reference}", 32))
        bom = {
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "serialNumber": f"urn:uuid:{serial}",
            "version": 1,
            "metadata": {
                "timestamp": iso(self.state.now()),
                "tools": [{"vendor": "OPSWAT", "name": "MetaDefender Software Supply Chain"}],
                "component": {"type": "application", "name": repo["Name"], "version": reference or "latest"},
            },
            "components": [_component(p) for p in packages],
            "vulnerabilities": [
                {"id": cve["Id"], "ratings": [{"severity": cve["Severity"].lower()}], "affects": [{"ref": p["Purl"]}]}
                for p in packages
                for cve in p["_cves"]
            ],
        }
        name = f"{repo['Name']}-{reference or 'latest'}.cdx.json"
        return MockResponse(200, bom, media_type=CYCLONEDX, headers=attachment(name))

    def all_scans(self, request: MockRequest) -> MockResponse:
        chosen = [s for s in self.scans.newest_first(self.store.all("scans")) if self.scans.matches(s, request.query)]
        scans = [self.scans.render(s) for s in chosen]
        lines = [f"{len(scans)} scan(s)", ""]
        lines += [f"{s['StartTime'][:16]}  {s['Status']:<10}  {s['RepositoryName']} @ {s['Reference']}" for s in scans]
        body = pdf("All scans report", lines + self._footer(request))
        return MockResponse(200, content=body, media_type=PDF, headers=attachment("mdssc-all-scans.pdf"))

    def scan_report(self, request: MockRequest, kind: str) -> MockResponse:
        scan = self.store.get("scans", request.path["scanId"])
        if scan is None:
            return missing(request, f"Scan {request.path['scanId']}", base("NotFound"))
        shown = self.scans.render(scan)
        lines = [
            f"Repository: {shown['RepositoryName']} @ {shown['Reference']}",
            f"Storage: {shown['StorageName']}    Workflow: {shown['WorkflowName'] or '-'}",
            f"Status: {shown['Status']}    Started: {shown['StartTime']}",
            "Vulnerabilities: " + ", ".join(f"{k} {v}" for k, v in shown["Vulnerabilities"].items()),
        ]
        if kind == "SBOM":
            packages = [p for p in self.store.all("packages") if p["ScanId"] == scan["Id"]]
            lines += ["", f"{len(packages)} package(s)"] + [f"{p['Purl']}  ({p['License']})" for p in packages]
        title = f"{kind} report - scan {scan['Id']}"
        filename = f"mdssc-{kind.lower()}-{scan['Id']}.pdf"
        return MockResponse(
            200, content=pdf(title, lines + self._footer(request)), media_type=PDF, headers=attachment(filename)
        )


def _component(package: Record) -> Record:
    return {
        "type": "library",
        "bom-ref": package["Purl"],
        "name": package["Name"],
        "version": package["Version"],
        "purl": package["Purl"],
        "licenses": [{"license": {"id": package["License"]}}],
    }
