"""Hearings of a test's own, scheduled through the REST API as the demo clerk.

The e2e session shares one demo hearing that many tests open and use. A test that moves a
hearing through its states (in session, paused, closed: closing is irreversible), removes
people or locks the door schedules a hearing of its own instead.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from server.auth.bootstrap import DEMO_STAFF_FILE, read_passwords
from tests.e2e.harness import Server

DEMO_CLERK = "clerk"
_numbers = itertools.count(1)


@dataclass(frozen=True)
class OwnHearing:
    id: str
    case_number: str
    title: str
    tokens: dict[str, str]  # role -> join link token
    names: dict[str, str]  # role -> name
    participant_ids: dict[str, str] = field(default_factory=dict)  # role -> participant id
    link_ids: dict[str, str] = field(default_factory=dict)  # role -> join link id


class Scheduler:
    def __init__(self, browser: Any, server: Server) -> None:
        password = read_passwords(server.data_dir / DEMO_STAFF_FILE)[DEMO_CLERK]
        self._url = server.url
        self._context = browser.new_context()
        self._api = self._context.request
        self._post("/api/v1/session", {"username": DEMO_CLERK, "password": password}, "log in")

    def _post(self, path: str, data: dict[str, Any], what: str) -> dict[str, Any]:
        # Changes made with a session cookie must name the origin, as a browser does.
        response = self._api.post(f"{self._url}{path}", data=data, headers={"Origin": self._url})
        assert response.ok, f"{what}: HTTP {response.status} {response.text()}"
        body: dict[str, Any] = response.json()
        return body

    def hearing(
        self, title: str, cast: dict[str, str], *, start: datetime | None = None
    ) -> OwnHearing:
        """Schedule a hearing starting now (or at ``start``), with one participant (and join
        link) per role."""
        case_number = f"3-{datetime.now(UTC):%H%M%S}-{next(_numbers)}/e2e"
        hearing = self._post(
            "/api/v1/hearings",
            {
                "case_number": case_number,
                "title": title,
                "court": "Demo District Court",
                "courtroom": "Courtroom 3",
                "presiding_judge": "judge",
                "scheduled_start": (start or datetime.now(UTC)).replace(microsecond=0).isoformat(),
                "duration_minutes": 120,
            },
            "schedule the hearing",
        )
        base = f"/api/v1/hearings/{hearing['id']}/participants"
        tokens, participant_ids, link_ids = {}, {}, {}
        for role, name in cast.items():
            added = self._post(base, {"name": name, "role": role}, f"add the {role}")
            link = self._post(f"{base}/{added['id']}/links", {}, f"issue the {role}'s link")
            tokens[role] = link["token"]
            participant_ids[role] = added["id"]
            link_ids[role] = link["id"]
        return OwnHearing(
            hearing["id"], case_number, title, tokens, dict(cast), participant_ids, link_ids
        )

    def post(self, path: str, data: dict[str, Any], what: str) -> dict[str, Any]:
        """A change through the REST API, as the demo clerk."""
        return self._post(path, data, what)

    def delete(self, path: str, data: dict[str, Any], what: str) -> dict[str, Any]:
        response = self._api.delete(f"{self._url}{path}", data=data, headers={"Origin": self._url})
        assert response.ok, f"{what}: HTTP {response.status} {response.text()}"
        body: dict[str, Any] = response.json()
        return body

    def protocol(self, hearing_id: str) -> list[dict[str, Any]]:
        """The hearing's protocol entries as the server keeps them (REST API)."""
        response = self._api.get(
            f"{self._url}/api/v1/hearings/{hearing_id}/protocol?reason=checking"
        )
        assert response.ok, f"read the protocol: HTTP {response.status} {response.text()}"
        entries: list[dict[str, Any]] = response.json()["entries"]
        return entries

    def close(self) -> None:
        self._context.close()
