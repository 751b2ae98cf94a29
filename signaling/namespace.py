"""The Socket.IO namespace: authenticate, validate, authorise, dispatch, acknowledge.

Handlers stay thin: they parse the payload into a typed command and call the live hearing.
Every command is answered with ``{"ok": true, "data": ...}`` or ``{"ok": false, "error":
...}``; nothing a client sends can raise out of here, and a refused command changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import socketio

from court.clock import SystemClock
from court.errors import (
    CourtError,
    InvalidRequest,
    InvalidState,
    NotAuthenticated,
    PermissionDenied,
)
from court.event_params import LeaveReason, Left
from court.hearing import JoinGrant
from media.transport import NegotiationError
from signaling import log_context, messages
from signaling.audit import Audit, AuditEvent, not_audited
from signaling.court_commands import court_handlers
from signaling.events import NAMESPACE, ClientEvent
from signaling.hearings import HearingRegistry
from signaling.limits import Limits, RateLimited
from signaling.live import views
from signaling.live.notices import JoinAck
from signaling.live.session import Session
from signaling.turn import IceOffer, no_turn

logger = logging.getLogger(__name__)

Authenticate = Callable[[str], Awaitable[JoinGrant]]
Handler = Callable[[Session, object], Awaitable[messages.Ack]]

MAX_TOKEN_LENGTH = 4096
# How long a connection closed for flooding stays open for the acknowledgement saying so.
CLOSE_GRACE_S = 0.5

# Commands whose success is itself a court record (DESIGN.md section 7). Other commands'
# effects are published as hearing events (which the server audits) by the Courtroom.
AUDITED_WHEN_ALLOWED = frozenset({ClientEvent.START_RECORDING, ClientEvent.STOP_RECORDING})
# Sent every second by every page: refusals of these are not worth an audit entry each.
NOT_AUDITED_WHEN_DENIED = frozenset({ClientEvent.HEARTBEAT})


def is_power_of_ten(n: int) -> bool:
    while n >= 10 and n % 10 == 0:
        n //= 10
    return n == 1


class HearingNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(
        self,
        authenticate: Authenticate,
        registry: HearingRegistry,
        audit: Audit = not_audited,
        ice: IceOffer = no_turn,
        limits: Limits | None = None,
    ) -> None:
        super().__init__(NAMESPACE)
        # What each connection and participant may ask (signaling/limits.py).
        self._limits = limits if limits is not None else Limits(SystemClock())
        self._closing: set[asyncio.Task[None]] = set()
        self._ice = ice  # the ICE servers (TURN credentials) each join ack carries
        self._authenticate = authenticate
        self._audit = audit
        self._registry = registry
        self._sessions: dict[str, Session] = {}
        # How often each participant was refused each command with each reason: a refusal
        # is audited the 1st, 10th, 100th, ... time, with the count, so one participant who
        # repeats a refused command cannot flood the audit log (bounded by participants x
        # commands x the court's few refusal sentences).
        self._refusals: Counter[tuple[str, str, str]] = Counter()
        self._handlers: dict[str, Handler] = {
            ClientEvent.JOIN: self._join,
            ClientEvent.PUBLISH: self._publish,
            ClientEvent.ANSWER: self._answer,
            ClientEvent.LEAVE: self._leave,
            ClientEvent.START_RECORDING: self._start_recording,
            ClientEvent.STOP_RECORDING: self._stop_recording,
            **court_handlers(registry),
        }

    def session(self, sid: str) -> Session | None:
        return self._sessions.get(sid)

    async def trigger_event(self, event: str, *args: Any) -> Any:
        if event == "connect":
            sid, _environ, *rest = args
            return await self._connect(sid, rest[0] if rest else None)
        if event == "disconnect":
            await self._disconnect(args[0])
            return None
        sid, payload = args[0], (args[1] if len(args) > 1 else None)
        return await self._dispatch(sid, event, payload)

    async def _connect(self, sid: str, auth: object) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
            logger.warning("refused connection %s: no usable token in the auth payload", sid)
            raise socketio.exceptions.ConnectionRefusedError(
                "This page needs the join link you were given; it has no valid token.",
                {"code": NotAuthenticated.code},
            )
        try:
            grant = await self._authenticate(token)
        except NotAuthenticated as exc:
            # Never log the token itself: a valid-looking one may still be someone's link.
            logger.warning("refused connection %s: %s", sid, exc.message)
            raise socketio.exceptions.ConnectionRefusedError(
                exc.message, {"code": exc.code}
            ) from None
        try:
            self._limits.connect(sid, grant.participant.id)
        except RateLimited as exc:
            logger.warning("refused connection %s of %s: too many", sid, grant.participant.id)
            raise socketio.exceptions.ConnectionRefusedError(
                exc.message, {"code": exc.code}
            ) from None
        self._sessions[sid] = Session(
            sid=sid,
            hearing=grant.hearing,
            participant=grant.participant,
            staff_session=grant.staff_session,
            staff_account=grant.staff_account,
        )
        log_context.hearing_id.set(grant.hearing.id)
        logger.info("connected %s as %s (%s)", sid, grant.participant.id, grant.participant.role)

    async def _disconnect(self, sid: str) -> None:
        self._limits.disconnect(sid)
        session = self._sessions.pop(sid, None)
        # A session the server itself closed (replaced, removed, the hearing closed) has
        # already left, possibly from inside the very command that holds its lock.
        if session is not None and not session.closed:
            async with session.lock:
                await self._registry.leave(session, Left(LeaveReason.DISCONNECTED))

    async def _dispatch(self, sid: str, event: str, payload: object) -> messages.Ack:
        handler = self._handlers.get(event)
        if handler is None:
            return messages.error("unknown_event", f"there is no command named {event[:64]!r}")
        session = self._sessions.get(sid)
        if session is None or session.closed:
            return messages.error(NotAuthenticated.code, "this connection is not authenticated")
        log_context.hearing_id.set(session.hearing.id)  # for the lines this command logs
        try:
            self._limits.allow(sid, event)
        except RateLimited as exc:
            await self._record_refusal(session, event, "too many requests")
            if self._limits.should_close(sid):
                self._close_later(session)
            return messages.error(exc.code, exc.message)
        return await self._handled(session, event, handler, payload)

    def _close_later(self, session: Session) -> None:
        """Close a connection that kept pressing past its budget, a moment after the
        acknowledgement that says so has left."""
        if session.closed or any(t.get_name() == session.sid for t in self._closing):
            return

        async def close() -> None:
            await asyncio.sleep(CLOSE_GRACE_S)
            logger.warning(
                "closed %s of %s: too many requests", session.sid, session.participant.id
            )
            await self.disconnect(session.sid)

        task = asyncio.get_running_loop().create_task(close(), name=session.sid)
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _handled(
        self, session: Session, event: str, handler: Handler, payload: object
    ) -> messages.Ack:
        """The command's answer: its handler's, or its refusal or failure as an error ack."""
        try:
            if event == ClientEvent.ANSWER:
                # Not under the command lock: the negotiator awaits this answer while a
                # publish or join holding the lock may be waiting for the negotiator.
                return await handler(session, payload)
            async with session.lock:
                ack = await handler(session, payload)
            if event in AUDITED_WHEN_ALLOWED:
                await self._record(session, event, "done", denied=False)
            return ack
        except PermissionDenied as exc:
            if event not in NOT_AUDITED_WHEN_DENIED:
                await self._record_refusal(session, event, exc.message)
            return messages.error(exc.code, exc.message)
        except CourtError as exc:
            return messages.error(exc.code, exc.message)
        except NegotiationError as exc:
            return messages.error(InvalidRequest.code, str(exc))
        except Exception:
            logger.exception("command %s from %s failed", event, session.participant.id)
            return messages.error("internal_error", "the server could not carry out this command")

    async def _record_refusal(self, session: Session, event: str, reason: str) -> None:
        key = (session.participant.id, event, reason)
        self._refusals[key] += 1
        count = self._refusals[key]
        if count == 1:
            await self._record(session, event, reason, denied=True)
        elif is_power_of_ten(count):
            await self._record(session, event, f"{reason} (refused {count} times)", denied=True)

    async def _record(self, session: Session, event: str, reason: str, *, denied: bool) -> None:
        participant = session.participant
        try:
            await self._audit(
                AuditEvent(
                    actor=f"participant:{participant.id} ({participant.role.value})",
                    action=f"signaling.{event}",
                    object=f"hearing:{session.hearing.id}",
                    reason=reason,
                    denied=denied,
                )
            )
        except Exception:
            # The command's outcome stands; a failing audit store is logged loudly instead
            # of turning a refusal into an internal error for the participant.
            logger.exception("could not audit %s by %s", event, participant.id)

    async def _join(self, session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.Join, payload)
        if session.joined:
            raise InvalidState("already joined")
        joined = await self._registry.join(session, take_over=command.take_over)
        ack: JoinAck = {**joined, **self._ice(session.participant.id)}
        return messages.ok(ack)

    async def _publish(self, session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.Publish, payload)
        live = self._registry.live(session)
        live.publishing.publish(session, audio=command.audio, video=command.video)
        return messages.ok()

    async def _answer(self, session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.Answer, payload)
        self._registry.live(session)
        if session.negotiator is None:
            raise InvalidState("there is no outstanding offer to answer")
        await session.negotiator.submit_answer(command.revision, command.sdp)
        return messages.ok()

    async def _leave(self, session: Session, payload: object) -> messages.Ack:
        messages.parse(messages.Leave, payload)
        self._registry.live(session)
        await self._registry.leave(session, Left(LeaveReason.LEFT))
        return messages.ok()

    async def _start_recording(self, session: Session, payload: object) -> messages.Ack:
        messages.parse(messages.RecordingCommand, payload)
        recording = await self._registry.start_recording(session)
        return messages.ok({"recording": views.running_recording_view(recording)})

    async def _stop_recording(self, session: Session, payload: object) -> messages.Ack:
        messages.parse(messages.RecordingCommand, payload)
        info = await self._registry.stop_recording(session)
        return messages.ok({"recording": views.stopped_recording_view(info)})
