"""The one authorisation rule for court data: a clerk is assigned to the hearings naming them
and to every hearing of their courts; the bench seat and the signature stay with the clerk
the hearing names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from court.access import Actor, allowed, assigned, may_read_privately, on_the_bench, sees
from court.hearing import Hearing
from court.ids import HearingId
from court.permissions import Permission, Scope
from court.staff import StaffAccount, StaffId, StaffRole

A, B = "District Court A", "District Court B"


def staff(username: str, role: StaffRole, courts: frozenset[str] = frozenset()) -> Actor:
    return Actor.staff(
        StaffAccount(
            id=StaffId(f"stf_{username}"),
            username=username,
            display_name=username.title(),
            role=role,
            created_at=datetime.now(UTC),
            courts=courts,
        )
    )


def hearing(court: str, clerk: str = "", judge: str = "judge") -> Hearing:
    return Hearing(
        id=HearingId("h1"),
        case_number="1-1/2027",
        title="State v. Doe",
        court=court,
        presiding_judge=judge,
        clerk=clerk,
    )


CLERK_OF_A = staff("clerk.a", StaffRole.CLERK, frozenset({A}))
CHANGES = (Permission.READ_HEARINGS, Permission.SCHEDULE_HEARINGS)


@pytest.mark.parametrize("permission", CHANGES)
def test_a_clerk_of_a_court_sees_and_changes_its_hearings_named_for_another_clerk(
    permission: Permission,
) -> None:
    of_a = hearing(A, clerk="clerk.z")
    assert assigned(CLERK_OF_A, of_a)
    assert allowed(CLERK_OF_A, permission, of_a)
    assert may_read_privately(CLERK_OF_A, of_a)


@pytest.mark.parametrize("permission", CHANGES)
def test_a_clerk_of_one_court_neither_sees_nor_changes_another_courts_hearing(
    permission: Permission,
) -> None:
    of_b = hearing(B, clerk="clerk.z")
    assert not sees(CLERK_OF_A, of_b)
    assert not allowed(CLERK_OF_A, permission, of_b)
    assert not may_read_privately(CLERK_OF_A, of_b)


def test_a_clerk_of_no_court_is_assigned_to_the_hearings_naming_them_only() -> None:
    clerk = staff("clerk.n", StaffRole.CLERK)
    assert allowed(clerk, Permission.SCHEDULE_HEARINGS, hearing(B, clerk="clerk.n"))
    assert not allowed(clerk, Permission.READ_HEARINGS, hearing(B, clerk="clerk.z"))
    assert not allowed(clerk, Permission.READ_HEARINGS, hearing(""))


def test_the_named_clerk_is_assigned_whatever_the_court() -> None:
    named = hearing(B, clerk="clerk.a")
    assert allowed(CLERK_OF_A, Permission.SCHEDULE_HEARINGS, named)
    assert may_read_privately(CLERK_OF_A, named)


def test_only_the_named_clerk_sits_and_signs_not_every_clerk_of_the_court() -> None:
    of_a = hearing(A, clerk="clerk.z")
    assert not on_the_bench(CLERK_OF_A, of_a)
    assert not allowed(CLERK_OF_A, Permission.SIGN_PROTOCOL, of_a)
    assert allowed(staff("clerk.z", StaffRole.CLERK), Permission.SIGN_PROTOCOL, of_a)


def test_a_court_assignment_gives_nothing_to_an_account_that_is_not_a_clerk() -> None:
    # Only clerks are assigned (server.auth.courts); a stray value stays without effect.
    judge = staff("judge2", StaffRole.JUDGE, frozenset({A}))
    assert judge.clerk_of == frozenset()
    assert not allowed(judge, Permission.SCHEDULE_HEARINGS, hearing(A, clerk="clerk.z"))


def test_a_judge_still_sees_every_hearings_scheduled_facts_but_reads_privately_only_their_own() -> (
    None
):
    judge = staff("judge2", StaffRole.JUDGE)
    other = hearing(A, clerk="clerk.z")
    assert sees(judge, other)
    assert not may_read_privately(judge, other)
    assert not allowed(judge, Permission.SCHEDULE_HEARINGS, other)


def test_the_e_court_system_and_administrators_are_not_scoped_by_court() -> None:
    token = Actor.machine("tok", "ecourt", frozenset({Scope.HEARINGS_WRITE}))
    admin = staff("admin", StaffRole.ADMINISTRATOR)
    of_b = hearing(B)
    assert allowed(token, Permission.SCHEDULE_HEARINGS, of_b)
    assert sees(admin, of_b)
    assert not allowed(admin, Permission.SCHEDULE_HEARINGS, of_b)
