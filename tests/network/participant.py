"""A headless aiortc participant, run inside the firewalled namespace by the TURN tests.

    ip netns exec <ns> python -m tests.network.participant <url> <token> <seconds> [direct] [stay]

It joins with the ICE servers of its join ack (TURN over TLS first: aiortc uses one TURN
server) and the relay policy (``direct``: the join ack's policy, for a server without TURN),
publishes a red camera and a 440 Hz tone, and reports on
stdout, as JSON, what it received from each other participant and its selected ICE pair.
SSL_CERT_FILE names the test certificate authority that signed coturn's certificate.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import av
import numpy as np

from media import passthrough
from media.frames import EncodedFrame
from signaling.client import ParticipantClient
from tests.signaling.helpers import vp8_colour
from tests.support.media import ColourCamera, ToneTrack


def peak_hz(packets: list[bytes]) -> float:
    """The strongest frequency of decoded Opus packets (48 kHz)."""
    decoder = av.CodecContext.create("opus", "r")
    chunks = [
        # The first channel: planar frames are (channels, samples), packed ones interleave.
        array[0] if frame.format.is_planar else array.reshape(-1)[:: len(frame.layout.channels)]
        for data in packets
        for frame in decoder.decode(av.Packet(data))
        for array in [frame.to_ndarray()]
    ]
    samples = np.concatenate(chunks).astype(np.float64)
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / 48_000)[int(np.argmax(spectrum[1:])) + 1])


def selected_pair(client: ParticipantClient) -> dict[str, Any]:
    """The nominated pair as aioice has it (aiortc exposes no stats for it)."""
    transceiver = client.pc.getTransceivers()[0]
    connection = transceiver.sender.transport.transport._connection
    pair = next(iter(connection._nominated.values()), None)
    local = [c.type for c in connection.local_candidates]
    if pair is None:
        return {"local_candidates": local, "pair": None}
    return {
        "local_candidates": local,
        "local_type": pair.local_candidate.type,
        "remote": f"{pair.remote_candidate.host}:{pair.remote_candidate.port}",
        "turn_transport": "tls" if connection.turn_ssl else connection.turn_transport,
    }


async def receive(client: ParticipantClient, seconds: float) -> dict[str, Any]:
    received: dict[str, Any] = {}
    deadline = asyncio.get_running_loop().time() + seconds
    others: set[str] = set()
    while asyncio.get_running_loop().time() < deadline and not others:
        await asyncio.sleep(0.2)
        others = {
            t.participant_id
            for t in client.tracks.values()
            if t.participant_id and t.participant_id != client.participant_id
        }
    for other in sorted(others):
        tracks = client.tracks_of(other)
        entry: dict[str, Any] = {}
        for source, kind in (("video", "video"), ("audio", "audio")):
            if source not in tracks:
                continue
            frames: list[EncodedFrame] = []
            try:
                async with asyncio.timeout(max(1.0, deadline - asyncio.get_running_loop().time())):
                    while len(frames) < (60 if kind == "video" else 100):
                        frame = await tracks[source].track.recv()
                        assert isinstance(frame, EncodedFrame)
                        frames.append(frame)
            except TimeoutError:
                pass
            entry[f"{kind}_frames"] = len(frames)
            if frames and kind == "video":
                entry["colour"] = list(vp8_colour(frames))
            if len(frames) >= 50 and kind == "audio":
                entry["peak_hz"] = peak_hz([f.data for f in frames])
        received[other] = entry
    return received


async def main(
    url: str, token: str, seconds: float, *, relay: bool = True, stay: bool = False
) -> dict[str, Any]:
    """``stay``: keep publishing until ``seconds`` have passed, not only until it has seen
    and heard the others (a test that measures the connection meanwhile)."""
    passthrough.install()
    camera = ColourCamera((255, 0, 0))
    client = ParticipantClient(
        url,
        token,
        audio=ToneTrack(440.0),
        video=camera,
        prefer_turn_url="turns:",
        ice_transport_policy="relay" if relay else None,
    )
    try:
        joined = await client.connect()
        await client.publish()
        started = asyncio.get_running_loop().time()
        received = await receive(client, seconds)
        if stay:
            await asyncio.sleep(max(0.0, started + seconds - asyncio.get_running_loop().time()))
        return {
            "participant_id": joined["participant"]["id"],
            "ice_servers": joined.get("ice_servers"),
            "received": received,
            "pair": selected_pair(client),
            "keyframes_sent": camera.keyframes_sent,
        }
    finally:
        await client.close()


if __name__ == "__main__":
    flags = set(sys.argv[4:])
    result = asyncio.run(
        main(
            sys.argv[1],
            sys.argv[2],
            float(sys.argv[3]),
            relay="direct" not in flags,
            stay="stay" in flags,
        )
    )
    print(json.dumps(result))
