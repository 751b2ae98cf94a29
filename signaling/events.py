"""Every Socket.IO event name, spelled once.

Commands (client to server) are imperative, notifications (server to client) are past
tense, negotiation messages are SDP nouns. ``web/js/events.js`` mirrors these values; a
test keeps the two identical.
"""

from __future__ import annotations

from enum import StrEnum

NAMESPACE = "/hearing"


class ClientEvent(StrEnum):
    JOIN = "join"
    PUBLISH = "publish"
    ANSWER = "answer"
    LEAVE = "leave"
    START_RECORDING = "start_recording"
    STOP_RECORDING = "stop_recording"


class ServerEvent(StrEnum):
    PARTICIPANT_JOINED = "participant_joined"
    PARTICIPANT_LEFT = "participant_left"
    RECORDING_STARTED = "recording_started"
    RECORDING_STOPPED = "recording_stopped"
    OFFER = "offer"
