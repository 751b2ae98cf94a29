"""Settings come from COURTROOM_* variables; a bad value stops start-up with a clear message."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from media.settings import IceServer
from server.settings import WEB_DIR, Settings, SettingsError


def test_defaults_serve_loopback_on_8080_with_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings.from_env({"COURTROOM_DATA_DIR": str(tmp_path / "data")})

    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.public_url == "http://127.0.0.1:8080"
    assert settings.data_dir == (tmp_path / "data").resolve()
    assert settings.database_url == f"sqlite+aiosqlite:///{settings.data_dir / 'courtroom.db'}"
    assert settings.recordings_dir == settings.data_dir / "recordings"
    assert settings.web_dir == WEB_DIR
    assert settings.media.ice_servers == ()
    assert settings.media.host_addresses == ()
    assert settings.court_time.name == "Asia/Baku"  # the first court's, on a 24-hour clock
    assert settings.court_name == ""


def test_the_court_names_its_time_zone_and_itself(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "COURTROOM_DATA_DIR": str(tmp_path),
            "COURTROOM_TIME_ZONE": "Europe/Berlin",
            "COURTROOM_COURT_NAME": "  Baku   Court of Grave Crimes ",
        }
    )

    assert settings.court_time.name == "Europe/Berlin"
    assert settings.court_name == "Baku Court of Grave Crimes"


def test_the_public_url_follows_host_and_port_and_loses_a_trailing_slash(tmp_path: Path) -> None:
    env = {"COURTROOM_DATA_DIR": str(tmp_path)}
    on_port = Settings.from_env({**env, "COURTROOM_PORT": "9000"})
    ipv6 = Settings.from_env({**env, "COURTROOM_HOST": "::1"})
    public = Settings.from_env({**env, "COURTROOM_PUBLIC_URL": "https://court.example.org/"})

    assert on_port.public_url == "http://127.0.0.1:9000"
    assert ipv6.public_url == "http://[::1]:8080"
    assert public.public_url == "https://court.example.org"


def test_the_record_key_lives_under_the_data_dir_unpinned_unless_settings_say_otherwise(
    tmp_path: Path,
) -> None:
    fingerprint = "0123456789abcdef" * 4
    printed = " ".join(fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()
    env = {"COURTROOM_DATA_DIR": str(tmp_path / "data")}
    default = Settings.from_env(env)
    chosen = Settings.from_env(
        {
            **env,
            "COURTROOM_RECORD_KEY_FILE": str(tmp_path / "court.pem"),
            "COURTROOM_RECORD_KEY_FINGERPRINT": printed,
        }
    )

    assert default.record_signing_key_file == default.data_dir / "keys/record-signing-key.pem"
    assert default.record_key_fingerprint is None
    assert chosen.record_signing_key_file == (tmp_path / "court.pem").resolve()
    assert chosen.record_key_fingerprint == fingerprint


def test_a_secret_key_is_generated_once_readable_only_by_its_owner(tmp_path: Path) -> None:
    first = Settings.from_env({"COURTROOM_DATA_DIR": str(tmp_path)})
    second = Settings.from_env({"COURTROOM_DATA_DIR": str(tmp_path)})

    key_file = tmp_path / "secret_key"
    assert first.secret_key == second.secret_key
    assert len(first.secret_key) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_secret_key_from_the_environment_wins_and_writes_no_file(tmp_path: Path) -> None:
    key = "k" * 40
    settings = Settings.from_env({"COURTROOM_DATA_DIR": str(tmp_path), "COURTROOM_SECRET_KEY": key})

    assert settings.secret_key == key.encode()
    assert not (tmp_path / "secret_key").exists()


def test_ice_servers_are_read_from_json_with_one_or_many_urls(tmp_path: Path) -> None:
    servers = (
        '[{"urls": "stun:stun.example.org:3478"},'
        ' {"urls": ["turn:turn.example.org:3478", "turns:turn.example.org:5349"],'
        '  "username": "court", "credential": "secret"}]'
    )
    settings = Settings.from_env(
        {
            "COURTROOM_DATA_DIR": str(tmp_path),
            "COURTROOM_ICE_SERVERS": servers,
            "COURTROOM_ICE_HOST_ADDRESSES": " 127.0.0.1, ::1 ",
        }
    )

    assert settings.media.ice_servers == (
        IceServer(urls=("stun:stun.example.org:3478",)),
        IceServer(
            urls=("turn:turn.example.org:3478", "turns:turn.example.org:5349"),
            username="court",
            credential="secret",
        ),
    )
    assert settings.media.host_addresses == ("127.0.0.1", "::1")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("COURTROOM_PORT", "http", "COURTROOM_PORT must be a number"),
        ("COURTROOM_PORT", "70000", "between 1 and 65535"),
        ("COURTROOM_HOST", "", "COURTROOM_HOST must not be empty"),
        ("COURTROOM_PUBLIC_URL", "court.example.org", "http:// or https://"),
        ("COURTROOM_PUBLIC_URL", "https://court.example.org/?x=1", "query or fragment"),
        ("COURTROOM_SECRET_KEY", "short", "at least 32 characters"),
        ("COURTROOM_DATABASE_URL", "not a url", "not a database URL"),
        ("COURTROOM_DATABASE_URL", "sqlite:///blocking.db", "sqlite+aiosqlite"),
        ("COURTROOM_ICE_SERVERS", "{", "must be a JSON list"),
        ("COURTROOM_ICE_SERVERS", '{"urls": "stun:x"}', "not a JSON list"),
        ("COURTROOM_ICE_SERVERS", "[{}]", "has no urls"),
        ("COURTROOM_ICE_SERVERS", '[{"url": "stun:x"}]', "unknown keys"),
        ("COURTROOM_ICE_SERVERS", '[{"urls": "http://x"}]', "not a stun:, stuns:, turn:"),
        ("COURTROOM_ICE_SERVERS", '[{"urls": []}]', "non-empty list"),
        ("COURTROOM_ICE_SERVERS", '[{"urls": "turn:x", "username": 7}]', "username"),
        ("COURTROOM_ICE_HOST_ADDRESSES", "127.0.0.1,eth0", "'eth0'"),
        ("COURTROOM_WEB_DIR", "/nonexistent/web", "COURTROOM_WEB_DIR is not a directory"),
        ("COURTROOM_AUDIT_CHECKPOINT_S", "0", "above 0 and at most 60"),
        ("COURTROOM_AUDIT_CHECKPOINT_S", "61", "above 0 and at most 60"),
        ("COURTROOM_AUDIT_CHECKPOINT_S", "nan", "above 0 and at most 60"),
        ("COURTROOM_AUDIT_CHECKPOINT_S", "often", "above 0 and at most 60"),
        ("COURTROOM_RECORD_KEY_FILE", "/", "names a directory, not a key file"),
        ("COURTROOM_RECORD_KEY_FILE", "/nonexistent/court.pem", "is the key's volume mounted?"),
        ("COURTROOM_RECORD_KEY_FINGERPRINT", "ab:cd", "64 hex digits"),
        ("COURTROOM_RECORD_KEY_FINGERPRINT", "g" * 64, "public-key --fingerprint"),
        ("COURTROOM_TIME_ZONE", "Baku", "IANA time zone such as Asia/Baku"),
        ("COURTROOM_TIME_ZONE", "UTC+4", "IANA time zone"),
        ("COURTROOM_TIME_ZONE", "../../etc/passwd", "IANA time zone"),
        ("COURTROOM_COURT_NAME", "Baku\x07Court", "on one line"),
        ("COURTROOM_COURT_NAME", "x" * 201, "at most 200 characters"),
    ],
)
def test_a_bad_value_is_refused_with_a_message_naming_the_variable(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=name) as refused:
        Settings.from_env({"COURTROOM_DATA_DIR": str(tmp_path), name: value})
    assert message in str(refused.value)


def test_a_truncated_generated_key_is_refused_rather_than_silently_weak(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("abc")

    with pytest.raises(SettingsError, match="delete it to generate one"):
        Settings.from_env({"COURTROOM_DATA_DIR": str(tmp_path)})


def test_an_unusable_data_dir_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")

    with pytest.raises(SettingsError, match="COURTROOM_DATA_DIR"):
        Settings.from_env({"COURTROOM_DATA_DIR": str(tmp_path / "file" / "data")})


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = Settings.from_env({"COURTROOM_DATA_DIR": str(tmp_path)})

    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "demo"), [("1", True), ("true", True), ("0", False), ("off", False)]
)
def test_the_demo_is_off_unless_turned_on(tmp_path: Path, value: str, demo: bool) -> None:
    env = {"COURTROOM_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(env).demo is False
    assert Settings.from_env({**env, "COURTROOM_DEMO": value}).demo is demo
    with pytest.raises(SettingsError, match="COURTROOM_DEMO"):
        Settings.from_env({**env, "COURTROOM_DEMO": "maybe"})


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"COURTROOM_HOST": "::1"},
        {"COURTROOM_HOST": "localhost"},
        {"COURTROOM_PUBLIC_URL": "http://localhost:8080"},
        {"COURTROOM_PUBLIC_URL": "http://127.0.0.2:8080"},
        {"COURTROOM_PUBLIC_URL": "https://[::1]:8443"},
    ],
)
def test_the_demo_runs_on_a_loopback_address(tmp_path: Path, settings: dict[str, str]) -> None:
    env = {"COURTROOM_DATA_DIR": str(tmp_path), "COURTROOM_DEMO": "1", **settings}

    assert Settings.from_env(env).demo is True


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"COURTROOM_PUBLIC_URL": "https://court.example"}, "COURTROOM_PUBLIC_URL"),
        ({"COURTROOM_PUBLIC_URL": "http://192.0.2.10:8080"}, "COURTROOM_PUBLIC_URL"),
        ({"COURTROOM_PUBLIC_URL": "http://localhost.court.example"}, "COURTROOM_PUBLIC_URL"),
        ({"COURTROOM_HOST": "0.0.0.0"}, "COURTROOM_HOST"),
        (
            {"COURTROOM_HOST": "0.0.0.0", "COURTROOM_PUBLIC_URL": "http://127.0.0.1:8080"},
            "COURTROOM_HOST",
        ),
    ],
)
def test_the_demo_is_refused_anywhere_else_saying_why_and_what_to_do(
    tmp_path: Path, settings: dict[str, str], named: str
) -> None:
    env = {"COURTROOM_DATA_DIR": str(tmp_path), "COURTROOM_DEMO": "1", **settings}

    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)

    message = str(refused.value)
    assert f"COURTROOM_DEMO=1 is refused with {named}=" in message
    assert "loopback" in message and "every hearing" in message
    assert "leave COURTROOM_DEMO unset" in message and "make run" in message
    # Off, the same settings are a court's server like any other.
    assert Settings.from_env({**env, "COURTROOM_DEMO": "0"}).demo is False


def test_the_audit_log_is_checkpointed_every_minute_into_the_data_dir_unless_told(
    tmp_path: Path,
) -> None:
    env = {"COURTROOM_DATA_DIR": str(tmp_path)}
    settings = Settings.from_env(env)

    assert settings.audit_checkpoint_s == 60.0
    assert settings.audit_checkpoints_file == tmp_path / "audit-checkpoints.jsonl"
    assert (
        Settings.from_env({**env, "COURTROOM_AUDIT_CHECKPOINT_S": "0.5"}).audit_checkpoint_s == 0.5
    )
