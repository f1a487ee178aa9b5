"""async_job: an operation that queues work (202) leads to a job that reaches a terminal status in bounded time."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from apiconform.checks import declare
from apiconform.runner.scenarios.base import ScenarioContext, json_of

ASYNC_JOB = declare(
    "async_job",
    group="semantic",
    source="scenario",
    description="a queued job (202) reaches a terminal status within the bound",
)


MISSING_TRIES = 4


@dataclass(frozen=True)
class AsyncJob:
    start_path: str  # concrete path of the queueing call
    job_path: Callable[[Any], str]  # job id -> path of its status resource
    job_id: Callable[[httpx.Response], Any]  # queueing response -> job id (None when the answer does not say)
    status: Callable[[Any], Any]  # job body -> status value
    terminal: frozenset[str]
    method: str = "POST"
    timeout_s: float = 20.0
    # Polling starts fast and backs off: a quick job is seen done at once, a slow one costs a real server a
    # request per second at most.
    first_poll_s: float = 0.05
    max_poll_s: float = 1.0


def check_async_job(ctx: ScenarioContext, label: str, job: AsyncJob) -> None:
    response = ctx.call(job.method, job.start_path)
    if response is None or not ctx.verdict(
        label,
        ASYNC_JOB,
        response.status_code == 202,
        "queueing call was not accepted with 202",
        f"answered {getattr(response, 'status_code', None)}",
        "202 Accepted",
    ):
        return
    job_id = job.job_id(response)
    if job_id is None:
        ctx.failed(label, ASYNC_JOB, "202 answer does not identify the job", "no job id in body or Location header")
        return
    deadline = time.monotonic() + job.timeout_s
    seen: list[Any] = []
    pause = job.first_poll_s
    unreadable = 0
    while time.monotonic() < deadline:
        answer = ctx.call("GET", job.job_path(job_id))
        status = job.status(json_of(answer))
        # A job the server cannot find (404) or whose status it cannot say (no status in the answer) is lost, not
        # slow: after a few tries in a row (replication lag) polling on would only wait out the bound.
        unreadable = unreadable + 1 if status is None and answer is not None else 0
        if answer is not None and unreadable >= MISSING_TRIES:
            ctx.failed(
                label,
                ASYNC_JOB,
                f"queued job {job_id} is not found" if answer.status_code == 404 else f"job {job_id} has no status",
                f"GET {job.job_path(job_id)} answered {answer.status_code} without a job status "
                f"{unreadable} times in a row after the 202",
                "the job resource of an accepted job, with its status",
            )
            return
        if not seen or seen[-1] != status:
            seen.append(status)
        if status in job.terminal:
            ctx.passed(label, ASYNC_JOB)
            return
        time.sleep(min(pause, max(deadline - time.monotonic(), 0)))
        pause = min(pause * 2, job.max_poll_s)
    ctx.failed(
        label,
        ASYNC_JOB,
        f"job {job_id} did not finish within {job.timeout_s:g} s",
        f"statuses seen: {seen}",
        f"one of {sorted(job.terminal)}",
    )
