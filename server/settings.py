"""Settings from the environment, validated once and passed in (never imported globally)."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from media.settings import IceServer, MediaSettings

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
SECRET_KEY_FILE = "secret_key"


class SettingsError(ValueError):
    """A setting has a value the platform cannot run with; the message names it."""


@dataclass(frozen=True, slots=True)
class Settings:
    host: str
    port: int
    data_dir: Path
    database_url: str
    public_url: str
    secret_key: bytes
    media: MediaSettings
    web_dir: Path = WEB_DIR
    join_link_ttl_s: int = 24 * 3600

    @property
    def recordings_dir(self) -> Path:
        return self.data_dir / "recordings"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        host = env.get("COURTROOM_HOST", "127.0.0.1")
        port = _port(env.get("COURTROOM_PORT", "8080"))
        data_dir = Path(env.get("COURTROOM_DATA_DIR", "data")).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        database_url = env.get(
            "COURTROOM_DATABASE_URL", f"sqlite+aiosqlite:///{data_dir / 'courtroom.db'}"
        )
        public_url = env.get("COURTROOM_PUBLIC_URL", f"http://{host}:{port}").rstrip("/")
        if not public_url.startswith(("http://", "https://")):
            raise SettingsError(
                f"COURTROOM_PUBLIC_URL must start with http:// or https://: {public_url!r}"
            )
        return cls(
            host=host,
            port=port,
            data_dir=data_dir,
            database_url=database_url,
            public_url=public_url,
            secret_key=_secret_key(env.get("COURTROOM_SECRET_KEY"), data_dir),
            media=MediaSettings(
                ice_servers=_ice_servers(env.get("COURTROOM_ICE_SERVERS", "[]")),
                host_addresses=tuple(
                    a.strip()
                    for a in env.get("COURTROOM_ICE_HOST_ADDRESSES", "").split(",")
                    if a.strip()
                ),
            ),
        )


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise SettingsError(f"COURTROOM_PORT must be a number, not {value!r}") from None
    if not 0 < port < 65536:
        raise SettingsError(f"COURTROOM_PORT must be between 1 and 65535, not {port}")
    return port


def _secret_key(value: str | None, data_dir: Path) -> bytes:
    """The key that signs join links: from the environment, else generated once per data dir."""
    if value:
        if len(value) < 32:
            raise SettingsError("COURTROOM_SECRET_KEY must be at least 32 characters")
        return value.encode()
    path = data_dir / SECRET_KEY_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def _ice_servers(value: str) -> tuple[IceServer, ...]:
    try:
        raw = json.loads(value)
        if not isinstance(raw, list):
            raise TypeError("not a list")
        servers = []
        for item in raw:
            urls = item["urls"]
            servers.append(
                IceServer(
                    urls=tuple([urls] if isinstance(urls, str) else urls),
                    username=item.get("username"),
                    credential=item.get("credential"),
                )
            )
        return tuple(servers)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SettingsError(
            'COURTROOM_ICE_SERVERS must be a JSON list like [{"urls": "turn:host:3478", '
            f'"username": "u", "credential": "c"}}]: {exc}'
        ) from None
