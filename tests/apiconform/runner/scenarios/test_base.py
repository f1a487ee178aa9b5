"""What a scenario writes into a verdict message: an answer shown in a message has its secrets masked before it
is cut, so a token that straddles the cut leaves no readable head (a Mend createProject answer once showed the
first 12 characters of another product's token)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from apiconform.redact import Redactor
from apiconform.runner.scenarios.base import ScenarioContext


def _context() -> ScenarioContext:
    return ScenarioContext.__new__(ScenarioContext)  # only its redactor is used by `shown`


@given(prefix=st.text(alphabet="abcdefghij ", max_size=250), token=st.text(alphabet="0123456789", min_size=24))
def test_a_secret_cut_by_the_limit_leaves_no_readable_head(prefix: str, token: str) -> None:
    ctx = _context()
    ctx.redactor = Redactor()  # knows nothing: the key name alone marks the secret
    answer: dict[str, Any] = {"projectName": prefix, "productToken": token, "warning": "x" * 50}
    shown = ctx.shown(answer)
    assert len(shown) <= 200
    assert token[:4] not in shown  # digits: the prefix and filler have none


def test_a_known_secret_in_plain_text_is_masked_before_the_cut() -> None:
    ctx = _context()
    ctx.redactor = Redactor(["0123456789abcdef0123456789abcdef"])
    shown = ctx.shown("x" * 190 + "0123456789abcdef0123456789abcdef", 200)
    assert "01234567" not in shown
