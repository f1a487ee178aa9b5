"""Credentials: HS256 JWTs that live 60 minutes (by the injectable clock), the API key, webhook HMAC signatures."""

from __future__ import annotations

import hashlib
import hmac
import itertools
from typing import Any

from apiconform.mocks.clock import Clock
from apiconform.openapi import Operation
from apiconform.vendors import _tokens
from apiconform.vendors.metadefender_sscp.store import Record, Store

TOKEN_LIFETIME = 60 * 60.0
ISSUER = "mdssc"


class Tokens:
    """Issues and verifies access tokens; a token is valid while signed by us, unexpired and not revoked."""

    def __init__(self, seed: int, clock: Clock) -> None:
        self._seed = seed
        self._clock = clock
        self._secret = _tokens.hex_token(seed, "mdssc-jwt-signing")
        self._serial = itertools.count(1)
        self._live: dict[str, str] = {}  # jti -> user id

    def issue(self, user: Record) -> str:
        now = int(self._clock.now())
        jti = _tokens.hex_token(self._seed, f"jti:{next(self._serial)}", 32)
        self._live[jti] = str(user["UserId"])
        claims = {
            "iss": ISSUER,
            "sub": user["UserId"],
            "unique_name": user["Username"],
            "role": user["Role"],
            "jti": jti,
            "iat": now,
            "nbf": now,
            "exp": now + int(TOKEN_LIFETIME),
        }
        return _tokens.jwt(claims, self._secret)

    def claims(self, token: str | None, *, allow_expired: bool = False) -> dict[str, Any] | None:
        """The claims of a genuine, unrevoked token (and unexpired unless `allow_expired`), else None."""
        claims = _tokens.decode_jwt(token, self._secret) if token else None
        if claims is None or self._live.get(str(claims.get("jti"))) != claims.get("sub"):
            return None
        expires = claims.get("exp")
        if not isinstance(expires, int) or isinstance(expires, bool):
            return None
        if not allow_expired and self._clock.now() >= expires:
            return None
        return claims

    def revoke_user(self, user_id: str, *, keep: str | None = None) -> int:
        """Revoke every token of `user_id` except `keep` (the jti making the request); returns how many."""
        doomed = [jti for jti, owner in self._live.items() if owner == user_id and jti != keep]
        for jti in doomed:
            del self._live[jti]
        return len(doomed)


def signature(secret: str, raw_body: bytes) -> str:
    """The `X-Hub-Signature` value a webhook sender computes: `sha256=<hex HMAC-SHA256 of the raw body>`."""
    return "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()


def signature_valid(secret: str, raw_body: bytes, header: str | None) -> bool:
    """Accepts `sha256=<hex>` and a bare hex digest (some senders omit the prefix); case-insensitive hex."""
    if not header:
        return False
    value = header.strip()
    if value.lower().startswith("sha256="):
        value = value[len("sha256=") :]
    expected = signature(secret, raw_body)[len("sha256=") :]
    return hmac.compare_digest(value.lower().encode(), expected.encode())


class Authenticator:
    """Checks a request against the operation's security requirements (alternatives: any one suffices)."""

    def __init__(self, store: Store, tokens: Tokens, *, api_key: str, api_key_owner: str, webhook_secret: str) -> None:
        self.store = store
        self.tokens = tokens
        self.api_key = api_key
        self.api_key_owner = api_key_owner
        self.webhook_secret = webhook_secret

    def principal(self, operation: Operation, headers: dict[str, str], raw_body: bytes) -> dict[str, Any] | None:
        if not operation.security or any(not requirement for requirement in operation.security):
            return {}
        for requirement in operation.security:
            found = [self._scheme(name, headers, raw_body) for name in requirement]
            if all(p is not None for p in found):
                merged: dict[str, Any] = {}
                for p in found:
                    merged.update(p or {})
                return merged
        return None

    def _scheme(self, name: str, headers: dict[str, str], raw_body: bytes) -> dict[str, Any] | None:
        if name == "Bearer":
            claims = self.tokens.claims(_tokens.bearer(headers))
            if claims is None or self.store.get("users", claims["sub"]) is None:
                return None
            return {"scheme": name, "user": claims["sub"], "jti": claims.get("jti")}
        if name == "ApiKey":
            given = headers.get("apikey", "")
            genuine = bool(given) and hmac.compare_digest(given.encode(), self.api_key.encode())
            if genuine and self.store.get("users", self.api_key_owner) is not None:
                return {"scheme": name, "user": self.api_key_owner, "jti": None}
            return None
        if name == "HmacAuth":
            if signature_valid(self.webhook_secret, raw_body, headers.get("x-hub-signature")):
                return {"scheme": name, "user": None, "jti": None}
            return None
        return None
