"""MetaDefender SSCP: every recorded deviation is rejected (later API versions, low confidence; the reasons are in
specs/evidence/metadefender-sscp.yaml), so the observed contract is the documented one and the rejected forms keep
failing under both."""

from __future__ import annotations

import pytest

from apiconform.contract import overlay_path
from apiconform.observed import evidence_items, view_for
from apiconform.surfaces import SURFACES
from tests.specs.observed.judging import judge, request_errors

SURFACE = "metadefender-sscp"
SPEC = SURFACES[SURFACE].spec_path


def test_no_deviation_is_accepted_so_there_is_no_overlay() -> None:
    assert not overlay_path(SPEC).exists()
    assert view_for(SPEC, "observed").mode == "documented"
    deviations = {k: v for k, v in evidence_items(SPEC).items() if v.get("spec_accepts") is False}
    assert sorted(deviations) == ["MDS-OBS-001", "MDS-OBS-002", "MDS-OBS-005", "MDS-OBS-006"]
    assert all(str(item.get("rejected", "")).strip() for item in deviations.values())


@pytest.mark.parametrize("mode", ["observed", "documented"])
def test_camel_case_members_of_later_versions_fail_naming_the_member(mode: str) -> None:
    # MDS-OBS-001 (rejected): the 3.1.0 reference's spelling of the version answer.
    body = {"responseKey": "Success", "responseMessage": "OK", "version": "3.0.2", "lastSupportedConfigVersion": "3.0"}
    assert judge(SURFACE, mode, "getVersion", 200, body).names("ResponseKey")


@pytest.mark.parametrize("mode", ["observed", "documented"])
def test_numeric_audit_filters_of_later_versions_are_refused(mode: str) -> None:
    # MDS-OBS-002 (rejected): the 3.1.0 reference filters the audit log by the enum's number.
    assert request_errors(SURFACE, mode, "listAuditEvents", "LogLevel", "2")
    assert request_errors(SURFACE, mode, "listAuditEvents", "LogLevel", "Warn") == []
