"""The staff console names roles and hearing states as the court does (web/js/lib/terms.js)."""

from __future__ import annotations

import re
from pathlib import Path

from court.hearing_state import HearingState
from court.roles import ROLE_LABELS, Role

TERMS_JS = Path(__file__).resolve().parents[2] / "web" / "js" / "lib" / "terms.js"
SOURCE = TERMS_JS.read_text(encoding="utf-8")


def _object(name: str) -> dict[str, str]:
    match = re.search(
        rf"export\s+const\s+{name}\s*=\s*Object\.freeze\(\{{(?P<body>.*?)\}}\);", SOURCE, re.DOTALL
    )
    assert match is not None, f"{name} is not declared in {TERMS_JS.name}"
    body = match.group("body")
    pairs = re.findall(r'^\s*([a-z_]+)\s*:\s*"([^"]*)"\s*,?\s*$', body, re.MULTILINE)
    lines = [line for line in body.splitlines() if line.strip()]
    assert len(pairs) == len(lines), f'{name} has lines that are not key: "value"'
    return dict(pairs)


def test_every_role_has_the_courts_label_in_the_console() -> None:
    assert _object("ROLE_LABELS") == {role.value: ROLE_LABELS[role] for role in Role}


def test_every_hearing_state_has_a_label_in_the_console() -> None:
    assert set(_object("STATE_LABELS")) == {state.value for state in HearingState}
