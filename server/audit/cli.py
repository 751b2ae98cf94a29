"""``courtroom audit verify`` and ``courtroom audit list``: the audit log from a shell.

verify exits 0 with "OK: N entries, chain intact, head <digest>", or 1 naming the first
bad entry, so that a cron job or a monitoring check can run it.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from server.audit.log import VerifyReport, timestamp
from server.court_data import open_court_data
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
    actions.add_parser(
        "verify", help="check the hash chain; exit 1 naming the first entry that is wrong"
    )
    listing = actions.add_parser("list", help="the newest entries, oldest first")
    listing.add_argument(
        "--limit", type=_positive, default=50, help="how many entries (default 50)"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "verify":
        report = asyncio.run(_verify(settings))
        print(report.summary())
        return 0 if report.ok else 1
    print(format_entries(asyncio.run(_latest(settings, args.limit))))
    return 0


async def _verify(settings: Settings) -> VerifyReport:
    async with open_court_data(settings) as data:
        return await data.audit.verify()


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
