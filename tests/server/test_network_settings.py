"""TURN, media-port and peer-network settings: opt-in, and a bad value stops start-up naming
the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.settings import Settings, SettingsError

SECRET = "s3cret-shared-with-coturn"
URLS = "turn:10.0.0.1:3478?transport=udp,turns:turn.court.test:443?transport=tcp"


def test_unset_means_no_turn_and_any_media_port(tmp_path: Path) -> None:
    settings = Settings.from_env({"COURTROOM_DATA_DIR": str(tmp_path)})

    assert settings.turn is None
    assert settings.media.ports is None
    assert settings.media.peer_networks is None  # public and the relay's own loopback
    assert settings.media.max_video_bitrate == 4_000_000


def test_turn_is_read_from_a_secret_urls_and_a_ttl(tmp_path: Path) -> None:
    env = {"COURTROOM_DATA_DIR": str(tmp_path), "COURTROOM_TURN_URLS": URLS}

    settings = Settings.from_env(
        {**env, "COURTROOM_TURN_SECRET": SECRET, "COURTROOM_TURN_TTL": "600"}
    )

    assert settings.turn is not None
    assert settings.turn.secret == SECRET.encode()
    assert settings.turn.urls == (
        "turn:10.0.0.1:3478?transport=udp",
        "turns:turn.court.test:443?transport=tcp",
    )
    assert (settings.turn.ttl_s, settings.turn.relay_only) == (600, False)
    assert SECRET not in repr(settings.turn)


def test_the_turn_secret_may_come_from_a_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "turn_secret"
    secret_file.write_text(SECRET + "\n")

    settings = Settings.from_env(
        {
            "COURTROOM_DATA_DIR": str(tmp_path),
            "COURTROOM_TURN_URLS": URLS,
            "COURTROOM_TURN_SECRET_FILE": str(secret_file),
            "COURTROOM_TURN_RELAY_ONLY": "1",
        }
    )

    assert settings.turn is not None
    assert settings.turn.secret == SECRET.encode()
    assert settings.turn.ttl_s == 4 * 3600
    assert settings.turn.relay_only


def test_the_media_ports_are_a_range(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"COURTROOM_DATA_DIR": str(tmp_path), "COURTROOM_MEDIA_PORTS": "50000-50100"}
    )

    assert settings.media.ports == (50000, 50100)


def test_the_peer_networks_are_a_list_of_networks(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "COURTROOM_DATA_DIR": str(tmp_path),
            "COURTROOM_MEDIA_PEER_NETWORKS": "10.17.0.0/16, 127.0.0.1,fd00::/8",
        }
    )

    assert [str(n) for n in settings.media.peer_networks or ()] == [
        "10.17.0.0/16",
        "127.0.0.1/32",
        "fd00::/8",
    ]


def test_the_video_cap_is_in_kbit_per_second(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"COURTROOM_DATA_DIR": str(tmp_path), "COURTROOM_MEDIA_MAX_VIDEO_KBPS": "6000"}
    )

    assert settings.media.max_video_bitrate == 6_000_000


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"COURTROOM_TURN_URLS": URLS}, "no COURTROOM_TURN_SECRET"),
        ({"COURTROOM_TURN_SECRET": SECRET}, "COURTROOM_TURN_URLS is empty"),
        ({"COURTROOM_TURN_SECRET": "short", "COURTROOM_TURN_URLS": URLS}, "at least 16"),
        ({"COURTROOM_TURN_SECRET": SECRET, "COURTROOM_TURN_URLS": "stun:x:3478"}, "not a turn:"),
        (
            {
                "COURTROOM_TURN_SECRET": SECRET,
                "COURTROOM_TURN_URLS": URLS,
                "COURTROOM_TURN_TTL": "4h",
            },
            "COURTROOM_TURN_TTL must be a number",
        ),
        (
            {
                "COURTROOM_TURN_SECRET": SECRET,
                "COURTROOM_TURN_URLS": URLS,
                "COURTROOM_TURN_TTL": "5",
            },
            "between 60 and 86400",
        ),
        (
            {"COURTROOM_TURN_SECRET": SECRET, "COURTROOM_TURN_SECRET_FILE": "/x"},
            "not both",
        ),
        ({"COURTROOM_TURN_SECRET_FILE": "/nonexistent/secret"}, "cannot be read"),
        (
            {
                "COURTROOM_TURN_SECRET": SECRET,
                "COURTROOM_TURN_URLS": URLS,
                "COURTROOM_TURN_RELAY_ONLY": "maybe",
            },
            "COURTROOM_TURN_RELAY_ONLY must be 1 or 0",
        ),
        ({"COURTROOM_MEDIA_PORTS": "many"}, "COURTROOM_MEDIA_PORTS must be a range"),
        ({"COURTROOM_MEDIA_PORTS": "50100-50000"}, "first <= last"),
        ({"COURTROOM_MEDIA_PORTS": "80-90"}, "within 1024-65535"),
        ({"COURTROOM_MEDIA_PEER_NETWORKS": "10.17.0.1/16"}, "COURTROOM_MEDIA_PEER_NETWORKS"),
        ({"COURTROOM_MEDIA_PEER_NETWORKS": "court.lan"}, "COURTROOM_MEDIA_PEER_NETWORKS"),
        ({"COURTROOM_MEDIA_MAX_VIDEO_KBPS": "4M"}, "number of kbit/s"),
        ({"COURTROOM_MEDIA_MAX_VIDEO_KBPS": "300"}, "within 1000-100000"),
    ],
)
def test_a_bad_network_setting_is_refused_naming_it(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"COURTROOM_DATA_DIR": str(tmp_path), **env})
