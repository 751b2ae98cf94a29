"""Creating staff accounts: one path for the API, the command line and the bootstrap."""

from __future__ import annotations

import secrets

from court.staff import StaffAccount
from server.auth.bodies import NewStaffAccount
from server.auth.passwords import Passwords
from server.persistence.repositories import StaffAccountRepository


async def create_account(
    accounts: StaffAccountRepository,
    passwords: Passwords,
    new: NewStaffAccount,
    *,
    must_change_password: bool = False,
) -> StaffAccount:
    """Hash the password and store the account; InvalidState if the username is taken.
    ``must_change_password``: its owner must choose their own at the first login."""
    return await accounts.add(
        username=new.username,
        display_name=new.display_name,
        role=new.role,
        password_hash=await passwords.hash(new.password),
        must_change_password=must_change_password,
    )


def generate_password() -> str:
    """A password for accounts the server creates itself: 144 random bits, 24 characters."""
    return secrets.token_urlsafe(18)
