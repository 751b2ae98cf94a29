"""Our relay under test: the real server process, joined over the signaling protocol.

The publisher and the subscribers are ``signaling.client.ParticipantClient``s, the headless
participants of the integration tests: they speak to the server exactly as browsers do
(Socket.IO ``/hearing``, the server offers, the client answers).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bench.clip import Clip, audio_track, video_track
from bench.measure import ServerProcess, SubscriberStats, free_port, server_process
from bench.observers import BenchCast, prepare_cast, server_env
from bench.target import FrameCounting
from signaling.client import ParticipantClient, ReceivedTrack


class _Participant:
    def __init__(self, client: ParticipantClient, counting: FrameCounting | None) -> None:
        self.client = client
        self.counting = counting

    async def close(self) -> None:
        if self.counting is not None:
            self.counting.close()
        await self.client.close()


class CourtroomTarget:
    name = "courtroom"

    def __init__(self, max_viewers: int) -> None:
        self._max_viewers = max_viewers
        self._secret_key = secrets.token_urlsafe(48)
        self._cast: BenchCast | None = None
        self._publisher: ParticipantClient | None = None

    @asynccontextmanager
    async def server(self, workdir: Path) -> AsyncIterator[ServerProcess]:
        port = free_port()
        env = server_env(workdir / "courtroom-data", port, self._secret_key)
        # Before the server starts, so it sees the participants; again for every server
        # process (the observers are made once, on the first run): fresh tokens never
        # expire mid-benchmark.
        self._cast = await prepare_cast(env, self._max_viewers)
        async with server_process(
            ["-m", "server.cli", "serve"],
            port=port,
            env=env,
            log_path=workdir / f"courtroom-{port}.log",
        ) as server:
            yield server

    def _tokens(self) -> BenchCast:
        if self._cast is None:
            raise RuntimeError("start the server first")
        return self._cast

    async def publish(self, server: ServerProcess, clip: Clip) -> _Participant:
        client = ParticipantClient(
            server.base_url,
            self._tokens().publisher_token,
            audio=audio_track(clip),
            video=video_track(clip),
        )
        participant = _Participant(client, None)
        try:
            data = await client.connect()
            await client.publish()
            # The publisher is the judge: it opens the waiting room, where the viewers
            # (observers) arrive, so that it can admit them (see subscribe).
            if data["hearing"]["state"] == "scheduled":
                await client.command("set_hearing_state", {"state": "open"})
        except BaseException:
            await participant.close()
            raise
        self._publisher = client
        return participant

    async def subscribe(
        self, server: ServerProcess, index: int, stats: SubscriberStats
    ) -> _Participant:
        counting = FrameCounting(stats)

        def on_track(received: ReceivedTrack) -> None:
            counting.on_track(received.track)

        client = ParticipantClient(
            server.base_url, self._tokens().viewer_tokens[index], on_track=on_track
        )
        participant = _Participant(client, counting)
        try:
            data = await client.connect()
            if data["room"]["kind"] == "waiting":
                if self._publisher is None:
                    raise RuntimeError("the publisher (judge) admits the viewers: publish first")
                await self._publisher.command("admit", {"participant_id": client.participant_id})
                await client.wait_until(lambda: client.room_kind == "hearing")
        except BaseException:
            await participant.close()
            raise
        return participant
