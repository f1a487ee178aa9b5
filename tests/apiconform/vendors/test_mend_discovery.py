"""Mend discovery drives the data that shows each documented enum: replaying the documented read examples with the
discovered values (no fuzzing, nothing left to luck) shows every enum field on every operation that documents it,
but for the blind spots named here with their reason."""

from __future__ import annotations

from functools import partial

import pytest

from apiconform.runner.coverage import documented_enum_fields
from apiconform.vendors.mend import discovery, semantics
from tests.apiconform.vendors.test_mend_mock import Client, SemanticsRun

# Fields no answer of these operations can be expected to show, and why (the report lists them as never observed).
BLIND = {
    # The documents name the fix's origin "origin" in their examples and "vulnerabilityFixOrigin" in the Response
    # Structure table (MEND-05): the spec declares both, an answer carries one. The mock, like the examples, says
    # "origin".
    "VulnerabilityFix.vulnerabilityFixOrigin": None,
    # Hierarchy and dependency nodes are the shared Library schema, whose optional vulnerabilities the documents'
    # examples of these two calls never show: a mock that added them would invent a shape.
    "Vulnerability.": frozenset({"getProjectHierarchy", "getProjectLibraryDependencies"}),
    "VulnerabilityFix.": frozenset({"getProjectHierarchy", "getProjectLibraryDependencies"}),
    # The documented dependency example gives no library type (an open list anyway: MEND-109); the mock follows it.
    "Library.type": frozenset({"getProjectLibraryDependencies"}),
}


def _blind(field: str, request_type: str) -> bool:
    return any(field.startswith(prefix) and (where is None or request_type in where) for prefix, where in BLIND.items())


@pytest.mark.parametrize("contract", ["observed", "documented"])
def test_every_documented_enum_field_is_shown_by_the_read_examples(contract: str) -> None:
    run = SemanticsRun(Client(contract=contract), allow_writes=False, scenarios=False)
    unseen = []
    for label, fields in documented_enum_fields(run.ctx.contract).items():
        request_type = label.rsplit("#", 1)[1]
        seen = run.ctx.enum_values.get(label, {})
        unseen += [f"{request_type}: {name}" for name in fields if name not in seen and not _blind(name, request_type)]
    assert not unseen, unseen
    assert not run.failed()


def test_values_scoped_to_one_read_fill_that_read_only() -> None:
    run = SemanticsRun(Client(contract="observed"), allow_writes=False, replay=False, scenarios=False)
    ctx = run.ctx
    assert ctx.discovery["alertType"] == "SECURITY_VULNERABILITY"
    operations = {op.operation_id: op for op in ctx.contract.operations}
    prepare = partial(semantics.prepare_example, ctx)
    tag = {"tagKey": "tag_key", "tagValue": "tag_value"}
    read = prepare(operations["getAlertsByProjectTag"], {"requestType": "getAlertsByProjectTag", **tag})
    assert (read["tagKey"], read["tagValue"]) == (
        ctx.discovery["tagKey@getAlertsByProjectTag"],
        ctx.discovery["tagValue@getAlertsByProjectTag"],
    )
    # removeProjectTag with the project's real tag would remove it from the user's project.
    write = prepare(operations["removeProjectTag"], {"requestType": "removeProjectTag", **tag})
    assert (write["tagKey"], write["tagValue"]) == ("tag_key", "tag_value")
    dates = {"fromDate": "2016-01-01", "toDate": "2016-01-02"}
    by_type = prepare(operations["getProjectAlertsByType"], {"requestType": "getProjectAlertsByType", **dates})
    assert by_type["fromDate"] < by_type["toDate"] and by_type["fromDate"] != "2016-01-01"
    changes = prepare(
        operations["getChangesReport"], {"requestType": "getChangesReport", "startDateTime": "x", **dates}
    )
    assert (changes["fromDate"], changes["toDate"]) == ("2016-01-01", "2016-01-02")


def test_a_date_range_holds_the_alerts_and_ignores_what_is_no_date() -> None:
    scoped = discovery._alert_dates(["2024-06-25", "2023-01-31 10:00:00", "2024-13-45", "yesterday", ""])
    assert scoped["fromDate@getProjectAlertsByType"] == "2023-01-31"
    assert scoped["toDate@getProjectAlertsByType"] == "2024-06-26"  # the day after the last alert
    assert set(scoped) == {f"{d}@{rt}" for d in ("fromDate", "toDate") for rt in discovery.BY_TYPE}
    assert discovery._alert_dates(["2024-13-45"]) == {}
