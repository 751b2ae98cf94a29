"""Chat between each participant and the clerk (hub and spoke), kept as part of the record."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from court.errors import InvalidRequest, PermissionDenied
from court.event_params import ChatSent
from court.events import CLERK, EventKind, Subject
from court.hearing import Participant
from court.roles import Role
from signaling.live import views
from signaling.live.notices import ChatMessageView, ChatSender
from signaling.live.ports import Audience, EventBus, Feature, Roster
from signaling.live.server_events import ServerEvent

if TYPE_CHECKING:
    from signaling.live.attendance import Attendance
    from signaling.live.hearing import LiveHearing


@dataclass(frozen=True, slots=True)
class ChatMessage:
    id: str
    hearing_id: str
    sender_id: str
    recipient_id: str | None  # None: to the clerk
    text: str
    sent_at: float  # Unix seconds


# Persists one message before anyone is shown it (the server stores it in its database).
ChatStore = Callable[[ChatMessage], Awaitable[None]]


async def not_stored(message: ChatMessage) -> None:
    """For tests and tools that run the signaling layer without a database."""


# How many messages a live hearing keeps to show people who reload the page.
HISTORY_LIMIT = 500


class Chat(Feature):
    """Hub and spoke: each participant writes to the clerk, the clerk to one participant.

    Nobody reads anyone else's conversation except the clerk. Every message is stored (and
    audited) before it is delivered, so a message someone saw is a message on record.
    """

    def __init__(
        self,
        live: LiveHearing,
        store: ChatStore,
        *,
        audience: Audience,
        roster: Roster,
        events: EventBus,
    ) -> None:
        self._live = live
        self._store = store
        self._audience = audience
        self._roster = roster
        self._events = events
        self._history: list[ChatMessage] = []

    async def join_view(self, attendance: Attendance) -> dict[str, Any]:
        return {"chat": self.history_for(attendance)}

    def history_for(self, attendance: Attendance) -> list[ChatMessageView]:
        if attendance.participant.role is Role.CLERK:
            return [self._view(m) for m in self._history]
        return [
            self._view(m) for m in self._history if attendance.id in (m.sender_id, m.recipient_id)
        ]

    def _view(self, message: ChatMessage) -> ChatMessageView:
        sender = self._live.find(message.sender_id)
        card: ChatSender = (
            {"id": message.sender_id}
            if sender is None
            else {**views.participant_view(sender.participant)}
        )
        return {
            "id": message.id,
            "from": card,
            "to": message.recipient_id,
            "text": message.text,
            "sent_at": message.sent_at,
        }

    async def send(self, by: Participant, text: str, to: str | None) -> ChatMessageView:
        live = self._live
        if not text.strip():
            raise InvalidRequest("The message is empty.")
        if by.role is Role.CLERK:
            if to is None:
                raise InvalidRequest("Name the participant the message is for.")
            recipient = self._roster.attendance_of(to)
            if recipient.id == by.id:
                raise InvalidRequest("You cannot write to yourself.")
        elif to is not None:
            raise PermissionDenied("Messages go to the court clerk only.")
        else:
            recipient = None
        message = ChatMessage(
            id=f"msg_{secrets.token_urlsafe(10)}",
            hearing_id=str(live.hearing.id),
            sender_id=str(by.id),
            recipient_id=None if recipient is None else str(recipient.id),
            text=text,
            sent_at=self._live.clock.wall(),
        )
        await self._store(message)
        self._history.append(message)
        del self._history[:-HISTORY_LIMIT]
        view = self._view(message)
        readers = {a.id: a for a in live.attendance.values() if a.participant.role is Role.CLERK}
        sender = live.find(by.id)
        for attendance in (sender, recipient):
            if attendance is not None:
                readers[attendance.id] = attendance
        for attendance in readers.values():
            await self._audience.send(attendance, ServerEvent.CHAT_MESSAGE, {"message": view})
        subject = CLERK if recipient is None else Subject.participant(recipient.id)
        await self._events.publish(
            EventKind.CHAT_MESSAGE, by, subject, ChatSent(message.id, len(text))
        )
        return view
