"""The archive over HTTP: search, a hearing's record, its files with byte ranges, verification,
derived copies, export and retention; and the archivist's two pages.

Every route authorises first (401 anonymous, an audited 403 without archive permission), so
a refused caller learns nothing, not even whether a hearing exists. Every access to the
record then needs a stated reason, and is audited with it: who, what, when, why. Polling a
job's progress reveals nothing of the record and needs no reason.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Final

from aiohttp import web
from pydantic import Field, StringConstraints

from court.errors import InvalidRequest, NotFound
from court.hearing_state import HearingState
from court.permissions import Permission
from recordings.bundle import folder_name
from recordings.storage import MissingObject
from recordings.verification import VerificationReport
from server import keys
from server.api.bodies import Body, ReasonQuery, Why, parse_body, parse_query
from server.api.guard import authorize
from server.archive.jobs import JobKind, JobStatus
from server.archive.ranges import RangeNotSatisfiable, parse_range
from server.archive.service import Archive, ArchivedFile, JobView, classify
from server.archive.views import (
    ArchivedHearingList,
    ArchivedHearingSummary,
    ArchivedRecord,
    ArchiveJob,
    ArchiveJobs,
    RecordedFile,
    RecordingReport,
    RecordVerification,
)
from server.archive.views import Retention as RetentionView
from server.persistence.repositories.archive import (
    SEARCH_LIMIT,
    ArchivedHearing,
    ArchiveQuery,
    Retention,
)
from server.problems import problem, with_security_headers
from server.views import timestamp

API: Final = "/api/v1/archive/hearings"
MAX_REASON: Final = 500

_Text = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")
]

CONTENT_TYPES: Final = {
    ".ogg": "audio/ogg",
    ".mp4": "video/mp4",
    ".zip": "application/zip",
    ".jsonl": "application/x-ndjson",
    ".json": "application/json",
    ".sig": "application/json",
}
PLAYABLE: Final = ("audio/", "video/")
READ_CHUNK_TIMEOUT_S: Final = 60


class ReasonBody(Body):
    reason: Why


class SearchQuery(Body):
    reason: Why
    case_number: _Text | None = None
    court: _Text | None = None
    participant: _Text | None = None
    state: HearingState | None = None
    # "from" is a Python keyword; the wire names stay those of the page's form.
    recorded_from: date | None = Field(default=None, alias="from")
    recorded_to: date | None = Field(default=None, alias="to")
    limit: int = Field(default=SEARCH_LIMIT, ge=1, le=SEARCH_LIMIT)


class RetentionBody(Body):
    reason: Why
    retain_until: date | None = None
    legal_hold: bool | None = None


def _archive(request: web.Request) -> Archive:
    return request.app[keys.ARCHIVE]


async def _reader(request: web.Request, action: str, what: str) -> tuple[Any, str]:
    """The caller, who may read the archive, and their stated reason (audited)."""
    actor = await authorize(request, Permission.READ_ARCHIVE, action=action, object=what)
    reason = parse_query(request, ReasonQuery).reason
    return actor, reason


async def _audit(request: web.Request, actor: Any, action: str, what: str, why: str) -> None:
    await request.app[keys.AUDIT].record(actor=actor.label, action=action, object=what, reason=why)


def _state_label(state: HearingState) -> str:
    return state.value.replace("_", " ").capitalize()


def retention_view(retention: Retention | None) -> RetentionView:
    if retention is None:
        return {"retain_until": None, "legal_hold": False}
    return {
        "retain_until": retention.retain_until.isoformat(),
        "legal_hold": retention.legal_hold,
        "updated_by": retention.updated_by,
        "updated_at": timestamp(retention.updated_at),
    }


def summary_view(archived: ArchivedHearing) -> ArchivedHearingSummary:
    hearing = archived.hearing
    return {
        "id": hearing.id,
        "case_number": hearing.case_number,
        "title": hearing.title,
        "court": hearing.court,
        "courtroom": hearing.courtroom,
        "scheduled_start": timestamp(hearing.scheduled_start),
        "state": hearing.state,
        "state_label": _state_label(hearing.state),
        "recorded_s": archived.recorded_s,
        "recordings": len(archived.recordings),
        "participants": [
            {"name": p.name, "role": p.role, "role_label": p.role.label}
            for p in archived.participants
        ],
        "retention": retention_view(archived.retention),
    }


def job_view(hearing_id: str, job: JobView) -> ArchiveJob:
    path = {
        JobKind.MASTER_AUDIO: "master-audio",
        JobKind.VIEWING_COPY: "viewing-copy",
        JobKind.EXPORT: "export.zip",
    }[job.kind]
    return {
        "status": job.status,
        "progress": round(job.progress, 4),
        "error": job.error,
        "url": f"{API}/{hearing_id}/{path}" if job.status is JobStatus.READY else None,
    }


async def jobs_view(archive: Archive, hearing_id: str) -> ArchiveJobs:
    async def job(kind: JobKind) -> ArchiveJob:
        return job_view(hearing_id, await archive.job(hearing_id, kind))

    return {
        "master_audio": await job(JobKind.MASTER_AUDIO),
        "viewing_copy": await job(JobKind.VIEWING_COPY),
        "export": await job(JobKind.EXPORT),
    }


def file_view(hearing_id: str, item: ArchivedFile, names: dict[str, str]) -> RecordedFile:
    return {
        "name": item.name,
        "kind": item.kind,
        "participant_id": item.participant_id,
        "participant_name": None if item.participant_id is None else names.get(item.participant_id),
        "media": item.media,
        "bytes": item.bytes,
        "url": f"{API}/{hearing_id}/recordings/{item.recording_id}/files/{item.name}",
    }


def report_view(report: VerificationReport) -> RecordingReport:
    return {
        "recording_id": report.recording_id,
        "ok": report.ok,
        # sealed (final seal holds), incomplete (no final seal), legacy (signed before
        # final seals existed), unsigned (no signature that holds)
        "state": report.state,
        "segments": [
            {
                "seq": s.seq,
                "file": s.file,
                "start_ms": s.start_ms,
                "end_ms": s.end_ms,
                "sealed": s.sealed,
                "ok": s.ok,
            }
            for s in report.segments
        ],
        "findings": [
            {"problem": f.problem.value, "subject": f.subject, "detail": f.detail}
            for f in report.findings
        ],
    }


# Routes


async def search(request: web.Request) -> web.Response:
    actor = await authorize(
        request, Permission.READ_ARCHIVE, action="archive.search", object="archive"
    )
    query = parse_query(request, SearchQuery)
    if (
        query.recorded_from is not None
        and query.recorded_to is not None
        and query.recorded_to < query.recorded_from
    ):
        raise InvalidRequest("to: the date range ends before it starts")
    criteria = {
        k: v
        for k, v in query.model_dump(by_alias=True, exclude={"reason", "limit"}).items()
        if v is not None
    }
    found = await _archive(request).search(
        ArchiveQuery(
            case_number=query.case_number or None,
            court=query.court or None,
            participant=query.participant or None,
            state=query.state,
            recorded_from=query.recorded_from,
            recorded_to=query.recorded_to,
            limit=query.limit,
            zone=request.app[keys.SETTINGS].court_time.zone,
        )
    )
    described = ", ".join(f"{k}={v}" for k, v in criteria.items()) or "everything"
    await _audit(request, actor, "archive.search", f"archive ({described})"[:200], query.reason)
    listing: ArchivedHearingList = {"hearings": [summary_view(a) for a in found]}
    return web.json_response(listing)


async def record(request: web.Request) -> web.Response:
    hearing_id = request.match_info["hearing_id"]
    actor, reason = await _reader(request, "archive.read", f"hearing:{hearing_id}")
    archive = _archive(request)
    archived = await archive.hearing(hearing_id)
    names: dict[str, str] = {p.id: p.name for p in archived.participants}
    files = await archive.files(archived)
    offsets = archive.offsets(archived)
    timeline = await archive.timeline(archived)
    await _audit(request, actor, "archive.read", f"hearing:{hearing_id}", reason)
    view: ArchivedRecord = {
        "hearing": summary_view(archived),
        "participants": [
            {"id": p.id, "name": p.name, "role": p.role, "role_label": p.role.label}
            for p in archived.participants
        ],
        "recordings": [
            {
                "id": r.id,
                "started_at": timestamp(r.started_at),
                "stopped_at": timestamp(r.stopped_at),
                "duration_s": r.duration_s,
                "offset_s": offsets[r.id] / 1000,
                "recovered": r.recovered,
                "files": [file_view(hearing_id, f, names) for f in files[r.id]],
            }
            for r in archived.recordings
        ],
        "timeline": [
            {
                "recording_id": item.recording_id,
                "kind": item.entry.kind,
                "at_s": (item.offset_ms + item.entry.at_ms) / 1000,
                "end_s": (
                    None
                    if item.entry.end_ms is None
                    else (item.offset_ms + item.entry.end_ms) / 1000
                ),
                "subject": item.entry.subject,
                "subject_name": _subject_name(item.entry.subject, names),
                "reason": item.entry.reason,
            }
            for item in timeline
        ],
        "jobs": await jobs_view(archive, hearing_id),
    }
    return web.json_response(view)


def _subject_name(subject: str | None, names: dict[str, str]) -> str | None:
    """The participant a timeline entry is about (its subject is ``participant:<id>``)."""
    if subject is None:
        return None
    return names.get(subject.removeprefix("participant:"))


async def recorded_file(request: web.Request) -> web.StreamResponse:
    hearing_id = request.match_info["hearing_id"]
    recording_id, name = request.match_info["recording_id"], request.match_info["name"]
    what = f"hearing:{hearing_id}/{recording_id}/{name}"[:200]
    actor, reason = await _reader(request, "archive.download", what)
    archive = _archive(request)
    archived = await archive.hearing(hearing_id)
    key = archive.file_key(archived, recording_id, name)  # NotFound for any other name
    item = classify(recording_id, name, 0)
    content_type = _content_type(name, None if item is None else item.media)
    return await _serve(request, archive, key, content_type, name, actor, reason, what)


def _content_type(name: str, media: str | None) -> str:
    if name.endswith(".webm"):
        return "video/webm" if media == "video" else "audio/webm"
    return CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream")


async def copy(request: web.Request, kind: JobKind, content_type: str) -> web.StreamResponse:
    hearing_id = request.match_info["hearing_id"]
    what = f"hearing:{hearing_id}/{kind.value}"
    actor, reason = await _reader(request, f"archive.{kind.value}.read", what)
    archive = _archive(request)
    archived = await archive.hearing(hearing_id)
    name = _download_name(archived, kind)
    key = archive.copy_key(hearing_id, kind)
    # Served whenever one is stored, also while a new one is being built.
    try:
        return await _serve(request, archive, key, content_type, name, actor, reason, what)
    except NotFound:
        job = await archive.job(hearing_id, kind)
        raise NotFound(
            f"The {kind.value.replace('_', ' ')} of this hearing is not built ({job.status.value})."
        ) from None


def _download_name(archived: ArchivedHearing, kind: JobKind) -> str:
    suffix = {
        JobKind.MASTER_AUDIO: "master-audio.webm",
        JobKind.VIEWING_COPY: "viewing-copy.mp4",
        JobKind.EXPORT: "record.zip",
    }[kind]
    hearing = archived.hearing
    return f"{folder_name({'case_number': hearing.case_number, 'id': hearing.id})}-{suffix}"


async def _serve(
    request: web.Request,
    archive: Archive,
    key: str,
    content_type: str,
    filename: str,
    actor: Any,
    reason: str,
    what: str,
) -> web.StreamResponse:
    try:
        stored = await archive.storage.head(key)
    except MissingObject:
        raise NotFound("The file is not in the archive.") from None
    size = stored.size
    etag = None if stored.version is None else f'"{stored.version.strip(chr(34))}"'
    header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if header is not None and if_range is not None and if_range != etag:
        header = None  # RFC 9110 13.1.5: the file changed since; send it whole
    try:
        wanted = parse_range(header, size)
    except RangeNotSatisfiable as exc:
        refusal = problem(416, "range_not_satisfiable", str(exc))
        refusal.headers["Content-Range"] = f"bytes */{size}"
        return refusal
    start, end = (0, size) if wanted is None else (wanted.start, wanted.end)
    body = None
    if request.method != "HEAD":
        try:  # opened now, from the version measured above, before any header is sent
            body = await archive.storage.read(key, start, end, version=stored.version)
        except MissingObject:
            raise NotFound("The file changed while it was asked for; ask again.") from None
    # Audited before the first byte leaves: an access cut short is still an access.
    await _audit(
        request,
        actor,
        "archive.download",
        what,
        reason if wanted is None else f"{reason} [{wanted.content_range}]"[:1000],
    )
    response = web.StreamResponse(status=200 if wanted is None else 206)
    response.content_type = content_type
    response.content_length = end - start
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["Cache-Control"] = "private, no-store"
    if etag is not None:
        response.headers["ETag"] = etag
    disposition = "inline" if content_type.startswith(PLAYABLE) else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if wanted is not None:
        response.headers["Content-Range"] = wanted.content_range
    with_security_headers(response, request)
    await response.prepare(request)
    if body is not None:
        async for chunk in body:
            await response.write(chunk)
    await response.write_eof()
    return response


async def master_audio(request: web.Request) -> web.StreamResponse:
    return await copy(request, JobKind.MASTER_AUDIO, "audio/webm")


async def viewing_copy(request: web.Request) -> web.StreamResponse:
    return await copy(request, JobKind.VIEWING_COPY, "video/mp4")


async def export_zip(request: web.Request) -> web.StreamResponse:
    return await copy(request, JobKind.EXPORT, "application/zip")


async def jobs(request: web.Request) -> web.Response:
    hearing_id = request.match_info["hearing_id"]
    await authorize(
        request, Permission.READ_ARCHIVE, action="archive.jobs", object=f"hearing:{hearing_id}"
    )
    archive = _archive(request)
    await archive.hearing(hearing_id)
    return web.json_response(await jobs_view(archive, hearing_id))


async def _start(request: web.Request, kind: JobKind) -> web.Response:
    hearing_id = request.match_info["hearing_id"]
    what = f"hearing:{hearing_id}"
    actor = await authorize(
        request, Permission.READ_ARCHIVE, action=f"archive.{kind.value}", object=what
    )
    body = await parse_body(request, ReasonBody)
    archive = _archive(request)
    archived = await archive.hearing(hearing_id)
    current = await archive.job(hearing_id, kind)
    if current.status is JobStatus.READY and kind is not JobKind.EXPORT:
        return web.json_response(job_view(hearing_id, current))
    archive.request(archived, kind)
    await _audit(request, actor, f"archive.{kind.value}", what, body.reason)
    return web.json_response(job_view(hearing_id, await archive.job(hearing_id, kind)), status=202)


async def build_viewing_copy(request: web.Request) -> web.Response:
    return await _start(request, JobKind.VIEWING_COPY)


async def build_master_audio(request: web.Request) -> web.Response:
    return await _start(request, JobKind.MASTER_AUDIO)


async def export(request: web.Request) -> web.Response:
    return await _start(request, JobKind.EXPORT)


async def verify(request: web.Request) -> web.Response:
    hearing_id = request.match_info["hearing_id"]
    what = f"hearing:{hearing_id}"
    actor = await authorize(request, Permission.READ_ARCHIVE, action="archive.verify", object=what)
    body = await parse_body(request, ReasonBody)
    archive = _archive(request)
    archived = await archive.hearing(hearing_id)
    reports = await archive.verify(archived)
    ok = all(r.ok for r in reports)
    await _audit(
        request, actor, "archive.verify", what, f"{body.reason} [{'intact' if ok else 'ALTERED'}]"
    )
    verification: RecordVerification = {
        "ok": ok,
        "recordings": [report_view(r) for r in reports],
    }
    return web.json_response(verification)


async def retention(request: web.Request) -> web.Response:
    hearing_id = request.match_info["hearing_id"]
    what = f"hearing:{hearing_id}"
    actor = await authorize(
        request, Permission.MANAGE_RETENTION, action="archive.retention", object=what
    )
    body = await parse_body(request, RetentionBody)
    if body.retain_until is None and body.legal_hold is None:
        raise InvalidRequest("Give retain_until, legal_hold or both.")
    archive = _archive(request)
    result = await archive.set_retention(
        hearing_id, retain_until=body.retain_until, legal_hold=body.legal_hold, by=actor.label
    )
    change = ", ".join(
        part
        for part in (
            None if body.retain_until is None else f"retain until {body.retain_until}",
            None if body.legal_hold is None else f"legal hold {'on' if body.legal_hold else 'off'}",
        )
        if part
    )
    await _audit(request, actor, "archive.retention", what, f"{change}: {body.reason}"[:1000])
    return web.json_response(retention_view(result))


def add_routes(router: web.UrlDispatcher, web_dir: Path) -> None:
    async def search_page(_: web.Request) -> web.FileResponse:
        return web.FileResponse(web_dir / "archive.html")

    async def record_page(_: web.Request) -> web.FileResponse:
        return web.FileResponse(web_dir / "archive-record.html")

    router.add_get("/archive", search_page)
    router.add_get("/archive/hearings/{hearing_id}", record_page)
    router.add_get(API, search)
    router.add_get(API + "/{hearing_id}", record)
    router.add_get(API + "/{hearing_id}/jobs", jobs)
    router.add_get(API + "/{hearing_id}/recordings/{recording_id}/files/{name}", recorded_file)
    router.add_get(API + "/{hearing_id}/master-audio", master_audio)
    router.add_post(API + "/{hearing_id}/master-audio", build_master_audio)
    router.add_get(API + "/{hearing_id}/viewing-copy", viewing_copy)
    router.add_post(API + "/{hearing_id}/viewing-copy", build_viewing_copy)
    router.add_post(API + "/{hearing_id}/export", export)
    router.add_get(API + "/{hearing_id}/export.zip", export_zip)
    router.add_post(API + "/{hearing_id}/verify", verify)
    router.add_put(API + "/{hearing_id}/retention", retention)
