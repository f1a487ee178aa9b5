"""The context every scenario runs in: an HTTP client on the target, recording verdicts with reproductions."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from apiconform.openapi import ApiSpec, Operation
from apiconform.redact import Redactor
from apiconform.runner.profiles import Profile
from apiconform.runner.results import Exchange
from apiconform.validation import SchemaValidator

EXCERPT = 2000


@dataclass
class Verdict:
    operation: str
    check: str
    ok: bool
    title: str = ""
    message: str = ""
    expected: str = ""
    curl: str = ""
    exchange: Exchange | None = None


@dataclass
class ScenarioContext:
    surface: str
    spec: ApiSpec
    client: httpx.Client
    base_url: str
    credentials: dict[str, Any]
    redactor: Redactor
    profile: Profile
    allow_writes: bool
    record: Callable[[Verdict], None]
    auth_headers: dict[str, str] = field(default_factory=dict)
    validator: SchemaValidator = field(init=False)
    discovery: dict[str, Any] = field(default_factory=dict)
    last_exchange: Exchange | None = None
    last_curl: str = ""

    def __post_init__(self) -> None:
        self.validator = SchemaValidator(self.spec.document)

    def label(self, operation: Operation) -> str:
        return operation.label

    # -- HTTP ---------------------------------------------------------------------------------------------
    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        auth: bool = True,
    ) -> httpx.Response | None:
        """Send one request; None when the transport failed (recorded as the last exchange)."""
        send_headers = dict(self.auth_headers) if auth else {}
        send_headers.update(headers or {})
        url = self.base_url + path
        body_text = json.dumps(json_body) if json_body is not None else (content or b"").decode("utf-8", "replace")
        self.last_curl = self._curl(method, url, params, send_headers, body_text or None)
        self.last_exchange = Exchange(
            method=method,
            url=self.redactor.text(str(httpx.URL(url, params=params or {}))),
            request_headers=self.redactor.headers(send_headers),
            request_body=self.redactor.text(body_text[:EXCERPT]) if body_text else None,
        )
        try:
            response = self.client.request(
                method, url, params=params, json=json_body, content=content, headers=send_headers
            )
        except httpx.HTTPError as exc:
            self.last_exchange.response_body = self.redactor.text(f"transport error: {exc}")
            return None
        self.last_exchange.status = response.status_code
        self.last_exchange.response_headers = self.redactor.headers(dict(response.headers))
        self.last_exchange.response_body = self.redactor.text(response.content[:EXCERPT].decode("utf-8", "replace"))
        self.last_exchange.elapsed_ms = round(response.elapsed.total_seconds() * 1000, 1)
        return response

    def _curl(
        self, method: str, url: str, params: dict[str, Any] | None, headers: dict[str, str], body: str | None
    ) -> str:
        full = str(httpx.URL(url, params=params or {}))
        parts = ["curl", "-X", method]
        for key, value in headers.items():
            if key.lower() in ("user-agent", "accept-encoding", "connection", "content-length"):
                continue
            parts += ["-H", f"{key}: {value}"]
        if body:
            parts += ["-d", body]
        parts.append(full)
        return self.redactor.text(shlex.join(parts))

    # -- verdicts -----------------------------------------------------------------------------------------
    def passed(self, operation: str, check: str) -> None:
        self.record(Verdict(operation, check, True))

    def failed(self, operation: str, check: str, title: str, message: str, expected: str = "") -> None:
        self.record(
            Verdict(
                operation,
                check,
                False,
                title=self.redactor.text(title),
                message=self.redactor.text(message),
                expected=expected,
                curl=self.last_curl,
                exchange=self.last_exchange,
            )
        )

    def verdict(self, operation: str, check: str, ok: bool, title: str, message: str = "", expected: str = "") -> bool:
        if ok:
            self.passed(operation, check)
        else:
            self.failed(operation, check, title, message, expected)
        return ok


def json_of(response: httpx.Response | None) -> Any:
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:
        return None
