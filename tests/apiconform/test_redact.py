"""The redaction layer: no secret survives, and what replaces one keeps the JSON type a schema judges."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from apiconform.redact import MASK, SECRET_KEYS, Redactor

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(min_size=4)


def _kind(value: Any) -> str:
    return "number" if isinstance(value, int | float) and not isinstance(value, bool) else type(value).__name__


@given(key=st.sampled_from(sorted(SECRET_KEYS)), value=_SCALARS)
def test_a_secret_field_keeps_its_json_type_and_loses_its_value(key: str, value: Any) -> None:
    redacted = Redactor().data({key: value, "other": 1})
    assert redacted["other"] == 1
    assert _kind(redacted[key]) == _kind(value)
    if isinstance(value, str):
        assert redacted[key] == MASK
    elif _kind(value) == "number":
        assert redacted[key] == 0
    else:
        assert redacted[key] is value


def test_a_numeric_token_in_an_answer_is_not_in_the_redacted_text() -> None:
    answer = {"productToken": 987654, "nested": [{"userKey": 31337}], "message": "created"}
    shown = json.dumps(Redactor().data(answer))
    assert "987654" not in shown and "31337" not in shown
    assert json.loads(shown)["productToken"] == 0


def test_a_known_credential_is_named_not_masked() -> None:
    redactor = Redactor(names={"s3cret-key": "APICONFORM_USERKEY"})
    assert redactor.data({"userKey": "s3cret-key"}) == {"userKey": "$APICONFORM_USERKEY"}
    assert redactor.text("key=s3cret-key") == "key=$APICONFORM_USERKEY"
