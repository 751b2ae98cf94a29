"""The `courtroom` command: demo links for people and for the browser tests; recordings."""

from __future__ import annotations

import asyncio
import json
import re
import stat
from datetime import datetime
from pathlib import Path

import pytest

from court.ids import HearingId, RecordingId
from recordings import RecordingInfo, RecordingStore
from recordings.signing import load_or_create_key
from server.cli import format_recordings, main
from server.demo import DEMO_LINKS_FILE
from server.settings import Settings

# The command reads COURTROOM_* from the process environment, as a user's shell gives it.
pytestmark = pytest.mark.usefixtures("cli_environment")


@pytest.fixture(autouse=True)
def demo_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """As ``make run`` has it: the demo asked for, on the default loopback address."""
    monkeypatch.setenv("COURTROOM_DEMO", "1")


def demo_json(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["demo", "--json"]) == 0
    printed: dict[str, object] = json.loads(capsys.readouterr().out)
    return printed


def test_demo_json_gives_the_hearing_and_a_link_per_role(
    capsys: pytest.CaptureFixture[str],
) -> None:
    printed = demo_json(capsys)

    links = printed["links"]
    assert isinstance(printed["hearing_id"], str)
    assert isinstance(links, dict)
    assert list(links) == ["judge", "clerk", "defendant", "witness", "observer"]
    for link in links.values():
        assert set(link) == {"name", "url", "token"}
        assert link["url"] == f"http://127.0.0.1:8080/join#token={link['token']}"


def test_running_demo_again_keeps_the_same_hearing(capsys: pytest.CaptureFixture[str]) -> None:
    first, second = demo_json(capsys), demo_json(capsys)

    assert first["hearing_id"] == second["hearing_id"]


def test_demo_writes_the_links_for_people_to_a_private_file_and_prints_its_path(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0

    out = capsys.readouterr().out
    path = settings.data_dir / DEMO_LINKS_FILE
    assert f"cat {path}" in out
    assert "#token=" not in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    links = path.read_text()
    assert "State v. Demo Defendant" in links
    assert links.count("http://127.0.0.1:8080/join#token=") == 5


def test_demo_is_refused_while_the_demo_is_off(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("COURTROOM_DEMO")

    assert main(["demo"]) == 2
    assert main(["demo", "--json"]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "the demo is off" in captured.err and "COURTROOM_DEMO=1" in captured.err
    assert not (settings.data_dir / DEMO_LINKS_FILE).exists()


@pytest.mark.parametrize("command", [["demo"], ["serve"]])
def test_the_demo_is_refused_for_a_public_url_that_is_not_loopback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    monkeypatch.setenv("COURTROOM_PUBLIC_URL", "https://court.example")

    assert main(command) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "COURTROOM_DEMO=1 is refused with COURTROOM_PUBLIC_URL=https://court.example" in (
        captured.err
    )


def test_a_bad_setting_stops_the_command_with_its_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COURTROOM_PORT", "eighty")

    assert main(["demo"]) == 2
    assert "COURTROOM_PORT must be a number" in capsys.readouterr().err


def test_without_recordings_the_list_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recordings", "list"]) == 0

    assert capsys.readouterr().out.strip() == "No recordings yet."


async def test_recordings_list_shows_each_recording_with_duration_and_state(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    store = RecordingStore(settings.recordings_dir)
    recording = await store.start(HearingId("hrg_cli"))
    await asyncio.sleep(1.0)  # the hearing is recorded for about a second
    info = await recording.stop()
    running = await store.start(HearingId("hrg_cli"))
    try:
        assert await asyncio.to_thread(main, ["recordings", "list"]) == 0
    finally:
        await running.stop()

    header, sealed, unsealed = (
        re.split(r"\s{2,}", line) for line in capsys.readouterr().out.strip().splitlines()
    )
    assert header == ["HEARING", "RECORDING", "STARTED", "DURATION", "STATE", "DIRECTORY"]
    started = datetime.fromtimestamp(info.started_at).strftime("%Y-%m-%d %H:%M:%S")
    assert sealed[:3] == ["hrg_cli", info.recording_id, started]  # local time
    assert re.fullmatch(r"0:00:0[01]\.\d", sealed[3])
    assert sealed[4:] == ["sealed", str(info.path)]
    assert unsealed[1] == running.id
    assert unsealed[4] == "running or unsealed"


def test_durations_read_as_hours_minutes_and_tenths_of_seconds() -> None:
    def info(duration_s: float | None, stopped_at: float | None) -> RecordingInfo:
        return RecordingInfo(
            recording_id=RecordingId("rec_x"),
            hearing_id=HearingId("hrg_x"),
            path=Path("/data/recordings/hrg_x/rec_x"),
            segments=(Path("/data/recordings/hrg_x/rec_x/segment-000001.ogg"),),
            tracks=(),
            started_at=0.0,
            stopped_at=stopped_at,
            duration_s=duration_s,
        )

    rows = [
        re.split(r"\s{2,}", line)
        for line in format_recordings(
            [info(3723.46, 3724.0), info(59.96, 60.0), info(0.04, None), info(None, None)]
        ).splitlines()
    ]

    assert [row[3:5] for row in rows[1:]] == [
        ["1:02:03.5", "sealed"],
        ["0:01:00.0", "sealed"],
        ["0:00:00.0", "running or unsealed"],
        ["unreadable", "running or unsealed"],
    ]


def test_archive_public_key_prints_the_same_key_each_time_and_keeps_the_private_half_private(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["archive", "public-key"]) == 0
    first = capsys.readouterr().out
    assert main(["archive", "public-key"]) == 0
    second = capsys.readouterr().out

    assert first == second
    fingerprint, pem = first.split("\n", 1)
    assert fingerprint.startswith("Fingerprint (SHA-256): ")
    assert pem.startswith("-----BEGIN PUBLIC KEY-----") and "PRIVATE" not in first
    key_file = Settings.from_env().record_signing_key_file
    assert key_file.stat().st_mode & 0o777 == 0o600


async def test_archive_verify_reports_each_segment_and_names_a_flipped_byte(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    key = load_or_create_key(settings.record_signing_key_file)
    store = RecordingStore(settings.recordings_dir, signing_key=key, segment_s=0.3)
    recording = await store.start(HearingId("hrg_verify"))
    await asyncio.sleep(0.8)
    info = await recording.stop()

    assert (
        await asyncio.to_thread(
            main, ["archive", "verify", "hrg_verify", "--reason", "integrity check"]
        )
        == 0
    )
    intact = capsys.readouterr().out
    segment = info.segments[1]
    data = bytearray(segment.read_bytes())
    data[len(data) // 2] ^= 0x40
    segment.write_bytes(bytes(data))
    assert (
        await asyncio.to_thread(
            main, ["archive", "verify", "hrg_verify", "--reason", "integrity check"]
        )
        == 1
    )
    broken = capsys.readouterr().out
    assert (
        await asyncio.to_thread(
            main, ["archive", "verify", "hrg_nothing", "--reason", "integrity check"]
        )
        == 1
    )

    assert intact.splitlines()[0] == f"recording {info.recording_id}: OK"
    assert len(re.findall(r"segment +\d+ segment-\d{6}\.ogg .* ok$", intact, re.M)) >= 3
    assert f"! segment 2 ({segment.name}): altered" in broken
