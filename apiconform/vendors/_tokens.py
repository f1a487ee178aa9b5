"""Deterministic credentials that look like the real ones, so real clients accept them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any


def hex_token(seed: int, label: str, length: int = 64) -> str:
    digest = b""
    counter = 0
    while len(digest) * 2 < length:
        digest += hashlib.sha256(f"{seed}:{label}:{counter}".encode()).digest()
        counter += 1
    return digest.hex()[:length]


def uuid_token(seed: int, label: str) -> str:
    return str(uuid.UUID(hex_token(seed, label, 32)))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(claims: dict[str, Any], secret: str) -> str:
    """An HS256 JWT: header.payload.signature, verifiable with `decode_jwt`."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def decode_jwt(token: str, secret: str) -> dict[str, Any] | None:
    """The claims of a JWT signed with `secret`, or None when malformed or forged."""
    try:
        header, payload, signature = token.split(".")
        expected = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(_b64(expected), signature):
            return None
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def bearer(headers: dict[str, str], scheme: str = "Bearer") -> str | None:
    """The credential after `<scheme> ` in the Authorization header (scheme case-insensitive), else None."""
    value = headers.get("authorization", "")
    prefix, _, rest = value.partition(" ")
    return rest.strip().strip('"') or None if prefix.lower() == scheme.lower() else None
