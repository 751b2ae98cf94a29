"""Background jobs of the archive (the joined master, the viewing copy, export bundles).

Each kind of job has one worker, so builds of one kind run one after another and never
crowd the machine that also relays live hearings; a job's progress (0 to 1) is read by the
API and the archive page while it runs. Jobs live in memory: after a restart a hearing's
copy is either in the archive (ready) or absent and can be built again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

logger = logging.getLogger(__name__)

Progress = Callable[[float], None]
Work = Callable[[Progress], Awaitable[None]]


class JobKind(StrEnum):
    MASTER_AUDIO = "master_audio"
    VIEWING_COPY = "viewing_copy"
    EXPORT = "export"


class JobStatus(StrEnum):
    ABSENT = "absent"
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"


@dataclass(slots=True)
class Job:
    kind: JobKind
    hearing_id: str
    status: JobStatus = JobStatus.QUEUED
    progress: float = 0.0
    error: str | None = None
    work: Work | None = field(default=None, repr=False)

    @property
    def active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    def advance(self, fraction: float) -> None:
        # Progress never goes backwards on the page, whatever a builder reports.
        self.progress = max(self.progress, min(1.0, max(0.0, fraction)))


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[tuple[str, JobKind], Job] = {}
        self._queues: dict[JobKind, asyncio.Queue[Job]] = {}
        self._workers: list[asyncio.Task[None]] = []

    def start(self) -> None:
        for kind in JobKind:
            queue: asyncio.Queue[Job] = asyncio.Queue()
            self._queues[kind] = queue
            self._workers.append(asyncio.create_task(self._run(queue), name=f"archive {kind}"))

    async def stop(self) -> None:
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers.clear()

    def get(self, hearing_id: str, kind: JobKind) -> Job | None:
        return self._jobs.get((hearing_id, kind))

    def submit(self, hearing_id: str, kind: JobKind, work: Work) -> Job:
        """Queue ``work``; a job of this kind already queued or running for the hearing is
        returned instead of starting a second."""
        current = self._jobs.get((hearing_id, kind))
        if current is not None and current.active:
            return current
        if kind not in self._queues:
            raise RuntimeError("the archive's job workers are not running")
        job = Job(kind=kind, hearing_id=hearing_id, work=work)
        self._jobs[(hearing_id, kind)] = job
        self._queues[kind].put_nowait(job)
        return job

    async def _run(self, queue: asyncio.Queue[Job]) -> None:
        while True:
            job = await queue.get()
            job.status = JobStatus.RUNNING
            try:
                assert job.work is not None
                await job.work(job.advance)
            except asyncio.CancelledError:
                job.status, job.error = JobStatus.FAILED, "the server stopped during the build"
                raise
            except Exception as exc:
                logger.exception("archive job %s of %s failed", job.kind, job.hearing_id)
                job.status, job.error = JobStatus.FAILED, str(exc) or type(exc).__name__
            else:
                job.status, job.progress = JobStatus.READY, 1.0
            finally:
                job.work = None
