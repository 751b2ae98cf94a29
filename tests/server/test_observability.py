"""/metrics as the app serves it (to this machine only), request ids, and the JSON log
format the operator chooses with COURTROOM_LOG_FORMAT."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import make_mocked_request
from prometheus_client.parser import text_string_to_metric_families

from server.app import create_app
from server.logs import JsonFormatter, configure
from server.metrics import LAG_INTERVAL_S, from_this_machine
from server.settings import Settings, SettingsError
from signaling import log_context
from tests.server.test_app import Client, MakeClient


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    return await aiohttp_client(create_app(settings))


async def test_metrics_are_served_to_this_machine_with_the_event_loops_lag(client: Client) -> None:
    await asyncio.sleep(2.5 * LAG_INTERVAL_S)  # the lag monitor's first samples
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    families = {f.name: f for f in text_string_to_metric_families(await response.text())}
    assert families["courtroom_hearings_live"].samples[0].value == 0
    lag = {s.name: s.value for s in families["courtroom_event_loop_lag_seconds"].samples}
    assert lag["courtroom_event_loop_lag_seconds_count"] >= 2, lag
    assert families["courtroom_process_resident_memory_bytes"].samples[0].value > 0


async def test_metrics_are_refused_when_a_proxy_passes_the_request_on(client: Client) -> None:
    response = await client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.status == 404
    assert (await response.json())["code"] == "not_found"
    assert "courtroom_" not in await response.text()


def test_only_a_loopback_peer_that_is_no_proxy_is_this_machine() -> None:
    request = make_mocked_request("GET", "/metrics")
    assert from_this_machine(request.clone(remote="127.0.0.1"))
    assert from_this_machine(request.clone(remote="::1"))
    assert not from_this_machine(request.clone(remote="10.16.0.2"))
    forwarded = make_mocked_request("GET", "/metrics", headers={"Forwarded": "for=10.0.0.9"})
    assert not from_this_machine(forwarded.clone(remote="127.0.0.1"))


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What aiohttp's access log writes in the JSON format, one line per request."""
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("aiohttp.access")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield written
    logger.removeHandler(handler)
    logger.setLevel(level)


async def test_every_answer_has_a_request_id_that_its_json_log_line_names(
    client: Client, json_lines: io.StringIO
) -> None:
    first = await client.get("/api/v1/health")
    second = await client.get("/api/v1/hearings/hrg_0123456789/protocol")
    ids = [first.headers["X-Request-Id"], second.headers["X-Request-Id"]]
    assert len(set(ids)) == 2 and all(len(i) == 16 for i in ids), ids
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    by_id = {line["request_id"]: line for line in lines}
    assert set(by_id) == set(ids), lines
    assert "/api/v1/health" in by_id[ids[0]]["message"]
    assert "hearing_id" not in by_id[ids[0]]
    # An API path that names a hearing: its lines name it too (refused: not logged in).
    assert second.status == 401
    assert by_id[ids[1]]["hearing_id"] == "hrg_0123456789"


def test_a_json_line_carries_the_context_and_the_exception() -> None:
    formatter = JsonFormatter()
    try:
        raise ValueError("the cause")
    except ValueError:
        record = logging.getLogger("t").makeRecord(
            "t", logging.ERROR, __file__, 1, "failed %s", ("here",), exc_info=sys.exc_info()
        )
    hearing = log_context.hearing_id.set("hrg_x")
    try:
        line = json.loads(formatter.format(record))
    finally:
        log_context.hearing_id.reset(hearing)
    assert line["message"] == "failed here" and line["level"] == "ERROR"
    assert line["hearing_id"] == "hrg_x" and "request_id" not in line
    assert "ValueError: the cause" in line["exception"]
    assert line["time"].endswith("+00:00")


def test_the_log_format_is_a_setting(tmp_path: Path) -> None:
    env = {"COURTROOM_DATA_DIR": str(tmp_path / "data")}
    assert Settings.from_env(env).log_format == "text"
    assert Settings.from_env({**env, "COURTROOM_LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(SettingsError, match="COURTROOM_LOG_FORMAT must be text or json"):
        Settings.from_env({**env, "COURTROOM_LOG_FORMAT": "xml"})


def test_configure_gives_the_root_handlers_the_format() -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler(io.StringIO())
    root.addHandler(handler)
    try:
        configure("json")
        assert isinstance(handler.formatter, JsonFormatter)
        configure("text")
        assert not isinstance(handler.formatter, JsonFormatter)
    finally:
        root.removeHandler(handler)
