"""One redaction layer for every report, log line and curl reproduction.

Two nets: the exact secret values we were given (credentials file, env, discovered tokens), and patterns
for things that look like secrets whatever their value (Authorization headers, Bearer/Token values, Mend
tokens and passwords in JSON bodies, API keys, HMAC signatures).

A secret the run knows as a credential (`token`, `userKey`, ...) is written as the environment variable that
carries it (`$APICONFORM_TOKEN`, `$APICONFORM_USERKEY`) rather than masked: the name reveals nothing, and a curl
reproduction then runs as written once those variables are set. Every other secret is masked as `[REDACTED]`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

MASK = "[REDACTED]"
ENV_PREFIX = "APICONFORM_"
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
_JSON_PAIR = re.compile(rf"""(["'](?:{_KEY_ALTERNATION})["']\s*:\s*)(["'])((?:\\.|(?!\2).)*)\2""", re.IGNORECASE)
# Header lines and curl -H arguments: "Authorization: Bearer x", ApiKey: x
_HEADER = re.compile(rf"""(?im)((?:^|[\s'"])(?:{_KEY_ALTERNATION})\s*:\s*)([^'"\r\n]+)""")
_SCHEME = re.compile(r"\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=\-\"]{8,}", re.IGNORECASE)
_QUERY = re.compile(rf"""([?&](?:{_KEY_ALTERNATION})=)([^&#\s'"]+)""", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]*:)[^/\s@'\"]+@", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b")
# `Authorization: Bearer <token>` keeps its scheme word in front of the token's placeholder.
_SCHEMES = frozenset({"bearer", "token", "basic", "apikey", "jwt"})
_PLACEHOLDER = re.compile(r"\$(?:\{(APICONFORM_[A-Z0-9_]+)\}|(APICONFORM_[A-Z0-9_]+))")
_SHELL_SPECIAL_IN_DOUBLE_QUOTES = frozenset('"\\$`!')


def variable_for(key: str) -> str:
    """The environment variable `apiconform run` reads credential `key` from: APICONFORM_ + the key upper-cased
    (userKey -> APICONFORM_USERKEY, api_key -> APICONFORM_API_KEY)."""
    return ENV_PREFIX + key.upper()


def credential_names(credentials: Mapping[str, Any]) -> dict[str, str]:
    """{secret value: its variable} for the string credentials of a credentials document (not its `headers`,
    `surface` or `base_url`, which no APICONFORM_* variable carries)."""
    return {
        value: variable_for(key)
        for key, value in credentials.items()
        if isinstance(value, str) and key not in ("headers", "surface", "base_url")
    }


class Redactor:
    """Masks known secret values and secret-looking fields in text and JSON-like data; writes the credentials it
    knows by name as `$APICONFORM_<KEY>`."""

    def __init__(self, secrets: Iterable[str] = (), names: Mapping[str, str] | None = None) -> None:
        self._secrets: set[str] = set()
        self._names: dict[str, str] = {}  # credential value -> the environment variable that carries it
        self._plan: list[tuple[str, str]] = []
        self._own: re.Pattern[str] | None = None
        self.add(*secrets)
        for value, variable in (names or {}).items():
            self.name(value, variable)

    def add(self, *secrets: str) -> None:
        self._secrets |= {s for s in secrets if isinstance(s, str) and len(s) >= 4}
        self._replan()

    def name(self, value: str, variable: str) -> None:
        """`value` is the credential held by environment variable `variable`: shown as `$variable`."""
        if isinstance(value, str) and len(value) >= 4:
            self._secrets.add(value)
            self._names[value] = variable
            self._replan()

    @property
    def variables(self) -> frozenset[str]:
        return frozenset(self._names.values())

    def _replan(self) -> None:
        """(secret, replacement), longest first, so a secret that contains another is handled whole. A secret that
        is a named credential behind an auth scheme (the header value `Bearer <token>`) is left to the credential's
        placeholder; any other secret that contains a credential is masked whole."""
        named = sorted(self._names.items(), key=lambda item: len(item[0]), reverse=True)
        plan: list[tuple[str, str]] = []
        for secret in sorted(self._secrets, key=lambda s: (-len(s), s)):  # ties in a fixed order: stable output
            if secret in self._names:
                plan.append((secret, "$" + self._names[secret]))
                continue
            shown = secret
            for value, variable in named:
                shown = shown.replace(value, "$" + variable)
            if shown == secret or not self.is_placeholder(shown):
                plan.append((secret, MASK))
        self._plan = plan
        # The placeholders this redactor writes, longest name first: `$APICONFORM_TOKEN` in `$APICONFORM_TOKENX`
        # is the token followed by an X, not a variable of another name.
        names = "|".join(re.escape(v) for v in sorted(set(self._names.values()), key=len, reverse=True))
        self._own = re.compile(rf"\$(?:\{{({names})\}}|({names}))") if names else None

    def is_placeholder(self, value: str) -> bool:
        """True for `$APICONFORM_X` (or `Bearer $APICONFORM_X`) naming one of this redactor's credentials: what the
        secret-looking patterns leave as it is."""
        words = value.split()
        if len(words) == 2 and words[0].lower() in _SCHEMES:
            words = words[1:]
        found = _PLACEHOLDER.fullmatch(words[0]) if len(words) == 1 else None
        return found is not None and (found.group(1) or found.group(2)) in self._names.values()

    def _masked(self, value: str) -> str:
        return value if self.is_placeholder(value) else MASK

    def text(self, value: str) -> str:
        for secret, replacement in self._plan:
            value = value.replace(secret, replacement)
        value = _JSON_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{self._masked(m.group(3))}{m.group(2)}", value)
        value = _HEADER.sub(lambda m: m.group(0) if self.is_placeholder(m.group(2)) else f"{m.group(1)}{MASK}", value)
        value = _SCHEME.sub(lambda m: f"{m.group(1)} {MASK}", value)
        value = _QUERY.sub(lambda m: f"{m.group(1)}{self._masked(m.group(2))}", value)
        value = _URL_PASSWORD.sub(lambda m: f"{m.group(1)}{MASK}@", value)
        return _JWT.sub(MASK, value)

    def data(self, value: Any) -> Any:
        """A redacted copy of JSON-like data: secret keys masked (or named), strings scrubbed."""
        if isinstance(value, dict):
            return {k: (self._value(v) if str(k).lower() in SECRET_KEYS else self.data(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        return {k: (self._value(v) if k.lower() in SECRET_KEYS else self.text(v)) for k, v in headers.items()}

    def _value(self, value: Any) -> Any:
        """The value of a secret-named field: its credential's placeholder when that is all it holds, else masked.

        The mask keeps the JSON type: `apiconform replay` judges recorded bodies against the schema, and a number
        masked as a string would turn the type failure it was recorded for (a token sent as 12345) into a pass.
        """
        if isinstance(value, str):
            return self._masked(self.text(value))
        if value is None or isinstance(value, bool):
            return value  # nothing secret in a flag or a null
        if isinstance(value, int | float):
            return type(value)(0)
        return MASK

    def shell_command(self, argv: Sequence[str]) -> str:
        """`argv` redacted and quoted for a POSIX shell, with this redactor's placeholders left to the shell to
        expand: `-H "Authorization: Bearer $APICONFORM_TOKEN"`, `-d '{"userKey": "'"$APICONFORM_USERKEY"'"}'`."""
        return " ".join(self._shell_word(self.text(arg)) for arg in argv)

    def _shell_word(self, text: str) -> str:
        pieces: list[tuple[bool, str]] = []  # (is a variable, text)
        start = 0
        for found in self._own.finditer(text) if self._own is not None else ():
            pieces += [(False, text[start : found.start()]), (True, found.group(1) or found.group(2))]
            start = found.end()
        pieces.append((False, text[start:]))
        if len(pieces) == 1:
            return shlex.quote(text)
        literal = "".join(piece for is_variable, piece in pieces if not is_variable)
        if _SHELL_SPECIAL_IN_DOUBLE_QUOTES & set(literal):  # a JSON body: single-quoted text, "$VARIABLE" spliced in
            spliced = (f'"${piece}"' if is_variable else shlex.quote(piece) for is_variable, piece in pieces if piece)
            return "".join(spliced)
        words = []  # readable: one double-quoted word, `${NAME}` only where a name character follows
        for index, (is_variable, piece) in enumerate(pieces):
            following = pieces[index + 1][1][:1] if index + 1 < len(pieces) else ""
            braced = is_variable and (following.isalnum() or following == "_")
            words.append(f"${{{piece}}}" if braced else f"${piece}" if is_variable else piece)
        return '"' + "".join(words) + '"'
