"""Accounts the server creates itself: the first administrator, and the demo's judge and clerk.

A fresh installation has no staff account, and only an administrator can create one. So
``courtroom serve`` creates ``admin`` with a random password when there is no account at
all, never again afterwards. The demo hearing names ``judge`` as its presiding judge; its
judge and clerk get accounts too, so that the staff console can be tried at once.

Generated passwords are printed once and kept in a file only the server's user can read
(mode 0600) in the data directory. The administrator's must be changed at the first login;
the change deletes its file.
"""

from __future__ import annotations

import os
from pathlib import Path

from court.errors import InvalidState
from court.roles import Role
from court.staff import StaffRole
from server.auth.accounts import create_account, generate_password
from server.auth.bodies import NewStaffAccount
from server.auth.passwords import Passwords
from server.court_data import CourtData
from server.demo import DEMO_CAST, DEMO_CLERK_USERNAME, DEMO_JUDGE_USERNAME

INITIAL_ADMIN_USERNAME = "admin"
INITIAL_ADMIN_FILE = "initial-admin-password"
DEMO_STAFF_FILE = "demo-staff-passwords"
BOOTSTRAP_ACTOR = "system:bootstrap"

_NAMES = dict(DEMO_CAST)
DEMO_STAFF: tuple[tuple[str, str, StaffRole], ...] = (
    (DEMO_JUDGE_USERNAME, _NAMES[Role.JUDGE], StaffRole.JUDGE),
    (DEMO_CLERK_USERNAME, _NAMES[Role.CLERK], StaffRole.CLERK),
)


async def ensure_first_administrator(
    data: CourtData, passwords: Passwords, data_dir: Path
) -> str | None:
    """Create ``admin`` if there is no staff account at all; its password, else None."""
    if await data.staff.count() > 0:
        return None
    password = generate_password()
    try:
        await create_account(
            data.staff,
            passwords,
            NewStaffAccount(
                username=INITIAL_ADMIN_USERNAME,
                display_name="Administrator",
                role=StaffRole.ADMINISTRATOR,
                password=password,
            ),
            must_change_password=True,
        )
    except InvalidState:
        return None  # another process created it a moment ago
    write_private(data_dir / INITIAL_ADMIN_FILE, f"{password}\n")
    await data.audit.record(
        actor=BOOTSTRAP_ACTOR,
        action="staff.create",
        object=f"staff:{INITIAL_ADMIN_USERNAME}",
        reason="first administrator of a new installation",
    )
    return password


async def ensure_demo_staff(
    data: CourtData, passwords: Passwords, data_dir: Path
) -> dict[str, str]:
    """Create the demo judge and clerk where missing; username -> password of those created."""
    created: dict[str, str] = {}
    for username, display_name, role in DEMO_STAFF:
        if await data.staff.by_username(username) is not None:
            continue
        password = generate_password()
        try:
            await create_account(
                data.staff,
                passwords,
                NewStaffAccount(
                    username=username, display_name=display_name, role=role, password=password
                ),
            )
        except InvalidState:
            continue
        await data.audit.record(
            actor=BOOTSTRAP_ACTOR,
            action="staff.create",
            object=f"staff:{username}",
            reason=f"demo {role.value}",
        )
        created[username] = password
    if created:
        path = data_dir / DEMO_STAFF_FILE
        kept = read_passwords(path)
        kept.update(created)
        write_private(path, "".join(f"{name} {pw}\n" for name, pw in kept.items()))
    return created


def read_passwords(path: Path) -> dict[str, str]:
    """``username password`` lines of a file written by this module."""
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return {}
    pairs = (line.split(" ", 1) for line in lines if " " in line)
    return {name: password for name, password in pairs}


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``, readable by this user only at every moment."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)
