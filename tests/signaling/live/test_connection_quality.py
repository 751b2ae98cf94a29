"""How the court is told a participant's connection: its words for the ICE path and the
precision of a loss (the measurement itself: tests/media/test_link_quality.py, and through
a real relay: tests/signaling/test_connection_quality.py)."""

from __future__ import annotations

from media.link_quality import LinkQuality
from signaling.live.features.connection_quality import link_quality_view


def test_a_pair_through_turn_is_relayed_and_a_loss_is_told_to_a_tenth_of_a_per_cent() -> None:
    quality = LinkQuality(
        path="relay",
        round_trip_ms=180,
        loss_up=0.04567,
        loss_down=None,
        kbit_s_up=650,
        kbit_s_down=1200,
    )

    assert link_quality_view("prt_a", quality) == {
        "participant_id": "prt_a",
        "path": "relayed",
        "round_trip_ms": 180,
        "loss_up": 0.046,
        "loss_down": None,
        "kbit_s_up": 650,
        "kbit_s_down": 1200,
        "grade": "poor",
    }


def test_a_direct_pair_is_direct_and_none_yet_is_none() -> None:
    direct = LinkQuality("direct", None, None, None, 0, 0)
    unknown = LinkQuality(None, None, None, None, 0, 0)

    assert link_quality_view("prt_a", direct)["path"] == "direct"
    assert link_quality_view("prt_a", unknown)["path"] is None
