"""One redaction layer for every report, log line and curl reproduction.

Two nets: the exact secret values we were given (credentials file, env, discovered tokens), and patterns
for things that look like secrets whatever their value (Authorization headers, Bearer/Token values, Mend
tokens and passwords in JSON bodies, API keys, HMAC signatures).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MASK = "[REDACTED]"
SECRET_KEYS = frozenset(
    k.lower()
    for k in (
        "authorization", "apikey", "api_key", "api-key", "x-api-key", "x-hub-signature", "x-hub-signature-256",
        "cookie", "set-cookie", "token", "accesstoken", "access_token", "refreshtoken", "refresh_token",
        "password", "newpassword", "oldpassword", "secret", "webhook_secret", "userkey", "user_key", "orgtoken",
        "org_token", "producttoken", "product_token", "projecttoken", "project_token", "globalorgtoken",
        "requesttoken", "servicetoken",
    )
)  # fmt: skip
_KEY_ALTERNATION = "|".join(sorted((re.escape(k) for k in SECRET_KEYS), key=len, reverse=True))
# "userKey": "abc" / 'userKey': 'abc' in JSON or Python-ish text
_JSON_PAIR = re.compile(rf"""(["'](?:{_KEY_ALTERNATION})["']\s*:\s*)(["'])(?:\\.|(?!\2).)*\2""", re.IGNORECASE)
# Header lines and curl -H arguments: "Authorization: Bearer x", ApiKey: x
_HEADER = re.compile(rf"""(?im)((?:^|[\s'"])(?:{_KEY_ALTERNATION})\s*:\s*)([^'"\r\n]+)""")
_SCHEME = re.compile(r"\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=\-\"]{8,}", re.IGNORECASE)
_QUERY = re.compile(rf"""([?&](?:{_KEY_ALTERNATION})=)[^&#\s'"]+""", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]*:)[^/\s@'\"]+@", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b")


class Redactor:
    """Masks known secret values and secret-looking fields in text and JSON-like data."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted({s for s in secrets if isinstance(s, str) and len(s) >= 4}, key=len, reverse=True)

    def add(self, *secrets: str) -> None:
        self._secrets = sorted({*self._secrets, *(s for s in secrets if len(s) >= 4)}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self._secrets:
            value = value.replace(secret, MASK)
        value = _JSON_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}{m.group(2)}", value)
        value = _HEADER.sub(lambda m: f"{m.group(1)}{MASK}", value)
        value = _SCHEME.sub(lambda m: f"{m.group(1)} {MASK}", value)
        value = _QUERY.sub(lambda m: f"{m.group(1)}{MASK}", value)
        value = _URL_PASSWORD.sub(lambda m: f"{m.group(1)}{MASK}@", value)
        return _JWT.sub(MASK, value)

    def data(self, value: Any) -> Any:
        """A redacted copy of JSON-like data: secret keys masked, strings scrubbed."""
        if isinstance(value, dict):
            return {k: (MASK if str(k).lower() in SECRET_KEYS else self.data(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        return {k: (MASK if k.lower() in SECRET_KEYS else self.text(v)) for k, v in headers.items()}
