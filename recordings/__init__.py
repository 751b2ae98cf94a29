"""The record of a hearing: its uninterrupted mixed audio master, on disk, listable.

Never imports media/: audio arrives as encoded Opus packets through :class:`AudioSource`.
"""

from recordings.info import RecordingInfo
from recordings.recording import HearingRecording
from recordings.source import AudioSource
from recordings.store import RecordingStore

__all__ = ["AudioSource", "HearingRecording", "RecordingInfo", "RecordingStore"]
