"""Minimal but valid file formats for report answers: xlsx (SpreadsheetML in a zip), PDF, zip, and the
Content-Disposition header. Deterministic: fixed zip timestamps, no creation dates in the files.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from urllib.parse import quote
from xml.sax.saxutils import escape

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

Cell = str | int | float | bool | None


def clean(text: str) -> str:
    """Text safe to encode anywhere: control characters and lone surrogates replaced."""
    return _XML_INVALID.sub("?", text)


def zip_archive(files: Sequence[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: Cell) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = "" if value is None else str(value)
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(clean(text))}</t></is></c>'


def xlsx(sheet: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """A one-sheet workbook: a header row, then the rows (strings inline, numbers as numbers)."""
    lines = []
    table: list[list[Cell]] = [list(headers), *(list(row) for row in rows)]
    for r, row in enumerate(table, start=1):
        cells = "".join(_cell(f"{_column(c)}{r}", value) for c, value in enumerate(row))
        lines.append(f'<row r="{r}">{cells}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    files = [
        ("[Content_Types].xml", head + f'<Types xmlns="{pkg}/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         f'<Override PartName="/xl/workbook.xml" ContentType="{XLSX}.main+xml"/>'
         '<Override PartName="/xl/worksheets/sheet1.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        ("_rels/.rels", head + f'<Relationships xmlns="{pkg}/relationships">'
         f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml", head + f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
         f'<sheet name="{escape(clean(sheet))[:31]}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", head + f'<Relationships xmlns="{pkg}/relationships">'
         f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        ("xl/worksheets/sheet1.xml", head + f'<worksheet xmlns="{main}"><sheetData>{"".join(lines)}</sheetData>'
         "</worksheet>"),
    ]  # fmt: skip
    return zip_archive([(name, text.encode("utf-8")) for name, text in files])


def _pdf_text(text: str) -> str:
    latin = clean(text).encode("latin-1", "replace").decode("latin-1")
    return latin.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(title: str, lines: Sequence[str]) -> bytes:
    """A one-page PDF 1.4 (Helvetica): a title and up to 46 lines of text, with a correct xref table."""
    body = [f"BT /F1 16 Tf 50 800 Td ({_pdf_text(title)}) Tj ET", "BT /F1 10 Tf 14 TL 50 770 Td"]
    body += [f"({_pdf_text(line)}) Tj T*" for line in lines[:46]]
    stream = "\n".join([*body, "ET"]).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def disposition(filename: str, *, extended_only: bool = False) -> str:
    """`attachment; filename=...` (ASCII, quoted when needed) plus `filename*=UTF-8''...` for other names."""
    extended = f"filename*=UTF-8''{quote(clean(filename), safe='')}"
    if extended_only:
        return f"attachment; {extended}"
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    plain = ascii_name if re.fullmatch(r"[A-Za-z0-9._-]+", ascii_name) else f'"{ascii_name}"'
    return f"attachment; filename={plain}" + ("" if ascii_name == filename else f"; {extended}")
