"""The court sees a participant's loss (issue 16): a headless aiortc participant on a link
that drops 5 % of packets each way (iptables ``statistic``, tests/network/topology.py), the
clerk on a clean one, and the relay's own measurement (``connection_quality_measured``,
media/link_quality.py) must find about 5 % lost each way and call the connection poor.

The figures are written to ``E2E_SHOTS_DIR/link-quality-loss-5.json`` for the record.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from court.roles import Role
from signaling.client import ParticipantClient
from signaling.live.features.connection_quality import QUALITY_INTERVAL_S
from signaling.live.server_events import ServerEvent
from tests.e2e.harness import ROOT, SHOTS_FOR_REVIEW, Server
from tests.network.topology import LossyLink
from tests.support.media import ColourCamera, ToneTrack

pytestmark = pytest.mark.timeout(180)

LOSS = 0.05
MEASUREMENTS = 5  # with the loss on, after the one that straddles its start
PARTY = Role.DEFENDANT.value
PARTICIPANT_SECONDS = 150.0  # longer than the test: it is stopped when the test is done


def measurements(clerk: ParticipantClient, participant_id: str) -> list[dict[str, Any]]:
    return [
        entry
        for notice in clerk.received(ServerEvent.CONNECTION_QUALITY_MEASURED)
        for entry in notice["participants"]
        if entry["participant_id"] == participant_id
        and entry["loss_up"] is not None
        and entry["loss_down"] is not None
    ]


def waiting_party(clerk: ParticipantClient) -> str | None:
    for roster in reversed(clerk.received(ServerEvent.ROSTER_CHANGED)):
        for entry in roster["roster"]:
            if entry["role"] == PARTY and entry["room"]["kind"] == "waiting":
                return str(entry["id"])
    return None


def test_the_court_sees_the_loss_of_a_participant_on_a_lossy_link(
    plain_server: Server, lossy_link: LossyLink
) -> None:
    # On a thread of its own: this package's browser tests keep Playwright's event loop
    # running on the main thread.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, _the_court_sees_the_loss(plain_server, lossy_link)).result()


async def _the_court_sees_the_loss(plain_server: Server, lossy_link: LossyLink) -> None:
    clerk = ParticipantClient(
        plain_server.url,
        plain_server.links[Role.CLERK.value]["token"],
        audio=ToneTrack(),
        video=ColourCamera(fps=15),
    )
    party = await asyncio.create_subprocess_exec(
        "ip", "netns", "exec", lossy_link.namespace, sys.executable, "-m",
        "tests.network.participant", plain_server.url, plain_server.links[PARTY]["token"],
        str(PARTICIPANT_SECONDS), "direct", "stay",
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await clerk.connect()
        await clerk.publish()
        if clerk.join_data["hearing"]["state"] == "scheduled":
            await clerk.command("set_hearing_state", {"state": "open"})
        await clerk.wait_until(lambda: waiting_party(clerk) is not None, within_s=30)
        party_id = waiting_party(clerk)
        assert party_id is not None
        await clerk.command("admit", {"participant_id": party_id})

        await clerk.wait_until(
            lambda: len(measurements(clerk, party_id)) >= 2, within_s=10 * QUALITY_INTERVAL_S
        )
        baseline = measurements(clerk, party_id)[-1]
        lossy_link.lose(LOSS)
        try:
            start = len(measurements(clerk, party_id)) + 1  # the next one straddles the start
            await clerk.wait_until(
                lambda: len(measurements(clerk, party_id)) >= start + MEASUREMENTS,
                within_s=(MEASUREMENTS + 10) * QUALITY_INTERVAL_S,
            )
            dropped = lossy_link.dropped()
        finally:
            lossy_link.lose(0)
        impaired = measurements(clerk, party_id)[start : start + MEASUREMENTS]
    finally:
        await clerk.close()
        if party.returncode is None:
            party.terminate()
        _, errors = await party.communicate()

    loss_up = statistics.mean(m["loss_up"] for m in impaired)
    loss_down = statistics.mean(m["loss_down"] for m in impaired)
    report = {
        "loss": LOSS,
        "dropped_packets": dropped,
        "baseline": baseline,
        "impaired": impaired,
        "mean_loss_up": loss_up,
        "mean_loss_down": loss_down,
    }
    SHOTS_FOR_REVIEW.mkdir(parents=True, exist_ok=True)
    (SHOTS_FOR_REVIEW / "link-quality-loss-5.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    assert dropped > 0, errors.decode(errors="replace")[-2000:]
    # Before the loss: a clean link.
    assert baseline["loss_up"] <= 0.01 and baseline["loss_down"] <= 0.01, report
    # With it: about 5 % each way, as the relay counts first arrivals (uplink) and as the
    # participant's receiver reports say (downlink), and the court is told it is poor.
    assert 0.02 <= loss_up <= 0.10, report
    assert 0.02 <= loss_down <= 0.10, report
    poor = [m["grade"] for m in impaired if m["grade"] != "good"]
    assert len(poor) * 2 >= len(impaired), report
