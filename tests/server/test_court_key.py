"""The court's record-signing key: recorded at first use, refused when missing, swapped or
not the pinned one, rotated with a succession statement both keys sign; a key row written
into the database by someone without the court's keys is never trusted."""

from __future__ import annotations

import asyncio
import logging
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from recordings.signing import key_fingerprint, load_or_create_key, public_key_pem
from recordings.verification import verify_recording
from server.app import create_app
from server.cli import main
from server.court_data import CourtData
from server.court_key import (
    CourtKeyRefused,
    checked_court_key,
    open_court_key,
    rotate_court_key,
    succession_message,
    succession_statement,
)
from server.persistence.database import migrate
from server.persistence.repositories import KeyConflict, RecordKey, RecordKeyState
from server.settings import Settings
from tests.recordings.records import finish, new_manifest
from tests.server.api_support import MakeClient

NEVER = "never create a new one for an installation that has signed records"


def with_env(settings: Settings, courtroom_env: dict[str, str], **extra: str) -> Settings:
    return Settings.from_env({**courtroom_env, "COURTROOM_WEB_DIR": str(settings.web_dir), **extra})


def colons(fingerprint: str) -> str:
    """A fingerprint as people copy it from a printed page."""
    return ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()


def write_key(path: Path, key: Ed25519PrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def signed_recording(directory: Path, recording_id: str, key: Ed25519PrivateKey) -> Path:
    """A recording of one segment sealed with ``key`` (no recorder needed)."""
    manifest = new_manifest(directory, recording_id, key)
    (directory / "segment-000001.ogg").write_bytes(b"OggS" + bytes(200))
    manifest.append("segment-000001.ogg", 0, 1000)
    finish(directory, manifest, 1.0)
    return directory


async def serve(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """``courtroom serve`` run until it returns (it only returns when it refuses)."""
    capsys.readouterr()
    code = await asyncio.to_thread(main, ["serve"])
    return code, capsys.readouterr().err.strip().splitlines()


async def recorded(data: CourtData) -> list[tuple[str, RecordKeyState]]:
    return [(k.fingerprint, k.state) for k in await data.record_keys.all()]


# First use


async def test_the_first_use_makes_the_key_and_records_its_fingerprint(settings: Settings) -> None:
    court_key = await checked_court_key(settings)
    again = await checked_court_key(settings)

    path = settings.record_signing_key_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert court_key.fingerprint == key_fingerprint(load_or_create_key(path))
    assert again.fingerprint == court_key.fingerprint
    (published,) = court_key.published()
    assert (published.fingerprint, published.state) == (court_key.fingerprint, "current")
    assert published.first_used_at is not None and published.retired_at is None
    assert published.public_key_pem == public_key_pem(court_key.signing_key)
    await migrate(settings.database_url)
    data = CourtData.from_settings(settings)
    try:
        assert await recorded(data) == [(court_key.fingerprint, RecordKeyState.CURRENT)]
    finally:
        await data.engine.dispose()


async def test_a_key_file_that_exists_before_the_first_use_is_recorded_as_it_is(
    settings: Settings,
) -> None:
    brought = load_or_create_key(settings.record_signing_key_file)

    assert (await checked_court_key(settings)).fingerprint == key_fingerprint(brought)


async def test_the_key_file_can_live_outside_the_data_directory(
    settings: Settings,
    courtroom_env: dict[str, str],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (tmp_path / "key-volume").mkdir()
    elsewhere = tmp_path / "key-volume" / "court.pem"
    settings = with_env(settings, courtroom_env, COURTROOM_RECORD_KEY_FILE=str(elsewhere))

    court_key = await checked_court_key(settings)

    assert settings.record_signing_key_file == elsewhere
    assert court_key.fingerprint == key_fingerprint(load_or_create_key(elsewhere))
    assert not (settings.data_dir / "keys").exists()
    assert "inside the data directory" not in caplog.text


async def test_two_processes_starting_at_once_record_one_key(settings: Settings) -> None:
    await migrate(settings.database_url)
    first, second = CourtData.from_settings(settings), CourtData.from_settings(settings)
    try:
        keys = await asyncio.gather(
            open_court_key(settings, first), open_court_key(settings, second)
        )
        assert keys[0].fingerprint == keys[1].fingerprint
        assert await recorded(first) == [(keys[0].fingerprint, RecordKeyState.CURRENT)]
    finally:
        await first.engine.dispose()
        await second.engine.dispose()


# Refusals


async def test_serve_refuses_to_start_without_the_recorded_key_and_makes_no_new_one(
    settings: Settings, cli_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    fingerprint = (await checked_court_key(settings)).fingerprint
    path = settings.record_signing_key_file
    path.unlink()

    code, err = await serve(capsys)

    assert code == 2
    assert err == [
        f"courtroom: the record-signing key {fingerprint} is missing from {path}: "
        f"restore it from backup; {NEVER}"
    ]
    assert not path.exists()


async def test_serve_refuses_a_key_file_that_holds_another_key(
    settings: Settings, cli_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    fingerprint = (await checked_court_key(settings)).fingerprint
    path = settings.record_signing_key_file
    swapped = Ed25519PrivateKey.generate()
    write_key(path, swapped)

    code, err = await serve(capsys)

    assert code == 2
    assert err == [
        f"courtroom: the record-signing key in {path} is {key_fingerprint(swapped)}, but the "
        f"court's current key is {fingerprint}: restore the court's key from backup; no "
        "other key may sign its records"
    ]


async def test_serve_refuses_a_key_other_than_the_pinned_one(
    settings: Settings,
    cli_environment: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fingerprint = (await checked_court_key(settings)).fingerprint
    pinned = key_fingerprint(Ed25519PrivateKey.generate())
    monkeypatch.setenv("COURTROOM_RECORD_KEY_FINGERPRINT", colons(pinned))

    code, err = await serve(capsys)

    assert code == 2
    assert len(err) == 1
    assert err[0].startswith(
        f"courtroom: the record-signing key in {settings.record_signing_key_file} is "
        f"{fingerprint}, but COURTROOM_RECORD_KEY_FINGERPRINT pins {pinned}: "
    )


async def test_a_pinned_key_is_neither_made_nor_recorded_on_a_fresh_installation(
    settings: Settings,
    courtroom_env: dict[str, str],
    cli_environment: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pinned = key_fingerprint(Ed25519PrivateKey.generate())
    monkeypatch.setenv("COURTROOM_RECORD_KEY_FINGERPRINT", pinned)

    code, err = await serve(capsys)

    path = settings.record_signing_key_file
    assert code == 2
    assert err == [
        f"courtroom: the record-signing key {pinned} (COURTROOM_RECORD_KEY_FINGERPRINT) is "
        f"missing from {path}: restore it from backup; {NEVER}"
    ]
    assert not path.exists()
    unpinned = with_env(settings, courtroom_env)
    await migrate(unpinned.database_url)
    data = CourtData.from_settings(unpinned)
    try:
        assert await recorded(data) == []
    finally:
        await data.engine.dispose()


async def test_a_pinned_key_that_matches_starts_the_server_without_a_warning(
    settings: Settings,
    courtroom_env: dict[str, str],
    aiohttp_client: MakeClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fingerprint = (await checked_court_key(settings)).fingerprint
    pinned = with_env(settings, courtroom_env, COURTROOM_RECORD_KEY_FINGERPRINT=colons(fingerprint))
    caplog.clear()

    court_key = await checked_court_key(pinned)
    client = await aiohttp_client(create_app(pinned, court_key))

    assert court_key.fingerprint == fingerprint
    assert (await client.get("/api/v1/health")).status == 200
    assert "not pinned" not in caplog.text


async def test_an_unpinned_key_is_started_with_a_warning_naming_the_fingerprint_to_pin(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="server.court_key"):
        court_key = await checked_court_key(settings)

    assert f"set COURTROOM_RECORD_KEY_FINGERPRINT={court_key.fingerprint}" in caplog.text


async def test_an_app_built_from_the_key_file_alone_is_checked_when_it_starts(
    settings: Settings,
) -> None:
    await checked_court_key(settings)
    write_key(settings.record_signing_key_file, Ed25519PrivateKey.generate())
    app = create_app(settings)  # no checked key: the key file alone, until it starts

    # Started as a server starts it (a test client would leave its session open when the
    # start fails).
    with pytest.raises(CourtKeyRefused, match="the court's current key is"):
        await web.AppRunner(app).setup()


# Rotation


async def test_a_rotation_keeps_the_old_keys_records_verifiable_and_is_audited(
    settings: Settings,
    cli_environment: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old = await checked_court_key(settings)
    before = signed_recording(tmp_path / "rec_before", "rec_before", old.signing_key)

    rotate = ["archive", "rotate-key", "--reason", "the yearly rotation"]
    assert await asyncio.to_thread(main, rotate) == 0
    out = capsys.readouterr().out

    new = await checked_court_key(settings)
    assert new.fingerprint != old.fingerprint
    assert f"COURTROOM_RECORD_KEY_FINGERPRINT={new.fingerprint}" in out
    trusted = new.trusted_public_keys()
    assert [key_fingerprint(k) for k in trusted] == [new.fingerprint, old.fingerprint]
    assert verify_recording(before, "rec_before", trusted).ok
    after = signed_recording(tmp_path / "rec_after", "rec_after", new.signing_key)
    assert verify_recording(after, "rec_after", trusted[0]).ok
    current, retired = new.published()
    assert (current.state, retired.state) == ("current", "retired")
    assert retired.retired_at == current.first_used_at
    assert retired.public_key_pem == old.public_key_pem
    # The old private key is gone: the key directory holds the new key and nothing else.
    path = settings.record_signing_key_file
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = CourtData.from_settings(settings)
    try:
        (intent,) = await data.audit.entries.page(limit=10, action="record_key.rotate")
        (done,) = await data.audit.entries.page(limit=10, action="record_key.rotated")
    finally:
        await data.engine.dispose()
    assert intent.actor.startswith("cli:") and done.actor == intent.actor
    assert intent.object == f"record_key:{old.fingerprint}"
    assert intent.reason == f"the yearly rotation (next key {new.fingerprint})"
    assert done.object == f"record_key:{new.fingerprint}"


async def test_after_a_rotation_the_old_pin_stops_the_server_until_the_new_one_is_set(
    settings: Settings,
    courtroom_env: dict[str, str],
    cli_environment: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old = (await checked_court_key(settings)).fingerprint
    monkeypatch.setenv("COURTROOM_RECORD_KEY_FINGERPRINT", old)
    rotate = ["archive", "rotate-key", "--reason", "suspected copy of the key"]
    assert await asyncio.to_thread(main, rotate) == 0
    new = key_fingerprint(load_or_create_key(settings.record_signing_key_file))

    code, err = await serve(capsys)

    assert code == 2
    assert f"pins {old}" in err[0] and "pin the fingerprint rotate-key printed" in err[0]
    pinned = with_env(settings, courtroom_env, COURTROOM_RECORD_KEY_FINGERPRINT=new)
    assert (await checked_court_key(pinned)).fingerprint == new


async def test_a_rotation_interrupted_before_the_key_file_was_replaced_says_which_file_to_move(
    settings: Settings, cli_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = settings.record_signing_key_file
    await checked_court_key(settings)
    old_file = path.read_bytes()
    assert await asyncio.to_thread(main, ["archive", "rotate-key", "--reason", "yearly"]) == 0
    # As if the process died after the database named the new key, before the rename.
    staged = path.with_name(path.name + ".next")
    path.rename(staged)
    path.write_bytes(old_file)

    code, err = await serve(capsys)

    assert code == 2
    assert f"was recorded and then interrupted: move {staged} to {path}" in err[0]


# Forged keys


async def test_a_key_row_written_into_the_database_is_never_trusted(
    database: CourtData,
    database_url: str,
    courtroom_env: dict[str, str],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings.from_env({**courtroom_env, "COURTROOM_DATABASE_URL": database_url})
    court_key = await open_court_key(settings, database)
    forger = Ed25519PrivateKey.generate()
    forged = key_fingerprint(forger)
    # Without the court's key, the forger signs both halves of a succession with its own.
    statement = succession_statement(forged, court_key.fingerprint, datetime.now(UTC))
    signature = forger.sign(succession_message(statement)).hex()
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO record_keys (fingerprint, public_key, state, first_used_at, "
                "retired_at) VALUES (:fp, :key, 'retired', :at, :at)"
            ),
            {
                "fp": forged,
                "key": forger.public_key().public_bytes_raw().hex(),
                "at": datetime.now(UTC),
            },
        )
        await connection.execute(
            text(
                "UPDATE record_keys SET succession = :statement, previous_signature = :sig, "
                "next_signature = :sig WHERE fingerprint = :fp"
            ),
            {"statement": statement, "sig": signature, "fp": court_key.fingerprint},
        )
    forged_record = signed_recording(tmp_path / "rec_forged", "rec_forged", forger)

    reopened = await open_court_key(settings, database)

    trusted = reopened.trusted_public_keys()
    assert [key_fingerprint(k) for k in trusted] == [court_key.fingerprint]
    assert [k.fingerprint for k in reopened.published()] == [court_key.fingerprint]
    assert not any(verify_recording(forged_record, "rec_forged", k).ok for k in trusted)
    assert f"record-signing key {forged} that no succession statement" in caplog.text


async def test_the_database_holds_at_most_one_current_key(database: CourtData) -> None:
    first = Ed25519PrivateKey.generate()

    def row(key: Ed25519PrivateKey) -> RecordKey:
        return RecordKey(
            fingerprint=key_fingerprint(key),
            public_key=key.public_key().public_bytes_raw().hex(),
            state=RecordKeyState.CURRENT,
            first_used_at=datetime.now(UTC),
        )

    await database.record_keys.record_first(row(first))
    with pytest.raises(KeyConflict):
        await database.record_keys.record_first(row(Ed25519PrivateKey.generate()))
    with pytest.raises(IntegrityError):
        async with database.engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO record_keys (fingerprint, public_key, state, first_used_at) "
                    "VALUES (:fp, '00', 'current', :at)"
                ),
                {"fp": "f" * 64, "at": datetime.now(UTC)},
            )
    assert [k.fingerprint for k in await database.record_keys.all()] == [key_fingerprint(first)]


async def test_a_rotation_from_a_key_that_is_no_longer_current_changes_nothing(
    settings: Settings,
) -> None:
    await migrate(settings.database_url)
    data = CourtData.from_settings(settings)
    try:
        court_key = await open_court_key(settings, data)
        await rotate_court_key(settings, data, court_key, actor="cli:test", reason="first")
        path = settings.record_signing_key_file
        files = sorted(path.parent.iterdir())

        with pytest.raises(CourtKeyRefused, match="nothing was rotated"):
            await rotate_court_key(settings, data, court_key, actor="cli:test", reason="again")

        assert sorted(path.parent.iterdir()) == files
        assert len(await data.record_keys.all()) == 2
    finally:
        await data.engine.dispose()


# Publishing


async def test_public_key_prints_the_current_key_its_fingerprint_and_the_published_list(
    settings: Settings, cli_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    async def printed(*args: str) -> str:
        capsys.readouterr()
        assert await asyncio.to_thread(main, ["archive", "public-key", *args]) == 0
        return capsys.readouterr().out

    old = await checked_court_key(settings)
    current = await printed()
    only = await printed("--fingerprint")
    assert await asyncio.to_thread(main, ["archive", "rotate-key", "--reason", "yearly"]) == 0
    new = await checked_court_key(settings)
    every = await printed("--all")

    assert current == f"Fingerprint (SHA-256): {old.fingerprint}\n{old.public_key_pem}"
    # Text before the PEM block is allowed (RFC 7468): the output is still a key file.
    as_key_file = serialization.load_pem_public_key(current.encode())
    assert isinstance(as_key_file, Ed25519PublicKey)
    assert key_fingerprint(as_key_file) == old.fingerprint
    assert only == f"{old.fingerprint}\n"
    assert every.index(f"current {new.fingerprint}") < every.index(f"retired {old.fingerprint}")
    assert new.public_key_pem in every and old.public_key_pem in every
    assert f'"previous":"{old.fingerprint}"' in every
    assert every.count("in use: ") == 2
