"""Bad user input: every mistake is exit 2 and exactly one line on stderr that names the offending value and the
fix — never a traceback, never exit 70 (internal error), never a run that starts anyway.

Each case writes its input files into tmp_path and runs `python -m apiconform ...` there. No network: the
commands fail before any server is started or contacted (a --base-url on port 9 would be refused if reached).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.apiconform.robustness.support import assert_one_line_error, run_cli

BOUND_S = 45.0
NOWHERE = "http://127.0.0.1:9/codeinsight/api"  # never contacted: the input error comes first


def _write(name: str, content: str | bytes) -> Callable[[Path], None]:
    def setup(directory: Path) -> None:
        path = directory / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return setup


WAIVER_OK = '- check: status_code_conformance\n  operation: "GET /jobs"\n  reason: ticket 1\n  expires: 2030-01-01\n'
TOKEN = json.dumps({"surface": "code-insight", "token": "not-a-real-token-1234"})


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    says: tuple[str, ...]  # the problem and the fix, as the one stderr line must name them
    setup: Callable[[Path], None] | None = None


CASES = (
    Case("unknown-surface", ("run", "code-insigt"), ("unknown surface 'code-insigt'", "did you mean 'code-insight'")),
    Case("unknown-surface-mock", ("mock", "mendd"), ("unknown surface 'mendd'", "did you mean 'mend'")),
    Case(
        "waiver-unknown-check",
        ("run", "code-insight", "--waivers", "w.yaml"),
        ("unknown check id 'no_such_check'", "apiconform checks"),
        _write("w.yaml", WAIVER_OK.replace("status_code_conformance", "no_such_check")),
    ),
    Case(
        "unknown-fault",
        ("run", "code-insight", "--mock-fault", "no-such"),
        ("unknown fault 'no-such'", "--list-faults"),
    ),
    Case(
        "unknown-fault-mock",
        ("mock", "code-insight", "--fault", "no-such"),
        ("unknown fault 'no-such'", "--list-faults"),
    ),
    Case(
        "credentials-missing",
        ("run", "code-insight", "--base-url", NOWHERE, "--credentials", "nope.json"),
        ("cannot read credentials file nope.json", "check the path"),
    ),
    Case(
        "credentials-bad-json",
        ("run", "code-insight", "--base-url", NOWHERE, "--credentials", "c.json"),
        ("c.json is not valid JSON", "fix it or regenerate it"),
        _write("c.json", '{"token": "abc",'),
    ),
    Case(
        "credentials-bad-toml",
        ("run", "code-insight", "--base-url", NOWHERE, "--credentials", "c.toml"),
        ("c.toml is not valid TOML", "fix it or regenerate it"),
        _write("c.toml", 'token = "abc\n'),
    ),
    Case(
        "credentials-not-utf8",
        ("run", "code-insight", "--base-url", NOWHERE, "--credentials", "c.json"),
        ("c.json is not UTF-8 text", "UTF-8"),
        _write("c.json", b'{"token": "\xff\xfe"}'),
    ),
    Case(
        "credentials-not-an-object",
        ("run", "code-insight", "--base-url", NOWHERE, "--credentials", "c.json"),
        ("must hold an object of credential keys", "not list"),
        _write("c.json", '["token"]'),
    ),
    Case(
        "credentials-wrong-surface",
        ("run", "code-insight", "--base-url", NOWHERE, "--credentials", "c.json"),
        ("has 'userKey', a key of mend, not of code-insight", "pass the code-insight credentials"),
        _write("c.json", json.dumps({"surface": "mend", "userKey": "u" * 16, "orgToken": "o" * 16})),
    ),
    Case(
        "proxy-credentials-not-utf8",
        ("proxy", "code-insight", "--upstream", NOWHERE, "--credentials", "c.json"),
        ("c.json is not UTF-8 text", "UTF-8"),
        _write("c.json", b"\xff\xfe\x00"),
    ),
    Case(
        "waiver-bad-yaml",
        ("run", "code-insight", "--waivers", "w.yaml"),
        ("w.yaml is not valid YAML", "fix its syntax"),
        _write("w.yaml", "- check: [unclosed\n"),
    ),
    Case(
        "waiver-missing-fields",
        ("run", "code-insight", "--waivers", "w.yaml"),
        ("lacks operation, reason, expires", "every waiver needs check, operation, reason, expires"),
        _write("w.yaml", "- check: status_code_conformance\n"),
    ),
    Case(
        "waiver-impossible-date",  # YAML itself chokes on an unquoted date that does not exist
        ("run", "code-insight", "--waivers", "w.yaml"),
        ("w.yaml", "YYYY-MM-DD"),
        _write("w.yaml", WAIVER_OK.replace("2030-01-01", "2030-13-45")),
    ),
    Case(
        "waiver-bad-date-string",
        ("run", "code-insight", "--waivers", "w.yaml"),
        ("'next spring' is not a date", "YYYY-MM-DD"),
        _write("w.yaml", WAIVER_OK.replace("2030-01-01", '"next spring"')),
    ),
    Case(
        "waiver-not-utf8",
        ("run", "code-insight", "--waivers", "w.yaml"),
        ("w.yaml", "UTF-8"),
        _write("w.yaml", b"- check: \xff\xfe\n"),
    ),
    Case(
        "base-url-not-a-url",
        ("run", "code-insight", "--base-url", "not-a-url", "--credentials", "c.json"),
        ("--base-url 'not-a-url' is not an http(s) URL", "pass e.g. http://"),
        _write("c.json", TOKEN),
    ),
    Case(
        "base-url-broken-ipv6",
        ("run", "code-insight", "--base-url", "http://[::1/api", "--credentials", "c.json"),
        ("is not a valid URL", "pass e.g. http://"),
        _write("c.json", TOKEN),
    ),
    Case(
        "base-url-bad-port",
        ("run", "code-insight", "--base-url", "http://127.0.0.1:99999/api", "--credentials", "c.json"),
        ("is not a valid URL", "pass e.g. http://"),
        _write("c.json", TOKEN),
    ),
    Case(
        "base-url-with-space",
        ("run", "code-insight", "--base-url", "http://exa mple.com/api", "--credentials", "c.json"),
        ("whitespace", "pass e.g. http://"),
        _write("c.json", TOKEN),
    ),
    Case(
        "base-url-with-all",
        ("run", "all", "--base-url", NOWHERE),
        ("--base-url and --credentials name one server", "one surface"),
    ),
    Case(
        "proxy-upstream-not-a-url",
        ("proxy", "code-insight", "--upstream", "http://[::1/api"),
        ("--upstream 'http://[::1/api' is not a valid URL", "pass e.g. http://"),
    ),
    Case(
        "report-dir-under-a-file",  # tests run as root: chmod would not stop them, a regular file does
        ("run", "code-insight", "--report-dir", "afile/reports"),
        ("cannot write reports to afile/reports", "writable --report-dir"),
        _write("afile", "not a directory\n"),
    ),
    Case(
        "report-dir-is-a-file",
        ("run", "code-insight", "--report-dir", "afile"),
        ("cannot write reports to afile", "writable --report-dir"),
        _write("afile", "not a directory\n"),
    ),
    Case(
        "proxy-report-dir-under-a-file",
        ("proxy", "code-insight", "--upstream", NOWHERE, "--report-dir", "afile/reports"),
        ("cannot write reports to afile/reports", "writable --report-dir"),
        _write("afile", "not a directory\n"),
    ),
    Case(
        "record-under-a-file",
        ("run", "code-insight", "--record", "afile/run.json"),
        ("cannot write the recording to afile/run.json", "writable --record"),
        _write("afile", "not a directory\n"),
    ),
    Case("shard-k-above-n", ("run", "code-insight", "--shard", "3/2"), ("--shard 3/2", "K must be between 1 and N")),
    Case("shard-not-k-n", ("run", "code-insight", "--shard", "half"), ("--shard 'half' is not K/N", "--shard 1/3")),
    Case("profile-unknown", ("run", "code-insight", "--profile", "unknown"), ("unknown profile 'unknown'", "quick")),
    Case("profile-typo", ("run", "code-insight", "--profile", "quik"), ("did you mean 'quick'", "choose quick")),
    Case("format-unknown", ("run", "code-insight", "--format", "xml"), ("unknown report format 'xml'", "choose from")),
    Case(
        "proxy-format-unknown", ("proxy", "code-insight", "--upstream", NOWHERE, "--format", "pdf"), ("'pdf'", "choose")
    ),
    Case("timeout-zero", ("run", "code-insight", "--timeout", "0"), ("--timeout 0", "positive number of seconds")),
    Case("timeout-nan", ("run", "code-insight", "--timeout", "nan"), ("--timeout nan", "positive number of seconds")),
    Case(
        "proxy-timeout-nan",
        ("proxy", "code-insight", "--upstream", NOWHERE, "--timeout", "nan"),
        ("--timeout nan", "positive number of seconds"),
    ),
    Case("timeout-not-a-number", ("run", "code-insight", "--timeout", "soon"), ("--timeout", "invalid float value")),
    Case("rate-limit-zero", ("run", "code-insight", "--rate-limit", "0"), ("--rate-limit 0", "positive number")),
    Case("rate-limit-negative", ("run", "code-insight", "--rate-limit", "-2"), ("--rate-limit -2", "positive number")),
    Case(
        "max-response-bytes-zero",
        ("run", "code-insight", "--max-response-bytes", "0"),
        ("--max-response-bytes 0", "positive number of bytes"),
    ),
    Case("workers-negative", ("run", "code-insight", "--workers", "-1"), ("--workers -1", "at least 1")),
    Case("unknown-option", ("run", "code-insight", "--colour"), ("unrecognized arguments: --colour", "--help")),
    Case("unknown-command", ("serve",), ("invalid choice: 'serve'", "--help")),
    Case(
        "proxy-port-out-of-range",
        ("proxy", "code-insight", "--upstream", NOWHERE, "--port", "70000"),
        ("70000", "0..65535"),
    ),
    Case(
        "compare-not-a-report",
        ("compare", "a.json", "a.json"),
        ("a.json is not a valid report.json", "apiconform run"),
        _write("a.json", "[1, 2]"),
    ),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input_is_one_line_and_exit_2(case: Case, tmp_path: Path) -> None:
    if case.setup is not None:
        case.setup(tmp_path)
    result = run_cli(list(case.args), bound=BOUND_S, cwd=tmp_path)
    assert_one_line_error(result, 2, *case.says)
    assert not result.stdout.strip(), result.describe()
    assert not (tmp_path / "reports").exists(), "an input error must stop the command before it writes reports"


def test_a_spec_that_does_not_parse_is_exit_2_with_one_problem_line(tmp_path: Path) -> None:
    """`apiconform lint` reports each problem as one `file:pointer: message` line on stdout (its documented
    output), then a summary; a spec that does not parse is one such problem, naming the place and the fix."""
    (tmp_path / "broken.yaml").write_text("openapi: 3.1.0\ninfo: [unclosed\npaths: {}\n", encoding="utf-8")
    result = run_cli(["lint", "broken.yaml"], bound=BOUND_S, cwd=tmp_path)
    assert result.code == 2, result.describe()
    assert "Traceback" not in result.output, result.describe()
    problems = [line for line in result.stdout.splitlines() if line.startswith("broken.yaml:")]
    assert len(problems) == 1, result.describe()
    assert "does not parse" in problems[0] and "fix the YAML syntax" in problems[0], result.describe()
    assert "1 problem in 1 spec" in result.stdout, result.describe()
    assert not result.stderr.strip(), result.describe()


def test_diff_of_a_spec_that_does_not_parse_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("openapi: 3.1.0\ninfo: [unclosed\n", encoding="utf-8")
    result = run_cli(["diff", "broken.yaml", "broken.yaml"], bound=BOUND_S, cwd=tmp_path)
    assert_one_line_error(result, 2, "broken.yaml", "spec does not parse", "fix the YAML syntax")
