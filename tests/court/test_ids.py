"""Identifiers: random, URL-safe, with a prefix that tells what they name."""

from __future__ import annotations

import re

from court.ids import new_hearing_id, new_id, new_participant_id, new_recording_id

URL_SAFE = re.compile(r"[a-z]+_[A-Za-z0-9_-]{16}")


def test_ids_carry_the_prefix_of_what_they_name() -> None:
    assert new_hearing_id().startswith("hrg_")
    assert new_participant_id().startswith("prt_")
    assert new_recording_id().startswith("rec_")


def test_ids_are_url_safe_and_fit_the_database_columns() -> None:
    for make in (new_hearing_id, new_participant_id, new_recording_id):
        made = make()
        assert URL_SAFE.fullmatch(made), made
        assert len(made) <= 40  # String(40) in server/persistence/models.py


def test_ids_do_not_repeat() -> None:
    assert len({new_id("x") for _ in range(10_000)}) == 10_000
