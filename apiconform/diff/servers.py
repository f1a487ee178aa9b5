"""Servers: the base path and the URL a client is configured with."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from apiconform.diff.findings import Emit
from apiconform.diff.nodes import child, mapping, sequence
from apiconform.spec import Document


def _servers(document: Document) -> list[dict[str, Any]]:
    return [s for s in sequence(document.get("servers")) if isinstance(s, dict) and isinstance(s.get("url"), str)]


def expand(server: dict[str, Any]) -> str:
    """The server URL with every variable at its default."""
    url: str = server["url"]
    for name, variable in mapping(server.get("variables")).items():
        if isinstance(variable, dict):
            url = url.replace("{" + str(name) + "}", str(variable.get("default", "")))
    return url


def _path(url: str) -> str:
    return urlsplit(url if "://" in url else "http://h" + url).path.rstrip("/")


def base_path(document: Document) -> str:
    """The first server's path part at the variables' defaults ('/api/v1.2'), '' when there is none."""
    servers = _servers(document)
    return _path(expand(servers[0])) if servers else ""


def compare_servers(emit: Emit, old_doc: Document, new_doc: Document) -> None:
    before, after = _servers(old_doc), _servers(new_doc)
    if before and after:
        old_url, new_url = expand(before[0]), expand(after[0])
        ptrs = ("/servers/0/url", "/servers/0/url")
        if _path(old_url) != _path(new_url):
            message = f"base path changed {_path(old_url) or '/'} -> {_path(new_url) or '/'}"
            emit("server-base-path-changed", message, *ptrs)
        elif old_url != new_url:
            emit("server-url-changed", f"server URL changed {old_url} -> {new_url}", *ptrs)
        _variables(emit, before[0], after[0])
    old_rest = {s["url"]: i for i, s in enumerate(before) if i or not after}
    new_rest = {s["url"]: i for i, s in enumerate(after) if i or not before}
    for url, index in old_rest.items():
        if url not in new_rest and url != (after[0]["url"] if after else None):
            emit("server-removed", f"server {url} removed", f"/servers/{index}", "")
    for url, index in new_rest.items():
        if url not in old_rest and url != (before[0]["url"] if before else None):
            emit("server-added", f"server {url} added", "", f"/servers/{index}")


def _variables(emit: Emit, old: dict[str, Any], new: dict[str, Any]) -> None:
    old_vars, new_vars = mapping(old.get("variables")), mapping(new.get("variables"))
    for name, variable in old_vars.items():
        other = new_vars.get(name)
        if not isinstance(variable, dict) or not isinstance(other, dict):
            continue
        allowed_before = sequence(variable.get("enum")) or [variable.get("default")]
        allowed_after = other.get("enum")
        if not isinstance(allowed_after, list):
            continue  # free value now: nothing a client used is refused
        gone = [str(v) for v in allowed_before if v not in allowed_after]
        if gone:
            base = child("/servers/0/variables", str(name))
            emit("server-variable-changed", f"server variable {name} no longer allows {', '.join(gone)}",
                 child(base, "enum") if "enum" in variable else base, child(base, "enum"))  # fmt: skip
