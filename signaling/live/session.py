"""One connected participant: their socket, peer connection and negotiation."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from court.hearing import Hearing, Participant
from media.consumer import Consumer
from media.transport import Transport
from signaling.live.negotiator import Negotiator


@dataclass(eq=False)
class Session:
    """A participant's presence in a live hearing through one Socket.IO connection.

    ``lock`` serializes the participant's commands: python-socketio runs every event in its
    own task, and a ``leave`` must not interleave with the ``publish`` sent just before it.
    """

    sid: str
    hearing: Hearing
    participant: Participant
    # Set when a judge or clerk joined from their staff session (court.hearing.JoinGrant).
    staff_session: str | None = None
    staff_account: str | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    transport: Transport | None = None
    negotiator: Negotiator | None = None
    consumers: dict[str, Consumer] = field(default_factory=dict)  # producer id -> consumer
    joined: bool = False
    closed: bool = False
