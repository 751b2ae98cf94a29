"""The timeline of a recording: what happened, and every gap, in record time.

One JSON line per entry, appended and fsynced as it happens, beside the segments:
``{"kind", "at_ms", "end_ms", "subject", "reason"}``. A gap (a participant's connection
lost, the recorder restarted) has both ``at_ms`` and ``end_ms``; an event has ``end_ms``
null. The archive shows it beside the players; the court protocol stamps its automatic
entries from it.

The recorder's signed statements cover the timeline: the number of complete lines at the
moment of signing and the SHA-256 of exactly those bytes (:func:`covered`), so a gap
deleted or an event moved is found by verification (:func:`check_covered`).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from recordings import bundle_verify

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


def covered(directory: Path) -> tuple[int, str]:
    """The complete lines of the timeline now: how many, and the SHA-256 of their bytes.
    A line being appended (no newline yet) is left for the next statement. Blocking."""
    path = directory / TIMELINE_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    data = data[: data.rfind(b"\n") + 1]
    return data.count(b"\n"), hashlib.sha256(data).hexdigest()


def check_covered(directory: Path, lines: int, sha256: str, *, whole: bool) -> str | None:
    """Why the timeline is not what a statement covered, or None. ``whole``: the statement
    is the final seal, so nothing may follow the covered lines. Blocking."""
    try:
        data = (directory / TIMELINE_FILE).read_bytes()
    except FileNotFoundError:
        data = b""
    # The same rule the export bundle's stand-alone verify.py applies.
    return bundle_verify.timeline_check(data, lines, sha256, whole) or None
