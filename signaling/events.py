"""Every Socket.IO event name, spelled once.

Commands (client to server) are imperative, notifications (server to client) are past
tense, negotiation messages are SDP nouns. ``web/js/events.js`` mirrors these values; a
test keeps the two identical.
"""

from __future__ import annotations

from enum import StrEnum

# What the live hearing tells participants is named where the hearing says it; the wire
# edge's catalogue of names includes it (one spelling, two readers).
from signaling.live.server_events import ServerEvent

__all__ = ["NAMESPACE", "ClientEvent", "ServerEvent"]

NAMESPACE = "/hearing"


class ClientEvent(StrEnum):
    JOIN = "join"
    PUBLISH = "publish"
    ANSWER = "answer"
    LEAVE = "leave"
    START_RECORDING = "start_recording"
    STOP_RECORDING = "stop_recording"
    HEARTBEAT = "heartbeat"
    REPORT_DEVICE_CHECK = "report_device_check"
    # The court (judge and clerk).
    SET_HEARING_STATE = "set_hearing_state"
    ADMIT = "admit"
    ADMIT_ALL = "admit_all"
    SEND_TO_WAITING_ROOM = "send_to_waiting_room"
    CALL_WITNESS = "call_witness"
    DISMISS_WITNESS = "dismiss_witness"
    MUTE_PARTICIPANT = "mute_participant"
    REQUEST_UNMUTE = "request_unmute"
    REMOVE_PARTICIPANT = "remove_participant"
    READMIT = "readmit"
    LOCK_HEARING = "lock_hearing"
    LOWER_HAND = "lower_hand"
    SPOTLIGHT = "spotlight"
    OPEN_CONSULTATION = "open_consultation"
    # Any participant.
    SET_MUTED = "set_muted"
    RAISE_HAND = "raise_hand"
    SEND_CHAT = "send_chat"
    WRITE_PROTOCOL_ENTRY = "write_protocol_entry"
    REGISTER_EXHIBIT = "register_exhibit"
    UPDATE_EXHIBIT = "update_exhibit"
    SHOW_EXHIBIT = "show_exhibit"
    CONFIRM_EXHIBIT_OFFER = "confirm_exhibit_offer"
    DISMISS_EXHIBIT_OFFER = "dismiss_exhibit_offer"
    DISMISS_PROTOCOL_SUGGESTION = "dismiss_protocol_suggestion"
    REQUEST_CONSULTATION = "request_consultation"
    RESPOND_CONSULTATION = "respond_consultation"
    END_CONSULTATION = "end_consultation"
    # Whoever may present (publish_screen); the court may also stop anyone's share.
    START_SCREEN_SHARE = "start_screen_share"
    STOP_SCREEN_SHARE = "stop_screen_share"
