"""The taps that hand a hearing room's media to its recording, one per Producer.

Each Producer of the hearing room is recorded as it is forwarded: its encoded frames go to
a track file of their own (screens included) and, for audio, to an input of the mixed
master. No codec work: the frames are the ones the relay forwards. Only what is tapped is
recorded; the recorder (signaling.live.recorder) taps the hearing room's Producers and
nothing else, so consultation and waiting-room media never reach the record.
"""

from __future__ import annotations

from collections.abc import Callable

from media.frames import EncodedFrame
from media.producer import Producer
from recordings import HearingRecording
from recordings.tracks import Kind as TrackKind


class RecordingTaps:
    """The taps into one recording, from its start to its stop."""

    def __init__(self, recording: HearingRecording) -> None:
        self._recording = recording
        # Producer id -> what stops recording it (its track, its input to the master).
        self._inputs: dict[str, Callable[[], None]] = {}

    def tap(self, producer: Producer) -> None:
        """Record a Producer: its own track, and (audio) the mixed master."""
        if producer.id in self._inputs:
            return
        recording = self._recording
        kind: TrackKind = (
            "screen"
            if producer.source == "screen"
            else "audio"
            if producer.kind == "audio"
            else "video"
        )
        track = recording.add_track(producer.endpoint_id, kind)
        source = recording.add_source(producer.endpoint_id) if kind == "audio" else None

        def tap(frame: EncodedFrame) -> None:
            track.push(frame.data, frame.pts, frame.time_base, frame.is_keyframe)
            if track.wants_keyframe:  # the track's segment is due; the producer rate-limits
                producer.request_keyframe()
            if source is not None:
                source.push(frame.data, frame.pts, frame.time_base)

        remove_tap = producer.add_tap(tap)
        if kind != "audio":
            # A track file starts at a keyframe: ask for one now, rather than leave the
            # first seconds (or a short hearing's whole picture) out of the record.
            producer.request_keyframe()

        def stop() -> None:
            remove_tap()
            track.close()
            if source is not None:
                source.close()

        self._inputs[producer.id] = stop

    def untap(self, producer_id: str) -> None:
        """The Producer ended (or left the hearing room): its track and input close."""
        stop = self._inputs.pop(producer_id, None)
        if stop is not None:
            stop()

    def close(self) -> None:
        """The recording stops: every tap is removed and every track and input closed."""
        for stop in self._inputs.values():
            stop()
        self._inputs.clear()
