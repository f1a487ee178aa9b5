"""Deterministic seed data: hundreds of jobs over every jobType and status, spread over ten years."""

from __future__ import annotations

import random
import time
from typing import Any

JOB_TYPES = (
    "Project Branching", "Project Copy", "Project Scan", "Project Re-Scan", "PDL Update", "Project Deletion",
    "Export to SBOM Insights", "Update Notices", "Project Import", "Project Export", "Remote Scan",
    "Apply Policy - Global", "Apply Policy - Project", "Report - Audit Report", "Report - Notices Report",
    "Report - Project Report", "Report - License Obligations",
)  # fmt: skip
STATUSES = ("New", "Active", "Canceled", "Completed", "Failed", "Scheduled", "Terminated", "Waiting on update")
USERS = ("admin", "jdoe", "asmith", "buildbot", "secops")
PROJECT_IDS = tuple(range(1, 41))
JOB_COUNT = 340
DAY = 86400.0


def timestamp(epoch: float) -> str:
    """Code Insight's own format, e.g. `2017-10-24 13:04:26.0` (UTC)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch)) + ".0"


def project(project_id: int) -> dict[str, Any]:
    return {"id": project_id, "name": f"Project {project_id:03d}"}


def user(login: str) -> dict[str, Any]:
    return {"login": login, "name": login.title()}


def user_id(login: str) -> int:
    return USERS.index(login) + 1 if login in USERS else 0


SERVER = {"id": 1, "name": "codeinsight-core"}


def seed_jobs(seed: int, now: float, job_types: tuple[str, ...] = JOB_TYPES) -> list[dict[str, Any]]:
    """Jobs with ids 1..JOB_COUNT, queued in increasing time order (so newest = highest id), their types taken in
    turn from `job_types`."""
    rng = random.Random(seed)
    jobs = []
    queued = now - 3000 * DAY
    for job_id in range(1, JOB_COUNT + 1):
        queued += rng.uniform(0.2, 17.0) * DAY
        queued = min(queued, now - 60)
        jobs.append(
            {
                "id": job_id,
                "jobType": job_types[job_id % len(job_types)],
                "status": STATUSES[(job_id * 7) % len(STATUSES)],
                "projectId": PROJECT_IDS[rng.randrange(len(PROJECT_IDS))],
                "triggeredBy": USERS[rng.randrange(len(USERS))],
                "queuedAt": queued,
            }
        )
    return jobs
