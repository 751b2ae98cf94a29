"""Join links: signed, expiring, revocable tokens for one participant, carried in the fragment."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from court.errors import NotAuthenticated
from court.hearing import Hearing, Participant
from court.hearing_state import HearingState
from court.roles import Role
from server.join_links import GRACE_AFTER_END, JoinLinks
from tests.server.conftest import Database

START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def payload(token: str) -> dict[str, object]:
    body = token.split(".")[0]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return decoded


def reencode(token: str, **changes: object) -> str:
    """The token with its payload changed but its original signature kept (a forgery)."""
    body = json.dumps({**payload(token), **changes}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(body).rstrip(b"=").decode() + "." + token.split(".")[1]


def resigned(links: JoinLinks, token: str, **changes: object) -> str:
    """The token with its payload changed and signed with our own key (as if we issued it)."""
    body = json.dumps({**payload(token), **changes}, separators=(",", ":")).encode()
    encoded = base64.urlsafe_b64encode(body).rstrip(b"=").decode()
    return f"{encoded}.{links._sign(encoded)}"


async def cast(database: Database) -> tuple[Hearing, Participant, Participant]:
    hearing = await database.hearings.create(
        case_number="1-7/2026",
        title="State v. Tester",
        scheduled_start=datetime.now(UTC),
        duration=timedelta(hours=2),
    )
    judge = await database.participants.add(hearing.id, name="Judge Jones", role=Role.JUDGE)
    observer = await database.participants.add(hearing.id, name="Press", role=Role.OBSERVER)
    return hearing, judge, observer


async def token(database: Database, hearing: Hearing, participant: Participant) -> str:
    return (await database.links.issue(hearing, participant, by="staff:clerk")).token


async def test_a_token_names_link_hearing_participant_role_and_expiry_in_compact_json(
    database: Database,
) -> None:
    hearing, judge, _ = await cast(database)
    issued = await database.links.issue(hearing, judge, by="staff:clerk")

    assert payload(issued.token) == {
        "link_id": issued.record.id,
        "hearing_id": judge.hearing_id,
        "participant_id": judge.id,
        "role": "judge",
        "expires_at": int(issued.record.expires_at.timestamp()),
    }
    assert set(issued.token) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
    )


async def test_a_link_expires_two_hours_after_the_scheduled_end_by_default(
    database: Database,
) -> None:
    hearing = await database.hearings.create(
        case_number="1-9/2026", title="T", scheduled_start=START, duration=timedelta(hours=3)
    )

    assert database.links.default_expiry(hearing) == START + timedelta(hours=5)
    assert timedelta(hours=2) == GRACE_AFTER_END


async def test_the_link_carries_the_token_in_its_fragment_never_in_the_query(
    database: Database,
) -> None:
    hearing, judge, _ = await cast(database)
    issued = await database.links.issue(hearing, judge, by="staff:clerk")

    assert issued.url == f"http://127.0.0.1:8080/join#token={issued.token}"
    assert "?" not in issued.url


async def test_a_valid_token_admits_its_participant_to_its_hearing(database: Database) -> None:
    hearing, judge, _ = await cast(database)

    grant = await database.links.authenticate(await token(database, hearing, judge))

    assert grant.hearing == hearing
    assert grant.participant == judge


async def test_a_token_stops_working_when_it_expires(database: Database) -> None:
    hearing, judge, _ = await cast(database)
    issued = await database.links.issue(hearing, judge, by="staff:clerk")
    expiry = issued.record.expires_at.timestamp()

    assert database.links.verify(issued.token, now=expiry - 1).participant_id == judge.id
    with pytest.raises(NotAuthenticated, match="expired"):
        database.links.verify(issued.token, now=expiry)


async def test_an_expired_link_is_refused_at_authentication(database: Database) -> None:
    hearing, judge, _ = await cast(database)
    issued = await database.links.issue(
        hearing, judge, by="staff:clerk", expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )

    with pytest.raises(NotAuthenticated, match="expired"):
        await database.links.authenticate(issued.token)


async def test_a_revoked_link_is_refused_and_the_participants_other_links_still_work(
    database: Database,
) -> None:
    hearing, judge, _ = await cast(database)
    first = await database.links.issue(hearing, judge, by="staff:clerk")
    second = await database.links.issue(hearing, judge, by="staff:clerk")

    revoked = await database.links.records.revoke(hearing.id, first.record.id, by="staff:clerk")

    assert revoked.revoked_by == "staff:clerk" and revoked.revoked_at is not None
    with pytest.raises(NotAuthenticated, match="revoked"):
        await database.links.authenticate(first.token)
    assert (await database.links.authenticate(second.token)).participant == judge


async def test_a_removed_participants_links_no_longer_admit_them(database: Database) -> None:
    hearing, judge, _ = await cast(database)
    issued = await database.links.issue(hearing, judge, by="staff:clerk")

    await database.participants.remove(hearing.id, judge.id)

    with pytest.raises(NotAuthenticated, match="not valid"):
        await database.links.authenticate(issued.token)


@pytest.mark.parametrize("ended", [HearingState.CANCELLED, HearingState.CLOSED])
async def test_the_links_of_an_ended_hearing_are_refused(
    database: Database, ended: HearingState
) -> None:
    hearing, judge, _ = await cast(database)
    issued = await database.links.issue(hearing, judge, by="staff:clerk")
    if ended is HearingState.CLOSED:
        await database.hearings.set_state(hearing.id, HearingState.OPEN)
    await database.hearings.set_state(hearing.id, ended)

    with pytest.raises(NotAuthenticated, match="ended"):
        await database.links.authenticate(issued.token)


async def test_an_observer_cannot_raise_their_role_by_editing_the_token(
    database: Database,
) -> None:
    hearing, _, observer = await cast(database)
    forged = reencode(await token(database, hearing, observer), role="judge")

    with pytest.raises(NotAuthenticated, match="not valid"):
        await database.links.authenticate(forged)


async def test_a_token_signed_with_another_key_is_refused(database: Database) -> None:
    hearing, judge, _ = await cast(database)
    other = JoinLinks(
        b"another key of at least thirty-two bytes",
        "http://127.0.0.1:8080",
        database.hearings,
        database.participants,
        database.links.records,
        ttl_s=3600,
    )

    with pytest.raises(NotAuthenticated, match="not valid"):
        await database.links.authenticate((await other.issue(hearing, judge, by="x")).token)


@pytest.mark.parametrize(
    "garbage",
    ["", ".", "abc", "abc.", ".abc", "a.b.c", "€.€", "\udcff.x", "e30.e30", "!!!.###"],
)
async def test_garbage_is_refused_as_not_valid_and_never_crashes(
    database: Database, garbage: str
) -> None:
    with pytest.raises(NotAuthenticated, match="not valid"):
        await database.links.authenticate(garbage)


async def test_a_correctly_signed_token_with_a_bad_payload_is_refused(
    database: Database,
) -> None:
    # Only our own key could make these; they must still fail as "not valid", not crash.
    links = database.links
    for body in (
        b"[]",
        b'{"hearing_id": "h"}',
        b'{"link_id":"l","hearing_id":"h","participant_id":"p","role":"emperor",'
        b'"expires_at":9999999999}',
        b"\xff",
    ):
        encoded = base64.urlsafe_b64encode(body).rstrip(b"=").decode()
        forged = f"{encoded}.{links._sign(encoded)}"
        with pytest.raises(NotAuthenticated, match="not valid"):
            await links.authenticate(forged)


async def test_a_link_of_one_hearing_cannot_claim_another_hearing(database: Database) -> None:
    hearing, judge, _ = await cast(database)
    other = await database.hearings.create(case_number="1-8/2026", title="State v. Other")
    issued = await token(database, hearing, judge)

    with pytest.raises(NotAuthenticated, match="not valid"):
        await database.links.authenticate(resigned(database.links, issued, hearing_id=other.id))
    assert (await database.links.authenticate(issued)).hearing == hearing


async def test_a_link_cannot_be_moved_to_another_participant_or_role(database: Database) -> None:
    hearing, judge, observer = await cast(database)
    issued = await token(database, hearing, observer)

    for changes in ({"participant_id": judge.id, "role": "judge"}, {"role": "witness"}):
        with pytest.raises(NotAuthenticated, match="not valid"):
            await database.links.authenticate(resigned(database.links, issued, **changes))


async def test_a_token_for_a_link_never_issued_is_refused(database: Database) -> None:
    hearing, judge, _ = await cast(database)
    issued = await token(database, hearing, judge)

    with pytest.raises(NotAuthenticated, match="Ask the court clerk"):
        await database.links.authenticate(resigned(database.links, issued, link_id="lnk_never"))
