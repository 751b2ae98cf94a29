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
    path = directory / TIMELINE_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    cut, end = 0, 0
    for _ in range(lines):
        end = data.find(b"\n", cut)
        if end < 0:
            return f"it has fewer than the {lines} lines that were signed (lines deleted)"
        cut = end + 1
    if hashlib.sha256(data[:cut]).hexdigest() != sha256:
        return f"its first {lines} lines are not the ones that were signed (edited)"
    if whole and data[cut:]:
        return "it has lines after the final seal (added)"
    return None
