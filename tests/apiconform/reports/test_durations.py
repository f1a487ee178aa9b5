"""Real times in junit.xml and allure-results/: each operation's measured time, spread over its testcases in
proportion to their evaluations, adds up exactly; Allure results get start and stop times on one lane per surface.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from apiconform.reports import write_reports
from apiconform.reports.junit import EXERCISED, seconds_per_testcase
from tests.apiconform.reports.factories import make_op, matrix_result, sample_result, with_cells


def test_an_operations_time_is_split_by_evaluations_and_adds_up_exactly() -> None:
    op = with_cells(make_op("s", "GET /a", 4), one=(3, 0), two=(1, 2), three=(0, 0))
    op.duration_s = 1.0
    assert seconds_per_testcase(op) == {"one": 0.5, "two": 0.5, "three": 0.0, EXERCISED: 0.0}
    op.duration_s = 0.01  # 10 ms over 3 + 3 evaluations: 5 ms each
    assert seconds_per_testcase(op) == {"one": 0.005, "two": 0.005, "three": 0.0, EXERCISED: 0.0}
    op.duration_s = 0.011  # the odd millisecond goes to one cell, deterministically, and none is lost
    split = seconds_per_testcase(op)
    assert round(sum(split.values()) * 1000) == 11 and split == seconds_per_testcase(op)


def test_an_operation_without_evaluations_keeps_its_time_on_the_exercised_testcase() -> None:
    op = make_op("s", "GET /a", 2)
    op.duration_s = 0.25
    assert seconds_per_testcase(op) == {EXERCISED: 0.25}


def test_junit_testcase_times_sum_to_each_operation_and_suite(tmp_path: Path) -> None:
    result = matrix_result()
    junit = ET.parse(write_reports(result, tmp_path, ["junit"])[0]).getroot()
    per_op: dict[str, int] = defaultdict(int)
    for case in junit.iter("testcase"):
        per_op[(case.get("name") or "").split(" :: ")[0]] += round(float(case.get("time", "")) * 1000)
    for op in result.operations():
        assert per_op[op.label] == round(op.duration_s * 1000), op.label
    suite = junit.find("testsuite")
    assert suite is not None
    assert round(float(suite.get("time", "")) * 1000) == sum(per_op.values()) > 0
    assert junit.get("time") == "42.000"  # the run's wall time
    assert any(float(case.get("time", "0")) > 0 for case in junit.iter("testcase"))


def test_allure_results_have_start_and_stop_times_on_one_lane_per_surface(tmp_path: Path) -> None:
    result = sample_result()
    for i, op in enumerate(result.operations()):
        op.duration_s = 0.1 * (i + 1)
    out = write_reports(result, tmp_path, ["allure"])[0]
    results = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*-result.json")]
    start = int(dt.datetime.fromisoformat(result.started_at).timestamp() * 1000)
    lanes: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for item in results:
        labels = {label["name"]: label["value"] for label in item["labels"]}
        assert labels["host"] == "apiconform"
        lanes[labels["thread"]].append((item["start"], item["stop"]))
    assert set(lanes) == {"alpha", "beta"}
    for spans in lanes.values():
        spans.sort()
        assert spans[0][0] == start  # every surface starts at the run's start: surfaces run side by side
        assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))  # back to back, no overlap
    alpha_ms = sum(round(op.duration_s * 1000) for op in result.surfaces["alpha"].operations.values())
    assert lanes["alpha"][-1][1] - start == alpha_ms
    assert sum(stop > begin for begin, stop in lanes["alpha"]) >= 3  # a timeline with bars, not points
