"""`apiconform repro REPORT FAILURE-ID`: send one failing case of a report again and judge the new answer.

The request is the failure's curl reproduction, read back word by word as a POSIX shell reads it (the curl holds
the whole request, where the exchange keeps an excerpt of the body), its `$APICONFORM_*` placeholders filled with
the credentials' values. It goes to `--base-url` when given; else, for a report of an embedded mock, to that mock
started again (same seed and faults: the same data and credentials); else to the report's base URL. The URL keeps
its path below the base. The answer is judged as the run judged the check: the contract's judge for the answer
checks, the scenario's own criterion for the single-request ones. A check decided over a sequence of requests
(paging, CRUD, stateful) cannot be decided from one answer, and is refused before anything is sent.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from apiconform import contract as judge
from apiconform.checks import CheckId
from apiconform.compare import load_report
from apiconform.contract import Contract, Judgement, parse_json
from apiconform.errors import TargetUnreachableError, UsageError
from apiconform.observed import view_for
from apiconform.redact import MASK, Redactor, credential_names, variable_for
from apiconform.runner.credentials import load_credentials
from apiconform.runner.profiles import get_profile
from apiconform.runner.scenarios.base import (
    DEFAULT_MAX_RESPONSE_BYTES,
    LIBRARY_HEADERS,
    excerpt,
    too_large,
    too_slow,
    transport_reason,
)
from apiconform.runner.target import start_embedded, validate_base_url
from apiconform.surfaces import get_surface
from apiconform.vendors.registry import get_vendor

REJECTIONS = frozenset({401, 403})
CONTRACT_CHECKS = frozenset(
    {judge.NOT_A_SERVER_ERROR, judge.STATUS_CODE_CONFORMANCE, judge.CONTENT_TYPE_CONFORMANCE,
     judge.RESPONSE_SCHEMA_CONFORMANCE, judge.REQUEST_TYPE_SHAPE, judge.ENUM_DOCUMENTED}
)  # fmt: skip
# Checks the run decides on one answer with a criterion of their own (what the scenario or schemathesis expects).
SINGLE_ANSWER_CHECKS = frozenset(
    {"example_replay", "negative_data_rejection", "missing_required_header", "auth_rejected", "ignored_auth",
     "unsupported_method", "positive_data_acceptance", "valid_credentials_accepted", "response_time"}
)  # fmt: skip


@dataclass
class Request:
    method: str
    url: str
    headers: list[tuple[str, str]]
    body: str | None


@dataclass
class Answer:
    status: int = 0
    content_type: str = ""
    body: bytes = b""
    elapsed_s: float = 0.0
    error: str = ""  # why no complete answer came


@dataclass
class Reproduction:
    failure: dict[str, Any]
    target: str  # where it went: the restarted mock's command, or the base URL
    method: str
    url: str
    answer: Answer
    still_failing: bool
    verdict: str  # what the check says about the new answer, redacted
    masked: int = 0  # [REDACTED] values sent as they are (secrets the run did not know as credentials)
    shown_body: str = ""  # the answer's body, redacted and cut


def failure_of(report: dict[str, Any], failure_id: str, path: Path) -> dict[str, Any]:
    """The failure called `failure_id` (or the only one whose id starts with it); a UsageError with did-you-mean."""
    failures: list[dict[str, Any]] = report["failures"]
    if not failures:
        raise UsageError(f"{path} has no failures: nothing to reproduce")
    if not all("id" in f for f in failures):
        raise UsageError(f"{path} has no failure ids (written before `apiconform repro` existed); run it again")
    exact = [f for f in failures if f["id"] == failure_id]
    prefixed = [f for f in failures if len(failure_id) >= 4 and str(f["id"]).startswith(failure_id)]
    if exact or len(prefixed) == 1:
        return (exact or prefixed)[0]
    ids = [str(f["id"]) for f in failures]
    close = difflib.get_close_matches(failure_id, ids, n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    listed = ", ".join(ids[:6]) + (f" and {len(ids) - 6} more" if len(ids) > 6 else "")
    raise UsageError(f"no failure {failure_id!r} in {path}{hint}; its failures are {listed}")


# -- the recorded request -------------------------------------------------------------------------------------------


def shell_words(command: str, env: Mapping[str, str]) -> list[str]:
    """The words of a command line as `sh` splits them, `$NAME` and `${NAME}` outside single quotes taken from
    `env`. A ValueError for what a reproduction never holds (substitutions, operators, unterminated quotes)."""
    words: list[str] = []
    word: list[str] | None = None
    i = 0
    while i < len(command):
        char = command[i]
        if char in " \t\n":
            if word is not None:
                words.append("".join(word))
            word, i = None, i + 1
            continue
        word = [] if word is None else word
        if char == "'":
            end = command.find("'", i + 1)
            if end < 0:
                raise ValueError("an unterminated quote")
            word.append(command[i + 1 : end])
            i = end + 1
        elif char == '"':
            i = _double_quoted(command, i + 1, env, word)
        elif char == "\\":
            word.append(command[i + 1 : i + 2])
            i += 2
        elif char == "$":
            i = _expand(command, i, env, word)
        elif char in "`;|&<>()":
            raise ValueError(f"a shell operator {char!r}")
        else:
            word.append(char)
            i += 1
    return words if word is None else [*words, "".join(word)]


def _double_quoted(command: str, i: int, env: Mapping[str, str], word: list[str]) -> int:
    """Reads a double-quoted string from `i` (after its opening quote) into `word`; the index after it."""
    while i < len(command) and command[i] != '"':
        if command[i] == "\\" and command[i + 1 : i + 2] in ('"', "\\", "$", "`"):
            word.append(command[i + 1])
            i += 2
        elif command[i] == "$":
            i = _expand(command, i, env, word)
        elif command[i] == "`":
            raise ValueError("a command substitution")
        else:
            word.append(command[i])
            i += 1
    if i >= len(command):
        raise ValueError("an unterminated quote")
    return i + 1


def _expand(command: str, i: int, env: Mapping[str, str], word: list[str]) -> int:
    braced = command.startswith("${", i)
    end = start = i + (2 if braced else 1)
    while end < len(command) and (command[end].isalnum() or command[end] == "_"):
        end += 1
    name = command[start:end]
    if not name or name[0].isdigit() or (braced and command[end : end + 1] != "}"):
        raise ValueError(f"an expansion apiconform does not write at character {i}")
    word.append(env[name])
    return end + 1 if braced else end


class _Needed(dict[str, str]):
    """An environment that remembers the variables asked of it (each read as empty)."""

    def __missing__(self, name: str) -> str:
        self[name] = ""
        return ""


def recorded_request(failure: dict[str, Any], env: Mapping[str, str]) -> Request:
    """The request of a failure, from its curl; a UsageError when it has none apiconform can read."""
    where, curl = f"failure {failure['id']}", str(failure.get("curl") or "")
    if not curl:
        raise UsageError(f"{where} has no recorded request (no request was sent for it); run the suite again")
    try:
        words = shell_words(curl, env)
    except ValueError as exc:
        raise UsageError(f"the curl of {where} holds {exc}; run the suite again") from None
    if not words or words[0] != "curl":
        raise UsageError(f"the reproduction of {where} is not a curl command; run the suite again")
    request = Request("", "", [], None)
    arguments = iter(words[1:])
    for word in arguments:
        if word in ("-X", "--request"):
            request.method = next(arguments, "")
        elif word in ("-H", "--header"):
            request.headers += _header(next(arguments, ""))
        elif word in ("-d", "--data", "--data-binary", "--data-raw"):
            request.body = next(arguments, "")
        elif word in ("-I", "--head"):
            request.method = "HEAD"
        elif word.startswith("-") and word not in ("-k", "--insecure"):
            raise UsageError(f"the curl of {where} has option {word}, which repro does not send; run the suite again")
        elif not word.startswith("-"):
            request.url = word
    if not request.url:
        raise UsageError(f"the curl of {where} has no URL; run the suite again")
    request.method = request.method or ("POST" if request.body is not None else "GET")
    return request


def _header(argument: str) -> list[tuple[str, str]]:
    """curl's -H: `Name: value` a header, `Name;` an empty one, `Name:` one curl leaves out (none is sent)."""
    name, colon, value = argument.partition(":")
    if colon and value.strip():
        return [(name.strip(), value.strip())]
    return [(name[:-1].strip(), "")] if not colon and name.endswith(";") else []


def rebase(url: str, old_base: str, new_base: str) -> str:
    """`url` below `new_base` instead of `old_base` (its path under the base kept)."""
    if url.startswith(old_base):
        return new_base + url[len(old_base) :]
    old, new = urlsplit(url), urlsplit(new_base)
    return urlunsplit((new.scheme, new.netloc, old.path, old.query, ""))


@dataclass
class Target:
    base_url: str
    values: dict[str, str]  # environment variable -> credential value
    headers: dict[str, str]  # the credentials' `headers` (they fill recorded headers that were masked whole)
    shown: str


def _contract_of(report: dict[str, Any], surface_name: str) -> str:
    """The contract the run judged by (`documented` for reports written before there were two)."""
    entry: dict[str, Any] = next((s for s in report["surfaces"] if s["surface"] == surface_name), {})
    return str(entry.get("contract") or "documented")


@contextmanager
def target_for(
    report: dict[str, Any], surface_name: str, base_url: str | None, credentials: Path | None
) -> Iterator[Target]:
    surface = get_surface(surface_name)
    entry: dict[str, Any] = next((s for s in report["surfaces"] if s["surface"] == surface.name), {})
    mock = entry.get("mock")
    if base_url is None and entry.get("embedded"):
        if not mock:
            raise UsageError("the report does not say how its embedded mock was started; pass --base-url URL")
        started = start_embedded(
            surface, seed=int(mock["seed"]), faults=tuple(mock["faults"]), contract=_contract_of(report, surface.name)
        )
        try:
            shown = "the same mock again: " + str(mock["command"]).split(" --credentials-out", 1)[0]
            yield Target(started.base_url, _values(started.credentials), started.headers, shown)
        finally:
            started.stop()
        return
    url = validate_base_url(base_url) if base_url is not None else str(entry.get("base_url") or "")
    if not url or MASK in url:
        raise UsageError("the report's base URL is missing or masked; pass --base-url URL")
    loaded = load_credentials(credentials, surface)
    headers = {str(k): str(v) for k, v in (loaded.values.get("headers") or {}).items()}
    yield Target(url, _values(loaded.values), headers, url)


def _values(credentials: dict[str, Any]) -> dict[str, str]:
    return {variable: value for value, variable in credential_names(credentials).items()}


def _check_credentials(needed: Iterable[str], values: dict[str, str], surface: str) -> None:
    missing = sorted(name for name in needed if name not in values)
    if missing:
        keys = sorted(k for k in get_vendor(surface).credential_keys if variable_for(k) in missing)
        raise UsageError(
            f"the request reads {', '.join(missing)}: set {'it' if len(missing) == 1 else 'them'}, or pass "
            f"--credentials FILE holding {', '.join(keys) or 'those credentials'}"
        )


def send(request: Request, timeout: float) -> Answer:
    """One request under the run's bounds (body size, time to its last byte); a refused connection is exit 3."""
    started = time.monotonic()
    received = 0
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            body = request.body.encode() if request.body is not None else None
            sent = client.build_request(request.method, request.url, headers=request.headers, content=body)
            response = client.send(sent, stream=True)
            answer = Answer(response.status_code, response.headers.get("content-type", ""))
            chunks: list[bytes] = []
            try:
                for chunk in response.iter_bytes():
                    received += len(chunk)
                    if received > DEFAULT_MAX_RESPONSE_BYTES:
                        return Answer(answer.status, error=too_large(DEFAULT_MAX_RESPONSE_BYTES))
                    if time.monotonic() - started > timeout:
                        return Answer(answer.status, error=too_slow(timeout))
                    chunks.append(chunk)
            finally:
                response.close()
    except httpx.ConnectError as exc:
        raise TargetUnreachableError(f"cannot connect ({transport_reason(exc)}); check that the server is up") from None
    except httpx.HTTPError as exc:
        return Answer(error=transport_reason(exc))
    answer.body, answer.elapsed_s = b"".join(chunks), time.monotonic() - started
    return answer


def judge_answer(
    failure: dict[str, Any], report: dict[str, Any], contract: Contract, judgement: Judgement, answer: Answer
) -> tuple[bool, str]:
    """(passes, why) for the failure's check on one answer, by the criterion the run applied to it."""
    check, status = str(failure["check"]), answer.status
    if check in CONTRACT_CHECKS or check == "example_replay":
        wanted = [judge.STATUS_CODE_CONFORMANCE, judge.RESPONSE_SCHEMA_CONFORMANCE] if check == "example_replay" else []
        verdicts = [v for v in judgement.verdicts if v.check in (wanted or [CheckId(check)])]
        # Not judged at all: the judge stopped before it (an undocumented status), and what stopped it fails.
        failed = next((v for v in verdicts or judgement.verdicts if not v.ok), None)
        if failed is not None:
            return False, failed.message if failed.check == check else f"{failed.check}: {failed.message}"
        return True, f"answered {status}; " + ("the check holds" if verdicts else "the check does not apply to it")
    error = contract.error_code(answer.body, answer.content_type)
    answered = f"answered {status}" + (f" with {error}" if error else "")
    if check in ("auth_rejected", "ignored_auth"):
        return status in REJECTIONS, f"{answered}; expected 401 or 403"
    if check == "unsupported_method":
        return status == 405, f"{answered}; expected 405"
    if check in ("negative_data_rejection", "missing_required_header"):
        return 400 <= status < 500 or error is not None, f"{answered}; expected a 4xx or an error answer"
    if check == "positive_data_acceptance":
        return not 400 <= status < 500, f"{answered}; expected no 4xx to a request the contract allows"
    if check == "valid_credentials_accepted":
        rejection: Callable[[Any], str | None] | None = get_vendor(failure["surface"]).credential_rejection
        why = "401" if status == 401 else rejection(_json(answer)) if rejection is not None else None
        return why is None, f"{answered}" + (f": {why}" if why else ": the credentials were accepted")
    limit = get_profile(str(report["run"]["profile"])).max_response_time  # response_time
    return answer.elapsed_s <= limit, f"answered in {answer.elapsed_s:.2f} s; the limit is {limit:g} s"


def _json(answer: Answer) -> Any:
    try:
        return parse_json(answer.body, answer.content_type)
    except ValueError:
        return None


def reproduce(
    report_path: Path,
    failure_id: str,
    *,
    base_url: str | None = None,
    credentials: Path | None = None,
    timeout: float = 10.0,
) -> Reproduction:
    report = load_report(report_path)
    failure = failure_of(report, failure_id, report_path)
    check = str(failure["check"])
    if check not in CONTRACT_CHECKS | SINGLE_ANSWER_CHECKS:
        raise UsageError(
            f"{check} is decided over a sequence of requests, not on one answer: run `apiconform run "
            f"{failure['surface']}` again to see whether it still fails"
        )
    needed = _Needed()
    recorded_request(failure, needed)  # an unreadable reproduction stops here, before a mock is started
    view = view_for(get_surface(failure["surface"]).spec_path, _contract_of(report, failure["surface"]))
    contract = view.contract
    op = contract.operation(failure["operation"])
    if op is None:
        raise UsageError(f"{failure['operation']} is not an operation of the {failure['surface']} spec any more")
    old_base = next(str(s["base_url"]) for s in report["surfaces"] if s["surface"] == failure["surface"])
    with target_for(report, failure["surface"], base_url, credentials) as target:
        _check_credentials(needed, target.values, failure["surface"])
        request = recorded_request(failure, target.values)
        request.url = rebase(request.url, old_base, target.base_url)
        kept = [(k, v) for k, v in request.headers if k.lower() not in LIBRARY_HEADERS]
        request.headers = [(k, _filled(k, v, target.headers)) for k, v in kept]
        answer = send(request, timeout)
    if answer.error:
        ok, verdict = False, f"no complete answer: {answer.error}"
    else:
        judgement = view.judge_response(op, answer.status, answer.content_type, answer.body)
        ok, verdict = judge_answer(failure, report, contract, judgement, answer)
    redactor = Redactor(target.headers.values(), {value: variable for variable, value in target.values.items()})
    sent = [value for _, value in request.headers] + [request.body or ""]
    return Reproduction(
        failure,
        redactor.text(target.shown),
        request.method,
        redactor.text(request.url),
        answer,
        still_failing=not ok,
        verdict=redactor.text(verdict),
        masked=sum(text.count(MASK) for text in sent),
        shown_body=excerpt(redactor, answer.body, 600),
    )


def _filled(name: str, value: str, credential_headers: dict[str, str]) -> str:
    """A recorded header masked whole takes its value from the credentials' `headers`, when they have it."""
    if value != MASK:
        return value
    return next((v for k, v in credential_headers.items() if k.lower() == name.lower()), value)
