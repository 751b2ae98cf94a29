"""media.ice.selected_path: how ICE connected a peer connection, as /metrics counts it,
read from aioice's nominated pair (relay when either end's candidate is a TURN relay)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from aioice import Candidate

from media.ice import selected_path


def candidate(kind: str) -> Candidate:
    return Candidate(
        foundation="1", component=1, transport="udp", priority=1, host="10.16.0.1", port=5000,
        type=kind,
    )  # fmt: skip


def transport(nominated: dict[int, object] | None) -> SimpleNamespace:
    return SimpleNamespace(_connection=SimpleNamespace(_nominated=nominated))


@pytest.mark.parametrize(
    ("local", "remote", "path"),
    [
        ("host", "host", "direct"),
        ("host", "prflx", "direct"),
        ("srflx", "srflx", "direct"),
        ("host", "relay", "relay"),
        ("relay", "host", "relay"),
    ],
)
def test_a_pair_through_a_relay_candidate_is_relayed(local: str, remote: str, path: str) -> None:
    pair = SimpleNamespace(local_candidate=candidate(local), remote_candidate=candidate(remote))
    assert selected_path(transport({1: pair})) == path


def test_before_a_pair_is_selected_there_is_no_path() -> None:
    assert selected_path(transport({})) is None
    assert selected_path(SimpleNamespace()) is None
