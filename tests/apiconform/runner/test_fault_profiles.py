"""Every fault profile makes `apiconform run --profile quick` fail, naming the right check and operation (or,
for a server that rejects every credential, stop at the preflight with exit 3: never green).

This is how the checks prove they can fail: each fault is a deliberately broken mock.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from apiconform.mocks.faults import FAULTS, applies
from apiconform.runner.preflight import PreflightError
from apiconform.runner.profiles import Profile, get_profile
from apiconform.vendors.registry import VENDORS
from tests.shared_runs import CONTRACT, shared_run

PREFLIGHT = frozenset({"preflight"})  # the run stops before any case: the target rejects every credential
# fault -> the checks that must report it (any one of them, on some operation)
EXPECTED = {
    "unauthenticated": PREFLIGHT,
    "auth-flaky": {"valid_credentials_accepted"},
    "empty-success": {"response_schema_conformance"},
    "undocumented-status": {"status_code_conformance"},
    "undocumented-enum": {"enum_documented", "response_schema_conformance"},
    "required-field-missing": {"response_schema_conformance"},
    "field-type-changed": {"response_schema_conformance"},
    "page-larger-than-limit": {"pagination_limit"},
    "offset-ignored": {"pagination_disjoint"},
    "filter-ignored": {"filter_applied"},
    "order-flipped": {"pagination_order"},
    "out-of-range-accepted": {"negative_data_rejection", "pagination_bounds"},
    "auth-not-enforced": {"ignored_auth", "auth_rejected", "request_type_errors"},
    "wrong-request-type-shape": {"request_type_shape"},
    "request-type-error": {"positive_data_acceptance"},
    "wrong-content-type": {"content_type_conformance"},
    "missing-content-disposition": {"content_disposition"},
    "intermittent-5xx": {"not_a_server_error"},
    "slow-responses": {"response_time"},
    "enum-renamed": {"enum_documented", "response_schema_conformance"},
    "valid-input-rejected": {"positive_data_acceptance"},
    "unsupported-method-accepted": {"unsupported_method"},
    "allow-header-missing": {"allow_header_conformance"},
    "writes-lost": {"crud_roundtrip", "async_job", "ensure_resource_availability"},
    "async-job-stuck": {"async_job"},
}
# Each profile is proven on the cheapest surface it applies to; these pairs add the surfaces where the same
# fault reaches different code (Mend's errorCode answers and single RPC URL, MetaDefender's paging and CRUD,
# SD Elements' filters).
CHEAPEST_FIRST = ("code-insight", "sd-elements", "metadefender-sscp", "mend")
EXTRA = {
    ("mend", "auth-not-enforced"),
    ("mend", "out-of-range-accepted"),
    ("mend", "undocumented-enum"),
    ("mend", "field-type-changed"),
    ("mend", "unsupported-method-accepted"),  # RPC: the methods scenario alone probes the one URL
    ("metadefender-sscp", "page-larger-than-limit"),
    ("metadefender-sscp", "filter-ignored"),
    ("metadefender-sscp", "writes-lost"),
    ("metadefender-sscp", "auth-not-enforced"),
    ("sd-elements", "filter-ignored"),
    ("sd-elements", "writes-lost"),
    ("mend", "auth-flaky"),  # Mend rejects credentials with HTTP 200 and an errorCode
    # A server that rejects every credential, or answers every success empty, is never green on any surface.
    *((surface, fault) for surface in CHEAPEST_FIRST for fault in ("unauthenticated", "empty-success")),
}


def _cases() -> list[tuple[str, str]]:
    cases = set(EXTRA)
    for name, fault in FAULTS.items():
        cases.add((next(s for s in CHEAPEST_FIRST if applies(fault, VENDORS[s].fault_capabilities)), name))
    return sorted(cases)


def test_every_fault_has_an_expectation() -> None:
    assert set(EXPECTED) == set(FAULTS)


# The quick gate at the smallest budget that still proves each point: two fuzzing examples per operation (the
# examples phase and the scenarios carry most detections) and a 1 s bound on jobs (the mock's finish in 0.3 s).
GATE = replace(get_profile("quick"), max_examples=2, async_timeout=1.0)
# The time-based faults at a smaller scale, so proving them costs seconds, not minutes: the same check, the same
# code path, a delay still well over the limit.
SCALED: dict[str, tuple[str, Profile]] = {
    "slow-responses": ("slow-responses:0.15", replace(GATE, max_response_time=0.05)),
}
# Faults that need a parameter (every depth and surface of enum-renamed: tests/apiconform/mocks).
# The spelling a clean run sees: the observed mock answers COMPLETED, the documented one Completed.
SCALED["enum-renamed"] = ("enum-renamed:" + ("COMPLETED" if CONTRACT == "observed" else "Completed"), GATE)
# A report request answered "inactive organization" (2015, an error real servers send: MEND-OBS-027).
SCALED["request-type-error"] = ("request-type-error:getProductRiskReport=2015", GATE)
# On the two costly surfaces (Mend: 139 operations, MetaDefender: 111), a fault whose check the scenarios or the
# examples phase already reach is proven with those phases alone: the fuzzing phase adds cases, not the check, and
# costs most of a run. Measured per fault: the smallest of these that reports an expected check. The whole quick
# profile catches every fault too: `scripts/bench_run.py`. test_the_smaller_budgets_are_clean_on_a_clean_mock shows
# that what these budgets report comes from the fault.
SCENARIOS_ONLY = replace(GATE, name="gate-scenarios", phases=())
EXAMPLES_ONLY = replace(GATE, name="gate-examples", phases=("examples",))
BUDGET: dict[tuple[str, str], Profile] = {
    ("mend", "auth-not-enforced"): SCENARIOS_ONLY,
    ("mend", "undocumented-enum"): SCENARIOS_ONLY,
    ("mend", "unsupported-method-accepted"): SCENARIOS_ONLY,
    ("mend", "auth-flaky"): EXAMPLES_ONLY,
    ("mend", "empty-success"): EXAMPLES_ONLY,
    ("mend", "field-type-changed"): EXAMPLES_ONLY,
    ("mend", "missing-content-disposition"): EXAMPLES_ONLY,
    ("mend", "request-type-error"): EXAMPLES_ONLY,
    ("mend", "wrong-request-type-shape"): EXAMPLES_ONLY,
    ("metadefender-sscp", "auth-not-enforced"): SCENARIOS_ONLY,
    ("metadefender-sscp", "filter-ignored"): SCENARIOS_ONLY,
    ("metadefender-sscp", "page-larger-than-limit"): SCENARIOS_ONLY,
    ("metadefender-sscp", "writes-lost"): SCENARIOS_ONLY,
}


def fault_run(surface: str, fault: str) -> tuple[str, Profile]:
    """The fault as the mock takes it and the profile that proves it on `surface` (shared with the other tests that
    judge the same run: replay, merge, baseline)."""
    switched, profile = SCALED.get(fault, (fault, GATE))
    budget = BUDGET.get((surface, fault))
    if budget is not None:
        profile = replace(profile, name=budget.name, phases=budget.phases)
    return switched, profile


@pytest.mark.parametrize(("surface", "fault"), _cases())
def test_fault_profile_fails_the_quick_gate(shared_runs: Path, surface: str, fault: str) -> None:
    switched, profile = fault_run(surface, fault)
    if EXPECTED[fault] is PREFLIGHT:
        with pytest.raises(PreflightError, match=r"^credentials rejected: "):
            shared_run(shared_runs, surface, profile, faults=(switched,))
        return
    result = shared_run(shared_runs, surface, profile, faults=(switched,)).result
    assert not result.conformant
    reported = {f.check for f in result.failures}
    assert reported & EXPECTED[fault], f"{fault} on {surface}: expected one of {EXPECTED[fault]}, got {reported}"
    assert all(f.operation in result.surfaces[surface].operations for f in result.failures)


def _label(request_type: str) -> str:
    return f"POST /api/v1.2#{request_type}"


def test_mend_an_unexplained_error_on_one_request_type_is_reported_on_exactly_that_operation(shared_runs: Path) -> None:
    switched, profile = fault_run("mend", "request-type-error")
    result = shared_run(shared_runs, "mend", profile, faults=(switched,)).result
    assert not result.conformant
    assert {f.operation for f in result.failures} == {_label("getProductRiskReport")}
    assert "positive_data_acceptance" in {f.check for f in result.failures}


def test_mend_a_request_type_that_refuses_the_caller_fails_the_gate_on_that_operation(shared_runs: Path) -> None:
    # 5001 is a rejection of the caller ("action not allowed"): valid_credentials_accepted may report it instead.
    _, profile = fault_run("mend", "request-type-error")
    result = shared_run(shared_runs, "mend", profile, faults=("request-type-error:getProjectLicenses=5001",)).result
    assert not result.conformant
    reported = {f.check for f in result.failures if f.operation == _label("getProjectLicenses")}
    assert reported & {"valid_credentials_accepted", "positive_data_acceptance"}, reported
    assert {f.operation for f in result.failures} == {_label("getProjectLicenses")}


@pytest.mark.parametrize(
    ("surface", "budget"), sorted({(surface, profile.name) for (surface, _), profile in BUDGET.items()})
)
def test_the_smaller_budgets_are_clean_on_a_clean_mock(shared_runs: Path, surface: str, budget: str) -> None:
    profile = next(p for p in (SCENARIOS_ONLY, EXAMPLES_ONLY) if p.name == budget)
    result = shared_run(shared_runs, surface, profile).result
    assert not result.failures, [f"{f.operation} [{f.check}] {f.title}" for f in result.failures]
