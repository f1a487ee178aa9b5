"""HTTP messages as the proxy buffers them, and what it needs to read their bodies: media types, charsets,
Content-Encoding, JSON, and the enum sites of a schema."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

JSON = "application/json"


@dataclass(frozen=True)
class Message:
    """One side of an exchange as the proxy buffered it."""

    headers: Sequence[tuple[str, str]]  # lower-case names, wire order
    body: bytes = b""
    complete: bool = True  # False when the body outgrew the buffer or the transfer broke: body checks skip it

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k == name), "")


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def is_json(media: str) -> bool:
    return media == JSON or media.endswith("+json")


def pick_media(media: str, documented: list[str]) -> str | None:
    """The documented media type a received one falls under (`*/*` and `text/*` ranges included)."""
    if not media:
        return None
    for candidate in documented:
        name = candidate.lower()
        if name in (media, "*/*") or (name.endswith("/*") and media.startswith(name[:-1])):
            return candidate
    return None


def parse_json(body: bytes, content_type: str) -> Any:
    charset = re.search(r"charset=\"?([A-Za-z0-9._-]+)", content_type, re.IGNORECASE)
    try:
        # json.loads detects UTF-8/16/32 by itself; a named charset (Mend honours Accept-Charset) is decoded first.
        return json.loads(body.decode(charset.group(1)) if charset else body)
    except (LookupError, UnicodeDecodeError) as exc:
        raise ValueError(f"body is not valid {charset.group(1) if charset else 'UTF-8'}: {exc}") from None


def decoded_body(message: Message, limit: int) -> bytes | None:
    """The body with its Content-Encoding undone (the proxy passes bytes on untouched); None: cannot judge."""
    if not message.complete:
        return None
    encoding = message.header("content-encoding").strip().lower()
    if encoding in ("", "identity"):
        return message.body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return None  # br, zstd: no decoder in the standard library; the bytes still pass through
    for wbits in (zlib.MAX_WBITS | 32, -zlib.MAX_WBITS):  # gzip/zlib headers, then raw deflate
        try:
            decoder = zlib.decompressobj(wbits)
            out = decoder.decompress(message.body, limit)
            return None if decoder.unconsumed_tail else out
        except zlib.error:
            continue
    return None


def is_error_answer(body: Any) -> bool:
    return isinstance(body, dict) and "errorCode" in body and "errorMessage" in body
