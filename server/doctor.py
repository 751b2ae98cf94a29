"""``courtroom check``: reads the configuration as ``courtroom serve`` would and says, in plain
words, what is wrong (an error: the installation should not run like this) or risky (a
warning: it runs, but a court should know). Exit status 1 when there is an error, so that
systemd's ``ExecStartPre`` keeps a broken installation from starting.

It reads and never repairs: nothing is created or changed by a check, except what reading
the settings already does for every command (the data directory made owner-only and its
join-link key generated, see server/settings.py).
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import enum
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from recordings.signing import key_fingerprint
from server.settings import Settings, is_loopback

# Bytes per hour a hearing's recording takes, from what the relay lets browsers send: each
# publishing participant's own track (video capped at 700 kbit/s in web/js/media.js, Opus
# audio at most ~64 kbit/s) plus the mixed master (Opus, ~64 kbit/s). Generous on purpose:
# the check is there to warn before a disk fills during a hearing.
VIDEO_BITS_S = 700_000
AUDIO_BITS_S = 64_000
PARTICIPANT_BYTES_PER_HOUR = (VIDEO_BITS_S + AUDIO_BITS_S) * 3600 // 8
MASTER_BYTES_PER_HOUR = AUDIO_BITS_S * 3600 // 8
DEFAULT_HOURS = 8  # one court day
DEFAULT_PARTICIPANTS = 6
CERT_RENEW_DAYS = 14
DATABASE_TIMEOUT_S = 5.0
# Names of TURN settings as the TURN work may add them; read by name only, here.
TURN_ENV_PREFIX = "COURTROOM_TURN_"


class Severity(enum.Enum):
    OK = "ok"
    WARNING = "WARNING"
    ERROR = "ERROR"


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    topic: str
    text: str

    def line(self) -> str:
        return f"{self.severity.value:<7}  {self.topic}: {self.text}"


def ok(topic: str, text: str) -> Finding:
    return Finding(Severity.OK, topic, text)


def warning(topic: str, text: str) -> Finding:
    return Finding(Severity.WARNING, topic, text)


def error(topic: str, text: str) -> Finding:
    return Finding(Severity.ERROR, topic, text)


# ---- exposure: demo, TLS, proxies ------------------------------------------------------


def exposure(settings: Settings) -> list[Finding]:
    public = urlsplit(settings.public_url)
    local = is_loopback(public.hostname or "") and is_loopback(settings.host)
    found: list[Finding] = []
    if settings.demo:
        # Settings refuse the demo anywhere but loopback; on loopback it is make run's.
        found.append(
            warning(
                "demo",
                "the demo is on (its judge and clerk accounts, its join links): "
                "for trying courtroom on this machine only; a court leaves COURTROOM_DEMO unset",
            )
        )
    if public.scheme != "https":
        if local:
            found.append(
                ok(
                    "https",
                    "plain HTTP on a loopback address (browsers treat "
                    "localhost as secure): fine for trying it, not for a court",
                )
            )
        else:
            found.append(
                error(
                    "https",
                    f"COURTROOM_PUBLIC_URL is {settings.public_url}: browsers "
                    "give camera and microphone only to HTTPS pages, so nobody on another "
                    "machine can take part. Put Caddy in front (deploy/Caddyfile) and set an "
                    "https:// public URL, or give COURTROOM_TLS_CERT and COURTROOM_TLS_KEY",
                )
            )
        return found
    found += _tls_termination(settings)
    return found


def _tls_termination(settings: Settings) -> list[Finding]:
    if settings.tls_cert is not None:
        return [_certificate(settings.tls_cert)]
    if not is_loopback(settings.host):
        return [
            error(
                "https",
                f"the public URL is https but courtroom serves plain HTTP on "
                f"{settings.host}, reachable from the network without TLS: listen on "
                "127.0.0.1 behind Caddy, or give COURTROOM_TLS_CERT and COURTROOM_TLS_KEY",
            )
        ]
    if not settings.trusted_proxies:
        return [
            warning(
                "proxy",
                "the public URL is https and courtroom listens on loopback, "
                "so a proxy terminates TLS, but COURTROOM_TRUSTED_PROXIES is unset: every "
                "participant is audited and throttled as the proxy's address "
                "(set it to 127.0.0.1,::1 for Caddy on this machine)",
            )
        ]
    return [
        ok(
            "https",
            "TLS is terminated by a proxy courtroom trusts "
            f"({', '.join(str(p) for p in settings.trusted_proxies)})",
        )
    ]


def _certificate(path: Path, now: datetime | None = None) -> Finding:
    now = now or datetime.now(UTC)
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    left = cert.not_valid_after_utc - now
    if left <= timedelta(0):
        return error(
            "https", f"the certificate {path} expired on {cert.not_valid_after_utc:%Y-%m-%d}"
        )
    if left < timedelta(days=CERT_RENEW_DAYS):
        return warning(
            "https",
            f"the certificate {path} expires in {left.days} days "
            f"({cert.not_valid_after_utc:%Y-%m-%d}): renew it and restart courtroom",
        )
    return ok(
        "https",
        f"courtroom serves TLS itself; its certificate is valid until "
        f"{cert.not_valid_after_utc:%Y-%m-%d}",
    )


# ---- TURN ------------------------------------------------------------------------------


def turn(settings: Settings, env: Mapping[str, str]) -> Finding:
    urls = [url for server in settings.media.ice_servers for url in server.urls]
    turn_urls = [url for url in urls if url.startswith(("turn:", "turns:"))]
    named = sorted(
        name for name, value in env.items() if name.startswith(TURN_ENV_PREFIX) and value
    )
    if turn_urls or named:
        said = ", ".join(turn_urls) or ", ".join(named)
        return ok("turn", f"a TURN server is configured ({said})")
    return warning(
        "turn",
        "no TURN server is configured (COURTROOM_ICE_SERVERS has no turn: or "
        "turns: URL): a participant whose network blocks UDP (detention facilities, "
        "court and government networks) cannot connect",
    )


# ---- the record-signing key ------------------------------------------------------------


def signing_key(settings: Settings) -> list[Finding]:
    path = settings.record_signing_key_file
    if not path.exists():
        if settings.record_key_fingerprint is not None:
            return [
                error(
                    "key",
                    f"the record-signing key {settings.record_key_fingerprint} is "
                    f"pinned but {path} does not exist: restore it from backup",
                )
            ]
        return [
            warning(
                "key",
                f"no record-signing key yet at {path}: the first start creates "
                "one; then publish and pin its fingerprint",
            )
        ]
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        return [error("key", f"{path} cannot be read as a private key: {exc}")]
    if not isinstance(key, Ed25519PrivateKey):
        return [error("key", f"{path} does not hold an Ed25519 private key")]
    found = [_pin(settings, key_fingerprint(key))]
    if path.is_relative_to(settings.data_dir):
        found.append(
            warning(
                "key",
                f"the record-signing key is inside the data directory ({path}): "
                "whoever can write the data can also replace the key; keep it on a volume "
                "of its own (COURTROOM_RECORD_KEY_FILE)",
            )
        )
    found.append(_mode_finding("key", path, 0o077))
    return found


def _pin(settings: Settings, fingerprint: str) -> Finding:
    pinned = settings.record_key_fingerprint
    if pinned is None:
        return warning(
            "key",
            "the record-signing key is not pinned: a swapped key file "
            "would be used without a word. Publish the fingerprint and set "
            f"COURTROOM_RECORD_KEY_FINGERPRINT={fingerprint}",
        )
    if pinned != fingerprint:
        return error(
            "key",
            f"the key file holds {fingerprint}, not the pinned {pinned}: "
            "courtroom will refuse to start",
        )
    return ok("key", f"the record-signing key is the pinned one ({fingerprint[:16]}...)")


# ---- the data directory ----------------------------------------------------------------


def _mode_finding(topic: str, path: Path, forbidden: int) -> Finding:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & forbidden:
        return error(
            topic,
            f"{path} is {mode:04o}: others on this machine may read it; "
            f"chmod {mode & ~0o077:04o} {path}",
        )
    return ok(topic, f"{path} is {mode:04o}")


def data_directory(settings: Settings, uid: int | None = None) -> list[Finding]:
    """Owner-only, owned by the user courtroom runs as, writable; and the same for what it
    holds at the top (database, keys, recordings)."""
    uid = os.getuid() if uid is None else uid
    directory = settings.data_dir
    info = directory.stat()
    found: list[Finding] = []
    if info.st_uid != uid:
        found.append(
            warning(
                "data",
                f"{directory} belongs to uid {info.st_uid}, not to uid {uid} who "
                "runs this check: run it as the user courtroom runs as (e.g. "
                "sudo -u courtroom courtroom check)",
            )
        )
    if not os.access(directory, os.W_OK | os.X_OK):
        found.append(error("data", f"{directory} is not writable: nothing can be recorded"))
    exposed = [
        entry
        for entry in [directory, *sorted(directory.iterdir())]
        if stat.S_IMODE(entry.lstat().st_mode) & 0o077 and not entry.is_symlink()
    ]
    for entry in exposed:
        found.append(_mode_finding("data", entry, 0o077))
    if not exposed:
        found.append(ok("data", f"{directory} and what it holds are owner-only"))
    return found


# ---- the database ----------------------------------------------------------------------


async def _ping(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_S), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


def database(settings: Settings) -> Finding:
    shown = _without_password(settings.database_url)
    try:
        asyncio.run(_ping(settings.database_url))
    except TimeoutError:
        return error("database", f"{shown} did not answer within {DATABASE_TIMEOUT_S:g} s")
    except Exception as exc:  # any driver's refusal is the finding
        said = " ".join(str(exc).split()) or type(exc).__name__
        return error("database", f"cannot connect to {shown}: {said}")
    return ok("database", f"{shown} answers")


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# ---- the clock -------------------------------------------------------------------------

TIME_ERROR = 5  # adjtimex's answer when the kernel's clock is not synchronised
STA_UNSYNC = 0x0040


class _Timeval(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_usec", ctypes.c_long)]


class _Timex(ctypes.Structure):
    """struct timex (linux/timex.h), as the C library's adjtimex takes it."""

    _fields_ = [
        ("modes", ctypes.c_uint),
        ("offset", ctypes.c_long),
        ("freq", ctypes.c_long),
        ("maxerror", ctypes.c_long),
        ("esterror", ctypes.c_long),
        ("status", ctypes.c_int),
        ("constant", ctypes.c_long),
        ("precision", ctypes.c_long),
        ("tolerance", ctypes.c_long),
        ("time", _Timeval),
        ("tick", ctypes.c_long),
        ("ppsfreq", ctypes.c_long),
        ("jitter", ctypes.c_long),
        ("shift", ctypes.c_int),
        ("stabil", ctypes.c_long),
        ("jitcnt", ctypes.c_long),
        ("calcnt", ctypes.c_long),
        ("errcnt", ctypes.c_long),
        ("stbcnt", ctypes.c_long),
        ("tai", ctypes.c_int),
        ("padding", ctypes.c_int * 11),
    ]


@dataclass(frozen=True, slots=True)
class ClockState:
    synchronised: bool
    max_error_us: int


def kernel_clock() -> ClockState | None:
    """The kernel's own view, read with adjtimex(2) and modes 0 (allowed to any user): what
    timedatectl's NTPSynchronized reports too, without systemd or D-Bus. None where the C
    library has no adjtimex."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name, use_errno=True) if name else None
    adjtimex = getattr(libc, "adjtimex", None)
    if adjtimex is None:
        return None
    timex = _Timex()
    state = adjtimex(ctypes.byref(timex))
    if state < 0:
        return None
    synchronised = state != TIME_ERROR and not timex.status & STA_UNSYNC
    return ClockState(synchronised, int(timex.maxerror))


def clock(read: Callable[[], ClockState | None] = kernel_clock) -> Finding:
    state = read()
    if state is None:
        return warning("clock", "could not ask the kernel whether the clock is synchronised")
    if not state.synchronised:
        return warning(
            "clock",
            "the system clock is not synchronised (no NTP: install and "
            "enable systemd-timesyncd or chrony). Record times are kept on the "
            "monotonic clock, but audit entries, seals and the protocol carry "
            "wall-clock dates a court relies on",
        )
    return ok(
        "clock",
        f"the system clock is synchronised (maximum error {state.max_error_us / 1000:.0f} ms)",
    )


# ---- disk space ------------------------------------------------------------------------


def recording_bytes_per_hour(participants: int) -> int:
    return participants * PARTICIPANT_BYTES_PER_HOUR + MASTER_BYTES_PER_HOUR


def disk_space(
    settings: Settings,
    hours: float,
    participants: int,
    free: Callable[[Path], int] = lambda p: shutil.disk_usage(p).free,
) -> Finding:
    where = settings.recordings_dir if settings.recordings_dir.exists() else settings.data_dir
    available = free(where)
    per_hour = recording_bytes_per_hour(participants)
    holds = available / per_hour
    said = (
        f"{available / 1e9:.1f} GB free under {where}: about {holds:.1f} hours of a hearing "
        f"with {participants} participants recorded ({per_hour / 1e9:.2f} GB an hour)"
    )
    if holds < 1:
        return error("disk", f"{said}; not even one hour")
    if holds < hours:
        return warning("disk", f"{said}; less than the {hours:g} hours asked for")
    return ok("disk", said)


# ---- all of it -------------------------------------------------------------------------


def check(
    settings: Settings,
    env: Mapping[str, str],
    *,
    hours: float = DEFAULT_HOURS,
    participants: int = DEFAULT_PARTICIPANTS,
) -> list[Finding]:
    return [
        *exposure(settings),
        turn(settings, env),
        *signing_key(settings),
        *data_directory(settings),
        database(settings),
        clock(),
        disk_space(settings, hours, participants),
    ]


def report(findings: Iterable[Finding]) -> tuple[str, int]:
    """The findings, errors first, and the exit status: 1 if any is an error."""
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.OK: 2}
    ranked = sorted(findings, key=lambda f: order[f.severity])
    errors = sum(f.severity is Severity.ERROR for f in ranked)
    warnings = sum(f.severity is Severity.WARNING for f in ranked)
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    return "\n".join([*(f.line() for f in ranked), summary]), 1 if errors else 0
