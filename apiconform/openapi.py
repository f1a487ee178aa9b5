"""A typed view of an OpenAPI document: operations, parameters, bodies, responses, server base paths.

Vendor-agnostic: everything here comes from the spec. Mend's RPC union is seen as one operation here;
`apiconform.rpc` turns it into one virtual operation per requestType.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from apiconform.spec import Document, load_document, resolve_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path | query | header | cookie
    required: bool
    schema: dict[str, Any]


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # template as in the spec, e.g. /jobs/{jobId}
    operation_id: str
    parameters: tuple[Parameter, ...]
    body: dict[str, Any] | None  # the requestBody object, refs resolved one level
    responses: dict[str, dict[str, Any]]
    security: list[dict[str, list[str]]]
    raw: dict[str, Any] = field(repr=False)

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def documented_statuses(self) -> frozenset[str]:
        return frozenset(self.responses)

    def body_schema(self, media_type: str = "application/json") -> dict[str, Any] | None:
        if not self.body:
            return None
        content = self.body.get("content", {}).get(media_type)
        return None if content is None else content.get("schema", {})

    def path_regex(self) -> re.Pattern[str]:
        pattern = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path))
        return re.compile(f"^{pattern}$")


def route_order(path: str) -> list[bool]:
    """Sort key that puts literal segments before templates (/scans/latest before /scans/{scanId}): the order in
    which a router must try paths, whatever order the spec lists them in. One rule for the mocks and the contract."""
    return [segment.startswith("{") for segment in path.strip("/").split("/")]


class ApiSpec:
    """One parsed spec. Cheap to query; build once per process per file."""

    def __init__(self, document: Document, *, source: str = "<memory>") -> None:
        self.document = document
        self.source = source
        self.operations: tuple[Operation, ...] = tuple(self._operations())
        self._by_id = {op.operation_id: op for op in self.operations}

    @property
    def surface(self) -> str:
        return str(self.document.get("info", {}).get("x-surface", ""))

    def operation(self, operation_id: str) -> Operation:
        return self._by_id[operation_id]

    def resolve(self, node: Any) -> Any:
        """Follow `$ref`s until a non-reference node."""
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 32:
            node = resolve_pointer(self.document, node["$ref"])
            seen += 1
        return node

    def base_paths(self) -> list[str]:
        """Every path prefix the first server URL can expand to ('/codeinsight/api', '/api/v1.2', ...)."""
        servers = self.document.get("servers") or [{"url": "/"}]
        server = servers[0]
        url: str = server.get("url", "/")
        variables: dict[str, Any] = server.get("variables", {})
        names = re.findall(r"\{([^}]+)\}", url)
        choices = [
            [str(v) for v in variables.get(n, {}).get("enum", [variables.get(n, {}).get("default", "")])] for n in names
        ]
        result: list[str] = []
        for combo in itertools.product(*choices):
            expanded = url
            for name, value in zip(names, combo, strict=True):
                expanded = expanded.replace("{" + name + "}", value)
            path = urlsplit(expanded if "://" in expanded else "http://h" + expanded).path.rstrip("/")
            if path not in result:
                result.append(path)
        return result

    def _operations(self) -> list[Operation]:
        ops = []
        default_security = self.document.get("security", [])
        for path, raw_item in (self.document.get("paths") or {}).items():
            item = self.resolve(raw_item)
            shared = item.get("parameters", [])
            for method in HTTP_METHODS:
                raw = item.get(method)
                if not isinstance(raw, dict):
                    continue
                params = {}
                for raw_param in [*shared, *raw.get("parameters", [])]:
                    p = self.resolve(raw_param)
                    params[(p["name"], p["in"])] = Parameter(
                        name=p["name"],
                        location=p["in"],
                        required=bool(p.get("required", p["in"] == "path")),
                        schema=p.get("schema", {}),
                    )
                responses = {str(k): self.resolve(v) for k, v in (raw.get("responses") or {}).items()}
                ops.append(
                    Operation(
                        method=method.upper(),
                        path=path,
                        operation_id=str(raw.get("operationId", f"{method}_{path}")),
                        parameters=tuple(params.values()),
                        body=self.resolve(raw["requestBody"]) if "requestBody" in raw else None,
                        responses=responses,
                        security=list(raw.get("security", default_security) or []),
                        raw=raw,
                    )
                )
        return ops


@functools.lru_cache(maxsize=16)
def load_api(path: Path) -> ApiSpec:
    return ApiSpec(load_document(path), source=str(path))
