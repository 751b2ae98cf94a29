"""What the relay benchmark needs from a relay under test, whichever server it is."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Protocol

from aiortc import MediaStreamTrack

from bench.clip import Clip
from bench.measure import ServerProcess, SubscriberStats, count_frames


class Peer(Protocol):
    """One publisher or subscriber connection of the load process."""

    async def close(self) -> None: ...


class RelayTarget(Protocol):
    """A server process plus the client side that publishes to it and subscribes from it."""

    name: str

    def server(self, workdir: Path) -> AbstractAsyncContextManager[ServerProcess]:
        """Start the server; stop it (by PID) when the block ends."""
        ...

    async def publish(self, server: ServerProcess, clip: Clip) -> Peer:
        """Connect the one publisher, sending the clip's audio and video."""
        ...

    async def subscribe(self, server: ServerProcess, index: int, stats: SubscriberStats) -> Peer:
        """Connect subscriber ``index``, counting what it receives into ``stats``."""
        ...


class FrameCounting:
    """Counts every track a subscriber receives, until closed."""

    def __init__(self, stats: SubscriberStats) -> None:
        self.stats = stats
        self._tasks: set[asyncio.Task[None]] = set()

    def on_track(self, track: MediaStreamTrack) -> None:
        task = asyncio.get_running_loop().create_task(
            count_frames(track, self.stats.counter(track.kind))
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
