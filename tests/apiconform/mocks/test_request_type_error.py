"""`request-type-error:REQUEST_TYPE[=CODE]`: its parameter is checked before any mock starts, each mistake with a
one-line fix (how the mock answers: tests/apiconform/vendors/test_mend_mock.py; that the gate fails on exactly that
operation: tests/apiconform/runner/test_fault_profiles.py)."""

from __future__ import annotations

import pytest

from apiconform.errors import UsageError
from apiconform.mocks import behaviour
from apiconform.mocks.faults import request_type_errors, validate_names
from apiconform.vendors.registry import VENDORS

CAPABILITIES = VENDORS["mend"].fault_capabilities


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("request-type-error", r"needs the requestType to break: write request-type-error:REQUEST_TYPE"),
        ("request-type-error:=4000", r"needs the requestType to break"),
        ("request-type-error:getProjectLicenses=x", r"'x' is not an errorCode; give an integer, e\.g\. .*=4000"),
        ("request-type-error:getProjectLicenses=", r"'' is not an errorCode"),
        ("request-type-error:getProjectLicenses=+7", r"'\+7' is not an errorCode"),
        ("request-type-error:getProjectLicenses=1_000", r"'1_000' is not an errorCode"),
    ],
)
def test_a_malformed_parameter_is_a_usage_error(fault: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        validate_names((fault,), "mend", CAPABILITIES)


def test_an_unknown_request_type_is_a_usage_error_naming_the_closest_one() -> None:
    known = {"getProjectLicenses", "getProductLicenses"}
    with pytest.raises(
        UsageError, match=r"mend has no requestType 'getProjectLicense' \(did you mean 'getProjectLicenses'\?\)"
    ):
        validate_names(("request-type-error:getProjectLicense",), "mend", CAPABILITIES, None, lambda: known)
    with pytest.raises(UsageError, match=r"mend has no requestType 'getprojectlicenses' \(did you mean"):
        behaviour("mend", faults=["request-type-error:getprojectlicenses=4000"])  # the mock checks its own names
    with pytest.raises(UsageError, match=r"does not apply to code-insight"):
        behaviour("code-insight", faults=["request-type-error:getProjectLicenses"])


def test_several_request_types_each_with_their_code() -> None:
    names = validate_names(
        ("request-type-error:getProjectLicenses=5001", "request-type-error:createProject", "request-type-error:x=-1"),
        "mend",
        CAPABILITIES,
    )
    assert request_type_errors(names) == {"getProjectLicenses": 5001, "createProject": 4000, "x": -1}
