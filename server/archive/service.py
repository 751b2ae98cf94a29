"""The archive: sealed recordings indexed for search, read through the storage interface,
verified against the court's key, and the derived files built from them.

What the recorder sealed is never changed here. Derived files (the joined master audio, the
viewing copy, export bundles) are stored beside a hearing's recordings under ``copies/`` and
can always be built again from the originals.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from court.court_time import DEFAULT_TIME_ZONE
from court.errors import InvalidState, NotFound
from court.hearing_state import HearingState
from recordings.attachments import ATTACHMENT
from recordings.hearing_index import INDEX_FILE
from recordings.info import recording_info
from recordings.metadata import METADATA_FILE, read_metadata
from recordings.speakers import SPEAKERS_FILE
from recordings.storage import ArchiveStorage, InvalidKey, MissingObject, archive_key
from recordings.timeline import TimelineEntry, read_timeline
from recordings.tracks import parse_track_name
from recordings.verification import (
    Finding,
    Problem,
    VerificationReport,
    check_hearing_index,
    verify_recording,
)
from server.archive.builder import Progress, build, build_in_child
from server.archive.jobs import Job, JobKind, Jobs, JobStatus
from server.archive.speakers import RecordingSpeakers, read_speakers
from server.audit import AuditLog
from server.persistence.repositories.archive import (
    ArchivedHearing,
    ArchivedRecording,
    ArchiveQuery,
    ArchiveRepository,
    Retention,
)
from server.persistence.repositories.protocol import ProtocolRepository
from server.protocol_binding import check

logger = logging.getLogger(__name__)

COPIES: Final = "copies"
COPY_FILES: Final[Mapping[JobKind, str]] = {
    JobKind.MASTER_AUDIO: "master-audio.webm",
    JobKind.VIEWING_COPY: "viewing-copy.mp4",
    JobKind.EXPORT: "record-bundle.zip",
}
SYSTEM: Final = "system:archive"
BUILD_TIMEOUT_S: Final = 600.0
BUILD_TIMEOUT_PER_RECORDED_S: Final = 2.0

_KINDS: Final = {
    "manifest.jsonl": "manifest",
    "manifest.sig": "signature",
    "timeline.jsonl": "timeline",
    METADATA_FILE: "metadata",
    SPEAKERS_FILE: "speakers",  # who spoke when (server/archive/speakers.py)
}


@dataclass(frozen=True, slots=True)
class ArchivedFile:
    recording_id: str
    name: str
    kind: str  # segment, track, manifest, signature, timeline, metadata, protocol, speakers
    participant_id: str | None
    media: str | None  # audio or video, for segments and tracks
    bytes: int


@dataclass(frozen=True, slots=True)
class TimelineItem:
    recording_id: str
    entry: TimelineEntry
    offset_ms: int  # where the recording starts in the hearing's record


@dataclass(frozen=True, slots=True)
class JobView:
    kind: JobKind
    status: JobStatus
    progress: float
    error: str | None


@dataclass(frozen=True, slots=True)
class PurgeItem:
    archived: ArchivedHearing
    purge: bool  # False: kept, and ``why`` says so
    why: str


def classify(recording_id: str, name: str, size: int) -> ArchivedFile | None:
    """What a file of a recording is; None for what the archive does not serve."""
    if name.startswith("segment-"):
        return ArchivedFile(recording_id, name, "segment", None, "audio", size)
    track = parse_track_name(name)
    if track is not None:
        # A shared screen is video to whoever plays it (its name says it is the screen).
        media = "video" if track[1] == "screen" else track[1]
        return ArchivedFile(recording_id, name, "track", track[0], media, size)
    if ATTACHMENT.fullmatch(name):  # the signed court protocol, and its corrections
        return ArchivedFile(recording_id, name, "protocol", None, None, size)
    kind = _KINDS.get(name)
    return None if kind is None else ArchivedFile(recording_id, name, kind, None, None, size)


# A record is deleted only once its hearing is over: a sitting, paused or suspended
# hearing may still be recording, whatever its retention says.
_OVER: Final = frozenset({HearingState.CLOSED, HearingState.CANCELLED})


def _judge(archived: ArchivedHearing, today: date) -> PurgeItem:
    retention = archived.retention
    if retention is None or retention.retain_until >= today:
        return PurgeItem(archived, False, "its retention has not passed")
    if retention.legal_hold:
        why = f"under legal hold (retain until {retention.retain_until} passed)"
        return PurgeItem(archived, False, why)
    if archived.hearing.state not in _OVER:
        return PurgeItem(archived, False, f"the hearing is {archived.hearing.state.value}")
    return PurgeItem(archived, True, f"retained until {retention.retain_until}")


class Archive:
    def __init__(
        self,
        storage: ArchiveStorage,
        index: ArchiveRepository,
        audit: AuditLog,
        *,
        protocol: ProtocolRepository,
        work_dir: Path,
        public_key_pem: str,
        trusted_keys: Sequence[Ed25519PublicKey],
        retention_days: int,
        in_child: bool = True,
        time_zone: str = DEFAULT_TIME_ZONE,
    ) -> None:
        """``trusted_keys``: the court's keys a record may be signed with, the current key
        first (server/court_key.py). ``protocol``: the court protocol as stored, checked
        against the one bound into the record. ``in_child``: build derived files in a child
        process (the server); the CLI builds in its own process."""
        if not trusted_keys:
            raise ValueError("the archive needs the court's current key to verify with")
        self.storage = storage
        self.index = index
        self.jobs = Jobs()
        self._audit = audit
        self._protocol = protocol
        self._work_dir = work_dir
        self._public_key_pem = public_key_pem
        self._trusted_keys = tuple(trusted_keys)
        self._retention = timedelta(days=retention_days)
        self._in_child = in_child
        self._time_zone = time_zone  # the court's: the export's README gives times in it

    # Indexing

    async def index_recording(self, hearing_id: str, recording_id: str) -> ArchivedRecording | None:
        """Index one sealed recording (again, if it was indexed before) and give its hearing
        a retain-until date if it has none. None, and nothing indexed, for a recording that
        is still running: the archive holds only what the recorder has sealed."""
        prefix = archive_key(hearing_id, recording_id)
        async with self.storage.local_directory(prefix) as directory:
            info = await asyncio.to_thread(
                lambda: recording_info(read_metadata(directory), directory)
            )
        if (info.hearing_id, info.recording_id) != (hearing_id, recording_id):
            # Reads go by the path and the index by the metadata: they must name the same.
            raise ValueError(
                f"{prefix}/{METADATA_FILE} names {info.hearing_id}/{info.recording_id}"
            )
        if info.stopped_at is None:
            return None
        recording = ArchivedRecording(
            id=info.recording_id,
            hearing_id=info.hearing_id,
            started_at=datetime.fromtimestamp(info.started_at, UTC),
            stopped_at=datetime.fromtimestamp(info.stopped_at, UTC),
            duration_s=info.duration_s,
            recovered=info.recovered,
        )
        await self.index.index(
            recording, default_retain_until=(recording.started_at + self._retention).date()
        )
        return recording

    async def reconcile(self) -> int:
        """Index every sealed recording in storage the index does not hold yet (a crash
        between sealing and indexing, or an archive copied in); returns how many. Running
        recordings are left for the report of their end."""
        indexed = await self.index.indexed()
        added = 0
        for obj in await self.storage.list(""):
            parts = obj.key.split("/")
            if len(parts) != 3 or parts[2] != METADATA_FILE or parts[1] in indexed:
                continue
            try:
                recording = await self.index_recording(parts[0], parts[1])
            except Exception:
                # A recording of a hearing this database does not know, or an unreadable one:
                # it stays in storage, untouched, and the log says why it is not searchable.
                logger.exception("could not index recording %s", obj.key)
                continue
            if recording is not None:
                added += 1
        return added

    async def recording_available(self, report: Mapping[str, object]) -> None:
        """The signaling layer's report that a recording is sealed: index it, and once the
        hearing has closed, build the joined master and the viewing copy."""
        hearing_id, recording_id = str(report["hearing_id"]), str(report["recording_id"])
        await self.index_recording(hearing_id, recording_id)
        archived = await self.index.get(hearing_id)
        if archived is not None and archived.hearing.state is HearingState.CLOSED:
            for kind in (JobKind.MASTER_AUDIO, JobKind.VIEWING_COPY):
                self.request(archived, kind)

    # Reading

    async def search(self, query: ArchiveQuery) -> list[ArchivedHearing]:
        return await self.index.search(query)

    async def hearing(self, hearing_id: str) -> ArchivedHearing:
        archived = await self.index.get(hearing_id)
        if archived is None:
            raise NotFound(f"The archive holds no record of hearing {hearing_id!r}.")
        return archived

    async def files(self, archived: ArchivedHearing) -> dict[str, list[ArchivedFile]]:
        found: dict[str, list[ArchivedFile]] = {}
        for recording in archived.recordings:
            prefix = archive_key(archived.hearing.id, recording.id)
            files = []
            for obj in await self.storage.list(prefix):
                item = classify(recording.id, obj.key.rsplit("/", 1)[-1], obj.size)
                if item is not None:
                    files.append(item)
            found[recording.id] = files
        return found

    def file_key(self, archived: ArchivedHearing, recording_id: str, name: str) -> str:
        """The key of a recorded file, if the hearing has that recording and the name is one
        the archive serves (NotFound otherwise: a path trick is just a file that is not
        there)."""
        if recording_id not in {r.id for r in archived.recordings}:
            raise NotFound(f"Hearing {archived.hearing.id!r} has no recording {recording_id!r}.")
        try:
            key = archive_key(archived.hearing.id, recording_id, name)
        except InvalidKey:
            raise NotFound(f"The recording holds no file {name!r}.") from None
        if classify(recording_id, name, 0) is None:
            raise NotFound(f"The recording holds no file {name!r}.")
        return key

    def offsets(self, archived: ArchivedHearing) -> dict[str, int]:
        """Where each recording starts in the hearing's record (ms): recordings follow one
        another, as they do in the joined master and the viewing copy."""
        offsets, at = {}, 0
        for recording in archived.recordings:
            offsets[recording.id] = at
            at += round((recording.duration_s or 0.0) * 1000)
        return offsets

    async def timeline(self, archived: ArchivedHearing) -> list[TimelineItem]:
        items: list[TimelineItem] = []
        offsets = self.offsets(archived)
        for recording in archived.recordings:
            prefix = archive_key(archived.hearing.id, recording.id)
            async with self.storage.local_directory(prefix) as directory:
                entries = await asyncio.to_thread(read_timeline, directory)
            items.extend(TimelineItem(recording.id, e, offsets[recording.id]) for e in entries)
        return items

    async def speakers(self, archived: ArchivedHearing) -> list[RecordingSpeakers]:
        """Each recording's speaker timeline, in the joined master's time."""
        offsets = self.offsets(archived)
        return [
            await read_speakers(
                self.storage,
                archived.hearing.id,
                recording.id,
                offsets[recording.id],
                round((recording.duration_s or 0.0) * 1000),
            )
            for recording in archived.recordings
        ]

    async def verify(self, archived: ArchivedHearing) -> list[VerificationReport]:
        """Each recording against its signed statement, then the set of recordings against
        the hearing's signed index; findings about the hearing as a whole come last, in a
        report of their own named "hearing index"."""
        reports = []
        hearing_id = archived.hearing.id
        for recording in archived.recordings:
            prefix = archive_key(hearing_id, recording.id)
            async with self.storage.local_directory(prefix) as directory:
                reports.append(
                    await asyncio.to_thread(
                        verify_recording,
                        directory,
                        recording.id,
                        self._trusted_keys,
                        hearing_id=hearing_id,
                    )
                )
        index = await self._hearing_index(hearing_id)
        findings = check_hearing_index(
            None if index is None else index.encode(), hearing_id, reports, self._trusted_keys
        )
        own = [f for f in findings if not any(f in r.findings for r in reports)]
        if own:
            reports.append(VerificationReport("hearing index", findings=own))
        # The database's protocol against the one bound into the record: each difference
        # is a finding of the recording that binds it (server/protocol_binding.py).
        bound, differences = await check(self.storage, archived, self._protocol)
        for report in reports:
            if bound is not None and report.recording_id == bound.recording_id:
                report.findings.extend(
                    Finding(Problem.ALTERED, d.subject, d.detail) for d in differences
                )
        return reports

    # Derived files

    def copy_key(self, hearing_id: str, kind: JobKind) -> str:
        return archive_key(hearing_id, COPIES, COPY_FILES[kind])

    async def job(self, hearing_id: str, kind: JobKind) -> JobView:
        job = self.jobs.get(hearing_id, kind)
        if job is not None and job.active:
            return JobView(kind, job.status, job.progress, None)
        try:
            await self.storage.size(self.copy_key(hearing_id, kind))
        except MissingObject:
            if job is not None and job.status is JobStatus.FAILED:
                return JobView(kind, JobStatus.FAILED, job.progress, job.error)
            return JobView(kind, JobStatus.ABSENT, 0.0, None)
        return JobView(kind, JobStatus.READY, 1.0, None)

    def request(self, archived: ArchivedHearing, kind: JobKind) -> Job:
        """Queue a build of ``kind`` for the hearing (the one queued or running if any)."""
        if archived.hearing.state is not HearingState.CLOSED and kind is not JobKind.EXPORT:
            raise InvalidState("Copies are built once the hearing has closed.")

        async def work(progress: Progress) -> None:
            await self.build(archived, kind, progress)

        return self.jobs.submit(archived.hearing.id, kind, work)

    async def build(self, archived: ArchivedHearing, kind: JobKind, progress: Progress) -> str:
        """Build ``kind`` for the hearing and store it; returns its key."""
        hearing_id = archived.hearing.id
        # A directory per build: the server and a CLI command may build at once, and
        # whatever a killed child left behind goes with its directory.
        work = self._work_dir / f"{hearing_id}-{kind.value}-{uuid.uuid4().hex[:12]}"
        await asyncio.to_thread(work.mkdir, parents=True)
        out = work / COPY_FILES[kind]
        directories = []
        for recording in archived.recordings:
            async with self.storage.local_directory(
                archive_key(hearing_id, recording.id)
            ) as directory:
                directories.append(str(directory))
        spec: dict[str, Any] = {"kind": kind.value, "out": str(out), "recordings": directories}
        if kind is JobKind.VIEWING_COPY:
            spec["labels"] = {
                p.id: {"name": p.name, "role": p.role.label} for p in archived.participants
            }
        elif kind is JobKind.EXPORT:
            spec.update(await self._bundle_spec(archived, work))
        # Generous: the viewing copy builds at several times real time (make bench).
        timeout_s = BUILD_TIMEOUT_S + BUILD_TIMEOUT_PER_RECORDED_S * (archived.recorded_s or 0)
        key = self.copy_key(hearing_id, kind)
        try:
            async with asyncio.timeout(timeout_s):
                if self._in_child:
                    await build_in_child(spec, work / f"{kind.value}.spec.json", progress)
                else:
                    await asyncio.to_thread(build, spec, progress)
            await self.storage.put_file(key, out)
        except TimeoutError:
            raise RuntimeError(f"the build took longer than {timeout_s:.0f} s") from None
        finally:
            await asyncio.to_thread(shutil.rmtree, work, ignore_errors=True)
        if await self.index.get(hearing_id) is None:
            # Purged while this was building: a copy must not outlive its record.
            await self.storage.delete_prefix(archive_key(hearing_id, COPIES))
            raise InvalidState(f"Hearing {hearing_id} was purged during the build.")
        await self._audit.record(
            actor=SYSTEM, action=f"archive.{kind.value}.built", object=f"hearing:{hearing_id}"
        )
        return key

    async def _hearing_index(self, hearing_id: str) -> str | None:
        """The hearing's signed index of its recordings as text, None if it has none."""
        key = archive_key(hearing_id, INDEX_FILE)
        try:
            size = await self.storage.size(key)
            chunks = [chunk async for chunk in await self.storage.read(key, 0, size)]
        except MissingObject:
            return None
        return b"".join(chunks).decode("utf-8", errors="replace")

    async def _bundle_spec(self, archived: ArchivedHearing, work: Path) -> dict[str, Any]:
        hearing = archived.hearing
        audit = [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "object": e.object,
                "outcome": e.outcome,
                "reason": e.reason,
                "digest": e.digest,
            }
            for e in await self._audit.entries.mentioning(hearing.id)
        ]
        spec: dict[str, Any] = {
            "hearing": {
                "id": hearing.id,
                "case_number": hearing.case_number,
                "title": hearing.title,
                "court": hearing.court,
                "courtroom": hearing.courtroom,
                "scheduled_start": (
                    None if hearing.scheduled_start is None else hearing.scheduled_start.isoformat()
                ),
                "state": hearing.state.value,
                "participants": [
                    {"id": p.id, "name": p.name, "role": p.role.value, "role_label": p.role.label}
                    for p in archived.participants
                ],
                "recordings": [
                    {
                        "id": r.id,
                        "started_at": r.started_at.isoformat(),
                        "stopped_at": None if r.stopped_at is None else r.stopped_at.isoformat(),
                        "duration_s": r.duration_s,
                        "recovered": r.recovered,
                    }
                    for r in archived.recordings
                ],
            },
            "audit": audit,
            "public_key_pem": self._public_key_pem,
            "time_zone": self._time_zone,
            "hearing_index": await self._hearing_index(hearing.id),
        }
        # The derived copies go in when they exist; the bundle's own README says they are
        # conveniences, and the record is the recordings' files.
        for kind, field in (
            (JobKind.VIEWING_COPY, "viewing_copy"),
            (JobKind.MASTER_AUDIO, "master_audio"),
        ):
            key = self.copy_key(hearing.id, kind)
            try:
                await self.storage.size(key)
            except MissingObject:
                spec[field] = None
                continue
            async with self.storage.local_directory(archive_key(hearing.id, COPIES)) as copies:
                spec[field] = str(copies / COPY_FILES[kind])
        return spec

    async def audit_access(self, actor: str, action: str, what: str, reason: str) -> None:
        await self._audit.record(actor=actor, action=action, object=what, reason=reason)

    # Retention

    async def set_retention(
        self, hearing_id: str, *, retain_until: date | None, legal_hold: bool | None, by: str
    ) -> Retention:
        await self.hearing(hearing_id)
        return await self.index.retain(
            hearing_id, retain_until=retain_until, legal_hold=legal_hold, by=by
        )

    async def purge_plan(self, today: date) -> list[PurgeItem]:
        """Every archived hearing past its retain-until date: what goes, what is kept, why."""
        return [_judge(archived, today) for archived in await self.index.expired(today)]

    async def purge(self, item: PurgeItem, *, today: date, by: str, reason: str) -> int:
        """Delete one hearing's record from the archive, if, read again now, it is still
        due: past its date, no legal hold, the hearing over (InvalidState otherwise).

        The intent is audited before the first file goes, so a deletion cut short is on
        the record too; the outcome follows it.
        """
        fresh = await self.index.get(item.archived.hearing.id)
        if fresh is None:
            return 0
        verdict = _judge(fresh, today)
        if not verdict.purge:
            raise InvalidState(f"Hearing {fresh.hearing.id} is kept: {verdict.why}.")
        what = f"hearing:{fresh.hearing.id}"
        await self.audit_access(by, "archive.purge", what, f"{verdict.why}: {reason}")
        deleted = await self.storage.delete_prefix(archive_key(fresh.hearing.id))
        await self.index.forget(fresh.hearing.id)
        await self.audit_access(by, "archive.purged", what, f"{deleted} files deleted")
        return deleted
