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

from aiohttp import web

from recordings import RecordingInfo, RecordingStore
from server.app import create_app
from server.archive import cli as archive_cli
from server.audit import cli as audit_cli
from server.auth import cli as auth_cli
from server.court_data import open_court_data
from server.court_key import CourtKeyRefused, checked_court_key
from server.demo import ensure_demo, format_links
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


async def _serve(settings: Settings) -> None:
    # The record-signing key first: with a missing or different key nothing may start,
    # and create_app, which cannot wait for the database, gets the key already checked.
    court_key = await checked_court_key(settings)
    accounts = await auth_cli.bootstrap(settings)
    text = (await _demo(settings))[2] if settings.demo else "Demo off (COURTROOM_DEMO=0)."
    runner = web.AppRunner(create_app(settings, court_key))
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
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
        "demo", help="create the demo hearing if needed and print its join links"
    )
    demo.add_argument("--json", action="store_true", help="print the links as JSON")
    recordings = commands.add_parser("recordings", help="work with recordings")
    recordings.add_subparsers(dest="action", required=True).add_parser(
        "list", help="list recordings with durations"
    )
    archive_cli.add_parser(commands)
    audit_cli.add_parser(commands)
    auth_cli.add_parser(commands)
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
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
            print(f"courtroom: {exc}", file=sys.stderr)
            return 2

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
        hearing_id, links, text = asyncio.run(_demo(settings))
        print(
            json.dumps({"hearing_id": hearing_id, "links": links}, indent=2) if args.json else text
        )
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
