"""Benchmark-only glue: a hearing with one publisher and enough viewers, and their tokens.

The demo hearing has five participants; N = 16 subscribers needs sixteen more. Distinct
participants, not one join link opened sixteen times: the server lets the newest session
of a participant replace the older one. Until the platform can add participants itself
(later issues), this module writes observers straight into the database through the
server's own repositories and signs their tokens with its own JoinLinks and the same secret
key, so the server under test accepts them like any join link.

Run it before the server process starts; it is the only place the benchmark reaches into
server internals.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from court.roles import Role
from server.court_data import open_court_data
from server.demo import ensure_demo
from server.settings import Settings

BENCH_OBSERVER = "Bench observer"


@dataclass(frozen=True, slots=True)
class BenchCast:
    hearing_id: str
    publisher_token: str
    viewer_tokens: tuple[str, ...]


async def prepare_cast(env: dict[str, str], viewers: int) -> BenchCast:
    """Ensure the demo hearing plus ``viewers`` observers in the data dir that ``env`` names.

    The demo judge publishes (judges may publish audio and video); the viewers are the
    added observers, which may only subscribe.
    """
    settings = Settings.from_env(env)
    async with open_court_data(settings) as data:
        hearing, demo = await ensure_demo(data.hearings, data.participants, data.links)
        judge = next(link for link in demo if link.participant.role == Role.JUDGE)
        existing = [
            p
            for p in await data.participants.of_hearing(hearing.id)
            if p.role == Role.OBSERVER and p.name.startswith(BENCH_OBSERVER)
        ]
        for index in range(len(existing), viewers):
            existing.append(
                await data.participants.add(
                    hearing.id, name=f"{BENCH_OBSERVER} {index + 1}", role=Role.OBSERVER
                )
            )
        return BenchCast(
            hearing_id=hearing.id,
            publisher_token=judge.token,
            viewer_tokens=tuple(
                [(await data.links.issue(hearing, p, by="bench")).token for p in existing[:viewers]]
            ),
        )


def server_env(data_dir: Path, port: int, secret_key: str) -> dict[str, str]:
    """The environment of one server process; ``prepare_cast`` must see the same values."""
    return {
        "COURTROOM_DATA_DIR": str(data_dir),
        "COURTROOM_HOST": "127.0.0.1",
        "COURTROOM_PORT": str(port),
        "COURTROOM_SECRET_KEY": secret_key,
        "COURTROOM_ICE_HOST_ADDRESSES": "127.0.0.1",
    }
