"""The command table, without a relay: every client command but the connection's own has
one row, and a row's permission is checked from the row, for every role, before the command
runs (tests/signaling/test_command_matrix.py plays the same against the real relay)."""

from __future__ import annotations

import pytest

from court.errors import PermissionDenied
from court.hearing import Participant
from court.ids import HearingId, ParticipantId
from court.permissions import can
from court.roles import Role
from signaling.court_commands import COMMANDS, authorise
from signaling.events import ClientEvent
from signaling.namespace import is_power_of_ten

# The connection's own commands: the namespace handles them (joining, media, recording).
CONNECTION = {
    ClientEvent.JOIN,
    ClientEvent.PUBLISH,
    ClientEvent.ANSWER,
    ClientEvent.LEAVE,
    ClientEvent.START_RECORDING,
    ClientEvent.STOP_RECORDING,
}


def _participant(role: Role) -> Participant:
    return Participant(ParticipantId("prt_x"), HearingId("hrg_x"), "Someone", role)


def test_every_command_has_exactly_one_row() -> None:
    events = [row.event for row in COMMANDS]
    assert len(events) == len(set(events))
    assert set(events) == set(ClientEvent) - CONNECTION


@pytest.mark.parametrize("role", list(Role))
def test_a_row_refuses_exactly_the_roles_without_its_permission(role: Role) -> None:
    guarded = [row for row in COMMANDS if row.requires is not None]
    assert len(guarded) >= 15  # the bench's commands, the protocol's and the exhibits'
    for row in guarded:
        assert row.requires is not None
        if can(role, row.requires):
            authorise(row, _participant(role))
        else:
            with pytest.raises(PermissionDenied):
                authorise(row, _participant(role))


def test_refusals_are_audited_at_powers_of_ten() -> None:
    assert [n for n in range(1, 2001) if is_power_of_ten(n)] == [1, 10, 100, 1000]
