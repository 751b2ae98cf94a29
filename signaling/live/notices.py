"""Every shape the live hearing sends: each notification's payload, the join acknowledgement,
and the views they are made of, as typed dictionaries.

One declaration per wire shape. mypy checks the code that builds them (the views return
these types); ``NOTICES`` names each notification's payload, from which the browser's JSDoc
types (``web/js/lib/wire-types.js``) and the notifications' part of ``SIGNALING.md`` are
generated (server/web_types.py), and against which the signaling tests check every
notification and acknowledgement a real hearing sends (tests/signaling/conftest.py), unknown
fields included: a shape that drifts fails a test, not a page.

They are ``TypedDict`` rather than models: a notification is built once per recipient on the
event loop, and a dictionary costs nothing to check at run time that mypy has checked already.
``typing_extensions.TypedDict`` because pydantic reads its schema (Python 3.11's has no
``__required_keys__`` it can trust for ``NotRequired``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal, NotRequired

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from signaling.live.server_events import ServerEvent

# A key the type does not name is an error where the tests check the wire.
_CLOSED = ConfigDict(extra="forbid")

# ---- the views notifications are made of ------------------------------------------------


@with_config(_CLOSED)
class ParticipantCard(TypedDict):
    """Who someone is: a chat message's sender, and the base of every participant view."""

    id: str
    name: str
    role: str
    role_label: str


@with_config(_CLOSED)
class ParticipantView(ParticipantCard):
    """A participant as their room sees them now."""

    hand_raised: bool
    muted: bool
    muted_by_court: bool
    sharing_screen: bool  # in the hearing room; a consultation's share is not the court's


@with_config(_CLOSED)
class SelfView(ParticipantView):
    """The joiner's own view, with what their role permits (court.permissions)."""

    permissions: list[str]


@with_config(_CLOSED)
class RoomView(TypedDict):
    id: str
    kind: Literal["waiting", "hearing", "consultation"]
    label: str
    consultation_id: str | None


@with_config(_CLOSED)
class HearingView(TypedDict):
    id: str
    case_number: str
    title: str
    state: str
    state_label: str


@with_config(_CLOSED)
class RunningRecordingView(TypedDict):
    id: str
    started_at: float  # Unix seconds


@with_config(_CLOSED)
class StoppedRecordingView(TypedDict):
    id: str
    started_at: float
    duration_s: float | None  # None: the recording has no length on record


@with_config(_CLOSED)
class RosterEntry(ParticipantView):
    """A participant as the court sees them: where they are and how they are connected."""

    room: RoomView
    connection: Literal["connected", "connection_lost", "disconnected"]
    device_check: dict[str, Literal["ok", "failed", "skipped"]] | None
    waiting_since: float | None  # Unix seconds, while in the waiting room
    removed: bool


@with_config(_CLOSED)
class ConsultationView(TypedDict):
    id: str
    state: Literal["requested", "active", "ended"]
    requested_by: str
    participant_ids: list[str]
    accepted_ids: list[str]


@with_config(_CLOSED)
class RosterView(TypedDict):
    """The court's roster (``roster_changed``; the court's join acknowledgement)."""

    roster: list[RosterEntry]
    observers: int  # observers watching in the hearing room
    locked: bool
    spotlight: str | None
    consultations: list[ConsultationView]


@with_config(_CLOSED)
class ChatSender(TypedDict):
    """A message's sender: only the id once they have left the hearing."""

    id: str
    name: NotRequired[str]
    role: NotRequired[str]
    role_label: NotRequired[str]


# "from" is a Python keyword: a key only the functional form can declare.
ChatMessageView = TypedDict(
    "ChatMessageView",
    {
        "id": str,
        "from": ChatSender,
        "to": str | None,  # None: to the clerk
        "text": str,
        "sent_at": float,  # Unix seconds
    },
)
ChatMessageView.__pydantic_config__ = _CLOSED  # type: ignore[attr-defined]


@with_config(_CLOSED)
class EntryView(TypedDict):
    """A court protocol entry (court.protocol.ProtocolEntry)."""

    id: str
    number: int
    kind: str
    recording_id: str | None
    record_ms: int | None
    speaker_id: str | None
    text: str
    author: str
    automatic: bool
    created_at: float
    updated_at: float
    revisions: int
    # What the system wrote the entry from (kind and parameters), for a page that words it in
    # its own language; ``text`` is it in English.
    event: dict[str, Any] | None


@with_config(_CLOSED)
class ShowingView(TypedDict):
    shown_by: str | None
    recording_id: str | None
    start_ms: int | None
    end_ms: int | None
    ended: bool


@with_config(_CLOSED)
class ExhibitView(TypedDict):
    id: str
    number: int
    description: str
    offered_by: str | None
    status: Literal["offered", "admitted", "excluded"]
    on_screen: bool
    showings: list[ShowingView]
    created_at: float
    updated_at: float


@with_config(_CLOSED)
class ExhibitOfferView(TypedDict):
    """A screen shared with no exhibit marked: offered to the bench, in the register only once
    the bench confirms it (``confirm_exhibit_offer``); ``showing`` is the share's."""

    id: str
    shared_by: str
    showing: ShowingView
    state: Literal["pending", "registered", "dismissed"]
    exhibit_id: str | None  # the exhibit it became, once registered


@with_config(_CLOSED)
class SuggestionView(TypedDict):
    """What speech to text heard: a draft entry the bench may accept."""

    id: str
    speaker_id: str
    recording_id: str
    record_ms: int
    end_ms: int
    text: str
    created_at: float


@with_config(_CLOSED)
class SpeechView(TypedDict):
    enabled: bool
    note: str
    suggestions: list[SuggestionView]


@with_config(_CLOSED)
class OfferedTrack(TypedDict):
    participant_id: str
    kind: str
    source: str


# ---- the notifications' payloads -----------------------------------------------------------


@with_config(_CLOSED)
class Nothing(TypedDict):
    """A notification that is news by itself."""


@with_config(_CLOSED)
class ParticipantNotice(TypedDict):
    participant: ParticipantView


@with_config(_CLOSED)
class ParticipantLeft(TypedDict):
    participant_id: str
    reason: str


@with_config(_CLOSED)
class RecordingStarted(TypedDict):
    recording: RunningRecordingView


@with_config(_CLOSED)
class RecordingStopped(TypedDict):
    recording: StoppedRecordingView


@with_config(_CLOSED)
class HearingStateChanged(TypedDict):
    hearing: HearingView
    reason: str


@with_config(_CLOSED)
class RoomChanged(TypedDict):
    room: RoomView
    participants: list[ParticipantView]
    reason: str
    spotlight: str | None


@with_config(_CLOSED)
class Because(TypedDict):
    reason: str


@with_config(_CLOSED)
class Removed(TypedDict):
    reason: str
    released: NotRequired[bool]  # a witness the court released
    # Not a removal by the court in the hearing: the link was withdrawn, or the hearing
    # cancelled, outside it (the API or the console).
    cause: NotRequired[Literal["link_withdrawn", "hearing_cancelled"]]


@with_config(_CLOSED)
class SessionReplaced(TypedDict):
    """This page's participant joined from another page, which took over: ``taken_over``
    when a bench member confirmed it there (the bench is never replaced unasked),
    ``reopened`` when a party opened their link again."""

    cause: Literal["taken_over", "reopened"]


@with_config(_CLOSED)
class SpotlightChanged(TypedDict):
    participant_id: str | None


@with_config(_CLOSED)
class LockChanged(TypedDict):
    locked: bool


@with_config(_CLOSED)
class ChatMessageNotice(TypedDict):
    message: ChatMessageView


@with_config(_CLOSED)
class ProtocolEntryNotice(TypedDict):
    entry: EntryView


@with_config(_CLOSED)
class ActiveSpeakerChanged(TypedDict):
    participant_id: str | None
    recording_id: str | None
    record_ms: int


@with_config(_CLOSED)
class ExhibitChanged(TypedDict):
    exhibit: ExhibitView


@with_config(_CLOSED)
class ExhibitOfferChanged(TypedDict):
    offer: ExhibitOfferView


@with_config(_CLOSED)
class SuggestionNotice(TypedDict):
    suggestion: SuggestionView


@with_config(_CLOSED)
class SuggestionResolved(TypedDict):
    suggestion_id: str
    accepted: bool


@with_config(_CLOSED)
class ConsultationNotice(TypedDict):
    consultation: ConsultationView


@with_config(_CLOSED)
class ConsultationEndedNotice(TypedDict):
    consultation: ConsultationView
    reason: str


@with_config(_CLOSED)
class RecordingFailed(TypedDict):
    message: str


@with_config(_CLOSED)
class ScreenShareStarted(TypedDict):
    participant_id: str


@with_config(_CLOSED)
class ScreenShareStopped(TypedDict):
    participant_id: str
    reason: str


@with_config(_CLOSED)
class VideoHoldChanged(TypedDict):
    """To the court: a publisher's video went over the court's cap and is held back (neither
    forwarded nor recorded until it fits again), or has been within it for a while."""

    participant_id: str
    name: str
    held: bool
    max_video_kbps: int  # the cap (COURTROOM_MEDIA_MAX_VIDEO_KBPS), camera and screen together


@with_config(_CLOSED)
class LinkQualityView(TypedDict):
    """One participant's connection as the relay measured it over the last few seconds
    (media.link_quality): up is from the participant to the court, down to them."""

    participant_id: str
    path: Literal["direct", "relayed"] | None  # relayed: through TURN; None: not yet connected
    round_trip_ms: int | None  # None until they report on media the relay sends them
    loss_up: float | None  # a fraction (0.05 is 5 %); None: too few packets to tell
    loss_down: float | None
    kbit_s_up: int
    kbit_s_down: int
    grade: Literal["good", "poor", "bad"]


@with_config(_CLOSED)
class ConnectionQualityMeasured(TypedDict):
    """To the court, every few seconds: each participant's connection, observers aside."""

    participants: list[LinkQualityView]


@with_config(_CLOSED)
class Offer(TypedDict):
    """The server's SDP offer (signaling.live.negotiator): answer it with ``answer``."""

    revision: int
    type: Literal["offer"]
    sdp: str
    # By source (microphone, camera, screen): the mid it is sent on; None: not asked for.
    publish: dict[str, str | None]
    tracks: dict[str, OfferedTrack]  # by mid: whose track each receiving transceiver carries


@with_config(_CLOSED)
class IceServer(TypedDict):
    urls: list[str]
    username: str
    credential: str


@with_config(_CLOSED)
class IceConfiguration(TypedDict):
    """How a page's peer connection reaches the relay (TURN credentials: signaling/turn.py)."""

    ice_servers: list[IceServer]
    ice_transport_policy: Literal["all", "relay"]  # "relay": through TURN only


@with_config(_CLOSED)
class HearingJoined(TypedDict):
    """What the live hearing tells a joiner: everything a page needs to draw the hearing."""

    participant: SelfView
    hearing: HearingView
    room: RoomView
    participants: list[ParticipantView]  # the others present in the joiner's room
    recording: RunningRecordingView | None
    locked: bool
    spotlight: str | None
    rejoined: bool  # a reload or reconnect that restored a room other than the waiting room
    replaced_previous: bool  # a page with the same link was open and was closed
    # What the features tell a joiner (signaling.live.ports.Feature.join_view):
    chat: list[ChatMessageView]  # the joiner's conversations (all of them, for the clerk)
    protocol: list[EntryView]  # for those who write it; empty for everyone else
    exhibits: list[ExhibitView]  # the same
    exhibit_offers: list[ExhibitOfferView]  # the same: screens offered, still pending
    speech_to_text: SpeechView  # the same
    consultations: list[ConsultationView]  # those the joiner is in
    active_speaker: str | None
    roster: RosterView | None  # for the court, so no roster_changed is missed while joining


@with_config(_CLOSED)
class JoinAck(HearingJoined, IceConfiguration):
    """The data of ``join``'s acknowledgement: the hearing, and how to reach its relay."""


NOTICES: Final[Mapping[ServerEvent, type]] = {
    ServerEvent.PARTICIPANT_JOINED: ParticipantNotice,
    ServerEvent.PARTICIPANT_LEFT: ParticipantLeft,
    ServerEvent.RECORDING_STARTED: RecordingStarted,
    ServerEvent.RECORDING_STOPPED: RecordingStopped,
    ServerEvent.PARTICIPANT_UPDATED: ParticipantNotice,
    ServerEvent.HEARING_STATE_CHANGED: HearingStateChanged,
    ServerEvent.ROOM_CHANGED: RoomChanged,
    ServerEvent.ROSTER_CHANGED: RosterView,
    ServerEvent.MUTED: Because,
    ServerEvent.UNMUTE_REQUESTED: Nothing,
    ServerEvent.REMOVED: Removed,
    ServerEvent.SESSION_REPLACED: SessionReplaced,
    ServerEvent.SPOTLIGHT_CHANGED: SpotlightChanged,
    ServerEvent.LOCK_CHANGED: LockChanged,
    ServerEvent.CHAT_MESSAGE: ChatMessageNotice,
    ServerEvent.PROTOCOL_ENTRY: ProtocolEntryNotice,
    ServerEvent.ACTIVE_SPEAKER_CHANGED: ActiveSpeakerChanged,
    ServerEvent.EXHIBIT_CHANGED: ExhibitChanged,
    ServerEvent.EXHIBIT_OFFER_CHANGED: ExhibitOfferChanged,
    ServerEvent.PROTOCOL_SUGGESTION: SuggestionNotice,
    ServerEvent.PROTOCOL_SUGGESTION_RESOLVED: SuggestionResolved,
    ServerEvent.CONSULTATION_REQUESTED: ConsultationNotice,
    ServerEvent.CONSULTATION_STARTED: ConsultationNotice,
    ServerEvent.CONSULTATION_ENDED: ConsultationEndedNotice,
    ServerEvent.RECORDING_FAILED: RecordingFailed,
    ServerEvent.SCREEN_SHARE_STARTED: ScreenShareStarted,
    ServerEvent.SCREEN_SHARE_STOPPED: ScreenShareStopped,
    ServerEvent.VIDEO_HOLD_CHANGED: VideoHoldChanged,
    ServerEvent.CONNECTION_QUALITY_MEASURED: ConnectionQualityMeasured,
    ServerEvent.OFFER: Offer,
}
