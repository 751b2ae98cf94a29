"""Settings from the environment, validated once and passed in (never imported globally)."""

from __future__ import annotations

import ipaddress
import json
import math
import os
import secrets
import ssl
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from court.court_time import BAKU_TIME, DEFAULT_TIME_ZONE, CourtTime, time_zone
from media.settings import IceServer, MediaSettings
from recordings.signing import KEY_FILE, normalise_fingerprint
from recordings.speech import DEFAULT_RECOGNISER
from server.auth.proxies import Network, parse_trusted_proxies
from server.logs import LOG_FORMATS, LogFormat
from server.network_settings import (
    media_max_video_bitrate_from_env,
    media_peer_networks_from_env,
    media_ports_from_env,
    turn_from_env,
)
from server.tls import TlsFilesRefused, server_context
from signaling.turn import TurnSettings

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
SECRET_KEY_FILE = "secret_key"
DEFAULT_RETENTION_DAYS = 3653  # ten years
# The design anchors the audit log at least every minute: a longer interval is refused.
MAX_AUDIT_CHECKPOINT_S = 60.0


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
    # make run's demo hearing and demo staff: off unless asked for (COURTROOM_DEMO=1), and
    # then only on a loopback address (refused otherwise, see _demo).
    demo: bool = False
    # How long a hearing's record is kept by default, counted from its first archived
    # recording; an archivist changes it per hearing, and a legal hold overrides it.
    record_retention_days: int = DEFAULT_RETENTION_DAYS
    # Speech to text for protocol suggestions: off unless a model directory is given.
    speech_model_dir: Path | None = None
    speech_recogniser: str = DEFAULT_RECOGNISER  # "module:factory" (recordings/speech.py)
    # How often the audit log's head is checkpointed while it moves (server.audit.checkpoints).
    audit_checkpoint_s: float = MAX_AUDIT_CHECKPOINT_S
    # The court's record-signing key (server/court_key.py). A court keeps it off the data
    # volume, so that whoever can write the data directory cannot swap it; unset, it lives
    # under data_dir/keys, which is enough for make run.
    record_key_file: Path | None = None
    # The fingerprint the court published for its current key: a different key stops start.
    record_key_fingerprint: str | None = None
    # Reverse proxies (addresses or networks) whose X-Forwarded-For names the client
    # (server/auth/proxies.py); from anyone else the header is ignored.
    trusted_proxies: tuple[Network, ...] = ()
    # Administrators must log in with a second factor (TOTP); one without is sent to enrol.
    admin_totp: bool = False
    # HTTPS served by courtroom itself (server/tls.py): a PEM certificate chain and its key,
    # both or neither. The usual layout has Caddy in front instead (deploy/Caddyfile).
    tls_cert: Path | None = None
    tls_key: Path | None = None
    # "json": one JSON object per log line, with request and hearing ids (server/logs.py).
    log_format: LogFormat = "text"

    def ssl_context(self) -> ssl.SSLContext | None:
        """The listening socket's TLS context, or None for plain HTTP."""
        if self.tls_cert is None or self.tls_key is None:
            return None
        return server_context(self.tls_cert, self.tls_key)

    # coturn's shared secret and URLs: each join ack carries time-limited TURN credentials
    # (signaling/turn.py). None: no TURN, host candidates only.
    turn: TurnSettings | None = None
    # The court's time zone: every time a person reads is shown in it (court/court_time.py).
    court_time: CourtTime = BAKU_TIME
    # The court's name as the public home page says it; unset, the page names no court.
    court_name: str = ""

    @property
    def archive_work_dir(self) -> Path:
        """Where the viewing copy, the joined master and export bundles are built before
        they are stored in the archive."""
        return self.data_dir / "archive-work"

    @property
    def recordings_dir(self) -> Path:
        return self.data_dir / "recordings"

    @property
    def record_signing_key_file(self) -> Path:
        """The Ed25519 key that signs the record (0600; created only at the court's first
        use, see server/court_key.py): COURTROOM_RECORD_KEY_FILE, else under the data dir."""
        if self.record_key_file is not None:
            return self.record_key_file
        return self.data_dir / "keys" / KEY_FILE

    @property
    def audit_checkpoints_file(self) -> Path:
        """Signed checkpoints of the audit log's head: outside the database on purpose."""
        return self.data_dir / "audit-checkpoints.jsonl"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        host = env.get("COURTROOM_HOST", "127.0.0.1")
        if not host:
            raise SettingsError("COURTROOM_HOST must not be empty (default 127.0.0.1)")
        port = _port(env.get("COURTROOM_PORT", "8080"))
        tls_cert, tls_key = _tls_files(env.get("COURTROOM_TLS_CERT"), env.get("COURTROOM_TLS_KEY"))
        data_dir = _data_dir(env.get("COURTROOM_DATA_DIR") or "data")
        database_url = _database_url(
            env.get("COURTROOM_DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'courtroom.db'}"
        )
        try:
            private_sqlite_file(database_url)
        except OSError as exc:
            raise SettingsError(f"COURTROOM_DATABASE_URL is not usable: {exc}") from None
        url_host = f"[{host}]" if ":" in host else host  # an IPv6 address needs brackets
        scheme = "https" if tls_cert is not None else "http"
        public_url = _public_url(env.get("COURTROOM_PUBLIC_URL") or f"{scheme}://{url_host}:{port}")
        demo = _demo(env.get("COURTROOM_DEMO", "0"), host, public_url)
        return cls(
            host=host,
            port=port,
            data_dir=data_dir,
            database_url=database_url,
            public_url=public_url,
            secret_key=_secret_key(env.get("COURTROOM_SECRET_KEY"), data_dir),
            media=MediaSettings(
                ice_servers=_ice_servers(env.get("COURTROOM_ICE_SERVERS") or "[]"),
                host_addresses=_host_addresses(env.get("COURTROOM_ICE_HOST_ADDRESSES", "")),
                ports=_network(media_ports_from_env, env),
                peer_networks=_network(media_peer_networks_from_env, env),
                max_video_bitrate=_network(media_max_video_bitrate_from_env, env),
            ),
            web_dir=_web_dir(env.get("COURTROOM_WEB_DIR")),
            demo=demo,
            record_retention_days=_retention_days(
                env.get("COURTROOM_RECORD_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS))
            ),
            speech_model_dir=_speech_model_dir(env.get("COURTROOM_SPEECH_MODEL_DIR") or None),
            speech_recogniser=env.get("COURTROOM_SPEECH_RECOGNISER") or DEFAULT_RECOGNISER,
            audit_checkpoint_s=_audit_checkpoint_s(
                env.get("COURTROOM_AUDIT_CHECKPOINT_S") or str(MAX_AUDIT_CHECKPOINT_S)
            ),
            record_key_file=_record_key_file(env.get("COURTROOM_RECORD_KEY_FILE") or None),
            record_key_fingerprint=_record_key_fingerprint(
                env.get("COURTROOM_RECORD_KEY_FINGERPRINT") or None
            ),
            trusted_proxies=_trusted_proxies(env.get("COURTROOM_TRUSTED_PROXIES", "")),
            admin_totp=_flag("COURTROOM_ADMIN_TOTP", env.get("COURTROOM_ADMIN_TOTP", "0")),
            tls_cert=tls_cert,
            tls_key=tls_key,
            log_format=_log_format(env.get("COURTROOM_LOG_FORMAT") or "text"),
            turn=_network(turn_from_env, env),
            court_time=_court_time(env.get("COURTROOM_TIME_ZONE") or DEFAULT_TIME_ZONE),
            court_name=_court_name(env.get("COURTROOM_COURT_NAME", "")),
        )


def _log_format(value: str) -> LogFormat:
    for known in LOG_FORMATS:
        if value.strip().lower() == known:
            return known
    raise SettingsError(f"COURTROOM_LOG_FORMAT must be text or json, not {value!r}")


def _tls_files(cert: str | None, key: str | None) -> tuple[Path | None, Path | None]:
    """Both files or neither; loaded once here, so that a wrong pair stops the start with
    a sentence instead of failing the first browser's handshake."""
    if not cert and not key:
        return None, None
    if not cert or not key:
        given, missing = (
            ("COURTROOM_TLS_KEY", "COURTROOM_TLS_CERT")
            if not cert
            else ("COURTROOM_TLS_CERT", "COURTROOM_TLS_KEY")
        )
        raise SettingsError(
            f"{given} is set but {missing} is not: HTTPS needs both the certificate and its "
            "private key (or neither, for plain HTTP behind a proxy such as Caddy)"
        )
    paths = Path(cert).expanduser().resolve(), Path(key).expanduser().resolve()
    try:
        server_context(*paths)
    except TlsFilesRefused as exc:
        raise SettingsError(str(exc)) from None
    return paths


_T = TypeVar("_T")


def _network(parse: Callable[[Mapping[str, str]], _T], env: Mapping[str, str]) -> _T:
    try:
        return parse(env)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


def _court_time(value: str) -> CourtTime:
    try:
        return CourtTime(time_zone(value))
    except ValueError:
        raise SettingsError(
            "COURTROOM_TIME_ZONE must name an IANA time zone such as Asia/Baku or "
            f"Europe/Berlin, not {value!r}"
        ) from None


def _court_name(value: str) -> str:
    name = " ".join(value.split())
    if len(name) > 200 or any(not c.isprintable() for c in name):
        raise SettingsError(
            "COURTROOM_COURT_NAME must be the court's name on one line, at most 200 characters"
        )
    return name


def _trusted_proxies(value: str) -> tuple[Network, ...]:
    try:
        return parse_trusted_proxies(value)
    except ValueError as exc:
        raise SettingsError(
            f"COURTROOM_TRUSTED_PROXIES must list addresses or networks, comma separated: {exc}"
        ) from None


def _audit_checkpoint_s(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= MAX_AUDIT_CHECKPOINT_S:  # also refuses nan
        raise SettingsError(
            "COURTROOM_AUDIT_CHECKPOINT_S must be a number of seconds above 0 and at most "
            f"{MAX_AUDIT_CHECKPOINT_S:g}, not {value!r}"
        )
    return seconds


def _record_key_file(value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value).expanduser().resolve()
    if path.is_dir():
        raise SettingsError(
            f"COURTROOM_RECORD_KEY_FILE names a directory, not a key file: {str(path)!r}"
        )
    # The key's own volume not mounted must not look like a fresh installation.
    if not path.parent.is_dir():
        raise SettingsError(
            f"COURTROOM_RECORD_KEY_FILE: the directory {str(path.parent)!r} does not exist "
            "(is the key's volume mounted?)"
        )
    return path


def _record_key_fingerprint(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalise_fingerprint(value)
    except ValueError:
        raise SettingsError(
            "COURTROOM_RECORD_KEY_FINGERPRINT must be the 64 hex digits that "
            f"`courtroom archive public-key --fingerprint` prints, not {value!r}"
        ) from None


def _speech_model_dir(value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value).expanduser()
    if not path.is_dir():
        raise SettingsError(
            f"COURTROOM_SPEECH_MODEL_DIR is not a directory: {value!r} "
            "(leave it unset to run without speech to text)"
        )
    return path.resolve()


def _demo(value: str, host: str, public_url: str) -> bool:
    """The demo creates staff accounts (judge, clerk) with powers over every hearing and
    join links for a known cast: it is for trying the platform on one's own machine, so it
    runs only where nobody else can reach it, on a loopback address."""
    if not _flag("COURTROOM_DEMO", value):
        return False
    public_host = urlsplit(public_url).hostname or ""
    for name, where, address in (
        ("COURTROOM_HOST", host, host),
        ("COURTROOM_PUBLIC_URL", public_url, public_host),
    ):
        if not is_loopback(address):
            raise SettingsError(
                f"COURTROOM_DEMO=1 is refused with {name}={where}: the demo creates staff "
                "accounts (judge, clerk) that may schedule and sign every hearing, and join "
                "links for its cast, so it runs only on a loopback address (127.0.0.1, ::1 "
                "or localhost) that nobody else can reach. For a court's server, leave "
                "COURTROOM_DEMO unset (the demo is off); to try the demo, run `make run` "
                "without COURTROOM_HOST or COURTROOM_PUBLIC_URL (http://127.0.0.1:8080)."
            )
    return True


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _flag(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be 1 or 0 (or true/false), not {value!r}")


def _retention_days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise SettingsError(
            f"COURTROOM_RECORD_RETENTION_DAYS must be a number of days, not {value!r}"
        ) from None
    if days < 1:
        raise SettingsError(f"COURTROOM_RECORD_RETENTION_DAYS must be at least 1, not {days}")
    return days


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise SettingsError(f"COURTROOM_PORT must be a number, not {value!r}") from None
    if not 0 < port < 65536:
        raise SettingsError(f"COURTROOM_PORT must be between 1 and 65535, not {port}")
    return port


def _data_dir(value: str) -> Path:
    """The data directory, owner-only (0700): it holds the database, the recordings, the
    keys and the password files. One that others may read is tightened, not refused: it is
    this user's own directory, and refusing would only make the operator chmod it."""
    data_dir = Path(value).resolve()
    try:
        data_dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        make_private(data_dir)
    except OSError as exc:
        raise SettingsError(f"COURTROOM_DATA_DIR {str(data_dir)!r} is not usable: {exc}") from None
    return data_dir


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private(path: Path) -> None:
    """Take group's and others' access away from ``path`` if it is this user's."""
    status = path.stat()
    if status.st_uid == os.getuid() and stat.S_IMODE(status.st_mode) & 0o077:
        path.chmod(stat.S_IMODE(status.st_mode) & ~0o077)


def private_sqlite_file(database_url: str) -> None:
    """Create the SQLite database file owner-only (0600) before sqlite3 does it with the
    default mode; an existing one is tightened. sqlite3 gives its journal and WAL files
    the database file's mode."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    path = Path(url.database)
    if not path.parent.is_dir():
        return  # sqlite3 reports it, with the URL, when the database is opened
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        make_private(path)


def _database_url(value: str) -> str:
    try:
        url = make_url(value)
    except ArgumentError:
        raise SettingsError(
            f"COURTROOM_DATABASE_URL is not a database URL: {value!r} "
            "(e.g. sqlite+aiosqlite:///data/courtroom.db)"
        ) from None
    if url.get_backend_name() == "sqlite" and url.get_driver_name() != "aiosqlite":
        # The server is async end to end; a blocking driver would stall every hearing.
        raise SettingsError("COURTROOM_DATABASE_URL for SQLite must use sqlite+aiosqlite://")
    if url.get_backend_name() == "postgresql" and url.get_driver_name() != "asyncpg":
        raise SettingsError("COURTROOM_DATABASE_URL for PostgreSQL must use postgresql+asyncpg://")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingsError(
            f"COURTROOM_DATABASE_URL: {url.get_backend_name()} is not supported "
            "(use sqlite+aiosqlite:// or postgresql+asyncpg://)"
        )
    return value


def _public_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            f"COURTROOM_PUBLIC_URL must be an http:// or https:// URL, not {value!r}"
        )
    if parts.query or parts.fragment:
        raise SettingsError(f"COURTROOM_PUBLIC_URL must not have a query or fragment: {value!r}")
    # Join links and the allowed Socket.IO origin are built by appending to it.
    return value.rstrip("/")


def _host_addresses(value: str) -> tuple[str, ...]:
    addresses = tuple(a.strip() for a in value.split(",") if a.strip())
    for address in addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise SettingsError(
                "COURTROOM_ICE_HOST_ADDRESSES must be a comma-separated list of IP addresses "
                f"(e.g. 127.0.0.1,192.0.2.10), not {address!r}"
            ) from None
    return addresses


def _web_dir(value: str | None) -> Path:
    # The default is not checked: commands that serve no pages (recordings list) must work
    # from an installed wheel, which does not carry web/.
    if not value:
        return WEB_DIR
    web_dir = Path(value).resolve()
    if not web_dir.is_dir():
        raise SettingsError(f"COURTROOM_WEB_DIR is not a directory: {str(web_dir)!r}")
    return web_dir


def _secret_key(value: str | None, data_dir: Path) -> bytes:
    """The key that signs join links: from the environment, else generated once per data dir."""
    if value:
        if len(value) < 32:
            raise SettingsError("COURTROOM_SECRET_KEY must be at least 32 characters")
        return value.encode()
    path = data_dir / SECRET_KEY_FILE
    try:
        # O_EXCL with mode 0600: the key is never readable by others, not even for a moment,
        # and two processes starting at once cannot overwrite each other's key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
            f.flush()
            os.fsync(f.fileno())
    key = path.read_text().strip()
    if len(key) < 32:
        raise SettingsError(
            f"{path} holds a signing key shorter than 32 characters; delete it to generate one"
        )
    return key.encode()


ICE_SERVERS_EXAMPLE = '[{"urls": "turn:turn.example.org:3478", "username": "u", "credential": "c"}]'
ICE_SCHEMES = ("stun:", "stuns:", "turn:", "turns:")


def _ice_servers(value: str) -> tuple[IceServer, ...]:
    try:
        raw = json.loads(value)
        if not isinstance(raw, list):
            raise TypeError("it is not a JSON list")
        return tuple(_ice_server(item) for item in raw)
    except (ValueError, TypeError) as exc:
        raise SettingsError(
            f"COURTROOM_ICE_SERVERS must be a JSON list like {ICE_SERVERS_EXAMPLE}: {exc}"
        ) from None


def _ice_server(item: object) -> IceServer:
    if not isinstance(item, dict):
        raise TypeError(f"{item!r} is not an object")
    unknown = set(item) - {"urls", "username", "credential"}
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}")
    if "urls" not in item:
        raise ValueError(f"{item!r} has no urls")
    urls = item["urls"]
    urls = [urls] if isinstance(urls, str) else urls
    if not isinstance(urls, list) or not urls:
        raise TypeError("urls must be a string or a non-empty list of strings")
    for url in urls:
        if not isinstance(url, str) or not url.startswith(ICE_SCHEMES):
            raise ValueError(f"{url!r} is not a stun:, stuns:, turn: or turns: URL")
    username, credential = item.get("username"), item.get("credential")
    for name, field in (("username", username), ("credential", credential)):
        if field is not None and not isinstance(field, str):
            raise TypeError(f"{name} must be a string")
    return IceServer(urls=tuple(urls), username=username, credential=credential)
