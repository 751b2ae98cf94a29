"""The ``courtroom`` command: serve, print the demo links, list recordings; the archive,
audit and users commands live beside what they work on."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from aiohttp import web

from recordings import RecordingInfo, RecordingStore
from server import doctor, logs
from server.app import create_app
from server.archive import cli as archive_cli
from server.audit import cli as audit_cli
from server.auth import cli as auth_cli
from server.auth.bootstrap import (
    DEMO_STAFF,
    DEMO_STAFF_FILE,
    INITIAL_ADMIN_FILE,
    INITIAL_ADMIN_USERNAME,
    ensure_demo_staff,
    ensure_first_administrator,
    write_private,
)
from server.auth.passwords import Passwords
from server.auth.proxies import ClientAccessLogger
from server.court_data import open_court_data
from server.court_key import CourtKeyRefused, checked_court_key
from server.demo import DEMO_CASE_NUMBER, DEMO_LINKS_FILE, ensure_demo, format_links
from server.settings import Settings, SettingsError

PRIVATE_UMASK = 0o077


async def _demo(settings: Settings) -> tuple[str, dict[str, dict[str, str]], str]:
    async with open_court_data(settings) as data:
        hearing, demo_links = await ensure_demo(data.hearings, data.participants, data.links)
    as_json = {
        link.participant.role.value: {
            "name": link.participant.name,
            "url": link.url,
            "token": link.token,
        }
        for link in demo_links
    }
    return hearing.id, as_json, format_links(hearing, demo_links)


def write_demo_links(settings: Settings, text: str) -> Path:
    """The demo's join links carry bearer tokens: they go to a file only this user can read
    (0600), never to stdout, where a service journal would keep them."""
    path = settings.data_dir / DEMO_LINKS_FILE
    write_private(path, f"{text}\n")
    return path


def demo_note(path: Path) -> str:
    """What is printed instead of the links: where they are, and how to see them."""
    return "\n".join(
        [
            f"Demo hearing {DEMO_CASE_NUMBER}: the join links of its judge, clerk, defendant, "
            "witness and observer are in a file only you can read:",
            f"  cat {_shown(path)}",
        ]
    )


def _shown(path: Path) -> str:
    """The path as the user would type it: relative to the working directory if inside."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


async def bootstrap_accounts(settings: Settings) -> str:
    """The first administrator (if there is no account at all), then the demo's judge and
    clerk; what to print about them. Their passwords are never printed: they are in 0600
    files under the data directory, and this says which."""
    passwords = Passwords()
    async with open_court_data(settings) as data:
        admin = await ensure_first_administrator(data, passwords, settings.data_dir)
        demo = await ensure_demo_staff(data, passwords, settings.data_dir) if settings.demo else {}
    login_url = f"{settings.public_url}/login"
    lines: list[str] = []
    if admin is not None:
        path = settings.data_dir / INITIAL_ADMIN_FILE
        lines += [
            f"First administrator account created: username {INITIAL_ADMIN_USERNAME}, "
            f"log in at {login_url}.",
            f"  Its password is in a file only you can read: cat {_shown(path)}",
        ]
    demo_file = settings.data_dir / DEMO_STAFF_FILE
    if settings.demo and demo_file.exists():
        names = ", ".join(name for name, _, _ in DEMO_STAFF)
        state = "created" if demo else "kept"
        lines += [
            f"Demo staff accounts {names} {state}: log in at {login_url}.",
            f"  Their passwords are in a file only you can read: cat {_shown(demo_file)}",
        ]
    return "\n".join(lines)


async def _serve(settings: Settings) -> None:
    # The record-signing key first: with a missing or different key nothing may start,
    # and create_app, which cannot wait for the database, gets the key already checked.
    court_key = await checked_court_key(settings)
    accounts = await bootstrap_accounts(settings)
    if settings.demo:
        text = demo_note(write_demo_links(settings, (await _demo(settings))[2]))
    else:
        text = "Demo off (make run turns it on with COURTROOM_DEMO=1, on a loopback address)."
    runner = web.AppRunner(create_app(settings, court_key), access_log_class=ClientAccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port, ssl_context=settings.ssl_context())
    await site.start()
    print(f"courtroom is running on {settings.public_url}\n", flush=True)
    print(text, flush=True)
    if accounts:
        print(f"\n{accounts}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    print("Stopping: sealing recordings and closing connections...", flush=True)
    await runner.cleanup()


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where installed: the relay's per-packet work is mostly event-loop machinery
    (datagram sends, callbacks, wake-ups), which uvloop runs in C. Measured by make bench."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def format_recordings(found: list[RecordingInfo]) -> str:
    if not found:
        return "No recordings yet."
    rows = [("HEARING", "RECORDING", "STARTED", "DURATION", "STATE", "DIRECTORY")]
    for r in found:
        started = datetime.fromtimestamp(r.started_at).strftime("%Y-%m-%d %H:%M:%S")
        duration = "unreadable" if r.duration_s is None else _clock(r.duration_s)
        # Without a stop time the recording is either still running or its process died
        # before sealing it; the files alone cannot tell which.
        state = "sealed" if r.stopped_at is not None else "running or unsealed"
        if r.recovered:
            state = "sealed after a crash"
        if r.refused is not None:
            # Recovery would not sign what the recorder did not write: an incident.
            state = "NOT SEALED: altered while the server was down (see the audit log)"
        rows.append((r.hearing_id, r.recording_id, started, duration, state, str(r.path)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _clock(seconds: float) -> str:
    """h:mm:ss.s; rounded to tenths first, so 59.96 s reads 0:01:00.0, never 0:00:60.0."""
    hours, tenths = divmod(round(seconds * 10), 36_000)
    minutes, tenths = divmod(tenths, 600)
    return f"{hours}:{minutes:02d}:{tenths / 10:04.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="courtroom", description="Criminal court hearings by video."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the platform (settings from COURTROOM_* variables)")
    demo = commands.add_parser(
        "demo",
        help="create the demo hearing if needed; write its join links to a file only you can "
        "read (data/demo-links.txt) and print the file's path",
    )
    demo.add_argument(
        "--json", action="store_true", help="print the links as JSON (for programs: tokens)"
    )
    recordings = commands.add_parser("recordings", help="work with recordings")
    recordings.add_subparsers(dest="action", required=True).add_parser(
        "list", help="list recordings with durations"
    )
    check = commands.add_parser(
        "check",
        help="read the configuration and say what is wrong or risky (exit 1 on an error)",
    )
    check.add_argument(
        "--hours",
        type=float,
        default=doctor.DEFAULT_HOURS,
        help=f"hours of recording the disk must hold (default {doctor.DEFAULT_HOURS})",
    )
    check.add_argument(
        "--participants",
        type=int,
        default=doctor.DEFAULT_PARTICIPANTS,
        help="publishing participants per hearing, for the disk estimate "
        f"(default {doctor.DEFAULT_PARTICIPANTS})",
    )
    archive_cli.add_parser(commands)
    audit_cli.add_parser(commands)
    auth_cli.add_parser(commands)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format=logs.TEXT_FORMAT)
    for noisy in ("aioice", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Everything the platform creates is its user's only (0700 directories, 0600 files):
    # recordings, exports and the database hold the hearings. Given back on return, for
    # the tests that call main in their own process.
    umask = os.umask(PRIVATE_UMASK)
    try:
        try:
            settings = Settings.from_env()
        except SettingsError as exc:
            if args.command == "check":
                # The check's own answer: a setting courtroom refuses is its first finding.
                text, _ = doctor.report([doctor.error("settings", str(exc))])
                print(text)
                return 1
            print(f"courtroom: {exc}", file=sys.stderr)
            return 2

        logs.configure(settings.log_format)
        try:
            return _run(args, settings)
        except CourtKeyRefused as exc:
            # Said as one sentence, not a traceback: it is the operator's move, not a bug.
            print(f"courtroom: {exc}", file=sys.stderr)
            return 2
    finally:
        os.umask(umask)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            runner.run(_serve(settings))
    elif args.command == "demo":
        if not settings.demo:
            print(
                "courtroom: the demo is off. Set COURTROOM_DEMO=1 to create it (on a loopback "
                "address only), as `make run` does.",
                file=sys.stderr,
            )
            return 2
        hearing_id, links, text = asyncio.run(_demo(settings))
        if args.json:
            # Asked for by a program (the browser tests, a script): its own pipe, not a log.
            print(json.dumps({"hearing_id": hearing_id, "links": links}, indent=2))
        else:
            print(demo_note(write_demo_links(settings, text)))
    elif args.command == "check":
        text, status = doctor.report(
            doctor.check(settings, os.environ, hours=args.hours, participants=args.participants)
        )
        print(text)
        return status
    elif args.command == "recordings":
        print(format_recordings(RecordingStore(settings.recordings_dir).list()))
    elif args.command == "archive":
        return archive_cli.run(args, settings)
    elif args.command == "users":
        return auth_cli.run(args, settings)
    elif args.command == "audit":
        return audit_cli.run(args, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
