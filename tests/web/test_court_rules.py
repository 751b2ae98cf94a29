"""The pages' rule tables are the court's: web/js/lib/court-rules.js is exactly what
server/web_rules.py renders from court/ (who may change a hearing's state, which states
follow which, who publishes, consults or sits on the bench, what may still be rescheduled
or cancelled). Regenerate with ``.venv/bin/python -m server.web_rules``."""

from __future__ import annotations

from court.hearing_state import TRANSITIONS, HearingState
from court.rooms import STATE_CHANGERS
from server.web_rules import TARGET, render


def test_the_pages_rule_tables_are_generated_from_the_courts() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), (
        "web/js/lib/court-rules.js is stale: run .venv/bin/python -m server.web_rules"
    )


def test_the_rendered_tables_name_every_state_and_each_move_once() -> None:
    text = render()
    for state in HearingState:
        assert f"  {state.value}: Object.freeze([" in text
    moves = sum(len(targets) for targets in TRANSITIONS.values())
    changers = sum(len(roles) for roles in STATE_CHANGERS.values())
    assert moves > 10 and changers >= 5
