"""The staff console names roles and hearing states as the court does (web/js/lib/terms.js)."""

from __future__ import annotations

import re
from pathlib import Path

from court.hearing_state import RESCHEDULABLE, TRANSITIONS, HearingState
from court.permissions import ROLE_PERMISSIONS, Permission
from court.roles import ROLE_LABELS, Role
from court.rooms import CONSULTING_ROLES
from server.api.states import ENDED

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


def _list(name: str) -> set[str]:
    match = re.search(rf"export\s+const\s+{name}\s*=\s*Object\.freeze\(\[(.*?)\]\);", SOURCE)
    assert match is not None, f"{name} is not declared in {TERMS_JS.name}"
    return set(re.findall(r'"([^"]*)"', match.group(1)))


def test_every_role_has_the_courts_label_in_the_console() -> None:
    assert _object("ROLE_LABELS") == {role.value: ROLE_LABELS[role] for role in Role}


def test_every_hearing_state_has_a_label_in_the_console() -> None:
    assert set(_object("STATE_LABELS")) == {state.value for state in HearingState}


def test_the_console_offers_rescheduling_and_cancelling_when_the_court_allows_them() -> None:
    assert _list("RESCHEDULABLE") == {state.value for state in RESCHEDULABLE}
    cancellable = {
        s.value for s, targets in TRANSITIONS.items() if HearingState.CANCELLED in targets
    }
    assert _list("CANCELLABLE") == cancellable
    assert _list("ENDED") == {state.value for state in ENDED}


def test_the_join_page_offers_the_device_check_to_exactly_the_roles_that_publish() -> None:
    publishing = {
        role.value
        for role, granted in ROLE_PERMISSIONS.items()
        if Permission.PUBLISH_AUDIO in granted or Permission.PUBLISH_VIDEO in granted
    }
    assert _list("PUBLISHING_ROLES") == publishing


def test_the_join_page_offers_private_consultation_to_the_roles_the_court_allows() -> None:
    assert _list("CONSULTING_ROLES") == {role.value for role in CONSULTING_ROLES}
