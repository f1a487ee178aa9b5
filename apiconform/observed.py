"""Two contracts, one source: the documented spec, and the observed one (the spec plus its evidence-backed
overlay). A run, proxy or replay under `--contract observed` judges by both: an answer the documents reject but the
recorded vendor behaviour explains is a known deviation (listed with its evidence, not failing the gate); under
`--contract documented` the documents alone decide.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from apiconform.contract import Contract, Judgement, VirtualOperation, contract_for, overlay_path

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def evidence_path(spec_path: Path) -> Path:
    return spec_path.parent / "evidence" / f"{spec_path.stem}.yaml"


@functools.lru_cache(maxsize=8)
def evidence_items(spec_path: Path) -> dict[str, dict[str, Any]]:
    """Evidence id -> item (specs/evidence/<surface>.yaml); empty when the surface has none."""
    path = evidence_path(spec_path)
    if not path.exists():
        return {}
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    return {str(item["id"]): item for item in data.get("items") or [] if isinstance(item, dict) and "id" in item}


@dataclass(frozen=True)
class ContractView:
    """The contract a run generates and judges by, and under `observed` the documented one beside it."""

    contract: Contract
    documented: Contract | None = None  # set under `observed`: what tells a known deviation from a pass
    evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)  # operation id/variant -> evidence ids

    @property
    def mode(self) -> str:
        return "documented" if self.documented is None else "observed"

    def judge_response(
        self, op: VirtualOperation, status: int, content_type: str, body: bytes | None, *, body_read: bool = True
    ) -> Judgement:
        judged = self.contract.judge_response(op, status, content_type, body, body_read=body_read)
        documented_op = self.documented.operation(op.label) if self.documented is not None else None
        if self.documented is None or documented_op is None:
            return judged
        strict = self.documented.judge_response(documented_op, status, content_type, body, body_read=body_read)
        failed = {v.check: v for v in strict.verdicts if not v.ok}
        evidence = self.evidence_for(op) or ("observed contract",)
        verdicts = [
            replace(failed[v.check], ok=True, evidence=evidence) if v.ok and v.check in failed else v
            for v in judged.verdicts
        ]
        return Judgement(verdicts, judged.enum_values, judged.fields)

    def evidence_for(self, op: VirtualOperation) -> tuple[str, ...]:
        name = op.variant or op.operation_id
        return self.evidence.get(name, ()) + self.evidence.get("*", ())


@functools.lru_cache(maxsize=16)
def view_for(spec_path: Path, mode: str) -> ContractView:
    """The view of a spec under `mode` (`observed` or `documented`)."""
    if mode == "documented" or not overlay_path(spec_path).exists():
        return ContractView(contract_for(spec_path, "documented"))
    from apiconform.overlay import load_overlay

    cited = load_overlay(overlay_path(spec_path)).evidence
    items = evidence_items(spec_path)
    by_operation: dict[str, list[str]] = {}
    for evidence_id in sorted(cited):
        operations = (items.get(evidence_id) or {}).get("operation") or []
        for name in operations if isinstance(operations, list) else [operations]:
            by_operation.setdefault(str(name), []).append(evidence_id)
    return ContractView(
        contract_for(spec_path, "observed"),
        contract_for(spec_path, "documented"),
        {name: tuple(ids) for name, ids in by_operation.items()},
    )
