"""JSON views of court objects, as the REST API, webhooks and the OpenAPI document show them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from court.hearing import Hearing, Participant
from server.persistence.repositories import JoinLinkRecord
from signaling.live.features.chat import ChatMessage


def timestamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def hearing_view(hearing: Hearing) -> dict[str, Any]:
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
        "state": hearing.state.value,
    }


def participant_view(participant: Participant) -> dict[str, Any]:
    return {
        "id": participant.id,
        "hearing_id": participant.hearing_id,
        "name": participant.name,
        "role": participant.role.value,
        "role_label": participant.role.label,
        "represents": participant.represents,
        "in_custody": participant.in_custody,
    }


def link_view(record: JoinLinkRecord, now: datetime) -> dict[str, Any]:
    return {
        "id": record.id,
        "hearing_id": record.hearing_id,
        "participant_id": record.participant_id,
        "role": record.role.value,
        "issued_at": timestamp(record.issued_at),
        "issued_by": record.issued_by,
        "expires_at": timestamp(record.expires_at),
        "revoked_at": timestamp(record.revoked_at),
        "revoked_by": record.revoked_by,
        "active": record.active(now),
    }


def chat_message_view(message: ChatMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "hearing_id": message.hearing_id,
        "sender_id": message.sender_id,
        "recipient_id": message.recipient_id,  # None: to the clerk
        "text": message.text,
        "sent_at": timestamp(datetime.fromtimestamp(message.sent_at, UTC)),
    }
