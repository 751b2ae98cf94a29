"""The live hearings' chat as stored: each message written before anyone is shown it.

``ChatRepository.add`` is the server's ``signaling.live.features.chat.ChatStore``. Times
are kept as UTC timestamps with microsecond precision: ``sent_at`` comes back as the Unix
seconds it went in, to the microsecond.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from court.errors import InvalidRequest
from server.persistence.models import ChatMessageRow
from server.persistence.repositories.hearings import aware
from signaling.live.features.chat import ChatMessage
from signaling.messages import MAX_CHAT_LENGTH

MAX_ID_LENGTH = 40  # the width of the id columns


def _check(message: ChatMessage) -> None:
    # Signaling validates what participants send; this guards the table's own limits, so
    # that SQLite and PostgreSQL (which refuses NUL in text and over-long strings) agree.
    if not 1 <= len(message.text) <= MAX_CHAT_LENGTH:
        raise InvalidRequest(f"text: must be 1 to {MAX_CHAT_LENGTH} characters long")
    if "\x00" in message.text:
        raise InvalidRequest("text: must not contain NUL characters")
    for name in ("id", "hearing_id", "sender_id", "recipient_id"):
        value = getattr(message, name)
        if value is not None and not 1 <= len(value) <= MAX_ID_LENGTH:
            raise InvalidRequest(f"{name}: must be 1 to {MAX_ID_LENGTH} characters long")


def to_row(message: ChatMessage) -> ChatMessageRow:
    return ChatMessageRow(
        id=message.id,
        hearing_id=message.hearing_id,
        sender_id=message.sender_id,
        recipient_id=message.recipient_id,
        text=message.text,
        sent_at=datetime.fromtimestamp(message.sent_at, UTC),
    )


def to_message(row: ChatMessageRow) -> ChatMessage:
    return ChatMessage(
        id=row.id,
        hearing_id=row.hearing_id,
        sender_id=row.sender_id,
        recipient_id=row.recipient_id,
        text=row.text,
        sent_at=(aware(row.sent_at) or row.sent_at).timestamp(),
    )


class ChatRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def add(self, message: ChatMessage) -> None:
        """Store ``message``; IntegrityError if its id is taken or its hearing does not exist."""
        _check(message)
        row = to_row(message)
        async with self._sessions.begin() as session:
            session.add(row)

    async def list_for_hearing(
        self, hearing_id: str, *, limit: int = 500, offset: int = 0
    ) -> list[ChatMessage]:
        """The hearing's messages in the order they were sent (ties broken by id)."""
        query = (
            select(ChatMessageRow)
            .where(ChatMessageRow.hearing_id == hearing_id)
            .order_by(ChatMessageRow.sent_at, ChatMessageRow.id)
            .limit(limit)
            .offset(offset)
        )
        async with self._sessions() as session:
            return [to_message(r) for r in await session.scalars(query)]
