"""`runner.prepare`: the operations a run leaves out are removed from the document schemathesis sees, each with
the reason the report gives."""

from __future__ import annotations

from apiconform.contract import contract_for
from apiconform.runner.prepare import prepare
from apiconform.surfaces import SURFACES


def _prepare(**kwargs: object) -> tuple[dict[str, str], set[str]]:
    contract = contract_for(SURFACES["code-insight"].spec_path)
    prepared = prepare(contract, discovered={}, credentials={}, **kwargs)  # type: ignore[arg-type]
    left = {
        f"{m.upper()} {path}" for path, item in prepared.document["paths"].items() for m in item if m != "parameters"
    }
    return prepared.excluded, left


def test_only_the_selected_operations_stay_and_the_others_say_not_selected() -> None:
    excluded, left = _prepare(allow_writes=True, shard=None, only=frozenset({"GET /jobs"}))
    assert left == {"GET /jobs"}
    assert excluded == {
        "GET /jobs/{jobId}": "not selected",
        "POST /jobs/notices/{projectId}": "not selected",
        "POST /jobs/sbomexport/{projectId}": "not selected",
    }


def test_not_selected_is_the_reason_even_where_another_one_holds() -> None:
    excluded, _ = _prepare(
        allow_writes=False, shard=None, only=frozenset({"GET /jobs", "POST /jobs/notices/{projectId}"})
    )
    assert excluded["POST /jobs/sbomexport/{projectId}"] == "not selected"
    assert excluded["POST /jobs/notices/{projectId}"] == "read-only run: writes need --allow-writes"


def test_without_a_selection_every_operation_stays() -> None:
    excluded, left = _prepare(allow_writes=True, shard=None)
    assert excluded == {} and len(left) == 4
