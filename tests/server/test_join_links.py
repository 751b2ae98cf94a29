"""Join links: signed, expiring, single-participant tokens carried in the URL fragment."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import replace

import pytest

from court.errors import NotAuthenticated
from court.hearing import Hearing, Participant
from court.ids import HearingId, ParticipantId
from court.roles import Role
from server.join_links import JoinLinks
from tests.server.conftest import Database

NOW = 1_800_000_000.0


def payload(token: str) -> dict[str, object]:
    body = token.split(".")[0]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return decoded


def reencode(token: str, **changes: object) -> str:
    """The token with its payload changed but its original signature kept (a forgery)."""
    body = json.dumps({**payload(token), **changes}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(body).rstrip(b"=").decode() + "." + token.split(".")[1]


async def cast(database: Database) -> tuple[Hearing, Participant, Participant]:
    hearing = await database.hearings.create(case_number="1-7/2026", title="State v. Tester")
    judge = await database.participants.add(hearing.id, name="Judge Jones", role=Role.JUDGE)
    observer = await database.participants.add(hearing.id, name="Press", role=Role.OBSERVER)
    return hearing, judge, observer


async def test_a_token_names_hearing_participant_role_and_expiry_in_compact_json(
    database: Database,
) -> None:
    _, judge, _ = await cast(database)
    token = database.links.token_for(judge, now=NOW)

    assert payload(token) == {
        "hearing_id": judge.hearing_id,
        "participant_id": judge.id,
        "role": "judge",
        "expires_at": int(NOW) + 3600,
    }
    assert " " not in token.split(".")[0]
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


async def test_the_link_carries_the_token_in_its_fragment_never_in_the_query(
    database: Database,
) -> None:
    _, judge, _ = await cast(database)
    token = database.links.token_for(judge)

    url = database.links.url_for(token)

    assert url == f"http://127.0.0.1:8080/join#token={token}"
    assert "?" not in url


async def test_a_valid_token_admits_its_participant_to_its_hearing(database: Database) -> None:
    hearing, judge, _ = await cast(database)

    grant = await database.links.authenticate(database.links.token_for(judge))

    assert grant.hearing == hearing
    assert grant.participant == judge


async def test_a_token_stops_working_when_it_expires(database: Database) -> None:
    _, judge, _ = await cast(database)
    token = database.links.token_for(judge, now=NOW)

    assert database.links.verify(token, now=NOW + 3599).participant_id == judge.id
    with pytest.raises(NotAuthenticated, match="expired"):
        database.links.verify(token, now=NOW + 3600)


async def test_an_expired_token_is_refused_at_authentication(database: Database) -> None:
    _, judge, _ = await cast(database)
    token = database.links.token_for(judge, now=time.time() - 7200)

    with pytest.raises(NotAuthenticated, match="expired"):
        await database.links.authenticate(token)


async def test_an_observer_cannot_raise_their_role_by_editing_the_token(
    database: Database,
) -> None:
    _, _, observer = await cast(database)
    forged = reencode(database.links.token_for(observer), role="judge")

    with pytest.raises(NotAuthenticated, match="not valid"):
        await database.links.authenticate(forged)


async def test_a_token_signed_with_another_key_is_refused(database: Database) -> None:
    _, judge, _ = await cast(database)
    other = JoinLinks(
        b"another key of at least thirty-two bytes",
        "http://127.0.0.1:8080",
        database.hearings,
        database.participants,
        ttl_s=3600,
    )

    with pytest.raises(NotAuthenticated, match="not valid"):
        await database.links.authenticate(other.token_for(judge))


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
        b'{"hearing_id":"h","participant_id":"p","role":"emperor","expires_at":9999999999}',
        b"\xff",
    ):
        encoded = base64.urlsafe_b64encode(body).rstrip(b"=").decode()
        token = f"{encoded}.{links._sign(encoded)}"
        with pytest.raises(NotAuthenticated, match="not valid"):
            await links.authenticate(token)


async def test_a_participant_of_another_hearing_cannot_use_this_hearings_id(
    database: Database,
) -> None:
    hearing, judge, _ = await cast(database)
    other = await database.hearings.create(case_number="1-8/2026", title="State v. Other")
    # Correctly signed, but the claimed hearing is not the participant's own.
    token = database.links.token_for(replace(judge, hearing_id=other.id))

    with pytest.raises(NotAuthenticated, match="not valid"):
        await database.links.authenticate(token)
    assert (await database.links.authenticate(database.links.token_for(judge))).hearing == hearing


async def test_a_token_whose_role_no_longer_matches_the_participant_is_refused(
    database: Database,
) -> None:
    _, _, observer = await cast(database)
    token = database.links.token_for(replace(observer, role=Role.WITNESS))

    with pytest.raises(NotAuthenticated, match="not valid"):
        await database.links.authenticate(token)


async def test_a_token_for_an_unknown_participant_is_refused(database: Database) -> None:
    stranger = Participant(
        id=ParticipantId("prt_unknown"),
        hearing_id=HearingId("hrg_unknown"),
        name="Nobody",
        role=Role.JUDGE,
    )

    with pytest.raises(NotAuthenticated, match="Ask the court clerk"):
        await database.links.authenticate(database.links.token_for(stranger))
