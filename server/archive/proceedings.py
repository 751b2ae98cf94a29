"""What was said, beside the record's audio: the court protocol and who spoke when, both
placed in the joined master's time so that the archive's player can go from one to the
other.

Like every reading of the archive: authorised first (401, an audited 403), then a stated
reason, audited with the access. Protocol entries and speaker turns are stamped in the
record time of one recording; the joined master plays the recordings one after another,
so each is moved by its recording's offset (Archive.offsets).
"""

from __future__ import annotations

from aiohttp import web

from court.access import Actor
from court.hearing import Participant
from court.permissions import Permission
from court.protocol import protocol_digest
from server import keys
from server.api.bodies import ReasonQuery, parse_query
from server.api.guard import authorize
from server.archive.routes import API
from server.archive.service import Archive
from server.archive.views import ArchivedParticipant, ArchivedProtocol, SpeakerTimeline
from server.protocol_document.document import hearing_record_ms, ordered_entries
from server.protocol_signing import SIGNERS
from server.views import signature_view
from signaling.live.features.protocol import entry_view


async def _reader(request: web.Request, action: str) -> tuple[Actor, str, str]:
    """The caller, who may read the archive, the hearing asked for and the stated reason."""
    hearing_id = request.match_info["hearing_id"]
    actor = await authorize(
        request, Permission.READ_ARCHIVE, action=action, object=f"hearing:{hearing_id}"
    )
    return actor, hearing_id, parse_query(request, ReasonQuery).reason


async def _audit(request: web.Request, actor: Actor, action: str, what: str, why: str) -> None:
    await request.app[keys.AUDIT].record(actor=actor.label, action=action, object=what, reason=why)


def _person(participant: Participant) -> ArchivedParticipant:
    return {
        "id": participant.id,
        "name": participant.name,
        "role": participant.role,
        "role_label": participant.role.label,
    }


def _speaker(people: dict[str, Participant], speaker_id: str | None) -> ArchivedParticipant | None:
    person = None if speaker_id is None else people.get(speaker_id)
    return None if person is None else _person(person)


async def protocol(request: web.Request) -> web.Response:
    """The protocol's entries with their places in the joined master (``master_ms``; null
    for an entry made off the record or in a recording the archive does not hold), the
    signatures, the digest of the protocol as it stands and whether it is locked."""
    actor, hearing_id, reason = await _reader(request, "archive.protocol.read")
    archive: Archive = request.app[keys.ARCHIVE]
    archived = await archive.hearing(hearing_id)
    # Once bound into the record, only a protocol that is still as bound (409 otherwise).
    await request.app[keys.PROTOCOL_SIGNING].require_unaltered(hearing_id)
    store = request.app[keys.DATA].protocol
    entries = ordered_entries(await store.of_hearing(hearing_id))
    signatures = await store.signatures(hearing_id)
    offsets = archive.offsets(archived)
    people: dict[str, Participant] = {p.id: p for p in archived.participants}
    await _audit(request, actor, "archive.protocol.read", f"hearing:{hearing_id}", reason)
    view: ArchivedProtocol = {
        "hearing_id": hearing_id,
        "entries": [
            {
                **entry_view(entry),
                "master_ms": hearing_record_ms(entry, offsets),
                "speaker": _speaker(people, entry.speaker_id),
            }
            for entry in entries
        ],
        "signatures": [signature_view(s) for s in signatures],
        "digest": protocol_digest(hearing_id, entries) if entries else None,
        # From the first signature on nothing is rewritten (server/protocol_signing.py).
        "locked": bool(signatures),
        "finalised": {s.role for s in signatures} == SIGNERS,
    }
    return web.json_response(view)


async def speakers(request: web.Request) -> web.Response:
    """Who spoke when in the joined master: one lane per participant, each recording's
    turns moved by its offset, and for each recording whether its timeline was recorded."""
    actor, hearing_id, reason = await _reader(request, "archive.speakers.read")
    archive: Archive = request.app[keys.ARCHIVE]
    archived = await archive.hearing(hearing_id)
    timelines = await archive.speakers(archived)
    await _audit(request, actor, "archive.speakers.read", f"hearing:{hearing_id}", reason)
    turns = sorted(
        (turn for timeline in timelines for turn in timeline.turns),
        key=lambda t: (t.start_ms, t.participant_id),
    )
    timeline: SpeakerTimeline = {
        "hearing_id": hearing_id,
        "duration_ms": sum(t.duration_ms for t in timelines),
        "participants": [_person(p) for p in archived.participants],
        "recordings": [
            {
                "id": t.recording_id,
                "offset_ms": t.offset_ms,
                "duration_ms": t.duration_ms,
                "speakers": t.state,
            }
            for t in timelines
        ],
        "turns": [
            {
                "participant_id": t.participant_id,
                "recording_id": t.recording_id,
                "start_ms": t.start_ms,
                "end_ms": t.end_ms,
            }
            for t in turns
        ],
    }
    return web.json_response(timeline)


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get(API + "/{hearing_id}/protocol", protocol)
    router.add_get(API + "/{hearing_id}/speakers", speakers)
