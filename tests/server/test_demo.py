"""The demo hearing that `make run` creates: once, with a link for each of its five people."""

from __future__ import annotations

from court.roles import Role
from server.demo import DEMO_CASE_NUMBER, DEMO_TITLE, ensure_demo, format_links
from tests.server.conftest import Database

DEMO_ROLES = [Role.JUDGE, Role.CLERK, Role.DEFENDANT, Role.WITNESS, Role.OBSERVER]


async def test_the_demo_hearing_has_a_judge_clerk_defendant_witness_and_observer(
    database: Database,
) -> None:
    hearing, links = await ensure_demo(database.hearings, database.participants, database.links)

    assert (hearing.case_number, hearing.title) == (DEMO_CASE_NUMBER, DEMO_TITLE)
    assert [link.participant.role for link in links] == DEMO_ROLES
    assert all(link.participant.name for link in links)
    assert all(link.url.endswith(f"/join#token={link.token}") for link in links)


async def test_ensuring_the_demo_twice_creates_it_once(database: Database) -> None:
    first, first_links = await ensure_demo(database.hearings, database.participants, database.links)
    second, second_links = await ensure_demo(
        database.hearings, database.participants, database.links
    )

    assert first == second
    assert await database.hearings.list() == [first]
    assert [link.participant for link in first_links] == [link.participant for link in second_links]


async def test_every_demo_link_admits_its_own_person(database: Database) -> None:
    hearing, links = await ensure_demo(database.hearings, database.participants, database.links)

    for link in links:
        grant = await database.links.authenticate(link.token)
        assert grant.hearing == hearing
        assert grant.participant == link.participant


async def test_the_printed_links_name_each_person_and_role(database: Database) -> None:
    hearing, links = await ensure_demo(database.hearings, database.participants, database.links)

    text = format_links(hearing, links)

    assert DEMO_CASE_NUMBER in text and DEMO_TITLE in text
    for link in links:
        assert link.participant.name in text
        assert link.participant.role.label in text
        assert link.url in text
