"""The archive's background jobs: one at a time per kind, progress, failure, no ghosts."""

from __future__ import annotations

import asyncio

import pytest

from server.archive.jobs import JobKind, Jobs, JobStatus, Progress


async def test_a_job_reports_progress_then_ready_and_a_second_request_joins_it() -> None:
    jobs = Jobs()
    jobs.start()
    release = asyncio.Event()

    async def work(progress: Progress) -> None:
        progress(0.4)
        progress(0.2)  # never backwards on the page
        await release.wait()

    job = jobs.submit("hrg_1", JobKind.EXPORT, work)
    assert jobs.submit("hrg_1", JobKind.EXPORT, work) is job
    await asyncio.sleep(0.05)
    assert (job.status, job.progress) == (JobStatus.RUNNING, 0.4)
    release.set()
    await asyncio.sleep(0.05)
    assert (job.status, job.progress) == (JobStatus.READY, 1.0)
    await jobs.stop()


async def test_a_failed_job_says_why_and_the_next_request_starts_afresh() -> None:
    jobs = Jobs()
    jobs.start()

    async def broken(progress: Progress) -> None:
        raise RuntimeError("the build failed: a damaged track")

    job = jobs.submit("hrg_1", JobKind.VIEWING_COPY, broken)
    await asyncio.sleep(0.05)
    assert job.status is JobStatus.FAILED and job.error == "the build failed: a damaged track"
    assert jobs.submit("hrg_1", JobKind.VIEWING_COPY, broken) is not job
    await jobs.stop()


async def test_a_job_submitted_before_the_workers_start_is_refused_and_not_kept() -> None:
    jobs = Jobs()

    async def work(progress: Progress) -> None:
        return None

    with pytest.raises(RuntimeError):
        jobs.submit("hrg_1", JobKind.EXPORT, work)
    assert jobs.get("hrg_1", JobKind.EXPORT) is None
