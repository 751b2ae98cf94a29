"""The security review's load demonstration (issue 15): one observer link opens and closes 500
connections and sends 10,000 commands while a recorded hearing runs. The hearing's media keeps
flowing to everyone else, and the court protocol and the audit log stay bounded."""

from __future__ import annotations

import asyncio
import time

import socketio

from court.roles import Role
from signaling.client import ParticipantClient
from signaling.events import NAMESPACE, ClientEvent, ServerEvent
from signaling.limits import JOINS
from tests.signaling.conftest import HearingServer
from tests.signaling.helpers import frames_from
from tests.support.media import ColourCamera, ToneTrack

CONNECTIONS = 500
COMMANDS = 10_000
PER_CONNECTION = COMMANDS // CONNECTIONS  # 20 commands, sent without waiting for answers
# What the attacker asks for, in turn: the court's commands an observer may not give, and the
# tighter-limited ones it may.
ASKS: tuple[tuple[str, dict[str, object]], ...] = (
    (ClientEvent.ADMIT, {"participant_id": "par_x"}),
    (ClientEvent.RAISE_HAND, {"raised": True}),
    (ClientEvent.SEND_CHAT, {"text": "flood"}),
    (ClientEvent.SET_HEARING_STATE, {"state": "closed"}),
    (ClientEvent.HEARTBEAT, {}),
)


class Attack:
    """One observer link, opened and closed in a loop, each connection joining and pressing."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.connected = self.refused = self.sent = 0
        self.answers: dict[str, int] = {}  # the join's answer: "ok" or the error's code

    async def run(self) -> None:
        for _ in range(CONNECTIONS):
            client = socketio.AsyncClient(reconnection=False)
            try:
                await client.connect(
                    self.url,
                    namespaces=[NAMESPACE],
                    auth={"token": self.token},
                    transports=["websocket"],
                    wait_timeout=5,
                )
            except socketio.exceptions.ConnectionError:
                self.refused += 1
                continue
            self.connected += 1
            try:
                await self._press(client)
            except (socketio.exceptions.BadNamespaceError, socketio.exceptions.TimeoutError):
                pass  # the server closed this connection for pressing: the next one
            finally:
                await client.disconnect()

    async def _press(self, client: socketio.AsyncClient) -> None:
        """Join, then the rest of this connection's commands without waiting, then one more
        that is waited for, so the server has handled them all before the next connection."""
        answer = await client.call(ClientEvent.JOIN, {}, namespace=NAMESPACE, timeout=5)
        self.sent += 1
        code = "ok" if answer.get("ok") else str(answer.get("error", {}).get("code"))
        self.answers[code] = self.answers.get(code, 0) + 1
        for n in range(PER_CONNECTION - 2):
            event, payload = ASKS[n % len(ASKS)]
            await client.emit(event, payload, namespace=NAMESPACE)
            self.sent += 1
        await client.call(ClientEvent.HEARTBEAT, {}, namespace=NAMESPACE, timeout=5)
        self.sent += 1


async def _count(
    client: ParticipantClient, participant_id: str, kind: str, into: list[float]
) -> None:
    """Note the arrival time of every frame ``client`` gets from ``participant_id``."""
    track = client.tracks_of(participant_id)[kind].track
    while True:
        await track.recv()
        into.append(time.monotonic())


def _rate(arrivals: list[float], start: float, end: float) -> float:
    return len([t for t in arrivals if start <= t <= end]) / (end - start)


async def test_500_connections_and_10000_commands_from_one_link_leave_the_hearing_as_it_was(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, video=ColourCamera())
    await judge.publish()
    defendant = await hearing_server.join(Role.DEFENDANT, audio=ToneTrack(440.0))
    await defendant.publish()
    prosecutor = await hearing_server.join(Role.PROSECUTOR)
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    await judge.wait_until(lambda: bool(judge.received(ServerEvent.RECORDING_STARTED)))
    await frames_from(prosecutor, judge.participant_id, "video", 10)
    await frames_from(prosecutor, defendant.participant_id, "audio", 10)

    video: list[float] = []
    audio: list[float] = []
    counters = [
        asyncio.create_task(_count(prosecutor, judge.participant_id, "video", video)),
        asyncio.create_task(_count(prosecutor, defendant.participant_id, "audio", audio)),
    ]
    await asyncio.sleep(2.0)
    quiet = (time.monotonic() - 2.0, time.monotonic())
    entries_before = len(await hearing_server.protocol.of_hearing(hearing_server.hearing_id))
    audited_before = len(hearing_server.audited)

    attack = Attack(hearing_server.url, hearing_server.token(Role.OBSERVER, "Flooding observer"))
    began = time.monotonic()
    await attack.run()
    under_attack = (began, time.monotonic())
    await asyncio.sleep(1.0)  # the last refusals and closings land
    for counter in counters:
        counter.cancel()

    entries = await hearing_server.protocol.of_hearing(hearing_server.hearing_id)
    new_audit = hearing_server.audited[audited_before:]
    rates = {
        name: (round(_rate(arrivals, *quiet), 1), round(_rate(arrivals, *under_attack), 1))
        for arrivals, name in ((video, "video"), (audio, "audio"))
    }
    print(  # what the run measured, for the log
        f"{attack.connected} connections, {attack.refused} refused, {attack.sent} commands "
        f"(joins answered {attack.answers}) in "
        f"{under_attack[1] - under_attack[0]:.1f} s; frames/s before and during: {rates}; "
        f"protocol +{len(entries) - entries_before}, audit +{len(new_audit)}"
    )
    # The attack happened as the review describes it.
    assert attack.connected + attack.refused == CONNECTIONS
    assert attack.sent >= COMMANDS // 2, (attack.sent, attack.connected, attack.refused)
    # Of its 500 joins, the participant's budget let through the burst and one per six seconds.
    took = under_attack[1] - under_attack[0]
    assert attack.answers.get("ok", 0) <= JOINS.burst + int(took * JOINS.per_second) + 1
    assert set(attack.answers) <= {"ok", "rate_limited"}, attack.answers
    # Everyone else's media flowed at the rate it flowed before: within a fifth.
    for arrivals, name in ((video, "video"), (audio, "audio")):
        before, during = _rate(arrivals, *quiet), _rate(arrivals, *under_attack)
        assert during >= 0.8 * before, (name, before, during)
    # The court protocol gained at most the observer's one presence line, whatever it sent;
    # the audit log a bounded count of refusals (counted, not each audited).
    assert len(entries) - entries_before <= 2, [e.text for e in entries[entries_before:]]
    assert len(new_audit) <= 60, len(new_audit)
    # The hearing goes on: the court still commands it, and it is still being recorded.
    assert (await judge.command(ClientEvent.HEARTBEAT, {})) is not None
    assert not judge.received(ServerEvent.RECORDING_STOPPED)
