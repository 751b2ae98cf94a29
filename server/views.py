"""JSON views of court objects, as the REST API, webhooks and the OpenAPI document show them.

One declaration per wire shape, as for the live hearing's notifications
(signaling/live/notices.py): each view is a ``TypedDict`` that mypy checks the code building
it against, and the OpenAPI document's component schemas are generated from it
(server/openapi.py), so the document cannot drift from what a handler answers; the pages'
JSDoc types are generated from that document in turn (server/rest_types.py). A list is a
view of its own (``HearingList``), so every answer is a view by name. The schemathesis
tests (tests/server/test_api_schema.py) check real answers against those schemas, unknown
keys included.

They are ``TypedDict`` rather than pydantic models: a handler answers the very dictionary it
built, so the wire keeps its keys and values byte for byte, and a dictionary costs nothing
to check at run time that mypy has checked already. ``typing_extensions.TypedDict`` because
pydantic reads its schema (Python 3.11's has no ``__required_keys__`` it can trust).

The class names are the component names of the OpenAPI document; the domain objects they
show are named by their modules here (``court.hearing.Hearing`` is shown as ``Hearing``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal, overload

from pydantic import ConfigDict, Field, WithJsonSchema, with_config
from typing_extensions import TypedDict

import court.hearing
import court.protocol
import signaling.live.features.chat
from court.hearing_state import HearingState
from court.protocol import MAX_ENTRY_TEXT, EntryKind, SignerRole
from court.roles import Role
from server.join_links import IssuedLink
from server.persistence.repositories import JoinLinkRecord
from signaling.live.notices import EntryView, ExhibitView
from signaling.messages import MAX_CHAT_LENGTH

# A key the type does not name is an error where the tests check the wire
# (additionalProperties: false in the generated schema).
CLOSED = ConfigDict(extra="forbid")

# An ISO 8601 moment in UTC, "Z" for the zone, as ``timestamp`` writes it.
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
# A moment as Unix seconds (the live hearing's and the recorder's clocks).
UnixSeconds = Annotated[float, Field(description="Unix seconds")]


@overload
def timestamp(moment: datetime) -> str: ...
@overload
def timestamp(moment: None) -> None: ...
@overload
def timestamp(moment: datetime | None) -> str | None: ...
def timestamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


@with_config(CLOSED)
class Hearing(TypedDict):
    id: str
    case_number: str
    title: str
    court: str
    courtroom: str
    presiding_judge: Annotated[str, Field(description="The presiding judge's staff username")]
    clerk: Annotated[
        str, Field(description="The clerk's staff username; empty if scheduled without one")
    ]
    scheduled_start: Timestamp | None
    scheduled_end: Timestamp | None
    duration_minutes: int
    language: str
    state: HearingState


@with_config(CLOSED)
class HearingList(TypedDict):
    """Hearings found (listHearings), by scheduled start."""

    hearings: list[Hearing]


def hearing_view(hearing: court.hearing.Hearing) -> Hearing:
    return {
        "id": hearing.id,
        "case_number": hearing.case_number,
        "title": hearing.title,
        "court": hearing.court,
        "courtroom": hearing.courtroom,
        "presiding_judge": hearing.presiding_judge,
        "clerk": hearing.clerk,
        "scheduled_start": timestamp(hearing.scheduled_start),
        "scheduled_end": timestamp(hearing.scheduled_end),
        "duration_minutes": int(hearing.duration.total_seconds() // 60),
        "language": hearing.language,
        "state": hearing.state,
    }


@with_config(CLOSED)
class Participant(TypedDict):
    id: str
    hearing_id: str
    name: str
    role: Role
    role_label: str
    represents: str | None
    in_custody: bool


@with_config(CLOSED)
class ParticipantList(TypedDict):
    participants: list[Participant]


def participant_view(participant: court.hearing.Participant) -> Participant:
    return {
        "id": participant.id,
        "hearing_id": participant.hearing_id,
        "name": participant.name,
        "role": participant.role,
        "role_label": participant.role.label,
        "represents": participant.represents,
        "in_custody": participant.in_custody,
    }


@with_config(CLOSED)
class JoinLink(TypedDict):
    """An issued join link, without its token."""

    id: str
    hearing_id: str
    participant_id: str
    role: Role
    issued_at: Timestamp
    issued_by: str
    expires_at: Timestamp
    revoked_at: Timestamp | None
    revoked_by: str | None
    active: bool


@with_config(CLOSED)
class JoinLinkList(TypedDict):
    links: list[JoinLink]


@with_config(CLOSED)
class IssuedJoinLink(JoinLink):
    """A join link as it is issued: the only time its token is shown."""

    token: str
    url: Annotated[str, Field(description="/join#token=... (fragment)")]


@with_config(CLOSED)
class BenchSeat(TypedDict):
    """A judge's or clerk's way into the hearing, from their staff session (joinBench)."""

    participant: Participant
    link: JoinLink
    token: Annotated[str, Field(description="Bound to the staff session; shown once")]
    url: Annotated[str, Field(description="/join#token=... (fragment)")]


def link_view(record: JoinLinkRecord, now: datetime) -> JoinLink:
    return {
        "id": record.id,
        "hearing_id": record.hearing_id,
        "participant_id": record.participant_id,
        "role": record.role,
        "issued_at": timestamp(record.issued_at),
        "issued_by": record.issued_by,
        "expires_at": timestamp(record.expires_at),
        "revoked_at": timestamp(record.revoked_at),
        "revoked_by": record.revoked_by,
        "active": record.active(now),
    }


@with_config(CLOSED)
class ChatMessage(TypedDict):
    id: str
    hearing_id: str
    sender_id: Annotated[str, Field(description="the sending participant's id")]
    recipient_id: Annotated[
        str | None, Field(description="the receiving participant's id; null: to the clerk")
    ]
    text: Annotated[str, Field(max_length=MAX_CHAT_LENGTH)]
    sent_at: Timestamp


@with_config(CLOSED)
class ChatMessageList(TypedDict):
    """A hearing's chat messages, in the order they were sent."""

    messages: list[ChatMessage]


def issued_link_view(issued: IssuedLink, now: datetime) -> IssuedJoinLink:
    return {**link_view(issued.record, now), "token": issued.token, "url": issued.url}


def chat_message_view(message: signaling.live.features.chat.ChatMessage) -> ChatMessage:
    return {
        "id": message.id,
        "hearing_id": message.hearing_id,
        "sender_id": message.sender_id,
        "recipient_id": message.recipient_id,  # None: to the clerk
        "text": message.text,
        "sent_at": timestamp(datetime.fromtimestamp(message.sent_at, UTC)),
    }


# ---- the court --------------------------------------------------------------------------


@with_config(CLOSED)
class Health(TypedDict):
    status: Literal["ok"]


@with_config(CLOSED)
class Language(TypedDict):
    code: str
    name: str


@with_config(CLOSED)
class Court(TypedDict):
    name: Annotated[str, Field(description="COURTROOM_COURT_NAME; may be empty")]
    time_zone: Annotated[str, Field(description="IANA zone, e.g. Asia/Baku")]
    languages: list[Language]


@with_config(CLOSED)
class CourtList(TypedDict):
    """The courts a clerk can be assigned to: COURTROOM_COURT_NAME and every court a
    hearing is scheduled in (listCourts)."""

    courts: list[str]


@with_config(CLOSED)
class BenchMember(TypedDict):
    username: str
    display_name: str


@with_config(CLOSED)
class Bench(TypedDict):
    """The active judges and clerks a hearing can be scheduled with."""

    judges: list[BenchMember]
    clerks: list[BenchMember]


@with_config(CLOSED)
class InvitedParticipant(TypedDict):
    name: str
    role: Role
    role_label: str


@with_config(CLOSED)
class InvitedHearing(TypedDict):
    case_number: str
    title: str
    court: str
    courtroom: str
    state: HearingState
    scheduled_start: Timestamp | None
    scheduled_end: Timestamp | None


@with_config(CLOSED)
class CourtZone(TypedDict):
    name: str
    time_zone: str


@with_config(CLOSED)
class Invitation(TypedDict):
    """What a join link invites to: who, which case, when, in the court's zone."""

    participant: InvitedParticipant
    hearing: InvitedHearing
    court: CourtZone


@with_config(CLOSED)
class Recording(TypedDict):
    id: str
    hearing_id: str
    started_at: UnixSeconds
    stopped_at: UnixSeconds | None
    duration_s: float | None


@with_config(CLOSED)
class RecordingList(TypedDict):
    recordings: list[Recording]


@with_config(CLOSED)
class ExhibitList(TypedDict):
    """A hearing's exhibit register, each exhibit as the live hearing shows it."""

    exhibits: list[ExhibitView]


# ---- the court protocol -----------------------------------------------------------------


@with_config(CLOSED)
class ProtocolEntry(EntryView):
    """An entry as the protocol's readers see it: where it lies in the hearing's record."""

    hearing_record_ms: Annotated[
        int | None,
        Field(
            description="ms from the start of the hearing's record (its recordings one after "
            "another); null off the record or before it is archived"
        ),
    ]


@with_config(CLOSED)
class ProtocolSignature(TypedDict):
    role: SignerRole
    signer: Annotated[str, Field(description="the staff account, as the audit log names it")]
    digest: Annotated[str, Field(description="SHA-256 of the protocol as signed")]
    signed_at: UnixSeconds


def signature_view(signature: court.protocol.ProtocolSignature) -> ProtocolSignature:
    return {
        "role": signature.role,
        "signer": signature.signer,
        "digest": signature.digest,
        "signed_at": signature.signed_at,
    }


@with_config(CLOSED)
class Protocol(TypedDict):
    """A hearing's court protocol, with who took part and who signed."""

    entries: list[ProtocolEntry]
    signatures: list[ProtocolSignature]
    finalised: Annotated[bool, Field(description="signed by both the judge and the clerk")]
    digest: Annotated[str | None, Field(description="SHA-256 of the entries; null: none")]
    hearing: Hearing
    participants: list[Participant]


@with_config(CLOSED)
class ProtocolCorrection(TypedDict):
    """A correction appended to a signed protocol."""

    entry: EntryView


@with_config(CLOSED)
class ProtocolEntryRevision(TypedDict):
    revision: Annotated[int, Field(ge=1)]
    kind: EntryKind
    speaker_id: str | None
    text: Annotated[str, Field(max_length=MAX_ENTRY_TEXT)]
    record_ms: int | None
    saved_by: Annotated[
        str, Field(description="participant:<id> (<role>), staff:<account> or system")
    ]
    saved_at: Annotated[
        float, Field(description="Unix seconds: the last save folded into this revision")
    ]


def revision_view(revision: court.protocol.ProtocolRevision) -> ProtocolEntryRevision:
    return {
        "revision": revision.revision,
        "kind": revision.kind,
        "speaker_id": revision.speaker_id,
        "text": revision.text,
        "record_ms": revision.record_ms,
        "saved_by": revision.saved_by,
        "saved_at": revision.saved_at,
    }


@with_config(CLOSED)
class ProtocolEntryRevisions(TypedDict):
    entry_id: str
    number: Annotated[int, Field(ge=1)]
    revisions: list[ProtocolEntryRevision]
