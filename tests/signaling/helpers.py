"""Reading what a headless participant receives."""

from __future__ import annotations

import asyncio

import av
import numpy as np

from media.frames import EncodedFrame
from signaling.client import ParticipantClient


async def frames_from(
    client: ParticipantClient,
    participant_id: str,
    kind: str,
    count: int,
    within_s: float = 10.0,
) -> list[EncodedFrame]:
    """The next ``count`` frames ``client`` gets from ``participant_id``, forwarded as sent."""
    await client.wait_until(lambda: kind in client.tracks_of(participant_id), within_s)
    track = client.tracks_of(participant_id)[kind].track
    frames: list[EncodedFrame] = []
    async with asyncio.timeout(within_s):
        while len(frames) < count:
            frame = await track.recv()
            assert isinstance(frame, EncodedFrame)
            frames.append(frame)
    return frames


def vp8_colour(frames: list[EncodedFrame]) -> tuple[int, int, int]:
    """Decode forwarded VP8 frames (from a keyframe on) and return the last picture's mean RGB."""
    decoder = av.CodecContext.create("vp8", "r")
    picture = None
    for frame in frames:
        for decoded in decoder.decode(av.Packet(frame.data)):
            picture = decoded.to_ndarray(format="rgb24")
    assert picture is not None, "no decodable picture among the forwarded frames"
    mean = np.asarray(picture).reshape(-1, 3).mean(axis=0)
    return int(mean[0]), int(mean[1]), int(mean[2])


def dominant_channel(rgb: tuple[int, int, int]) -> str:
    return "rgb"[int(np.argmax(rgb))]
