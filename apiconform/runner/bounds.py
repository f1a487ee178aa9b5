"""Answers read under bounds inside the schemathesis engine (which reads bodies through `requests`).

Every body is read under a size bound (decoded bytes, so a gzip bomb stops there) and must arrive within a time
bound of its headers (a slow drip cannot hold a case forever); the time an answer took includes its body.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests
import urllib3

from apiconform.runner.scenarios.base import too_large, too_slow


class AnswerTooLarge(requests.exceptions.RequestException):
    """Raised while reading a body over the size bound (not a transport error to schemathesis: it is reported
    as a non-fatal error of the operation, which the runner turns into the operation's failure)."""


class AnswerTooSlow(requests.exceptions.RequestException):
    """Raised while reading a body that is still arriving `timeout` seconds after its headers."""


@dataclass(frozen=True)
class Bounds:
    max_bytes: int
    seconds: float

    def response_hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        """A `requests` response hook: runs once the headers are in, before schemathesis reads the body."""
        if not isinstance(response.raw, _BoundedBody):
            response.raw = _BoundedBody(response, self)
        return response


class _BoundedBody:
    """Wraps a urllib3 response: `requests` reads bodies through `stream()`, which stops at the bounds. Every
    other attribute is the wrapped response's."""

    def __init__(self, response: requests.Response, bounds: Bounds) -> None:
        self._response = response
        self._raw = response.raw
        self._bounds = bounds
        self._sent = time.monotonic() - response.elapsed.total_seconds()

    def stream(self, amt: int = 2**16, decode_content: bool | None = None) -> Iterator[bytes]:
        received = 0
        deadline = time.monotonic() + self._bounds.seconds
        request, response = self._response.request, self._response
        try:
            for chunk in self._raw.stream(amt, decode_content=decode_content):
                received += len(chunk)
                if received > self._bounds.max_bytes:
                    self._raw.close()  # the rest is never read: drop the connection rather than drain it
                    raise AnswerTooLarge(too_large(self._bounds.max_bytes), request=request, response=response)
                if time.monotonic() > deadline:
                    self._raw.close()
                    raise AnswerTooSlow(too_slow(self._bounds.seconds), request=request, response=response)
                yield chunk
        # What `requests` would raise, plus the request it was for (it leaves that out), so the failure gets an
        # exchange and a reproduction; a read timeout mid-body is a timeout, not a connection failure.
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise requests.exceptions.ReadTimeout(exc, request=request, response=response) from exc
        except urllib3.exceptions.DecodeError as exc:
            raise requests.exceptions.ContentDecodingError(exc, request=request, response=response) from exc
        except urllib3.exceptions.SSLError as exc:
            raise requests.exceptions.SSLError(exc, request=request, response=response) from exc
        except urllib3.exceptions.ProtocolError as exc:
            raise requests.exceptions.ChunkedEncodingError(exc, request=request, response=response) from exc
        # The answer arrived when its last byte did: a body that trickles in counts against response_time.
        self._response.elapsed = dt.timedelta(seconds=time.monotonic() - self._sent)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)
