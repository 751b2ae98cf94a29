"""``courtroom audit verify`` and ``courtroom audit list``: the audit log from a shell.

verify checks the chain against the signed checkpoints (server.audit.checkpoints) and
exits 0 with "OK: N entries, chain intact, head <digest>" (then the checkpoint that
anchors it, and a warning for entries not yet anchored or checkpoints not trusted), or 1
naming the first bad entry, a cut tail or a rewrite, so that a cron job or a monitoring
check can run it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from server.audit.checkpoints import sealed_checkpoints, verify_anchored
from server.audit.log import VerifyReport, timestamp
from server.court_data import CourtData, open_court_data
from server.court_key import CourtKeyRefused, open_court_key
from server.persistence.repositories.audit import AuditEntry
from server.settings import Settings


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("give 1 or more")
    return value


def add_parser(commands: Any) -> None:
    """Add ``audit`` to the ``courtroom`` command's subparsers."""
    audit = commands.add_parser("audit", help="verify and read the audit log")
    actions = audit.add_subparsers(dest="action", required=True)
    verify = actions.add_parser(
        "verify",
        help="check the hash chain against the signed checkpoints; exit 1 naming the first "
        "entry that is wrong, a cut tail or a rewrite",
    )
    verify.add_argument(
        "--checkpoints",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="also a copy of the checkpoints kept elsewhere (repeatable)",
    )
    listing = actions.add_parser("list", help="the newest entries, oldest first")
    listing.add_argument(
        "--limit", type=_positive, default=50, help="how many entries (default 50)"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "verify":
        for path in args.checkpoints:
            if not path.is_file():
                print(f"courtroom: no checkpoint file at {path}", file=sys.stderr)
                return 2
        report = asyncio.run(_verify(settings, args.checkpoints))
        print("\n".join(report.lines()))
        return 0 if report.ok else 1
    print(format_entries(asyncio.run(_latest(settings, args.limit))))
    return 0


async def trusted_keys(data: CourtData, settings: Settings) -> list[Ed25519PublicKey]:
    """The keys whose checkpoints are trusted: the court's current key and those it
    succeeded (server/court_key.py). A key the installation refuses (missing, swapped, not
    the pinned one) trusts nothing: its checkpoints are then reported as untrusted."""
    if not settings.record_signing_key_file.exists():
        return []  # verifying never creates a key: a new one would trust nothing signed
    try:
        return (await open_court_key(settings, data)).trusted_public_keys()
    except CourtKeyRefused as exc:
        print(f"courtroom: {exc}", file=sys.stderr)
        return []


async def _verify(settings: Settings, extra_files: list[Path]) -> VerifyReport:
    files = [settings.audit_checkpoints_file, *extra_files]
    carried = await asyncio.to_thread(sealed_checkpoints, settings.recordings_dir)
    async with open_court_data(settings) as data:
        trusted = await trusted_keys(data, settings)
        return await verify_anchored(data.audit, trusted, files, carried)


async def _latest(settings: Settings, limit: int) -> list[AuditEntry]:
    async with open_court_data(settings) as data:
        return await data.audit.entries.latest(limit)


def format_entries(entries: list[AuditEntry]) -> str:
    if not entries:
        return "The audit log is empty."
    rows: list[tuple[str, ...]] = [
        ("SEQ", "AT (UTC)", "ACTOR", "ACTION", "OBJECT", "OUTCOME", "REASON")
    ]
    for e in entries:
        cells = (e.actor, e.action, e.object, e.outcome, e.reason)
        rows.append((str(e.seq), timestamp(e.at), *(" ".join(c.split()) for c in cells)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(
            [*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]
        ).rstrip()
        for row in rows
    )
