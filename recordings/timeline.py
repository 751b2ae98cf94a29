"""The timeline of a recording: what happened, and every gap, in record time.

One JSON line per entry, appended and fsynced as it happens, beside the segments:
``{"kind", "at_ms", "end_ms", "subject", "reason"}``. A gap (a participant's connection
lost, the recorder restarted) has both ``at_ms`` and ``end_ms``; an event has ``end_ms``
null. The archive shows it beside the players; the court protocol stamps its automatic
entries from it.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

TIMELINE_FILE = "timeline.jsonl"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    kind: str
    at_ms: int
    end_ms: int | None
    subject: str | None
    reason: str


def append_entry(directory: Path, entry: TimelineEntry) -> None:
    """Blocking (fsync): call it off the event loop."""
    line = json.dumps(asdict(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    with (directory / TIMELINE_FILE).open("a", encoding="utf-8") as f:
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())


def read_timeline(directory: Path) -> list[TimelineEntry]:
    path = directory / TIMELINE_FILE
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(TimelineEntry(**json.loads(line)))
        except (ValueError, TypeError):
            continue  # a line torn by a crash describes nothing
    return entries
