"""HTTP byte ranges (RFC 9110 section 14) for the archive's players and downloads.

One range per request, which is all a media element or a resuming download asks for. A
Range header that is malformed, asks for several ranges or lies outside the file is refused
with 416, not ignored: an archive answers exactly what was asked, or says why not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# The unit is case-insensitive (RFC 9110 14.1); the numbers are at most 19 digits, so a
# giant one is refused here rather than turned into a huge integer.
_RANGE: Final = re.compile(r"^bytes=(?P<first>\d{0,19})-(?P<last>\d{0,19})$", re.IGNORECASE)


class RangeNotSatisfiable(ValueError):
    """The Range header cannot be served; the message says why, in words."""


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int  # exclusive
    size: int  # of the whole file

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end - 1}/{self.size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The range asked for; None for the whole file (no Range header)."""
    if header is None:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        raise RangeNotSatisfiable(
            "Only one byte range is served, written as bytes=first-last, bytes=first- "
            "or bytes=-suffix."
        )
    first, last = match["first"], match["last"]
    if not first and not last:
        raise RangeNotSatisfiable("The byte range names neither a first nor a last byte.")
    if not first:  # a suffix: the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable("An empty suffix range selects nothing.")
        return ByteRange(max(0, size - suffix), size, size)
    start = int(first)
    end = size if not last else min(size, int(last) + 1)
    if last and int(last) < start:
        raise RangeNotSatisfiable(f"The range ends (byte {last}) before it starts ({start}).")
    if start >= size:
        raise RangeNotSatisfiable(f"The range starts at byte {start}; the file has {size}.")
    return ByteRange(start, end, size)
