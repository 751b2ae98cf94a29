"""Observability against a real in-process hearing (the relay, aiortc clients on loopback):
what /metrics (server/metrics.py) says is what the hearing is doing, and its counters never go
back when people leave; JSON log lines (server/logs.py) name the hearing they were written
for."""

from __future__ import annotations

import io
import json
import logging

from prometheus_client.parser import text_string_to_metric_families

from court.roles import Role
from media.link_quality import GRADES
from server.logs import JsonFormatter
from server.metrics import Metrics
from signaling.live.features.connection_quality import QUALITY_INTERVAL_S
from signaling.live.server_events import ServerEvent
from tests.signaling.conftest import HearingServer
from tests.signaling.helpers import frames_from
from tests.support.media import ColourCamera, ToneTrack

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(metrics: Metrics) -> Samples:
    text = metrics.exposition().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


async def test_the_metrics_follow_a_live_hearing_and_its_counters_only_grow(
    hearing_server: HearingServer,
) -> None:
    metrics = Metrics(hearing_server.signaling.live_hearings)
    empty = scrape(metrics)
    assert value(empty, "courtroom_hearings_live") == 0
    assert value(empty, "courtroom_relay_bytes_total", direction="sent") == 0

    judge = await hearing_server.join(Role.JUDGE, audio=ToneTrack(), video=ColourCamera())
    await judge.publish()
    defendant = await hearing_server.join(Role.DEFENDANT)
    frames = await frames_from(defendant, judge.participant_id, "video", 10)
    forwarded = sum(len(bytes(frame)) for frame in frames)
    await judge.command("start_recording", {})

    during = scrape(metrics)
    assert value(during, "courtroom_hearings_live") == 1
    assert value(during, "courtroom_participants", room="hearing") == 2
    assert value(during, "courtroom_participants_connection_lost") == 0
    assert value(during, "courtroom_recordings_running") == 1
    assert value(during, "courtroom_recordings_failed") == 0
    # Loopback host candidates on both sides: every connection is direct.
    assert value(during, "courtroom_ice_connections", path="direct") == 2
    assert value(during, "courtroom_ice_connections", path="relay") == 0
    assert value(during, "courtroom_ice_selected_total", path="direct") == 2
    received = value(during, "courtroom_relay_bytes_total", direction="received")
    sent = value(during, "courtroom_relay_bytes_total", direction="sent")
    # The judge's video arrived and went on to the defendant: at least the ten frames the
    # defendant decoded, in both directions (the counters add RTP and SRTP overhead).
    assert received > forwarded and sent > forwarded, (received, sent, forwarded)
    assert value(during, "courtroom_relay_packets_total", direction="sent") > 10
    # Honest publishers stay within their bitrate budget (media/producer.py).
    assert value(during, "courtroom_relay_publishers_over_budget") == 0
    assert value(during, "courtroom_relay_dropped_bytes_total") == 0

    # Once their connections are measured (every few seconds), both are counted by grade.
    await judge.wait_until(
        lambda: any(
            len(notice["participants"]) == 2
            for notice in judge.received(ServerEvent.CONNECTION_QUALITY_MEASURED)
        ),
        within_s=6 * QUALITY_INTERVAL_S,
    )
    graded = scrape(metrics)
    grades = {g: value(graded, "courtroom_participants_link_grade", grade=g) for g in GRADES}
    assert sum(grades.values()) == 2 and grades["bad"] == 0, grades  # loopback: nothing lost

    await defendant.close()
    await judge.wait_until(lambda: not judge.tracks_of(defendant.participant_id))
    after = scrape(metrics)
    assert value(after, "courtroom_participants", room="hearing") == 1
    assert value(after, "courtroom_ice_connections", path="direct") == 1
    assert value(after, "courtroom_ice_selected_total", path="direct") == 2
    # What the defendant's connection carried stays counted after it closed.
    assert value(after, "courtroom_relay_bytes_total", direction="sent") >= sent
    assert value(after, "courtroom_relay_bytes_total", direction="received") >= received
    # The metrics carry no hearing or participant: nothing to leak to whoever reads them.
    text = metrics.exposition().decode()
    assert hearing_server.hearing_id not in text
    assert judge.participant_id not in text and defendant.participant_id not in text


async def test_json_log_lines_of_a_hearings_connection_name_the_hearing(
    hearing_server: HearingServer,
) -> None:
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("signaling.namespace")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        judge = await hearing_server.join(Role.JUDGE)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = [json.loads(line) for line in written.getvalue().splitlines()]
    (connected,) = [line for line in lines if line["message"].startswith("connected ")]
    assert connected["hearing_id"] == hearing_server.hearing_id, connected
    assert judge.participant_id in connected["message"]
    assert connected["level"] == "INFO" and connected["logger"] == "signaling.namespace"
