"""The system's own protocol entries in the document's language.

The system writes its entries in English as they happen (court.protocol.EVENT_WORDS,
court.exhibits.EXHIBIT_WORDS), and the signed protocol keeps exactly those words. A document
in another language renders each such entry in that language: the fixed words are
recognised and replaced, and what was said in them (a reason, a description, a name) is
kept as it was written. An entry that matches no known wording is shown as written.
"""

from __future__ import annotations

import re
from functools import cache

from court.exhibits import EXHIBIT_WORDS, STATUS_LABELS, ExhibitStatus
from court.hearing_state import HearingState
from court.protocol import EVENT_WORDS
from server.protocol_document.templates import Strings

_STATE_CHANGED = EVENT_WORDS["hearing_state_changed"]
# "Open → In session", as signaling/protocol.py writes a transition, with its reason after.
_TRANSITION = re.compile(r"^(?P<before>[^→(]+?) → (?P<after>[^(]+?)(?P<rest> \(.*\))?$")
_ENGLISH_STATES = {state.value.replace("_", " ").capitalize(): state for state in HearingState}
_ENGLISH_STATUSES = {label.lower(): status for status, label in STATUS_LABELS.items()}


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """EXHIBIT_WORDS as patterns, most specific first (as they are listed)."""
    patterns = []
    for key, template in EXHIBIT_WORDS.items():
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        patterns.append((key, re.compile(f"^{regex}$", re.DOTALL)))
    return patterns


def translated(text: str, words: Strings) -> str:
    """``text``, an entry the system wrote, in the language of ``words``."""
    if words.language == "en":
        return text
    for english in sorted(words.events, key=len, reverse=True):
        if text == english:
            return words.events[english]
        if text.startswith(english + ": "):
            rest = text[len(english) + 2 :]
            if english == _STATE_CHANGED:
                rest = _transition(rest, words)
            return f"{words.events[english]}: {rest}"
    for key, pattern in _patterns():
        found = pattern.match(text)
        if found is None:
            continue
        fields = found.groupdict()
        if "status" in fields:
            status = _ENGLISH_STATUSES.get(fields["status"])
            if status is None:
                continue
            fields["status"] = words.exhibit_statuses[ExhibitStatus(status)]
        return words.exhibits[key].format(**fields)
    return text


def _transition(text: str, words: Strings) -> str:
    found = _TRANSITION.match(text)
    if found is None:
        return text
    before = _ENGLISH_STATES.get(found["before"])
    after = _ENGLISH_STATES.get(found["after"])
    if before is None or after is None:
        return text
    return f"{words.states[before]} → {words.states[after]}{found['rest'] or ''}"
