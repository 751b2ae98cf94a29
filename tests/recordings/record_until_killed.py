"""Child process for the crash test: records a tone until it is killed.

Run as ``python -m tests.recordings.record_until_killed <root>``. Prints the recording's directory
once the recording runs, then pushes a 440 Hz tone in real time forever.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from court.ids import HearingId
from recordings import RecordingStore
from recordings.signing import load_or_create_key
from tests.recordings.audio import push_in_real_time, tone_packets


async def main(root: Path) -> None:
    second_of_tone = tone_packets(440.0, 1.0)  # a whole number of cycles: it loops seamlessly
    # The key lives beside the recordings, as the server keeps it in its data directory, so
    # the test's "restarted server" signs with the same key.
    key = load_or_create_key(root / "signing-key.pem")
    recording = await RecordingStore(root, signing_key=key).start(HearingId("hrg_crash"))
    source = recording.add_source("prt_judge")
    print(recording.path, flush=True)
    await push_in_real_time(source, second_of_tone * 600)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
