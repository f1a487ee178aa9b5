"""`apiconform run --record FILE`: every exchange of a run, saved so `apiconform replay` can re-judge it
offline against the current specs (a vendor upgrade judged from traffic captured once).

Format (JSON, `format: apiconform-recording/2`): surfaces -> {base_url, exchanges: [{operation, intent, method,
url, request_headers, request_body_b64, status, response_headers, response_body_b64}]}. `intent` says what the
request meant to test (positive, negative, or a probe such as `probe:unsupported-method`), so replay applies the
run's own expectation; /1 recordings (no intent) load as positive. Credentials are redacted before anything is
written; bodies are kept whole (base64) because replay validates them.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from apiconform.errors import UsageError
from apiconform.redact import Redactor

FORMAT = "apiconform-recording/2"
READABLE = frozenset({"apiconform-recording/1", FORMAT})
MAX_EXCHANGES_PER_OPERATION = 200  # enough to replay every verdict-bearing case without unbounded files


@dataclass
class RecordedExchange:
    operation: str
    method: str
    url: str
    request_headers: dict[str, str]
    request_body_b64: str | None
    status: int | None
    response_headers: dict[str, str]
    response_body_b64: str | None
    intent: str = "positive"

    def request_body(self) -> bytes | None:
        return None if self.request_body_b64 is None else base64.b64decode(self.request_body_b64)

    def response_body(self) -> bytes:
        return b"" if self.response_body_b64 is None else base64.b64decode(self.response_body_b64)


@dataclass
class Recording:
    surfaces: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _counts: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)

    def add(
        self,
        surface: str,
        base_url: str,
        redactor: Redactor,
        *,
        operation: str,
        method: str,
        url: str,
        request_headers: dict[str, str],
        request_body: bytes | None,
        status: int | None,
        response_headers: dict[str, str],
        response_body: bytes | None,
        intent: str = "positive",
    ) -> None:
        with self._lock:
            if not self._admit(surface, operation):
                return
            entry = self.surfaces.setdefault(surface, {"base_url": redactor.text(base_url), "exchanges": []})
            entry["exchanges"].append(
                RecordedExchange(
                    operation=operation,
                    method=method,
                    url=redactor.text(url),
                    request_headers=redactor.headers(request_headers),
                    request_body_b64=_b64(_redact_body(request_body, redactor)),
                    status=status,
                    response_headers=redactor.headers(response_headers),
                    response_body_b64=_b64(_redact_body(response_body, redactor)),
                    intent=intent,
                )
            )

    def absorb(self, surfaces: dict[str, dict[str, Any]]) -> None:
        """Add the exchanges another process recorded (the second half of a surface: runner/halves.py), already
        redacted there, within the same per-operation cap."""
        with self._lock:
            for name, data in surfaces.items():
                entry = self.surfaces.setdefault(name, {"base_url": data["base_url"], "exchanges": []})
                for exchange in data["exchanges"]:
                    if self._admit(name, exchange.operation):
                        entry["exchanges"].append(exchange)

    def _admit(self, surface: str, operation: str) -> bool:
        """Room for one more exchange of this operation (MAX_EXCHANGES_PER_OPERATION); counts it. Under the lock."""
        key = (surface, operation)
        if self._counts.get(key, 0) >= MAX_EXCHANGES_PER_OPERATION:
            return False
        self._counts[key] = self._counts.get(key, 0) + 1
        return True

    def write(self, path: Path) -> None:
        document = {
            "format": FORMAT,
            "surfaces": {
                name: {"base_url": s["base_url"], "exchanges": [asdict(e) for e in s["exchanges"]]}
                for name, s in sorted(self.surfaces.items())
            },
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(document, indent=1, sort_keys=True), encoding="utf-8")
        except OSError as exc:
            raise UsageError(
                f"cannot write the recording to {path}: {exc.strerror}; pass a writable --record path"
            ) from None


def load_recording(path: Path) -> Recording:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read recording {path}: {exc.strerror}; check the path") from None
    except ValueError as exc:
        raise UsageError(
            f"recording {path} is not JSON ({exc}); record it again with `apiconform run --record`"
        ) from None
    if not isinstance(document, dict) or document.get("format") not in READABLE:
        raise UsageError(f"{path} is not an apiconform recording ({FORMAT}); record one with `apiconform run --record`")
    recording = Recording()
    for name, surface in document.get("surfaces", {}).items():
        exchanges = [RecordedExchange(**e) for e in surface.get("exchanges", [])]
        recording.surfaces[name] = {"base_url": surface.get("base_url", ""), "exchanges": exchanges}
    return recording


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


def _redact_body(body: bytes | None, redactor: Redactor) -> bytes | None:
    """Mask secrets inside JSON bodies, keeping them valid JSON (binary bodies are kept as they are)."""
    if not body:
        return body
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body
    return json.dumps(redactor.data(data)).encode()
