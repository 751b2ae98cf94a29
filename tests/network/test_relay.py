"""Participants whose network blocks UDP take part through TURN over TLS.

Chromium and a headless aiortc participant both run in the firewalled namespace (only TCP to
coturn's TLS port and to the web port gets out) with the ICE servers of their join acks and
the relay policy: each sees and hears the other through the relay, and each one's selected
ICE pair is a relay candidate whose leg to coturn is TLS, paired with the server's host
candidate inside COURTROOM_MEDIA_PORTS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest

from signaling.turn import turn_credential
from tests.e2e.harness import ROOT, Server
from tests.e2e.hearing_page import WAIT_MS, HearingPage, camera_script, dominant_channel
from tests.network.conftest import MEDIA_PORTS, SECRET, TURN_URLS, TurnWorld
from tests.network.topology import SERVER_IP, TURN_IP

pytestmark = pytest.mark.timeout(120)

PARTICIPANT_SECONDS = 25


def in_media_ports(address: str) -> bool:
    host, _, port = address.rpartition(":")
    return host == SERVER_IP and MEDIA_PORTS[0] <= int(port) <= MEDIA_PORTS[1]


def start_headless(world: TurnWorld, server: Server, role: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            world.topology.namespace,
            sys.executable,
            "-m",
            "tests.network.participant",
            server.url,
            server.links[role]["token"],
            str(PARTICIPANT_SECONDS),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "SSL_CERT_FILE": str(world.ca_cert)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_chromium_and_aiortc_behind_a_udp_blocking_firewall_meet_through_turn_tls(
    turn_world: TurnWorld, turn_server: Server, firewalled_browser: Any
) -> None:
    context = firewalled_browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(camera_script("#00ff00", tone=True))
    judge = HearingPage(
        context.new_page(), url=turn_server.join_url("judge"), role="judge", context=context
    )
    headless = None
    dropped_before = turn_world.topology.dropped_udp_packets()
    try:
        judge.open()
        judge.wait_joined()
        headless = start_headless(turn_world, turn_server, "clerk")

        # Chromium sees the clerk's red camera and hears its tone, through coturn.
        judge.wait_for_remote_video(["clerk"], timeout=30_000)
        judge.wait_videos_advance()
        (tile,) = judge.tile_pixels()
        assert dominant_channel(tile["rgb"]) == "red", tile
        judge.page.wait_for_function(
            """async () => (await window.courtroom.inbound()).some(
                 (s) => s.kind === "audio" && s.totalSamplesReceived > 48000)""",
            timeout=WAIT_MS,
        )
        pair = judge.selected_pair()
        assert pair is not None
        assert pair["localType"] == "relay", pair
        assert pair["relayProtocol"] == "tls", pair
        assert pair["local"].startswith(f"{TURN_IP}:"), pair
        assert in_media_ports(pair["remote"]), pair

        out, err = headless.communicate(timeout=PARTICIPANT_SECONDS + 30)
        assert headless.returncode == 0, err[-3000:]
        report = json.loads(out)
        # The headless participant got its own credential in its join ack ...
        (ice,) = report["ice_servers"]
        assert ice["username"].endswith(":" + report["participant_id"])
        # ... saw the judge's green canvas and heard Chromium's 440 Hz fake microphone ...
        judge_id = judge.state()["participant"]["id"]
        received = report["received"][judge_id]
        assert received["video_frames"] >= 30, received
        assert dominant_channel(received["colour"]) == "green", received
        assert abs(received["peak_hz"] - 440) < 5, received
        # ... over a relay candidate whose leg to coturn is TLS.
        assert report["pair"]["local_candidates"] == ["relay"], report["pair"]
        assert report["pair"]["local_type"] == "relay", report["pair"]
        assert report["pair"]["turn_transport"] == "tls", report["pair"]
        assert in_media_ports(report["pair"]["remote"]), report["pair"]
        # The firewall did its part: the UDP the participants tried (TURN over UDP is the
        # first URL of their acks) was dropped.
        assert turn_world.topology.dropped_udp_packets() > dropped_before
    finally:
        if headless is not None and headless.poll() is None:
            headless.kill()
            headless.communicate()
        context.close()
    assert not judge.problems, judge.problems


# Gathers with one TURN server and the relay policy, as the page does; the candidates' types.
_GATHER = """
async ([urls, username, credential]) => {
  const pc = new RTCPeerConnection({
    iceServers: [{ urls, username, credential }], iceTransportPolicy: "relay",
  });
  const types = [];
  pc.onicecandidate = (e) => { if (e.candidate) types.push(e.candidate.type); };
  pc.createDataChannel("probe");
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((done) => {
    if (pc.iceGatheringState === "complete") return done();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && done();
    setTimeout(done, 10000);
  });
  pc.close();
  return types;
}
"""


@pytest.mark.parametrize(
    ("credential", "relays"),
    [("issued", True), ("wrong secret", False), ("expired", False)],
)
def test_chromium_behind_the_firewall_gets_a_relay_only_with_a_valid_credential(
    turn_world: TurnWorld, firewalled_browser: Any, credential: str, relays: bool
) -> None:
    now = int(time.time())
    secret, expires_at = {
        "issued": (SECRET, now + 600),
        "wrong secret": ("a-secret-that-is-not-the-courts", now + 600),
        "expired": (SECRET, now - 5),
    }[credential]
    username, password = turn_credential(secret.encode(), "ptc_probe", expires_at)
    context = firewalled_browser.new_context()
    try:
        page = context.new_page()
        types = page.evaluate(_GATHER, [[TURN_URLS[-1]], username, password])
    finally:
        context.close()

    assert (types == ["relay"]) if relays else (types == []), types
