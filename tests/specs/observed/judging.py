"""Shared by the per-surface deviation fixtures: judge one answer (or one request value) under both contracts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from apiconform.contract import Verdict
from apiconform.observed import view_for
from apiconform.surfaces import SURFACES
from apiconform.validation import Violation


@dataclass(frozen=True)
class Answer:
    """The verdicts on one answer under one contract."""

    verdicts: list[Verdict]

    @property
    def failed(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.ok]

    @property
    def evidence(self) -> set[str]:
        return {e for v in self.verdicts for e in v.evidence}

    def says(self) -> str:
        return " | ".join(f"{v.check}: {v.message} @{v.pointer}" for v in self.failed)

    def names(self, field: str) -> bool:
        """Whether a failing verdict names `field` as the offending member (`body.status: ...`, `"server" is a
        required property`), not merely in a check id."""
        return any(f".{field}" in v.message or f'"{field}"' in v.message for v in self.failed)


def judge(surface: str, mode: str, operation_id: str, status: int, body: Any) -> Answer:
    view = view_for(SURFACES[surface].spec_path, mode)
    op = next(o for o in view.contract.operations if o.operation_id == operation_id)
    payload = json.dumps(body).encode()
    return Answer(view.judge_response(op, status, "application/json", payload).verdicts)


def request_errors(surface: str, mode: str, operation_id: str, where: str, value: Any) -> list[Violation]:
    """Violations of a request body (`where` = "body") or of a query parameter (`where` = its name)."""
    contract = view_for(SURFACES[surface].spec_path, mode).contract
    operation = contract.spec.operation(operation_id)
    if where == "body":
        schema = operation.body_schema("application/json")
    else:
        schema = next((p.schema for p in operation.parameters if p.name == where), None)
    assert isinstance(schema, dict), f"{operation_id} has no {where} in the {mode} contract"
    return contract.validator.errors(value, schema, where)
