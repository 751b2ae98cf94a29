"""Roles: the ten of DESIGN.md, each with a label for people."""

from __future__ import annotations

from court.roles import ROLE_LABELS, Role


def test_the_roles_are_those_of_the_design() -> None:
    assert [role.value for role in Role] == [
        "judge",
        "clerk",
        "prosecutor",
        "defence",
        "defendant",
        "victim",
        "witness",
        "expert",
        "interpreter",
        "observer",
    ]


def test_every_role_has_a_distinct_label() -> None:
    assert set(ROLE_LABELS) == set(Role)
    assert len(set(ROLE_LABELS.values())) == len(Role)
    assert Role.DEFENCE.label == "Defence counsel"


def test_a_role_round_trips_through_its_wire_value() -> None:
    for role in Role:
        assert Role(str(role)) is role
