"""Offer/answer with one endpoint, one exchange at a time, driven by the relay."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from court.errors import InvalidState
from media.transport import NegotiationError, SessionOffer, Transport, TransportClosed
from signaling.live.notices import Offer

logger = logging.getLogger(__name__)

SendOffer = Callable[[Offer], Awaitable[None]]
Failed = Callable[[str], Awaitable[None]]


class Negotiator:
    """Keeps one participant's peer connection in step with what it should send and receive.

    Changes (a join, a leave, a publish) only mark the transport dirty; one task per
    participant then offers, waits for the matching ``answer`` command and repeats while
    anything is still unnegotiated. Bursts of changes therefore cost one exchange, and two
    offers are never outstanding at once.
    """

    def __init__(
        self,
        transport: Transport,
        send_offer: SendOffer,
        on_failed: Failed,
        timeout_s: float,
    ) -> None:
        self._transport = transport
        self._send_offer = send_offer
        self._on_failed = on_failed
        self._timeout_s = timeout_s
        self._revision = 0
        self._answers: asyncio.Queue[tuple[int, str, asyncio.Future[None]]] = asyncio.Queue()
        self._dirty = False
        self._task: asyncio.Task[None] | None = None
        self._awaiting: int | None = None

    def request(self) -> None:
        """Schedule a negotiation (coalesced with any already scheduled)."""
        self._dirty = True
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def submit_answer(self, revision: int, sdp: str) -> None:
        """Hand the endpoint's answer to the running exchange; raises if it is refused."""
        if self._awaiting is None:
            raise InvalidState("there is no outstanding offer to answer")
        if revision != self._awaiting:
            raise InvalidState(f"offer {revision} is stale; the current offer is {self._awaiting}")
        applied: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._answers.put((revision, sdp, applied))
        await applied

    async def close(self) -> None:
        # The task itself closes us when a failed negotiation drops its participant.
        if self._task is asyncio.current_task():
            return
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        try:
            while self._dirty and not self._transport.is_closed:
                self._dirty = False
                if not self._transport.needs_negotiation():
                    continue
                await self._exchange(await self._transport.create_offer())
        except TransportClosed:
            logger.debug("negotiation with %s ended: transport closed", self._transport.endpoint_id)
        except NegotiationError as exc:
            logger.warning("negotiation with %s failed: %s", self._transport.endpoint_id, exc)
            await self._on_failed(str(exc))
        finally:
            self._awaiting = None

    async def _exchange(self, offer: SessionOffer) -> None:
        self._revision += 1
        self._awaiting = self._revision
        await self._send_offer(
            {
                "revision": self._revision,
                "type": "offer",
                "sdp": offer.sdp,
                "publish": offer.publish,
                "tracks": {
                    mid: {"participant_id": endpoint, "kind": kind, "source": source}
                    for mid, (endpoint, kind, source) in offer.tracks.items()
                },
            }
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout_s
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise NegotiationError(f"no valid answer to offer {self._revision} in time")
            try:
                async with asyncio.timeout(remaining):
                    revision, sdp, applied = await self._answers.get()
            except TimeoutError:
                continue
            if revision != self._revision:
                applied.set_exception(InvalidState(f"offer {revision} is stale"))
                continue
            try:
                await self._transport.apply_answer(sdp)
            except NegotiationError as exc:
                # The offer stays outstanding: the endpoint may answer again before the deadline.
                applied.set_exception(exc)
                continue
            applied.set_result(None)
            self._awaiting = None
            return
