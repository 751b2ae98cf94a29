"""create_app: wiring only. Services with a lifetime start and stop in cleanup_ctx."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from media.ice import use_host_addresses
from media.ports import use_media_ports
from recordings import RecordingStore, statements
from recordings.manifest import SIGNATURE_FILE
from recordings.recovery import Recovery
from recordings.speech import (
    SPEECH_OFF,
    SPEECH_ON,
    Recogniser,
    SpeechStatus,
    SpeechUnavailable,
    load_recogniser,
    speech_off_because,
)
from recordings.storage import LocalArchiveStorage
from server import keys
from server.api import setup_api
from server.archive import proceedings as archive_proceedings
from server.archive import routes as archive_routes
from server.archive.service import Archive
from server.audit import routes as audit_routes
from server.audit.checkpoints import AuditCheckpoints
from server.audit.log import AuditLog, Outcome
from server.auth.proxies import TRUSTED_PROXIES
from server.auth.routes import setup_auth
from server.court_data import CourtData
from server.court_key import CourtKey, CourtKeyRefused, open_court_key
from server.hearing_states import HearingStates
from server.live_courtroom import (
    AuditedProtocol,
    StoredCourtDecisions,
    hearing_events_audit,
    persisted_state_changes,
    signaling_audit,
)
from server.logs import request_context
from server.metrics import setup_metrics
from server.openapi import openapi_document
from server.persistence.database import migrate
from server.problems import (
    SECURITY_HEADERS,
    SecurityHeaders,
    problem_details,
    security_headers,
)
from server.protocol_signing import ProtocolSigning
from server.settings import Settings
from server.views import Health
from server.webhooks import routes as webhook_routes
from server.webhooks.service import WebhookEvent, Webhooks
from signaling import Signaling
from signaling.turn import TurnCredentials, no_turn

logger = logging.getLogger(__name__)

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
SYSTEM_RECORDER = "system:recorder"


def allowed_origins(settings: Settings) -> list[str]:
    """Origins whose pages may open the signaling connection (checked on every connect)."""
    origins = {settings.public_url}
    parts = urlsplit(settings.public_url)
    if parts.hostname in ("127.0.0.1", "localhost", "::1"):
        # The same local server reached by another loopback name is the same origin to a user.
        origins |= {
            f"{parts.scheme}://{name}:{parts.port or settings.port}" for name in LOOPBACK_NAMES
        }
    return sorted(origins)


def speech_to_text(settings: Settings) -> tuple[Recogniser | None, SpeechStatus]:
    """The configured recogniser, or why there is none. A recogniser that cannot load is
    logged and said on the protocol editor; hearings go on without suggestions."""
    if settings.speech_model_dir is None:
        return None, SPEECH_OFF
    try:
        return load_recogniser(settings.speech_model_dir, settings.speech_recogniser), SPEECH_ON
    except SpeechUnavailable as exc:
        logger.error("speech to text is off: %s", exc)
        return None, speech_off_because(str(exc))


SEALED = "recording.sealed"


async def audit_sealed(data: CourtData, settings: Settings, report: Mapping[str, object]) -> None:
    """``recording.sealed``: which recording, and the line count and head of its seal."""
    hearing_id, recording_id = str(report["hearing_id"]), str(report["recording_id"])
    path = settings.recordings_dir / Path(hearing_id).name / Path(recording_id).name
    try:
        seal = await asyncio.to_thread(statements.read, path / SIGNATURE_FILE)
        said = f"{seal.kind}: {seal.lines} manifest lines, head {seal.head}"
    except (OSError, statements.BadStatement) as exc:
        said = f"its signature is unreadable ({exc})"
    await data.audit.record(
        actor=SYSTEM_RECORDER,
        action=SEALED,
        object=f"recording:{recording_id}",
        reason=f"hearing {hearing_id}: {said}",
    )


async def recovered(audit: AuditLog, webhooks: Webhooks, recovery: Recovery) -> None:
    """Crash recovery is part of the record's history: audited (which recording, which
    files, how many seconds, or why it was refused) and told to the e-court system."""
    if recovery.refused is None:
        logger.warning(
            "recording %s of %s was cut by a crash; sealed %s (%.1f s of master audio)",
            recovery.recording_id,
            recovery.hearing_id,
            ", ".join(recovery.files) or "no open file",
            recovery.seconds,
        )
        action = "recording.recover"
        reason = (
            f"sealed after a crash: {', '.join(recovery.files) or 'no open file'}; "
            f"{recovery.seconds:.1f} s of master audio"
        )
    else:
        action = "recording.recover_refused"
        reason = f"left unsigned: {recovery.refused}"
    if recovery.left_alone:
        reason += f"; not sealed (not written by the recorder): {', '.join(recovery.left_alone)}"
    await audit.record(
        actor=SYSTEM_RECORDER,
        action=action,
        object=f"recording:{recovery.recording_id}",
        reason=f"hearing {recovery.hearing_id}: {reason}",
        outcome=Outcome.ALLOWED if recovery.refused is None else Outcome.DENIED,
    )
    await webhooks.publish(WebhookEvent.RECORDING_RECOVERED, recovery.as_json())


def create_app(settings: Settings, court_key: CourtKey | None = None) -> web.Application:
    """``court_key``: the record-signing key as ``open_court_key`` checked it against the
    database and the pin; ``courtroom serve`` checks it before it builds the app, because
    the check needs the database and this function does not wait. Without one (tests and
    tools), the key file alone is used, and checked against the database when the app
    starts, before it records or serves anything."""
    checked = court_key is not None
    if court_key is None:
        court_key = CourtKey.from_key_file(settings)
    # security_headers is outside problem_details so that problem responses carry the
    # headers too; request_context outermost, so that every line logged has its request id.
    app = web.Application(middlewares=[request_context, security_headers, problem_details])
    use_host_addresses(settings.media.host_addresses)
    use_media_ports(settings.media.ports)

    data = CourtData.from_settings(settings)
    engine, hearings, participants, links = (
        data.engine,
        data.hearings,
        data.participants,
        data.links,
    )
    recogniser, speech = speech_to_text(settings)
    audit_checkpoints = AuditCheckpoints(
        data.audit,
        settings.audit_checkpoints_file,
        court_key.signing_key,
        interval_s=settings.audit_checkpoint_s,
    )

    def latest_checkpoint() -> dict[str, object] | None:
        # Carried into every final seal: the audit log's head, signed, inside the record.
        latest = audit_checkpoints.latest()
        return None if latest is None else latest.as_json()

    recordings = RecordingStore(
        settings.recordings_dir,
        signing_key=court_key.signing_key,
        recogniser=recogniser,
        speech=speech,
        audit_checkpoint=latest_checkpoint,
    )
    # The archive reads the recorder's directory through the storage interface.
    archive = Archive(
        LocalArchiveStorage(settings.recordings_dir),
        data.archive,
        data.audit,
        protocol=data.protocol,
        work_dir=settings.archive_work_dir,
        public_key_pem=court_key.public_key_pem,
        trusted_keys=court_key.trusted_public_keys(),
        retention_days=settings.record_retention_days,
        time_zone=settings.court_time.name,
    )
    # A closed hearing's last entries are anchored at once, not up to a minute later.
    hearing_states = HearingStates(
        data.hearings,
        data.audit,
        data.webhooks,
        checkpoint=audit_checkpoints.checkpoint,
        court_time=settings.court_time,
    )

    async def recording_available(report: Mapping[str, object]) -> None:
        # Audited first: the audit log (checkpointed, signed) then knows the recording was
        # sealed, so crash recovery never seals an earlier signature put back in its place.
        await audit_sealed(data, settings, report)
        # The archive next: an e-court system told of a recording can fetch it at once.
        try:
            await archive.recording_available(report)
        finally:
            await data.webhooks.recording_available(report)

    signaling = Signaling(
        authenticate=links.authenticate,
        media=settings.media,
        recordings=recordings,
        cors_allowed_origins=allowed_origins(settings),
        on_recording_available=recording_available,
        audit=signaling_audit(data.audit),
        change_state=persisted_state_changes(hearing_states),
        events=hearing_events_audit(data.audit),
        chat_store=data.chat.add,
        protocol_store=AuditedProtocol(data.protocol, data.audit),
        exhibit_store=data.exhibits,
        decisions=StoredCourtDecisions(data.hearings, data.participants),
        ice=no_turn if settings.turn is None else TurnCredentials(settings.turn, time.time),
    )
    signaling.attach(app)
    setup_metrics(app, signaling.live_hearings)

    app[keys.SETTINGS] = settings
    app[TRUSTED_PROXIES] = settings.trusted_proxies
    app[SECURITY_HEADERS] = SecurityHeaders.for_public_url(settings.public_url)
    app[keys.DATA] = data
    app[keys.AUDIT] = data.audit
    app[keys.AUDIT_CHECKPOINTS] = audit_checkpoints
    app[keys.HEARING_STATES] = hearing_states
    app[keys.WEBHOOKS] = data.webhooks
    app[keys.ENGINE] = engine
    app[keys.HEARINGS] = hearings
    app[keys.PARTICIPANTS] = participants
    app[keys.JOIN_LINKS] = links
    app[keys.RECORDINGS] = recordings
    app[keys.ARCHIVE] = archive
    app[keys.PROTOCOL_SIGNING] = ProtocolSigning(data.protocol, archive, court_key.signing_key)
    app[keys.SIGNALING] = signaling

    app.cleanup_ctx.append(_lifetime(settings, data, court_key, checked=checked))
    _routes(app, settings)
    setup_auth(app, data, settings, allowed_origins(settings))
    audit_routes.add_routes(app.router, settings.web_dir)
    archive_routes.add_routes(app.router, settings.web_dir)
    archive_proceedings.add_routes(app.router)
    webhook_routes.add_routes(app.router)
    return app


def _lifetime(
    settings: Settings, data: CourtData, court_key: CourtKey, *, checked: bool
) -> Callable[[web.Application], AsyncIterator[None]]:
    """What the server does when it starts, before it serves, and when it stops."""

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        try:
            await migrate(settings.database_url)
            if not checked:
                found = await open_court_key(settings, data)
                if found.fingerprint != court_key.fingerprint:
                    raise CourtKeyRefused(
                        f"{settings.record_signing_key_file} changed while the server started: "
                        "start it again"
                    )
        except BaseException:
            # Nothing has started yet, and a refused start runs no cleanup: close the
            # database's connections here.
            await data.engine.dispose()
            raise
        # First: its first round anchors what was written while the server was stopped,
        # and says so if the log was cut or rewritten meanwhile.
        await app[keys.AUDIT_CHECKPOINTS].start()
        # Before anything records: seal what a crash left open, flagged, never dropped,
        # and only if the recorder can vouch for it.
        sealed = {o.removeprefix("recording:") for o in await data.audit.entries.objects_of(SEALED)}
        for recovery in await asyncio.to_thread(app[keys.RECORDINGS].recover, sealed):
            await recovered(data.audit, data.webhooks, recovery)
        indexed = await app[keys.ARCHIVE].reconcile()
        if indexed:
            logger.info("indexed %s recordings the archive did not hold yet", indexed)
        app[keys.ARCHIVE].jobs.start()
        await app[keys.WEBHOOKS].start()
        yield
        # Stop recordings first: they seal their files while the process is still healthy.
        await app[keys.SIGNALING].close()
        await app[keys.ARCHIVE].jobs.stop()
        await app[keys.WEBHOOKS].stop()
        # Last before the database goes: the entries of the shutdown itself are anchored.
        await app[keys.AUDIT_CHECKPOINTS].stop()
        await app[keys.ENGINE].dispose()

    return lifetime


def _routes(app: web.Application, settings: Settings) -> None:
    web_dir = settings.web_dir

    async def index(_: web.Request) -> web.FileResponse:
        return web.FileResponse(web_dir / "index.html")

    async def join(_: web.Request) -> web.FileResponse:
        return web.FileResponse(web_dir / "join.html")

    async def console(_: web.Request) -> web.FileResponse:
        return web.FileResponse(web_dir / "console.html")

    async def protocol_review(_: web.Request) -> web.FileResponse:
        return web.FileResponse(web_dir / "protocol.html")

    async def favicon(_: web.Request) -> web.FileResponse:
        return web.FileResponse(web_dir / "favicon.svg", headers={"Content-Type": "image/svg+xml"})

    async def health(_: web.Request) -> web.Response:
        healthy: Health = {"status": "ok"}
        return web.json_response(healthy)

    async def openapi(_: web.Request) -> web.Response:
        return web.json_response(openapi_document(settings.public_url))

    app.router.add_get("/", index)
    app.router.add_get("/join", join)
    app.router.add_get("/console", console)
    app.router.add_get("/hearings/{hearing_id}/protocol", protocol_review)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_get("/api/v1/health", health)
    app.router.add_get("/api/v1/openapi.json", openapi)
    setup_api(app)
    app.router.add_static("/static/", web_dir, show_index=False, follow_symlinks=False)
