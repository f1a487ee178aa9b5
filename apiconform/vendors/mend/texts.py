"""Text answers: the licenses zip, the copyrights and notices text files, the attribution report (text/HTML, and
JSON with the members only the observed contract admits: exportFormat JSON, includeVersions,
licenseReferenceTextPlacement; the documented mode refuses those requests before they get here)."""

from __future__ import annotations

import html
from typing import Any

from apiconform.vendors.mend import model
from apiconform.vendors.mend.call import Call, FileAnswer
from apiconform.vendors.mend.files import clean, zip_archive
from apiconform.vendors.mend.seed import LICENSE_BY_NAME

SECTIONS = ("SUMMARY", "LICENSES", "COPYRIGHTS", "NOTICES", "PRIMARY_ATTRIBUTES")


def _copyright(lib: model.Library) -> str:
    return f"Copyright (c) {2000 + lib.key_id % 24} {lib.group_id.lstrip('@')} contributors"


def _notice(lib: model.Library) -> str:
    licensed = ", ".join(lib.licenses) or "an unspecified license"
    return f"This product includes {lib.name} {lib.version} ({lib.homepage}), licensed under {licensed}."


def licenses_zip(call: Call) -> FileAnswer:
    product = call.product
    by_license: dict[str, list[model.Library]] = {}
    for lib in call.state.libraries_in(call.scope):
        for name in lib.licenses:
            by_license.setdefault(name, []).append(lib)
    files = []
    for name, libraries in sorted(by_license.items()):
        url = LICENSE_BY_NAME[name].url if name in LICENSE_BY_NAME else ""
        lines = [name, url, "", "Libraries under this license:", *(f"- {lib.filename}" for lib in libraries)]
        files.append((f"{name.replace(' ', '_')}.txt", "\n".join(lines).encode("utf-8")))
    return FileAnswer(zip_archive(files), "application/zip", f"{product.name}-licenses.zip")


def copyrights(call: Call) -> FileAnswer:
    libraries = call.state.libraries_in(call.scope)
    text = "\n\n".join(f"{lib.name} {lib.version}\n{_copyright(lib)}" for lib in libraries)
    return FileAnswer(clean(text).encode("utf-8"), "text/plain", f"{call.product.name}-copyrights.txt")


def notices(call: Call) -> FileAnswer:
    text = "\n\n".join(f"{lib.name} {lib.version}\n{_notice(lib)}" for lib in call.state.libraries_in(call.scope))
    return FileAnswer(clean(text).encode("utf-8"), "text/plain", f"{call.product.name}-notices.txt")


def _entries(call: Call, lib: model.Library, sections: tuple[str, ...]) -> list[str]:
    generic = call.text("missingLicenseDisplayOption", "BLANK") == "GENERIC_LICENSE"
    licensed = ", ".join(lib.licenses) or ("Generic license" if generic else "")
    lines = []
    if "SUMMARY" in sections:
        version = "" if call.text("includeVersions") == "False" else f" {lib.version}"
        lines.append(f"{lib.name}{version} ({lib.type})")
    if "LICENSES" in sections and call.text("licenseReferenceTextPlacement") != "APPENDIX_SECTION":
        lines.append(f"License: {licensed}")
    if "COPYRIGHTS" in sections:
        lines.append(_copyright(lib))
    if "NOTICES" in sections:
        lines.append(_notice(lib))
    if "PRIMARY_ATTRIBUTES" in sections:
        lines.append(f"Homepage: {lib.homepage}")
    return lines


def _appendix(call: Call, groups: list[tuple[str, list[model.Library]]], sections: tuple[str, ...]) -> list[str]:
    """The licenses moved to the end of the report (licenseReferenceTextPlacement APPENDIX_SECTION)."""
    if "LICENSES" not in sections or call.text("licenseReferenceTextPlacement") != "APPENDIX_SECTION":
        return []
    names = sorted({name for _group, libraries in groups for lib in libraries for name in lib.licenses})
    return ["Appendix: licenses", *(f"{name}: {_license_text(name)}" for name in names)]


def _license_text(name: str) -> str:
    info = LICENSE_BY_NAME.get(name)
    return f"The full text of {name} is at {info.url}" if info is not None else ""


def _as_json(groups: list[tuple[str, list[model.Library]]]) -> dict[str, Any]:
    """exportFormat JSON: each group's libraries with their licenses and license texts (MEND-OBS-047)."""

    def entry(lib: model.Library) -> dict[str, Any]:
        licenses = [{"license": name, "licenseText": _license_text(name)} for name in lib.licenses]
        return {"library": lib.filename, "licenses": licenses}

    return {"detail": {name: [entry(lib) for lib in libraries] for name, libraries in groups}}


def attribution(call: Call) -> FileAnswer | dict[str, Any]:
    """The attribution report; exportFormat TXT, HTML or JSON (case-insensitive, default the first documented:
    text)."""
    scope_name = call.state.scope_name(call.scope)
    sections = (call.text("reportingScope"),) if call.text("reportingScope") in SECTIONS else SECTIONS
    groups: list[tuple[str, list[model.Library]]] = []
    if call.text("reportingAggregationMode") == "BY_PROJECT":
        for project in call.state.projects_in(call.scope):
            groups.append((project.name, [call.state.libraries[u.key_id] for u in project.usages]))
    else:
        groups.append(("Components", call.state.libraries_in(call.scope)))
    if call.text("exportFormat").upper() == "JSON":
        return _as_json(groups)
    header, title = call.text("reportHeader", "Attribution Report"), call.text("reportTitle")
    footer = call.text("reportFooter")
    as_html = call.text("exportFormat").upper() == "HTML"
    if as_html:
        parts = [
            f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(header)}</title></head>',
            f"<body><h1>{html.escape(header)}</h1><h2>{html.escape(title)}</h2>",
        ]
        for name, libraries in groups:
            parts.append(f"<h3>{html.escape(name)}</h3>")
            for lib in libraries:
                items = "".join(f"<li>{html.escape(line)}</li>" for line in _entries(call, lib, sections))
                parts.append(f"<ul>{items}</ul>")
        parts += [f"<p>{html.escape(line)}</p>" for line in _appendix(call, groups, sections)]
        parts.append(f"<footer>{html.escape(footer)}</footer></body></html>")
        content, media, ext = "\n".join(parts), "text/html", "html"
    else:
        lines = [header, title, "", f"Scope: {scope_name}", ""]
        for name, libraries in groups:
            lines += [name, "=" * len(name)]
            for lib in libraries:
                lines += [*_entries(call, lib, sections), ""]
        content, media, ext = "\n".join([*lines, *_appendix(call, groups, sections), footer]), "text/plain", "txt"
    return FileAnswer(clean(content).encode("utf-8"), media, f"{scope_name}-attribution-report.{ext}")
