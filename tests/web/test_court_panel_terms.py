"""The court panel offers exactly the hearing-state moves the court allows, to exactly the roles
that may make them (web/js/court-panel-state.js against court/hearing_state.py and court/rooms.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from court.hearing_state import TRANSITIONS, HearingState
from court.rooms import STATE_CHANGERS

STATE_JS = Path(__file__).resolve().parents[2] / "web" / "js" / "court-panel-state.js"
SOURCE = STATE_JS.read_text(encoding="utf-8")


def _table(name: str) -> dict[str, set[str]]:
    match = re.search(
        rf"export\s+const\s+{name}\s*=\s*Object\.freeze\(\{{(?P<body>.*?)\}}\);", SOURCE, re.DOTALL
    )
    assert match is not None, f"{name} is not declared in {STATE_JS.name}"
    body = match.group("body")
    rows = re.findall(r"^\s*([a-z_]+)\s*:\s*\[([^\]]*)\]\s*,?\s*$", body, re.MULTILINE)
    lines = [line for line in body.splitlines() if line.strip()]
    assert len(rows) == len(lines), f"{name} has lines that are not key: [values]"
    return {key: set(re.findall(r'"([a-z_]+)"', values)) for key, values in rows}


def test_the_panel_knows_every_move_between_hearing_states() -> None:
    assert _table("TRANSITIONS") == {
        state.value: {target.value for target in targets} for state, targets in TRANSITIONS.items()
    }


def test_the_panel_offers_each_move_to_the_roles_the_court_allows() -> None:
    assert _table("STATE_CHANGERS") == {
        state.value: {role.value for role in roles} for state, roles in STATE_CHANGERS.items()
    }


def test_every_state_the_panel_may_move_to_is_a_hearing_state() -> None:
    states = {state.value for state in HearingState}
    assert set(_table("STATE_CHANGERS")) <= states
