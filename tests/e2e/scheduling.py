"""Hearings of a test's own, scheduled through the REST API as the demo clerk.

The bench gets no join link (the security review's H1): the demo judge and the demo clerk
each join from a staff session of their own, as the console's "Join as judge/clerk" does
(POST /api/v1/hearings/{id}/bench), and the participant is named by their account.

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
DEMO_JUDGE = "judge"
BENCH = (DEMO_JUDGE, DEMO_CLERK)  # the roles, which are also the demo accounts' usernames
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
        self._passwords = read_passwords(server.data_dir / DEMO_STAFF_FILE)
        self._url = server.url
        self._browser = browser
        self._context = browser.new_context()
        self._api = self._context.request
        self._judge: Any = None  # the demo judge's own session, opened when first needed
        self._log_in(self._api, DEMO_CLERK)

    def _log_in(self, api: Any, username: str) -> None:
        body = {"username": username, "password": self._passwords[username]}
        self._post("/api/v1/session", body, f"log in as {username}", api=api)

    def _post(
        self, path: str, data: dict[str, Any], what: str, *, api: Any = None
    ) -> dict[str, Any]:
        # Changes made with a session cookie must name the origin, as a browser does.
        response = (api or self._api).post(
            f"{self._url}{path}", data=data, headers={"Origin": self._url}
        )
        assert response.ok, f"{what}: HTTP {response.status} {response.text()}"
        body: dict[str, Any] = response.json()
        return body

    def join_bench(self, hearing_id: str, role: str) -> dict[str, Any]:
        """The bench member's join (participant, link record, token), from their session."""
        api = self._api
        if role == DEMO_JUDGE:
            if self._judge is None:
                self._judge = self._browser.new_context()
                self._log_in(self._judge.request, DEMO_JUDGE)
            api = self._judge.request
        return self._post(f"/api/v1/hearings/{hearing_id}/bench", {}, f"join as {role}", api=api)

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
        tokens, participant_ids, link_ids, names = {}, {}, {}, dict(cast)
        for role, name in cast.items():
            if role in BENCH:
                joined = self.join_bench(hearing["id"], role)
                added, link = joined["participant"], {**joined["link"], "token": joined["token"]}
                names[role] = added["name"]  # their account's name, not the cast's
            else:
                added = self._post(base, {"name": name, "role": role}, f"add the {role}")
                link = self._post(f"{base}/{added['id']}/links", {}, f"issue the {role}'s link")
            tokens[role] = link["token"]
            participant_ids[role] = added["id"]
            link_ids[role] = link["id"]
        return OwnHearing(
            hearing["id"], case_number, title, tokens, names, participant_ids, link_ids
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
        if self._judge is not None:
            self._judge.close()
        self._context.close()
