"""Adapters that connect the live courtroom (signaling/) to court data and the audit log.

The signaling layer never imports the server: it is handed these callables. Each one turns
a live event into the server's terms: a refused command or a moderation action into an audit
entry, a state change into ``HearingStates.change`` (persisted, audited, announced).
"""

from __future__ import annotations

import logging

from court.events import EventKind, HearingEvent
from court.hearing import Hearing, Participant
from court.hearing_state import HearingState
from court.ids import HearingId
from court.protocol import ProtocolEntry
from court.record_time import format_record_time
from server.audit import AuditLog, Outcome
from server.hearing_states import HearingStates
from server.persistence.repositories import ProtocolRepository
from server.persistence.repositories.hearings import HearingRepository
from server.persistence.repositories.participants import ParticipantRepository
from signaling.audit import Audit, AuditEvent
from signaling.live.bus import EventSink
from signaling.live.courtroom import ChangeState
from signaling.live.decisions import StoredDecisions

logger = logging.getLogger(__name__)

# Audited by HearingStates.change itself, with the transition; not twice.
AUDITED_ELSEWHERE = frozenset({EventKind.HEARING_STATE_CHANGED})


def signaling_audit(log: AuditLog) -> Audit:
    async def record(event: AuditEvent) -> None:
        await log.record(
            actor=event.actor,
            action=event.action,
            object=event.object,
            reason=event.reason,
            outcome=Outcome.DENIED if event.denied else Outcome.ALLOWED,
        )

    return record


def hearing_events_audit(log: AuditLog) -> EventSink:
    """Every hearing event becomes an audit entry naming the hearing and its subject, in
    the labels the audit log has always used (court.events: ``EventActor.label``,
    ``Subject.label``, ``HearingEvent.reason``), so its rows keep their form."""

    async def record(event: HearingEvent) -> None:
        if event.kind in AUDITED_ELSEWHERE:
            return
        reason = event.reason
        if event.record_time_ms is not None:
            reason = f"{reason} (record time {format_record_time(event.record_time_ms)})".lstrip()
        label = event.subject.label
        subject = f"/{label}" if label else ""
        await log.record(
            actor=event.actor.label,
            action=f"hearing.{event.kind.value}",
            object=f"hearing:{event.hearing_id}{subject}",
            reason=reason,
        )

    return record


def persisted_state_changes(states: HearingStates) -> ChangeState:
    async def change(hearing: Hearing, target: HearingState, actor: str, reason: str) -> Hearing:
        states.check_opening_day(hearing, target, reason)  # before "live" stands in for none
        return await states.change(hearing.id, target, actor=actor, reason=reason or "live")

    return change


class AuditedProtocol:
    """The protocol's repository as the live courtroom's store, auditing every edit.

    A save that adds a revision of an entry (court.protocol.folds_into) is audited as
    ``protocol.entry.revise``, naming the entry, the revision and what changed; its writer
    is the actor. Not every save: ``write_protocol_entry`` is not one of the namespace's
    AUDITED_WHEN_ALLOWED commands, because the editor saves as its writer types, and a row
    per keystroke would bury the edits. Nor the first save, which writes the entry down.
    """

    def __init__(self, repository: ProtocolRepository, log: AuditLog) -> None:
        self._repository = repository
        self._log = log

    async def add(self, entry: ProtocolEntry) -> ProtocolEntry:
        return await self._repository.add(entry)

    async def update(self, entry: ProtocolEntry, by: str) -> ProtocolEntry:
        revised = await self._repository.revise(entry, by)
        saved = revised.entry
        if revised.added:
            try:
                await self._log.record(
                    actor=by,
                    action="protocol.entry.revise",
                    object=f"hearing:{saved.hearing_id}/protocol-entry:{saved.number}",
                    reason=f"entry {saved.number}, revision {saved.revisions}: "
                    + ", ".join(revised.changed)
                    + " changed",
                )
            except Exception:
                # The save stands and its revision is kept; a failing audit store is loud.
                logger.exception("could not audit revision of protocol entry %s", saved.id)
        return saved

    async def of_hearing(self, hearing_id: str) -> list[ProtocolEntry]:
        return await self._repository.of_hearing(hearing_id)


class StoredCourtDecisions:
    """The court's removals and lock in a live hearing, kept in the database, so that a
    restart lets no removed participant back and opens no locked hearing (signaling.live
    .decisions; the security review's M1)."""

    def __init__(self, hearings: HearingRepository, participants: ParticipantRepository) -> None:
        self._hearings = hearings
        self._participants = participants

    async def remove(self, participant: Participant, reason: str) -> None:
        await self._participants.bar(participant.id, reason or "removed by the court")

    async def readmit(self, participant: Participant) -> None:
        await self._participants.bar(participant.id, None)

    async def lock(self, hearing_id: str, locked: bool) -> None:
        await self._hearings.set_locked(hearing_id, locked)

    async def of_hearing(self, hearing_id: str) -> StoredDecisions:
        return StoredDecisions(
            locked=await self._hearings.is_locked(hearing_id),
            removed=tuple(await self._participants.barred_of(HearingId(hearing_id))),
        )
