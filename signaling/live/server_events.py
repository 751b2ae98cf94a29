"""What the live hearing tells participants: every notification's Socket.IO event name.

Notifications are past tense (a thing happened); ``offer`` is the negotiation's SDP noun.
The edge's catalogue (signaling.events) includes these, and ``web/js/events.js`` mirrors
them; a test keeps the two identical.
"""

from __future__ import annotations

from enum import StrEnum


class ServerEvent(StrEnum):
    PARTICIPANT_JOINED = "participant_joined"
    PARTICIPANT_LEFT = "participant_left"
    RECORDING_STARTED = "recording_started"
    RECORDING_STOPPED = "recording_stopped"
    PARTICIPANT_UPDATED = "participant_updated"
    HEARING_STATE_CHANGED = "hearing_state_changed"
    ROOM_CHANGED = "room_changed"
    ROSTER_CHANGED = "roster_changed"
    MUTED = "muted"
    UNMUTE_REQUESTED = "unmute_requested"
    REMOVED = "removed"
    SESSION_REPLACED = "session_replaced"
    SPOTLIGHT_CHANGED = "spotlight_changed"
    LOCK_CHANGED = "lock_changed"
    CHAT_MESSAGE = "chat_message"
    PROTOCOL_ENTRY = "protocol_entry"
    ACTIVE_SPEAKER_CHANGED = "active_speaker_changed"
    EXHIBIT_CHANGED = "exhibit_changed"
    EXHIBIT_OFFER_CHANGED = "exhibit_offer_changed"
    PROTOCOL_SUGGESTION = "protocol_suggestion"
    PROTOCOL_SUGGESTION_RESOLVED = "protocol_suggestion_resolved"
    CONSULTATION_REQUESTED = "consultation_requested"
    CONSULTATION_STARTED = "consultation_started"
    CONSULTATION_ENDED = "consultation_ended"
    RECORDING_FAILED = "recording_failed"
    SCREEN_SHARE_STARTED = "screen_share_started"
    SCREEN_SHARE_STOPPED = "screen_share_stopped"
    VIDEO_HOLD_CHANGED = "video_hold_changed"
    CONNECTION_QUALITY_MEASURED = "connection_quality_measured"
    OFFER = "offer"
