"""The permission table: one row per role, walked as a matrix."""

from __future__ import annotations

import pytest

from court.hearing import Participant
from court.ids import HearingId, ParticipantId
from court.permissions import ROLE_PERMISSIONS, Permission, can, permissions_of
from court.roles import Role

PUBLISHING = (Permission.PUBLISH_AUDIO, Permission.PUBLISH_VIDEO)
COURT_STAFF = {Role.JUDGE, Role.CLERK}


def test_every_role_has_an_entry() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_everyone_in_a_hearing_may_watch_and_listen(role: Role) -> None:
    assert can(role, Permission.SUBSCRIBE)


@pytest.mark.parametrize("permission", PUBLISHING)
def test_observers_cannot_publish(permission: Permission) -> None:
    assert not can(Role.OBSERVER, permission)


def test_an_observer_may_only_watch_and_listen() -> None:
    assert permissions_of(Role.OBSERVER) == {Permission.SUBSCRIBE}


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.OBSERVER}))
@pytest.mark.parametrize("permission", PUBLISHING)
def test_every_party_to_the_hearing_may_publish(role: Role, permission: Permission) -> None:
    assert can(role, permission)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", [Permission.CONTROL_RECORDING, Permission.MODERATE])
def test_only_the_judge_and_the_clerk_control_recording_and_moderate(
    role: Role, permission: Permission
) -> None:
    assert can(role, permission) == (role in COURT_STAFF)


def test_a_participant_holds_exactly_the_permissions_of_their_role() -> None:
    for role in Role:
        participant = Participant(
            id=ParticipantId("prt_x"), hearing_id=HearingId("hrg_x"), name="X", role=role
        )
        assert {p for p in Permission if participant.can(p)} == permissions_of(role)
