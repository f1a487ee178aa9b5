"""`apiconform diff` end to end: the real specs, the README's worked example, exit codes, formats, golden
renderings, `REV:path` from git, redaction. One change per case (every rule of the catalogue): test_rules.py.

Golden files live in tests/apiconform/diff/golden/; after an intended change to the renderers, run
`APICONFORM_UPDATE_GOLDEN=1 python -m pytest tests/apiconform/diff -p no:cacheprovider` and review the diff.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from apiconform.commands.diff import add_arguments, run_diff
from apiconform.diff import SEVERITIES, Finding, at_or_above, diff_documents, load_side, render
from apiconform.diff.nodes import subject
from apiconform.errors import SpecError, UsageError
from apiconform.spec import load_document
from tests.apiconform.diff.bases import Doc, mend_like, ref, rest, schemas, triples

ROOT = Path(__file__).resolve().parents[3]
SPECS = ROOT / "specs"
EXAMPLE = ROOT / "examples" / "upgrade"
GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = "APICONFORM_UPDATE_GOLDEN=1 python -m pytest tests/apiconform/diff -p no:cacheprovider"
ALERT_ANSWERS = (
    "getAlertsByProjectTag", "getOrganizationAlerts", "getOrganizationAlertsByType", "getOrganizationIgnoredAlerts",
    "getProductAlerts", "getProductAlertsByType", "getProductIgnoredAlerts", "getProjectAlerts",
    "getProjectAlertsByType", "getProjectIgnoredAlerts",
)  # fmt: skip


def _golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("APICONFORM_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8") if path.exists() else "<missing>"
    assert actual == expected, f"{path.name} is stale; if the new rendering is intended, run: {UPDATE_GOLDEN}"


def _multi_change(doc: Doc) -> None:
    get_jobs = doc["paths"]["/jobs"]["get"]
    get_jobs["deprecated"] = True
    get_jobs["parameters"][0]["schema"]["maximum"] = 50
    schemas(doc)["NewJob"]["properties"]["team"] = {"type": "string"}
    schemas(doc)["NewJob"]["required"].append("team")
    schemas(doc)["Status"]["enum"].append("CANCELLED")
    del schemas(doc)["Job"]["properties"]["note"]
    schemas(doc)["Job"]["properties"]["createdAt"] = {"type": "string", "format": "date-time"}
    doc["servers"].append({"url": "https://eu.jobs.example.com/api/v1"})


def _multi() -> list[Finding]:
    old = rest()
    new = copy.deepcopy(old)
    _multi_change(new)
    return diff_documents(old, new)


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def _write(path: Path, doc: Doc) -> str:
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return str(path)


# the real specs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.stem)
def test_each_real_spec_against_itself_has_no_findings(spec: Path) -> None:
    document = load_document(spec)
    start = time.perf_counter()
    assert diff_documents(document, copy.deepcopy(document)) == []
    assert time.perf_counter() - start < 2.0


def _set_parameter_default(path: str, name: str, value: object) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        parameter = next(p for p in doc["paths"][path]["post"]["parameters"] if p["name"] == name)
        parameter["schema"]["default"] = value

    return apply


def _replace_status(path: str, before: str, after: str) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        responses = doc["paths"][path]["post"]["responses"]
        responses[after] = responses.pop(before)

    return apply


def _set_field_default(schema: str, name: str, value: object) -> Callable[[Doc], None]:
    return lambda doc: schemas(doc)[schema]["properties"][name].__setitem__("default", value)


@pytest.mark.parametrize(
    ("spec", "mutate", "expected"),
    [
        pytest.param(
            "code-insight",
            _set_parameter_default("/jobs/notices/{projectId}", "overwriteAll", True),
            {("request-default-value-changed", "breaking", "POST /jobs/notices/{projectId}")},
            id="code-insight-overwriteAll-default",
        ),
        pytest.param(
            "mend",
            _set_field_default("GetProjectInventoryRequest", "includeInHouseData", False),
            {("request-default-value-changed", "breaking", "POST /api/v1.2#getProjectInventory")},
            id="mend-includeInHouseData-default",
        ),
        pytest.param(
            "code-insight",
            _replace_status("/jobs/sbomexport/{projectId}", "202", "200"),
            {
                ("response-success-status-removed", "breaking", "POST /jobs/sbomexport/{projectId}"),
                ("response-success-status-added", "warning", "POST /jobs/sbomexport/{projectId}"),
            },
            id="code-insight-export-202-to-200",
        ),
        pytest.param(
            "metadefender-sscp",
            _replace_status("/api/v1/projects", "200", "201"),
            {
                ("response-success-status-removed", "breaking", "POST /api/v1/projects"),
                ("response-success-status-added", "warning", "POST /api/v1/projects"),
            },
            id="metadefender-create-project-200-to-201",
        ),
    ],
)
def test_real_spec_changes_that_fail_a_breaking_gate(
    spec: str, mutate: Callable[[Doc], None], expected: set[tuple[str, str, str]]
) -> None:
    """Four independently built spec changes that were once reported as warnings, so `--fail-on breaking` passed."""
    old = load_document(SPECS / f"{spec}.yaml")
    new = copy.deepcopy(old)
    mutate(new)
    findings = diff_documents(old, new)
    assert triples(findings) == expected
    assert at_or_above(findings, "breaking")


def test_worked_example_reports_exactly_the_documented_changes() -> None:
    old, new = load_document(SPECS / "mend.yaml"), load_document(EXAMPLE / "mend-next.yaml")
    start = time.perf_counter()
    findings = diff_documents(old, new)
    assert time.perf_counter() - start < 3.0, "diffing two ~10k-line Mend specs must stay fast"
    expected = {("response-enum-value-added", "breaking", f"POST /api/v1.2#{rt}") for rt in ALERT_ANSWERS}
    expected |= {
        ("response-enum-value-added", "breaking", "POST /api/v1.2#getRequestState"),  # RUNNING (was IN_PROGRESS)
        ("response-enum-value-removed", "info", "POST /api/v1.2#getRequestState"),  # IN_PROGRESS
        ("request-property-added-required", "breaking", "POST /api/v1.2#getProjectAlerts"),  # projectName
        ("response-property-added", "info", "POST /api/v1.2#getProjectAlerts"),  # totalAlerts
    }
    stale = (
        "if specs/mend.yaml changed since examples/upgrade/mend-next.yaml was copied from it, copy it again and"
        " re-apply the four edits listed in examples/upgrade/README.md (and paste the new output there)"
    )
    assert triples(findings) == expected, stale
    assert len(findings) == len(expected), stale
    top_readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in render(findings, "text").splitlines():  # README.md shows the text form, pointers cut
        assert re.sub(r" \(old: .*\)$", "", line) + "\n" in top_readme, f"README.md's worked example lacks: {line}"
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    assert render(findings, "md") in readme, (
        "examples/upgrade/README.md no longer shows the actual output: paste the output of "
        "`apiconform diff specs/mend.yaml examples/upgrade/mend-next.yaml --format md` into it"
    )


# robustness and order ------------------------------------------------------------------------------------------


def test_cycles_terminate_and_report_once_per_operation() -> None:
    old = rest()
    schemas(old)["A"] = {"type": "object", "properties": {"b": ref("B")}}
    schemas(old)["B"] = {"type": "object", "properties": {"a": ref("A"), "n": {"type": "integer"}}}
    schemas(old)["Loop"] = {"allOf": [ref("Loop"), {"type": "object"}]}
    schemas(old)["Job"]["properties"]["a"] = ref("A")
    schemas(old)["Job"]["properties"]["loop"] = ref("Loop")
    new = copy.deepcopy(old)
    schemas(new)["B"]["properties"]["n"]["type"] = "string"
    findings = diff_documents(old, new)
    assert sorted((f.operation, f.rule) for f in findings) == [
        ("GET /jobs", "response-type-changed"),
        ("GET /jobs/{jobId}", "response-type-changed"),
        ("POST /jobs", "response-type-changed"),
    ]


def test_order_is_deterministic_and_independent_of_key_order() -> None:
    old = rest()
    new = copy.deepcopy(old)
    _multi_change(new)
    shuffled = copy.deepcopy(new)
    shuffled["paths"] = dict(reversed(list(shuffled["paths"].items())))
    assert diff_documents(old, new) == diff_documents(old, shuffled) == _multi()
    severities = [SEVERITIES.index(f.severity) for f in _multi()]
    assert severities == sorted(severities)


def test_oneof_branches_are_matched_by_identity_not_position() -> None:
    old = rest()
    new = copy.deepcopy(old)
    schemas(new)["Target"]["oneOf"].reverse()
    assert diff_documents(old, new) == []


def test_mend_union_is_never_reported_as_one_change() -> None:
    old = mend_like()
    new = copy.deepcopy(old)
    schemas(new)["MendRequest"]["oneOf"].reverse()
    schemas(new)["GetRequestStateRequest"]["properties"]["requestToken"]["maxLength"] = 36
    assert [(f.rule, f.operation) for f in diff_documents(old, new)] == [
        ("request-length-tightened", "POST /api/v1.2#getRequestState")
    ]


# renderers -----------------------------------------------------------------------------------------------------


def test_golden_text_and_markdown() -> None:
    findings = _multi()
    _golden("multi.txt", render(findings, "text"))
    _golden("multi.md", render(findings, "md"))


def _new_rules_change(doc: Doc) -> None:
    """A changed default, the only success status replaced, an identical retarget, shared and global changes."""
    schemas(doc)["NewJob"]["properties"]["priority"]["default"] = 3
    create = doc["paths"]["/jobs"]["post"]["responses"]
    create["200"] = create.pop("201")
    doc["paths"]["/jobs"]["get"]["parameters"][3]["schema"]["default"] = "off"
    schemas(doc)["UrlTargetV2"] = schemas(doc).pop("UrlTarget")
    schemas(doc)["Target"]["oneOf"][1] = ref("UrlTargetV2")
    schemas(doc)["Target"]["discriminator"]["mapping"]["url"] = "#/components/schemas/UrlTargetV2"
    schemas(doc)["Job"]["properties"]["progress"]["maximum"] = 1000
    doc["security"] = [{"bearer": ["jobs:read"]}]


def test_golden_new_rules_and_grouping() -> None:
    old = rest()
    new = copy.deepcopy(old)
    _new_rules_change(new)
    findings = diff_documents(old, new)
    _golden("rules.txt", render(findings, "text"))
    _golden("rules.md", render(findings, "md"))


def test_text_is_one_line_per_change_and_counts_per_operation() -> None:
    findings = _multi()
    lines = render(findings, "text").splitlines()
    assert len(lines) == 8 + 1  # 14 findings: three changes of a shared schema reach three operations each
    assert (
        'BREAKING response-enum-value-added Status gained enum value "CANCELLED" — 3 operations: GET /jobs,'
        " GET /jobs/{jobId}, POST /jobs (old: -, new: /components/schemas/Status/enum/3)"
    ) in lines
    assert lines[-1] == "14 changes (counted per operation): 5 breaking, 4 warning, 5 info"
    assert render([], "text") == "no changes (0 breaking, 0 warning, 0 info)\n"


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("/components/schemas/Alert", "Alert"),
        ("/components/schemas/Alert/properties/type", "Alert.type"),
        ("/components/schemas/JobList/properties/items/items/properties/note", "JobList.items[].note"),
        ("/components/schemas/Job/properties/owner/allOf/1", "Job.owner"),
        ("/components/schemas/Tags/additionalProperties", "Tags{*}"),
        ("/components/schemas/Target/oneOf/1/properties/url", "Target.oneOf[1].url"),
        ("/components/schemas/a~1b/properties/c~0d", "a/b.c~d"),
        ("/components/schemas/Alert/properties/type/enum/5", None),  # a keyword, not a schema node
        ("/paths/~1jobs/get/parameters/0/schema", None),  # the operation's own schema
        ("", None),
    ],
)
def test_a_shared_schema_node_is_named_as_a_reader_finds_it(pointer: str, expected: str | None) -> None:
    assert subject(pointer) == expected


def test_a_shared_schema_met_twice_in_one_operation_is_one_line_saying_the_schema() -> None:
    old = rest()
    schemas(old)["NewJob"]["properties"]["status"] = ref("Status")  # Status in GET /jobs' query and POST's body
    old["paths"]["/jobs"]["post"]["parameters"] = [{"name": "status", "in": "query", "schema": ref("Status")}]
    new = copy.deepcopy(old)
    schemas(new)["Status"]["enum"].remove("DONE")
    findings = [f for f in diff_documents(old, new) if f.rule == "request-enum-value-removed"]
    assert [f.operation for f in findings] == ["GET /jobs", "POST /jobs", "POST /jobs"]
    lines = render(findings, "text").splitlines()
    assert lines[0].startswith(
        'BREAKING request-enum-value-removed Status lost enum value "DONE" — 2 operations: GET /jobs, POST /jobs'
    )
    assert lines[1] == "3 changes (counted per operation): 3 breaking, 0 warning, 0 info"
    single = render(findings[1:], "text").splitlines()[0]
    assert single.startswith('BREAKING request-enum-value-removed POST /jobs: Status lost enum value "DONE"')


def test_json_has_stable_keys_and_counts() -> None:
    payload = json.loads(render(_multi(), "json"))
    assert list(payload) == ["findings", "counts", "total"]
    assert list(payload["findings"][0]) == ["rule", "severity", "operation", "message", "old_pointer", "new_pointer"]
    assert payload["counts"] == {"breaking": 5, "warning": 4, "info": 5}
    assert payload["total"] == len(payload["findings"]) == 14


@pytest.mark.parametrize(("fail_on", "failures"), [("breaking", 5), ("warning", 9)])
def test_junit_one_testcase_per_finding(fail_on: str, failures: int) -> None:
    root = ET.fromstring(render(_multi(), "junit", fail_on=fail_on))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 14
    assert sum(1 for c in cases if c.find("failure") is not None) == failures == int(root.attrib["failures"])
    passed = [c for c in cases if c.find("failure") is None]
    assert all(c.findtext("system-out", "").split()[0] in {"WARNING", "INFO"} for c in passed)


def test_markdown_escapes_spec_text() -> None:
    old = rest()
    new = copy.deepcopy(old)
    schemas(new)["Status"]["enum"].append("A|B <img src=x> @team [x](http://e.example)")
    table = render(diff_documents(old, new), "md")
    assert "@team" not in table
    assert not re.search(r"(?<!\\)<", table), "raw HTML must be escaped"
    assert not re.search(r"(?<!\\)\]\(", table), "links must be escaped"
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| Operation")]
    assert any(row.startswith("| 3 operations: ") for row in rows)
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 5, row


# the command ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "fail_on", "code"),
    [
        ("none", "breaking", 0),
        ("info", "breaking", 0),
        ("info", "warning", 0),
        ("warning", "breaking", 0),
        ("warning", "warning", 1),
        ("breaking", "breaking", 1),
        ("breaking", "warning", 1),
    ],
)
def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str, fail_on: str, code: int) -> None:
    old = rest()
    new = copy.deepcopy(old)
    if change == "info":
        new["paths"]["/jobs"]["get"]["parameters"].append({"name": "team", "in": "query", "schema": {"type": "string"}})
    elif change == "warning":
        new["paths"]["/jobs"]["get"]["deprecated"] = True
    elif change == "breaking":
        del new["paths"]["/health"]
    args = _args(_write(tmp_path / "old.yaml", old), _write(tmp_path / "new.yaml", new), "--fail-on", fail_on)
    assert run_diff(args) == code
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("no changes" if change == "none" else "1 change (counted per operation):")


def test_output_file_and_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = rest(), rest()
    _multi_change(new)
    old_path, new_path = _write(tmp_path / "old.yaml", old), _write(tmp_path / "new.yaml", new)
    report = tmp_path / "diff.json"
    assert run_diff(_args(old_path, new_path, "--format", "json", "--output", str(report))) == 1
    assert json.loads(report.read_text(encoding="utf-8"))["total"] == 14
    assert capsys.readouterr().out == f"{report}: 14 changes (counted per operation): 5 breaking, 4 warning, 5 info\n"
    for fmt in ("text", "md", "junit"):
        assert run_diff(_args(old_path, new_path, "--format", fmt)) == 1
        assert capsys.readouterr().out == render(_multi(), fmt)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "spec file not found"),
        ("openapi: 3.1.0\npaths: [\n", "spec does not parse at line"),
        ("swagger: '2.0'\n", "'openapi' is missing"),
        ("- a list\n", "spec is not a mapping"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, fragment: str
) -> None:
    bad = tmp_path / "bad.yaml"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    good = _write(tmp_path / "good.yaml", rest())
    assert run_diff(_args(good, str(bad))) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("apiconform: error: ") and fragment in captured.err
    assert captured.err.count("\n") == 1


def test_bad_format_through_a_hand_built_namespace(capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(old="a", new="b", format="markdown", fail_on="breaking", output=None)
    assert run_diff(args) == 2
    assert "--format 'markdown' is not one of text, json, md, junit" in capsys.readouterr().err


def test_messages_go_through_the_redactor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = mend_like()
    new = copy.deepcopy(old)
    variant = schemas(new)["GetRequestStateRequest"]
    variant["properties"]["userKey"]["default"] = "Bearer abcdefghijklmnopqrstuvwxyz"
    variant["properties"]["userKey"]["maxLength"] = 64
    schemas(new)["AgentInfo"]["properties"]["agent"]["default"] = "Bearer zyxwvutsrqponmlkjihgfedcba"  # grouped
    args = _args(_write(tmp_path / "old.yaml", old), _write(tmp_path / "new.yaml", new), "--fail-on", "warning")
    assert run_diff(args) == 1
    out = capsys.readouterr().out
    assert "AgentInfo.agent changed default none -> " in out, "the grouped line (said of the shared schema)"
    assert "abcdefghijklmnop" not in out and "zyxwvutsrqpon" not in out and "Bearer [REDACTED]" in out
    # field names that look like secret keys stay readable: messages never read "userKey: <value>"
    assert "request body field userKey changed maxLength none -> 64" in out


def _default_changed(tmp_path: Path) -> tuple[str, str]:
    old = rest()
    new = copy.deepcopy(old)
    schemas(new)["NewJob"]["properties"]["priority"]["default"] = 3
    return _write(tmp_path / "old.yaml", old), _write(tmp_path / "new.yaml", new)


def test_config_overrides_a_rules_severity_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _default_changed(tmp_path)
    assert run_diff(_args(old, new)) == 1
    assert capsys.readouterr().out.startswith("BREAKING request-default-value-changed POST /jobs:")
    config = tmp_path / "team.toml"
    config.write_text('[diff.severity]\nrequest-default-value-changed = "warning"\n', encoding="utf-8")
    assert run_diff(_args(old, new, "--config", str(config))) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("WARNING request-default-value-changed POST /jobs:")
    assert captured.out.endswith("1 change (counted per operation): 0 breaking, 1 warning, 0 info\n")
    assert captured.err == f"apiconform: diff: severity from {config}: request-default-value-changed = warning\n"
    assert run_diff(_args(old, new, "--config", str(config), "--fail-on", "warning")) == 1


def test_config_is_found_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _default_changed(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.apiconform.diff.severity]\nrequest-default-value-changed = "info"\n', encoding="utf-8"
    )
    assert run_diff(_args(old, new, "--fail-on", "warning")) == 0
    assert "INFO request-default-value-changed" in capsys.readouterr().out
    (tmp_path / "apiconform.toml").write_text("[diff.severity]\n", encoding="utf-8")  # wins: no overrides
    assert run_diff(_args(old, new)) == 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            '[diff.severity]\nrequest-default-changd = "info"\n',
            "[diff.severity]: 'request-default-changd' is not a rule id (did you mean 'request-default-changed'?)",
        ),
        ('[diff.severity]\nserver-added = "error"\n', "server-added = 'error' is not a severity; use one of"),
        ('[diff]\nfail-on = "warning"\n', "unknown key 'fail-on' in [diff]"),
    ],
)
def test_bad_config_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str
) -> None:
    old, new = _default_changed(tmp_path)
    config = tmp_path / "apiconform.toml"
    config.write_text(text, encoding="utf-8")
    assert run_diff(_args(old, new, "--config", str(config))) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"apiconform: error: {config}") and fragment in captured.err
    assert captured.err.count("\n") == 1
    assert run_diff(_args(old, new, "--config", str(tmp_path / "absent.toml"))) == 2
    assert "absent.toml not found" in capsys.readouterr().err


# REV:path ------------------------------------------------------------------------------------------------------


def _git(cwd: Path, *argv: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", *argv], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_rev_path_reads_a_committed_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "specs" / "api.yaml"
    spec.parent.mkdir()
    _write(spec, rest())
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "v1")
    changed = rest()
    del changed["paths"]["/health"]
    _write(spec, changed)
    assert load_side("HEAD:specs/api.yaml", cwd=tmp_path) == rest()
    monkeypatch.chdir(tmp_path / "specs")
    assert load_side("HEAD:./api.yaml") == rest()
    assert run_diff(_args("HEAD:specs/api.yaml", "api.yaml")) == 1
    assert "BREAKING operation-removed GET /health" in capsys.readouterr().out
    assert run_diff(_args("HEAD:specs/api.yaml", "HEAD:specs/api.yaml")) == 0
    capsys.readouterr()
    assert run_diff(_args("no-such-rev:specs/api.yaml", "api.yaml")) == 2
    err = capsys.readouterr().err
    assert "no-such-rev:specs/api.yaml: git show failed" in err and err.count("\n") == 1
    with pytest.raises(UsageError, match="git show failed"):
        load_side("HEAD:specs/missing.yaml", cwd=tmp_path)
    (tmp_path / "specs" / "broken.yaml").write_text("openapi: [\n", encoding="utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "broken")
    with pytest.raises(SpecError, match=r"HEAD:specs/broken\.yaml: spec does not parse"):
        load_side("HEAD:specs/broken.yaml", cwd=tmp_path)
