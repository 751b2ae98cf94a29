"""``courtroom check``: each finding, from the configuration that causes it, and the command's
exit status (1 on an error, so that systemd's ExecStartPre keeps a broken installation down)."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from recordings.signing import key_fingerprint, load_or_create_key
from server import doctor
from server.cli import main
from server.doctor import ClockState, Finding, Severity
from server.settings import Settings
from tests.deploy.certificates import issue

OTHER_UID = 65534  # nobody


def settings_of(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"COURTROOM_DATA_DIR": str(tmp_path / "data"), **env})


def only(findings: list[Finding], topic: str) -> list[tuple[Severity, str]]:
    return [(f.severity, f.text) for f in findings if f.topic == topic]


def severities(findings: list[Finding], topic: str) -> list[Severity]:
    return [severity for severity, _ in only(findings, topic)]


# ---- exposure ---------------------------------------------------------------------------


def test_plain_http_on_loopback_is_the_demo_and_fine(tmp_path: Path) -> None:
    assert severities(doctor.exposure(settings_of(tmp_path)), "https") == [Severity.OK]


def test_plain_http_for_a_public_name_is_an_error_saying_why(tmp_path: Path) -> None:
    settings = settings_of(
        tmp_path, COURTROOM_HOST="0.0.0.0", COURTROOM_PUBLIC_URL="http://court.example.org"
    )
    ((severity, text),) = only(doctor.exposure(settings), "https")
    assert severity is Severity.ERROR
    assert "camera and microphone only to HTTPS" in text


def test_https_served_in_plain_on_the_network_is_an_error(tmp_path: Path) -> None:
    settings = settings_of(
        tmp_path, COURTROOM_HOST="0.0.0.0", COURTROOM_PUBLIC_URL="https://court.example.org"
    )
    assert severities(doctor.exposure(settings), "https") == [Severity.ERROR]


def test_behind_a_proxy_it_must_trust_the_proxy(tmp_path: Path) -> None:
    untrusting = settings_of(tmp_path, COURTROOM_PUBLIC_URL="https://court.example.org")
    ((severity, text),) = only(doctor.exposure(untrusting), "proxy")
    assert severity is Severity.WARNING and "COURTROOM_TRUSTED_PROXIES" in text
    trusting = settings_of(
        tmp_path,
        COURTROOM_PUBLIC_URL="https://court.example.org",
        COURTROOM_TRUSTED_PROXIES="127.0.0.1,::1",
    )
    found = doctor.exposure(trusting)
    assert severities(found, "https") == [Severity.OK] and not only(found, "proxy")


def test_the_demo_on_is_said(tmp_path: Path) -> None:
    found = doctor.exposure(settings_of(tmp_path, COURTROOM_DEMO="1"))
    assert severities(found, "demo") == [Severity.WARNING]


def test_the_demo_for_a_public_url_is_reported_as_an_error_by_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COURTROOM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COURTROOM_DEMO", "1")
    monkeypatch.setenv("COURTROOM_PUBLIC_URL", "https://court.example.org")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("ERROR    settings: COURTROOM_DEMO=1 is refused"), out
    assert out.rstrip().endswith("1 error, 0 warnings")


def test_its_own_certificate_is_checked_for_expiry(tmp_path: Path) -> None:
    issued = issue(tmp_path / "pki", names=["court.test"], addresses=[])
    settings = settings_of(
        tmp_path, COURTROOM_TLS_CERT=str(issued.cert), COURTROOM_TLS_KEY=str(issued.key)
    )
    # The test's certificates last two days: renewing is due.
    ((severity, text),) = only(doctor.exposure(settings), "https")
    assert severity is Severity.WARNING and "renew it" in text
    later = datetime.now(UTC) + timedelta(days=3)
    assert doctor._certificate(issued.cert, now=later).severity is Severity.ERROR
    earlier = datetime.now(UTC) - timedelta(days=30)
    assert doctor._certificate(issued.cert, now=earlier).severity is Severity.OK


# ---- TURN -------------------------------------------------------------------------------


def test_no_turn_server_is_a_warning(tmp_path: Path) -> None:
    stun_only = settings_of(tmp_path, COURTROOM_ICE_SERVERS='[{"urls": "stun:stun.example.org"}]')
    found = doctor.turn(stun_only, {})
    assert found.severity is Severity.WARNING and "blocks UDP" in found.text


@pytest.mark.parametrize(
    ("env", "ice"),
    [
        ({}, '[{"urls": "turns:turn.example.org:443", "username": "u", "credential": "c"}]'),
        ({"COURTROOM_TURN_URLS": "turn:turn.example.org:3478"}, "[]"),
    ],
)
def test_a_turn_server_in_the_ice_servers_or_turn_settings_is_enough(
    tmp_path: Path, env: Mapping[str, str], ice: str
) -> None:
    settings = settings_of(tmp_path, COURTROOM_ICE_SERVERS=ice)
    assert doctor.turn(settings, env).severity is Severity.OK


# ---- the record-signing key ------------------------------------------------------------


def test_no_key_yet_is_a_warning_unless_one_is_pinned(tmp_path: Path) -> None:
    assert severities(doctor.signing_key(settings_of(tmp_path)), "key") == [Severity.WARNING]
    pinned = settings_of(tmp_path, COURTROOM_RECORD_KEY_FINGERPRINT="ab" * 32)
    ((severity, text),) = only(doctor.signing_key(pinned), "key")
    assert severity is Severity.ERROR and "restore it from backup" in text
    assert not (tmp_path / "data" / "keys").exists(), "a check creates no key"


def test_an_unpinned_key_names_the_fingerprint_to_pin(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    key = load_or_create_key(keys / "court.pem")
    settings = settings_of(tmp_path, COURTROOM_RECORD_KEY_FILE=str(keys / "court.pem"))
    found = only(doctor.signing_key(settings), "key")
    assert found[0] == (
        Severity.WARNING,
        "the record-signing key is not pinned: a swapped key file would be used without a "
        "word. Publish the fingerprint and set "
        f"COURTROOM_RECORD_KEY_FINGERPRINT={key_fingerprint(key)}",
    )
    assert [s for s, _ in found[1:]] == [Severity.OK]  # its own volume, 0600


def test_a_pinned_key_is_fine_and_another_key_is_an_error(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    key = load_or_create_key(keys / "court.pem")
    right = settings_of(
        tmp_path,
        COURTROOM_RECORD_KEY_FILE=str(keys / "court.pem"),
        COURTROOM_RECORD_KEY_FINGERPRINT=key_fingerprint(key),
    )
    assert severities(doctor.signing_key(right), "key") == [Severity.OK, Severity.OK]
    wrong = settings_of(
        tmp_path,
        COURTROOM_RECORD_KEY_FILE=str(keys / "court.pem"),
        COURTROOM_RECORD_KEY_FINGERPRINT="cd" * 32,
    )
    assert severities(doctor.signing_key(wrong), "key")[0] is Severity.ERROR


def test_a_key_inside_the_data_directory_or_readable_by_others_is_said(tmp_path: Path) -> None:
    settings = settings_of(tmp_path)
    load_or_create_key(settings.record_signing_key_file)
    settings.record_signing_key_file.chmod(0o644)
    found = only(doctor.signing_key(settings), "key")
    assert [s for s, _ in found] == [Severity.WARNING, Severity.WARNING, Severity.ERROR]
    assert "inside the data directory" in found[1][1]
    assert "0644" in found[2][1] and "chmod 0600" in found[2][1]


# ---- the data directory -----------------------------------------------------------------


def test_an_owner_only_data_directory_is_fine(tmp_path: Path) -> None:
    assert severities(doctor.data_directory(settings_of(tmp_path)), "data") == [Severity.OK]


def test_a_file_others_may_read_in_the_data_directory_is_an_error(tmp_path: Path) -> None:
    settings = settings_of(tmp_path)
    exposed = settings.data_dir / "courtroom.db"
    exposed.chmod(0o644)
    ((severity, text),) = only(doctor.data_directory(settings), "data")
    assert severity is Severity.ERROR and str(exposed) in text


def test_a_data_directory_of_another_user_open_to_all_is_said_both_ways(tmp_path: Path) -> None:
    """Settings tighten the user's own directory; one belonging to someone else they leave
    alone, and the check says so (run as root here: chown works)."""
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, OTHER_UID, OTHER_UID)
    data.chmod(0o755)
    settings = settings_of(tmp_path)
    found = only(doctor.data_directory(settings), "data")
    assert [s for s, _ in found][:2] == [Severity.WARNING, Severity.ERROR], found
    assert f"belongs to uid {OTHER_UID}" in found[0][1]
    assert "0755" in found[1][1]


# ---- the database -----------------------------------------------------------------------


def test_a_reachable_database_is_fine(tmp_path: Path) -> None:
    assert doctor.database(settings_of(tmp_path)).severity is Severity.OK


def test_an_unreachable_database_is_an_error_without_its_password(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+asyncpg://courtroom:sekrit@127.0.0.1:{port}/courtroom"
    found = doctor.database(settings_of(tmp_path, COURTROOM_DATABASE_URL=url))
    assert found.severity is Severity.ERROR
    assert found.text.startswith(
        f"cannot connect to postgresql+asyncpg://courtroom:***@127.0.0.1:{port}"
    )
    assert "sekrit" not in found.text


# ---- the clock --------------------------------------------------------------------------


def test_the_kernel_is_asked_about_the_clock() -> None:
    state = doctor.kernel_clock()
    assert state is not None, "adjtimex is in every Linux C library"
    assert state.max_error_us > 0  # the kernel's bound: 16 s unsynchronised, less when synced


@pytest.mark.parametrize(
    ("state", "severity"),
    [
        (ClockState(synchronised=True, max_error_us=4_000), Severity.OK),
        (ClockState(synchronised=False, max_error_us=16_000_000), Severity.WARNING),
        (None, Severity.WARNING),
    ],
)
def test_an_unsynchronised_clock_is_a_warning(state: ClockState | None, severity: Severity) -> None:
    assert doctor.clock(lambda: state).severity is severity


# ---- disk space -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours_free", "severity"),
    [(0.5, Severity.ERROR), (3, Severity.WARNING), (20, Severity.OK)],
)
def test_disk_space_is_counted_in_hours_of_recording(
    tmp_path: Path, hours_free: float, severity: Severity
) -> None:
    per_hour = doctor.recording_bytes_per_hour(6)
    found = doctor.disk_space(
        settings_of(tmp_path), 8, 6, free=lambda _: int(hours_free * per_hour)
    )
    assert found.severity is severity, found
    assert f"about {hours_free:.1f} hours" in found.text


def test_an_hour_of_six_participants_is_about_two_gigabytes() -> None:
    # 6 x (700 + 64) kbit/s + 64 kbit/s for the master, for an hour.
    assert doctor.recording_bytes_per_hour(6) == (6 * 764_000 + 64_000) * 3600 // 8


# ---- the command ------------------------------------------------------------------------


def test_the_command_lists_errors_first_and_exits_1_on_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COURTROOM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COURTROOM_HOST", "0.0.0.0")
    monkeypatch.setenv("COURTROOM_PUBLIC_URL", "http://court.example.org")
    assert main(["check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("ERROR    https:"), lines
    topics = {line.split(":")[0].split()[-1] for line in lines[:-1]}
    assert topics >= {"https", "turn", "key", "data", "database", "clock", "disk"}, lines


def test_warnings_alone_exit_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COURTROOM_DATA_DIR", str(tmp_path / "data"))
    for name in ("COURTROOM_HOST", "COURTROOM_PUBLIC_URL", "COURTROOM_DEMO"):
        monkeypatch.delenv(name, raising=False)
    assert main(["check", "--hours", "0.01"]) == 0
    out = capsys.readouterr().out
    assert "ERROR" not in out and "0 errors" in out, out
