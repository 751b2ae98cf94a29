"""``courtroom users add|list``, and the accounts ``courtroom serve`` creates on its own."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any

from pydantic import ValidationError

from court.errors import InvalidState
from court.staff import StaffAccount, StaffRole
from server.auth.accounts import create_account
from server.auth.bodies import NewStaffAccount, describe
from server.auth.passwords import Passwords
from server.court_data import open_court_data
from server.settings import Settings


def add_parser(commands: Any) -> None:
    users = commands.add_parser("users", help="staff accounts: add one, list them")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create a staff account (asks for its password twice)")
    add.add_argument("username", help="lower case letters, digits, '.', '_' or '-'")
    add.add_argument("--role", required=True, choices=[role.value for role in StaffRole])
    add.add_argument("--name", help="the name shown to people (default: the username)")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )
    actions.add_parser("list", help="list staff accounts")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "add":
        return _add(args, settings)
    print(format_accounts(asyncio.run(_list(settings))))
    return 0


def _add(args: argparse.Namespace, settings: Settings) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            print("courtroom: the two passwords differ; nothing was changed", file=sys.stderr)
            return 1
    try:
        new = NewStaffAccount(
            username=args.username,
            display_name=args.name or args.username,
            role=StaffRole(args.role),
            password=password,
        )
    except ValidationError as exc:
        print(f"courtroom: {describe(exc)}", file=sys.stderr)
        return 2
    try:
        account = asyncio.run(_create(settings, new))
    except InvalidState as exc:
        print(f"courtroom: {exc.message}", file=sys.stderr)
        return 1
    print(f"Created {account.role.value} {account.username} ({account.display_name}).")
    return 0


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


async def _create(settings: Settings, new: NewStaffAccount) -> StaffAccount:
    async with open_court_data(settings) as data:
        account = await create_account(data.staff, Passwords(), new)
        await data.audit.record(
            actor=_operator(),
            action="staff.create",
            object=f"staff:{account.username}",
            reason=f"role {account.role.value}",
        )
        return account


async def _list(settings: Settings) -> list[StaffAccount]:
    async with open_court_data(settings) as data:
        return await data.staff.list()


def format_accounts(accounts: list[StaffAccount]) -> str:
    if not accounts:
        return "No staff accounts yet."
    rows = [("USERNAME", "ROLE", "NAME", "CREATED", "STATE")]
    for a in accounts:
        created = a.created_at.astimezone().strftime("%Y-%m-%d %H:%M")  # local time
        state = "disabled" if a.disabled else "active"
        rows.append((a.username, a.role.value, a.display_name, created, state))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
