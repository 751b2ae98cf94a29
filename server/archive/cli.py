"""``courtroom archive ...``: the archive from a shell.

- ``public-key``: the court's current public key and its fingerprint; ``--all`` the
  published list of every court key, ``--fingerprint`` the fingerprint alone;
- ``rotate-key --reason WHY``: the court's next record-signing key (server/court_key.py);
- ``verify HEARING``: a report per segment, exit 1 naming any problem;
- ``viewing-copy HEARING`` and ``export HEARING --out FILE --reason WHY``: build with a
  progress bar on the terminal;
- ``purge --dry-run`` lists what retention would delete and what a legal hold keeps;
  ``purge --yes`` deletes it. Nothing under legal hold is ever touched.

Every command that reads or deletes the record is audited as ``cli:<user>``.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import shutil
import sys
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from court.errors import InvalidState
from recordings.storage import LocalArchiveStorage
from recordings.verification import Finding, Problem
from recordings.verification import verify_hearing as verify_recordings_of
from server.archive.jobs import JobKind
from server.archive.service import Archive, PurgeItem
from server.court_data import open_court_data
from server.court_key import (
    PublishedKey,
    checked_court_key,
    open_court_key,
    rotate_court_key,
)
from server.protocol_binding import check as check_protocol
from server.settings import Settings

BAR_WIDTH = 30


class ProgressBar:
    """``label [#######.......]  42 %`` redrawn in place on a terminal; on a pipe or a log,
    one line per tenth, so a cron job's output stays readable."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self._label = label
        self._stream = sys.stderr if stream is None else stream
        self._tty = self._stream.isatty()
        self._shown = -1

    def __call__(self, fraction: float) -> None:
        fraction = min(1.0, max(0.0, fraction))
        percent = int(fraction * 100)
        if self._tty:
            if percent == self._shown:
                return
            filled = round(fraction * BAR_WIDTH)
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            self._stream.write(f"\r{self._label} [{bar}] {percent:3d} %")
            if fraction >= 1.0:
                self._stream.write("\n")
        else:
            if percent // 10 == self._shown // 10 and fraction < 1.0:
                return
            self._stream.write(f"{self._label}: {percent} %\n")
        self._shown = percent
        self._stream.flush()


def add_parser(commands: Any) -> None:
    archive = commands.add_parser(
        "archive", help="verify, copy, export and purge the record archive"
    )
    actions = archive.add_subparsers(dest="action", required=True)
    public_key = actions.add_parser(
        "public-key",
        help="print the court's current public key (PEM) and its fingerprint; at the "
        "court's first use, makes the record-signing key",
    )
    which = public_key.add_mutually_exclusive_group()
    which.add_argument(
        "--all",
        action="store_true",
        help="every court key: fingerprint, state, period, succession and PEM",
    )
    which.add_argument(
        "--fingerprint", action="store_true", help="only the current key's fingerprint"
    )
    rotate = actions.add_parser(
        "rotate-key",
        help="make the court's next record-signing key; the old one retires, and its "
        "records stay verifiable",
    )
    rotate.add_argument("--reason", required=True, help="why the key is rotated (audited)")
    verify = actions.add_parser(
        "verify", help="check every segment of a hearing's recordings; exit 1 names a problem"
    )
    verify.add_argument("hearing", help="the hearing id (hrg_...)")
    verify.add_argument("--reason", required=True, help="why the record is checked (audited)")
    copy = actions.add_parser(
        "viewing-copy", help="build a closed hearing's viewing copy (MP4), with a progress bar"
    )
    copy.add_argument("hearing", help="the hearing id (hrg_...)")
    copy.add_argument("--reason", required=True, help="why the copy is built (audited)")
    export = actions.add_parser(
        "export", help="build a hearing's export bundle (zip) and copy it to --out"
    )
    export.add_argument("hearing", help="the hearing id (hrg_...)")
    export.add_argument("--out", required=True, type=Path, help="where to write the zip")
    export.add_argument("--reason", required=True, help="why the record is exported (audited)")
    purge = actions.add_parser(
        "purge", help="delete records past their retain-until date (never under legal hold)"
    )
    how = purge.add_mutually_exclusive_group(required=True)
    how.add_argument("--dry-run", action="store_true", help="list what would go; change nothing")
    how.add_argument("--yes", action="store_true", help="delete what the dry run lists")
    purge.add_argument("--reason", help="why the records go (audited; needed with --yes)")
    purge.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="the date retention is measured against (YYYY-MM-DD; default today, UTC)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """CourtKeyRefused (server/court_key.py) is left to ``courtroom``'s main to print."""
    if args.action == "public-key":
        return _public_key(settings, fingerprint_only=args.fingerprint, every_key=args.all)
    reason = (args.reason or "").strip()
    if not reason and not getattr(args, "dry_run", False):
        print("courtroom: --reason must say why the record is used (audited)", file=sys.stderr)
        return 2
    actions: dict[str, Callable[[], Coroutine[Any, Any, int]]] = {
        "rotate-key": lambda: _rotate_key(settings, reason),
        "verify": lambda: _verify(settings, args.hearing, reason),
        "viewing-copy": lambda: _viewing_copy(settings, args.hearing, reason),
        "export": lambda: _export(settings, args.hearing, args.out, reason),
        "purge": lambda: _purge(
            settings,
            # A retain-until date is a day of the court's calendar, not of UTC's.
            args.today or settings.court_time.day(datetime.now(UTC)),
            dry_run=args.dry_run,
            reason=reason,
        ),
    }
    return asyncio.run(actions[args.action]())


def _public_key(settings: Settings, *, fingerprint_only: bool, every_key: bool) -> int:
    court_key = asyncio.run(checked_court_key(settings))
    if fingerprint_only:
        print(court_key.fingerprint)
    elif every_key:
        print(format_published(court_key.published()), end="")
    else:
        print(f"Fingerprint (SHA-256): {court_key.fingerprint}")
        print(court_key.public_key_pem, end="")
    return 0


def format_published(published: Sequence[PublishedKey]) -> str:
    """The published list of the court's keys, current first, each with its PEM."""
    blocks = []
    for key in published:
        since = "not recorded" if key.first_used_at is None else _moment(key.first_used_at)
        until = "now" if key.retired_at is None else _moment(key.retired_at)
        lines = [f"{key.state.value} {key.fingerprint}", f"  in use: {since} to {until}"]
        if key.succession is not None:
            lines += [
                f"  succession: {key.succession.statement}",
                f"  signed by the previous key: {key.succession.previous_signature}",
                f"  signed by this key: {key.succession.next_signature}",
            ]
        blocks.append("\n".join(lines) + "\n" + key.public_key_pem)
    return "\n".join(blocks)


def _moment(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


async def _rotate_key(settings: Settings, reason: str) -> int:
    async with open_court_data(settings) as data:
        court_key = await open_court_key(settings, data)
        successor = await rotate_court_key(settings, data, court_key, actor=actor(), reason=reason)
    print(f"Retired {court_key.fingerprint}; its records stay verifiable.")
    print(f"The court's record-signing key is now {successor.fingerprint}.")
    # A running server goes on signing with the key it started with until it restarts.
    print(
        "The server signs with it from its next start. Before then, set "
        f"COURTROOM_RECORD_KEY_FINGERPRINT={successor.fingerprint}, back up "
        f"{settings.record_signing_key_file}, and publish the court's keys "
        "(courtroom archive public-key --all)."
    )
    return 0


async def _verify(settings: Settings, hearing_id: str, reason: str) -> int:
    """Every recording folder of the hearing on disk (one the archive's index lacks too),
    the hearing's signed index, and the database's protocol against the one bound into the
    record; 0 if all verify, 1 otherwise (INCOMPLETE included)."""
    async with open_court_data(settings) as data:
        court_key = await open_court_key(settings, data)
        await data.audit.record(
            actor=actor(), action="archive.verify", object=f"hearing:{hearing_id}", reason=reason
        )
        hearing_dir = settings.recordings_dir / Path(hearing_id).name
        if not hearing_dir.is_dir():
            print(f"courtroom: no recordings of {hearing_id}", file=sys.stderr)
            return 1
        reports = await asyncio.to_thread(
            verify_recordings_of, hearing_dir, hearing_id, court_key.trusted_public_keys()
        )
        storage = LocalArchiveStorage(settings.recordings_dir)
        bound, differences = await check_protocol(
            storage, await data.archive.get(hearing_id), data.protocol
        )
    for report in reports:
        if bound is not None and report.recording_id == bound.recording_id:
            report.findings.extend(
                Finding(Problem.ALTERED, d.subject, d.detail) for d in differences
            )
    if not reports:
        print(f"courtroom: no recordings of {hearing_id}", file=sys.stderr)
        return 1
    for report in reports:
        print("\n".join(report.lines()))
    return 0 if all(r.ok for r in reports) else 1


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


@asynccontextmanager
async def open_archive(settings: Settings, *, reconcile: bool = True) -> AsyncIterator[Archive]:
    """The archive over the data directory; ``reconcile`` first indexes recordings sealed
    while no server ran (a dry run passes False: it changes nothing, not even the index)."""
    async with open_court_data(settings) as data:
        court_key = await open_court_key(settings, data)
        archive = Archive(
            LocalArchiveStorage(settings.recordings_dir),
            data.archive,
            data.audit,
            protocol=data.protocol,
            work_dir=settings.archive_work_dir,
            public_key_pem=court_key.public_key_pem,
            trusted_keys=court_key.trusted_public_keys(),
            retention_days=settings.record_retention_days,
            time_zone=settings.court_time.name,
            in_child=False,
        )
        if reconcile:
            await archive.reconcile()
        yield archive


async def _viewing_copy(settings: Settings, hearing_id: str, reason: str) -> int:
    async with open_archive(settings) as archive:
        archived = await archive.index.get(hearing_id)
        if archived is None:
            print(f"courtroom: the archive holds no record of {hearing_id}", file=sys.stderr)
            return 1
        what = f"hearing:{hearing_id}"
        await archive.audit_access(actor(), "archive.viewing_copy", what, reason)
        key = await archive.build(
            archived, JobKind.VIEWING_COPY, ProgressBar(f"Viewing copy of {hearing_id}")
        )
    print(f"Stored as {settings.recordings_dir / key}")
    return 0


async def _export(settings: Settings, hearing_id: str, out: Path, reason: str) -> int:
    async with open_archive(settings) as archive:
        archived = await archive.index.get(hearing_id)
        if archived is None:
            print(f"courtroom: the archive holds no record of {hearing_id}", file=sys.stderr)
            return 1
        await archive.audit_access(actor(), "archive.export", f"hearing:{hearing_id}", reason)
        key = await archive.build(archived, JobKind.EXPORT, ProgressBar(f"Export of {hearing_id}"))
    await asyncio.to_thread(shutil.copyfile, settings.recordings_dir / key, out)
    print(f"Written to {out}")
    return 0


def format_plan(plan: list[PurgeItem], today: date) -> str:
    if not plan:
        return f"Nothing is due for deletion on {today}."
    rows = [("HEARING", "CASE", "RECORDINGS", "ACTION", "WHY")]
    for item in plan:
        hearing = item.archived.hearing
        action = "delete" if item.purge else "keep"
        rows.append(
            (hearing.id, hearing.case_number, str(len(item.archived.recordings)), action, item.why)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


async def _purge(settings: Settings, today: date, *, dry_run: bool, reason: str) -> int:
    async with open_archive(settings, reconcile=not dry_run) as archive:
        plan = await archive.purge_plan(today)
        print(format_plan(plan, today))
        if dry_run:
            due = sum(1 for item in plan if item.purge)
            print(f"\nDry run: {due} hearing(s) would be deleted; nothing was changed.")
            return 0
        for item in plan:
            if not item.purge:
                continue
            try:
                deleted = await archive.purge(item, today=today, by=actor(), reason=reason)
            except InvalidState as exc:  # a hold set, or the date moved, since the plan
                print(f"Kept {item.archived.hearing.id}: {exc.message}")
                continue
            print(f"Deleted {deleted} files of {item.archived.hearing.id}.")
    return 0
