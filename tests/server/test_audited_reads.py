"""Reading a hearing's protocol, private chat and exhibits through the API needs the
permission for that hearing and a stated reason, and is audited with it, as archive reads
are (the security review's M3)."""

from __future__ import annotations

import pytest

from server import keys
from server.app import create_app
from server.settings import Settings
from tests.server.api_support import Client, MakeClient, actor_header, as_

READS = [
    ("protocol.read", "/protocol"),
    ("chat.list", "/chat"),
    ("exhibits.read", "/exhibits"),
]


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    app = create_app(settings)
    app.middlewares.append(actor_header)
    return await aiohttp_client(app)


async def _audited(client: Client, action: str) -> list[tuple[str, str, str]]:
    entries = [e async for e in client.app[keys.AUDIT].entries.walk()]
    return [(e.actor, e.object, e.reason) for e in entries if e.action == action]


@pytest.mark.parametrize(("action", "path"), READS)
async def test_a_read_needs_a_stated_reason_and_is_audited_with_it(
    client: Client, action: str, path: str
) -> None:
    hearing = await client.app[keys.HEARINGS].create(
        case_number="R-1", title="State v. Read", presiding_judge="judge", clerk="clerk"
    )
    url = f"/api/v1/hearings/{hearing.id}{path}"

    refused = await client.get(url, headers=as_("clerk"))
    assert refused.status == 422
    assert "reason" in (await refused.json())["detail"]
    assert await _audited(client, action) == []  # a refused read leaves no read behind

    response = await client.get(f"{url}?reason=appeal+file+review", headers=as_("clerk"))
    assert response.status == 200
    (entry,) = await _audited(client, action)
    assert entry[1:] == (f"hearing:{hearing.id}", "appeal file review")
    assert "clerk" in entry[0]


@pytest.mark.parametrize(("action", "path"), READS)
async def test_no_reason_opens_a_hearing_the_reader_may_not_read(
    client: Client, action: str, path: str
) -> None:
    others = await client.app[keys.HEARINGS].create(
        case_number="R-2", title="State v. Other", presiding_judge="judge2"
    )
    url = f"/api/v1/hearings/{others.id}{path}?reason=curious"
    assert (await client.get(url, headers=as_("judge"))).status == 403
    assert (await client.get(url, headers=as_("clerk"))).status == 403  # not its clerk
    assert (await client.get(url)).status == 401  # anonymous: refused before any reason
    assert [r for r in await _audited(client, action) if "curious" in r[2]] == []
