"""The court's record-signing key, and the keys it trusts.

The private key is one file, COURTROOM_RECORD_KEY_FILE: in a court's installation on a
volume of its own, so that whoever can write the data directory cannot swap or remove it.
The database records each key's fingerprint at its first use, and from then on a key file
that is missing or holds another key stops the server instead of being replaced: a restore
without the key would otherwise start a new key silently (and every earlier record would
fail verification), and someone who swapped the file would have records they re-signed
trusted. COURTROOM_RECORD_KEY_FINGERPRINT pins the key from outside both the data
directory and the database, against someone who can write both.

Trust is never read from the database. The current key is the one in the key file, which
the database and the pin must name. An earlier key is trusted only if succession
statements lead back to it from the current key, each signed by both the retiring key and
its successor. A key row written into the database by someone without the court's private
keys is therefore never trusted, whatever it claims.

Rotation (``rotate_court_key``) makes a new key, signs the statement with both keys,
records it, and then replaces the key file, so the retired private key is destroyed: trust
in a retired key has no end date (its records stay verifiable), so a copy of it left on
disk could sign records that would be trusted for ever. Its public key stays in the table.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from recordings.signing import key_fingerprint, public_key_pem, write_new_key
from server.court_data import CourtData, open_court_data
from server.persistence.repositories import (
    KeyConflict,
    RecordKey,
    RecordKeyState,
    Succession,
)
from server.settings import Settings

logger = logging.getLogger(__name__)

SUCCESSION_CONTEXT: Final = b"courtroom-key-succession-v1\n"
STAGED_SUFFIX: Final = ".next"  # the successor's key file until the rotation is recorded
NEVER_CREATE: Final = "never create a new one for an installation that has signed records"


class CourtKeyRefused(Exception):
    """The record-signing key is not the court's key as recorded or pinned. The message is
    one sentence that says what to do; ``courtroom`` prints it and exits with status 2."""


@dataclass(frozen=True, slots=True)
class PublishedKey:
    """One of the court's keys as the court publishes it."""

    fingerprint: str
    state: RecordKeyState
    public_key_pem: str
    first_used_at: datetime | None  # None: not recorded (an app built from the file alone)
    retired_at: datetime | None
    succession: Succession | None  # the statement that made it the successor, if any


class CourtKey:
    """The key that signs the court's record, and the public keys its records verify with:
    the current key first, then each earlier key back through the succession statements."""

    __slots__ = ("_public_keys", "_published", "fingerprint", "signing_key")

    def __init__(self, signing_key: Ed25519PrivateKey, published: Sequence[PublishedKey]) -> None:
        fingerprint = key_fingerprint(signing_key)
        if not published or published[0].fingerprint != fingerprint:
            raise ValueError("the first published key must be the signing key")
        self.signing_key = signing_key
        self.fingerprint = fingerprint
        self._published = tuple(published)
        self._public_keys = tuple(_from_pem(k.public_key_pem) for k in published)

    @property
    def public_key_pem(self) -> str:
        return self._published[0].public_key_pem

    def trusted_public_keys(self) -> list[Ed25519PublicKey]:
        return list(self._public_keys)

    def published(self) -> list[PublishedKey]:
        """The published list of the court's keys, current first."""
        return list(self._published)

    @classmethod
    def from_key_file(cls, settings: Settings) -> CourtKey:
        """The key file alone, created if there is none, and checked against the pin: for
        an app built without ``open_court_key`` (tests and tools), which create_app checks
        against the database when it starts. Trusts no earlier key. Blocking."""
        path = settings.record_signing_key_file
        key = _read_key(path)
        if key is None:
            _refuse_missing_pinned(settings, path)
            key = _create_key(path)
        _check_pin(settings, key, path)
        unrecorded = PublishedKey(
            key_fingerprint(key), RecordKeyState.CURRENT, public_key_pem(key), None, None, None
        )
        return cls(key, [unrecorded])


async def open_court_key(settings: Settings, data: CourtData) -> CourtKey:
    """The court's key from its key file, checked against the keys the database records
    and the pinned fingerprint. At the court's first use (no key recorded) the key file's
    key is recorded, and made first if there is no key file. CourtKeyRefused otherwise."""
    path = settings.record_signing_key_file
    # The database before the file: a first key is written to its file before it is
    # recorded, so whoever sees it recorded also finds its file.
    recorded = await data.record_keys.all()
    key = await asyncio.to_thread(_read_key, path)
    if not recorded:
        if key is None:
            _refuse_missing_pinned(settings, path)
            key = await asyncio.to_thread(_create_key, path)
        # Checked before recording: a pinned key that is not this one must not become the
        # court's key by being recorded first.
        _check_pin(settings, key, path)
        first = RecordKey(
            fingerprint=key_fingerprint(key),
            public_key=key.public_key().public_bytes_raw().hex(),
            state=RecordKeyState.CURRENT,
            first_used_at=datetime.now(UTC),
        )
        try:
            await data.record_keys.record_first(first)
            logger.info("recorded the record-signing key %s at its first use", first.fingerprint)
        except KeyConflict:
            pass  # another process recorded a key first: it is checked below like any other
        recorded = await data.record_keys.all()

    current = next((k for k in recorded if k.state is RecordKeyState.CURRENT), None)
    if current is None:
        raise CourtKeyRefused(
            "the database lists the court's record-signing keys but none of them as "
            "current: restore the database from backup"
        )
    if key is None:
        raise CourtKeyRefused(
            f"the record-signing key {current.fingerprint} is missing from {path}: "
            f"restore it from backup; {NEVER_CREATE}"
        )
    fingerprint = key_fingerprint(key)
    if fingerprint != current.fingerprint:
        raise CourtKeyRefused(_differs(path, fingerprint, current.fingerprint))
    if not _names_itself(current):
        raise CourtKeyRefused(
            f"the database's record of the court's key {current.fingerprint} holds another "
            "public key: restore the database from backup"
        )
    _check_pin(settings, key, path)

    chain = _trusted_chain(current, recorded)
    _warn(settings, path, fingerprint, chain, recorded)
    return CourtKey(key, [_published(k) for k in chain])


async def checked_court_key(settings: Settings) -> CourtKey:
    """``open_court_key`` over the court's database, opened (and migrated) for it."""
    async with open_court_data(settings) as data:
        return await open_court_key(settings, data)


async def rotate_court_key(
    settings: Settings,
    data: CourtData,
    court_key: CourtKey,
    *,
    actor: str,
    reason: str,
) -> RecordKey:
    """Make the court's next key and hand the record over to it: the succession statement
    signed by both keys, the old key retired and the new one current (one transaction),
    then the new key in the key file, where it replaces (destroys) the old private key.
    Audited before anything changes (record_key.rotate) and once done (.rotated), as a
    purge is. ``court_key`` must come from ``open_court_key`` and
    is not to be used afterwards. CourtKeyRefused if the rotation cannot go ahead."""
    path = settings.record_signing_key_file
    staged = path.with_name(path.name + STAGED_SUFFIX)
    successor = Ed25519PrivateKey.generate()
    at = datetime.now(UTC)
    statement = succession_statement(court_key.fingerprint, key_fingerprint(successor), at)
    message = succession_message(statement)
    record = RecordKey(
        fingerprint=key_fingerprint(successor),
        public_key=successor.public_key().public_bytes_raw().hex(),
        state=RecordKeyState.CURRENT,
        first_used_at=at,
        succession=Succession(
            statement=statement,
            previous_signature=court_key.signing_key.sign(message).hex(),
            next_signature=successor.sign(message).hex(),
        ),
    )
    await data.audit.record(
        actor=actor,
        action="record_key.rotate",
        object=f"record_key:{court_key.fingerprint}",
        reason=f"{reason} (next key {record.fingerprint})",
    )
    # The new key is on disk (fsynced) before the database names it, so no moment exists
    # in which the court's current key is nowhere but in this process's memory.
    try:
        await asyncio.to_thread(_stage, staged, successor)
    except FileExistsError:
        raise CourtKeyRefused(
            f"{staged} exists, so another rotation runs or one was interrupted before it "
            "was recorded: if no other rotate-key runs, delete that file and rotate again"
        ) from None
    try:
        await data.record_keys.rotate(court_key.fingerprint, record)
    except KeyConflict as exc:
        # Refused before commit, so the staged key was never the court's. On any other
        # failure the commit may have happened: the staged file stays, and the next start
        # or rotation says what to do with it.
        await asyncio.to_thread(staged.unlink)
        raise CourtKeyRefused(
            f"the court's keys changed during the rotation ({exc}): nothing was rotated; "
            "run it again"
        ) from None
    try:
        await asyncio.to_thread(_install, staged, path)
    except OSError as exc:
        raise CourtKeyRefused(
            f"the new key {record.fingerprint} is recorded but could not replace {path} "
            f"({exc}): move {staged} to {path} before the server starts again"
        ) from None
    await data.audit.record(
        actor=actor,
        action="record_key.rotated",
        object=f"record_key:{record.fingerprint}",
        reason=f"succeeds {court_key.fingerprint}; the key file holds it",
    )
    logger.info(
        "rotated the record-signing key: %s retired, %s current",
        court_key.fingerprint,
        record.fingerprint,
    )
    return record


# The succession statement


def succession_statement(previous: str, next: str, at: datetime) -> str:
    """The statement both keys sign, as canonical JSON (sorted keys, no spaces)."""
    moment = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(
        {"previous": previous, "next": next, "at": moment}, sort_keys=True, separators=(",", ":")
    )


def succession_message(statement: str) -> bytes:
    # The context keeps a signature over a statement from passing for a signature over
    # anything else the court's keys sign (manifests sign "courtroom-manifest-v1\n...").
    return SUCCESSION_CONTEXT + statement.encode()


def _trusted_chain(current: RecordKey, recorded: Sequence[RecordKey]) -> list[RecordKey]:
    by_fingerprint = {k.fingerprint: k for k in recorded}
    chain = [current]
    while (previous := _vouched_predecessor(chain[-1], by_fingerprint)) is not None:
        if any(k.fingerprint == previous.fingerprint for k in chain):
            break  # a loop cannot be signed without forging, but must not hang us either
        chain.append(previous)
    return chain


def _vouched_predecessor(key: RecordKey, by_fingerprint: dict[str, RecordKey]) -> RecordKey | None:
    """The key ``key`` succeeded, if its statement names it and both keys signed it."""
    succession = key.succession
    if succession is None:
        return None  # the court's first key
    try:
        statement = json.loads(succession.statement)
        previous = by_fingerprint.get(statement["previous"])
        if statement["next"] != key.fingerprint or previous is None:
            raise ValueError("the statement names other keys")
        if not (_names_itself(key) and _names_itself(previous)):
            raise ValueError("a row's fingerprint is not its public key's")
        message = succession_message(succession.statement)
        _public(previous).verify(bytes.fromhex(succession.previous_signature), message)
        _public(key).verify(bytes.fromhex(succession.next_signature), message)
    except (ValueError, KeyError, TypeError, InvalidSignature) as exc:
        logger.warning(
            "the succession statement of record-signing key %s is not valid (%s): "
            "no key before it is trusted",
            key.fingerprint,
            exc.__class__.__name__ if isinstance(exc, InvalidSignature) else exc,
        )
        return None
    return previous


def _from_pem(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("a court key is an Ed25519 key")
    return key


def _public(key: RecordKey) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(key.public_key))


def _names_itself(key: RecordKey) -> bool:
    """The stored fingerprint is its own public key's (the column alone proves nothing)."""
    try:
        return key_fingerprint(_public(key)) == key.fingerprint
    except ValueError:
        return False


def _published(key: RecordKey) -> PublishedKey:
    return PublishedKey(
        fingerprint=key.fingerprint,
        state=key.state,
        public_key_pem=public_key_pem(_public(key)),
        first_used_at=key.first_used_at,
        retired_at=key.retired_at,
        succession=key.succession,
    )


# The checks' messages


def _check_pin(settings: Settings, key: Ed25519PrivateKey, path: Path) -> None:
    pinned = settings.record_key_fingerprint
    if pinned is not None and key_fingerprint(key) != pinned:
        raise CourtKeyRefused(
            f"the record-signing key in {path} is {key_fingerprint(key)}, but "
            f"COURTROOM_RECORD_KEY_FINGERPRINT pins {pinned}: restore the pinned key from "
            "backup, or after a rotation pin the fingerprint rotate-key printed"
        )


def _refuse_missing_pinned(settings: Settings, path: Path) -> None:
    pinned = settings.record_key_fingerprint
    if pinned is not None:
        raise CourtKeyRefused(
            f"the record-signing key {pinned} (COURTROOM_RECORD_KEY_FINGERPRINT) is missing "
            f"from {path}: restore it from backup; {NEVER_CREATE}"
        )


def _differs(path: Path, found: str, current: str) -> str:
    staged = path.with_name(path.name + STAGED_SUFFIX)
    try:
        staged_key = _read_key(staged)
    except CourtKeyRefused:
        staged_key = None
    if staged_key is not None and key_fingerprint(staged_key) == current:
        return (
            f"the record-signing key in {path} is {found}, but a rotation to {current} was "
            f"recorded and then interrupted: move {staged} to {path}"
        )
    return (
        f"the record-signing key in {path} is {found}, but the court's current key is "
        f"{current}: restore the court's key from backup; no other key may sign its records"
    )


def _warn(
    settings: Settings,
    path: Path,
    fingerprint: str,
    chain: Sequence[RecordKey],
    recorded: Sequence[RecordKey],
) -> None:
    trusted = {k.fingerprint for k in chain}
    for key in recorded:
        if key.fingerprint not in trusted:
            logger.warning(
                "the database lists a record-signing key %s that no succession statement of "
                "the court's keys vouches for: it is not trusted (who wrote it there?)",
                key.fingerprint,
            )
    if settings.record_key_fingerprint is None:
        logger.warning(
            "the record-signing key is not pinned: set COURTROOM_RECORD_KEY_FINGERPRINT=%s "
            "so that any other key stops the server",
            fingerprint,
        )
    if path.is_relative_to(settings.data_dir):
        logger.warning(
            "the record-signing key %s is inside the data directory: whoever can write it can "
            "remove the key; keep it on a volume of its own (COURTROOM_RECORD_KEY_FILE)",
            path,
        )


# The key file


def _read_key(path: Path) -> Ed25519PrivateKey | None:
    """The private key in ``path``; None if there is no such file. Blocking."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CourtKeyRefused(f"the record-signing key {path} cannot be read: {exc}") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise CourtKeyRefused(
            f"{path} does not hold a readable private key ({exc}): restore the court's "
            "record-signing key from backup"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CourtKeyRefused(
            f"{path} does not hold an Ed25519 private key: restore the court's "
            "record-signing key from backup"
        )
    return key


def _create_key(path: Path) -> Ed25519PrivateKey:
    """The court's first key, made in ``path`` (0600, its directory 0700). Blocking.

    Written whole to a file of its own and then linked into place: a process starting at
    the same moment finds no key file or a complete one, never half of one, and of two
    such processes the second takes the key the first made."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    key = Ed25519PrivateKey.generate()
    write_new_key(staged, key)
    try:
        os.link(staged, path)
    except FileExistsError:
        found = _read_key(path)
        if found is None:
            raise
        return found
    finally:
        staged.unlink()
    _sync_directory(path.parent)
    return key


def _stage(staged: Path, key: Ed25519PrivateKey) -> None:
    """The successor's key file beside the key file, it and its name synced. Blocking."""
    write_new_key(staged, key)
    _sync_directory(staged.parent)


def _install(staged: Path, path: Path) -> None:
    """The staged key becomes the key file in one step, and the step is synced. Blocking."""
    os.replace(staged, path)
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    """A rename or link in ``directory`` survives a power cut once this returns."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
