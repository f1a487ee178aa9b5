"""Every check apiconform runs, by stable id, in one registry (`apiconform checks` lists it).

`source` says who evaluates it: schemathesis' own check of that name (property-based phases), an apiconform
check registered into schemathesis (`st`), or an apiconform scenario (`scenario`: examples, pagination,
filters, async jobs, CRUD, auth). Ids never change meaning and are never reused.
"""

from __future__ import annotations

from dataclasses import dataclass

from apiconform.errors import UsageError, did_you_mean


@dataclass(frozen=True)
class CheckInfo:
    id: str
    group: str  # schema | property | example | semantic | auth
    source: str  # schemathesis | st | scenario
    description: str


CHECKS: dict[str, CheckInfo] = {}


def register(info: CheckInfo) -> CheckInfo:
    if info.id in CHECKS:
        raise ValueError(f"duplicate check id {info.id!r}")
    CHECKS[info.id] = info
    return info


for _id, _group, _desc in (
    ("not_a_server_error", "schema", "no 5xx answers and no transport errors"),
    ("status_code_conformance", "schema", "every status code is documented for the operation"),
    ("content_type_conformance", "schema", "the Content-Type is one the operation documents for that status"),
    ("response_headers_conformance", "schema", "documented required response headers are present and valid"),
    (
        "response_schema_conformance",
        "schema",
        "the body validates against the documented schema (Mend: per requestType)",
    ),
    ("negative_data_rejection", "property", "requests that break the contract are rejected (4xx or a Mend errorCode)"),
    ("positive_data_acceptance", "property", "requests that satisfy the contract are not rejected as invalid"),
    ("missing_required_header", "property", "a request missing a required header is rejected"),
    ("unsupported_method", "property", "undocumented methods get 405"),
    ("allow_header_conformance", "property", "405 answers carry an Allow header listing the documented methods"),
    ("use_after_free", "property", "a deleted resource is not served afterwards (stateful)"),
    ("ensure_resource_availability", "property", "a created resource can be read back (stateful)"),
    ("ignored_auth", "auth", "secured operations reject missing and invalid credentials"),
):
    register(CheckInfo(_id, _group, "schemathesis", _desc))

for _id, _group, _source, _desc in (
    ("response_time", "schema", "st", "every answer arrives within the profile's response-time limit"),
    (
        "request_type_shape",
        "schema",
        "st",
        "Mend answers a requestType with that requestType's documented top-level keys",
    ),
    ("content_disposition", "schema", "st", "report downloads carry a Content-Disposition header"),
    ("enum_documented", "schema", "st", "every enum value observed in a response is documented"),
    (
        "example_replay",
        "example",
        "scenario",
        "every documented request example is accepted and answered per the contract",
    ),
    ("example_valid", "example", "scenario", "every documented response example validates against its own schema"),
    ("pagination_limit", "semantic", "scenario", "a page never holds more items than `limit`"),
    ("pagination_disjoint", "semantic", "scenario", "consecutive pages share no item"),
    ("pagination_complete", "semantic", "scenario", "walking every page yields each item exactly once"),
    ("pagination_order", "semantic", "scenario", "items come in the documented order"),
    ("pagination_bounds", "semantic", "scenario", "out-of-range paging and history parameters are rejected"),
    ("filter_applied", "semantic", "scenario", "every item of a filtered list matches the filter"),
    ("async_job", "semantic", "scenario", "a queued job (202) reaches a terminal status within the bound"),
    ("crud_roundtrip", "semantic", "scenario", "create -> read back equal -> update -> delete -> 404"),
    ("auth_rejected", "auth", "scenario", "missing, invalid and expired credentials are rejected; refresh works"),
    (
        "request_type_errors",
        "semantic",
        "scenario",
        "Mend: a missing token or an unknown requestType gets an errorCode",
    ),
):
    register(CheckInfo(_id, _group, _source, _desc))


def get_check(check_id: str) -> CheckInfo:
    try:
        return CHECKS[check_id]
    except KeyError:
        raise UsageError(
            f"unknown check id {check_id!r}{did_you_mean(check_id, CHECKS)}; see `apiconform checks`"
        ) from None


SCHEMATHESIS_CHECKS = tuple(c.id for c in CHECKS.values() if c.source == "schemathesis")
