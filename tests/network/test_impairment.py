"""A hearing on a lossy link: 5 % random packet loss on one participant's link, measured by
both browsers' getStats (frames decoded per second, freezes, concealed audio samples).

The clerk's Chromium runs in a namespace of its own whose link drops 5 % of packets each way
(iptables ``statistic``; this kernel has no netem); the judge's Chromium is on a clean link.
Each page measures what it receives: the judge what the clerk sends through the lossy
uplink, the clerk what reaches it through the lossy downlink. The figures are written to
``E2E_SHOTS_DIR/impairment-loss-5.json`` for the record.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.e2e.harness import SHOTS_FOR_REVIEW, Server
from tests.network.conftest import judge_and_clerk
from tests.network.stats import measure
from tests.network.topology import LossyLink

pytestmark = pytest.mark.timeout(180)

LOSS = 0.05
BASELINE_S = 10
IMPAIRED_S = 20
# Targets from issue 16; the test asserts what must hold (media keeps flowing, the link
# really lost packets) and records how far from the targets it is.
TARGET_FPS = 20
TARGET_CONCEALED = 0.02


def test_five_percent_loss_on_one_participants_link(
    playwright_driver: Any,
    plain_server: Server,
    lossy_link: LossyLink,
    browser_dirs: Any,
) -> None:
    with judge_and_clerk(playwright_driver, plain_server, lossy_link, browser_dirs) as pages:
        time.sleep(3)  # past the start: bandwidth estimation ramps up
        baseline = measure(pages, BASELINE_S)
        lossy_link.lose(LOSS)
        try:
            impaired = measure(pages, IMPAIRED_S)
            dropped = lossy_link.dropped()
        finally:
            lossy_link.lose(0)

    report = {
        "loss": LOSS,
        "dropped_packets": dropped,
        "baseline": baseline,
        "impaired": impaired,
        "targets": {"video_fps": TARGET_FPS, "audio_concealed": TARGET_CONCEALED},
    }
    SHOTS_FOR_REVIEW.mkdir(parents=True, exist_ok=True)
    (SHOTS_FOR_REVIEW / "impairment-loss-5.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    # The link really lost about 5 %: what the clerk's browser counts missing before repair.
    assert dropped > 0
    assert 0.02 <= impaired["clerk"]["video_loss"] <= 0.12, report
    for role in ("judge", "clerk"):
        assert baseline[role]["video_fps"] >= TARGET_FPS, report
        # Video holds at the target both ways: the lost packets are asked for again (NACK)
        # and retransmitted (RTX), by the relay towards the clerk and by the clerk's
        # browser towards the relay.
        assert impaired[role]["video_fps"] >= TARGET_FPS, report
        assert impaired[role]["freeze_s"] < 1.0, report
        # Opus has no retransmission: concealment follows the loss of the clerk's own
        # link (measured 4-5 % for the clerk, above the 2 % target; see the report).
        assert impaired[role]["audio_concealed"] < 0.10, report
    assert impaired["clerk"]["nacks"] > 0, report
