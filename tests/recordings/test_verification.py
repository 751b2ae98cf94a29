"""A recording's manifest and signature: every tampering with segments or manifest is found
and named, whatever is changed; an untouched recording verifies."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recordings.manifest import (
    MANIFEST_FILE,
    SIGNATURE_FILE,
    ManifestWriter,
    canonical,
    signed_message,
)
from recordings.signing import load_or_create_key, public_key_pem
from recordings.verification import Problem, State, verify_recording
from tests.recordings.records import HEARING, finish, new_manifest

KEY = Ed25519PrivateKey.generate()
RECORDING = "rec_test"


def recorded(directory: Path, segments: int, seed: int = 0) -> Path:
    """A recording directory with ``segments`` sealed segments of random bytes."""
    rng = random.Random(seed)
    writer = new_manifest(directory, RECORDING, KEY)
    for n in range(1, segments + 1):
        name = f"segment-{n:06d}.ogg"
        (directory / name).write_bytes(rng.randbytes(rng.randint(200, 2000)))
        writer.append(name, (n - 1) * 60_000, n * 60_000)
    finish(directory, writer, segments * 60.0)
    return directory


def problems(directory: Path) -> set[Problem]:
    report = verify_recording(directory, RECORDING, KEY.public_key())
    return {f.problem for f in report.findings}


def test_an_untouched_recording_verifies_segment_by_segment(tmp_path: Path) -> None:
    directory = recorded(tmp_path / "r", 3)

    report = verify_recording(directory, RECORDING, KEY.public_key())

    assert report.ok, report.lines()
    assert [(s.seq, s.ok) for s in report.segments] == [(1, True), (2, True), (3, True)]
    assert report.lines()[0] == "recording rec_test: OK"


def test_a_flipped_byte_names_its_segment(tmp_path: Path) -> None:
    directory = recorded(tmp_path / "r", 3)
    path = directory / "segment-000002.ogg"
    data = bytearray(path.read_bytes())
    data[17] ^= 0x01
    path.write_bytes(bytes(data))

    report = verify_recording(directory, RECORDING, KEY.public_key())

    assert [(f.problem, f.subject) for f in report.findings] == [
        (Problem.ALTERED, "segment 2 (segment-000002.ogg)")
    ]


def test_deleted_inserted_and_swapped_segments_are_named(tmp_path: Path) -> None:
    deleted = recorded(tmp_path / "deleted", 3)
    (deleted / "segment-000003.ogg").unlink()
    inserted = recorded(tmp_path / "inserted", 2)
    (inserted / "segment-000003.ogg").write_bytes(b"forged")
    swapped = recorded(tmp_path / "swapped", 3)
    first, second = swapped / "segment-000001.ogg", swapped / "segment-000002.ogg"
    a, b = first.read_bytes(), second.read_bytes()
    first.write_bytes(b)
    second.write_bytes(a)

    assert [str(f) for f in verify_recording(deleted, RECORDING, None).findings] == [
        "segment 3 (segment-000003.ogg): missing: the file is gone"
    ]
    assert [f.subject for f in verify_recording(inserted, RECORDING, None).findings] == [
        "file segment-000003.ogg"
    ]
    assert {str(f) for f in verify_recording(swapped, RECORDING, None).findings} == {
        "segment 1 (segment-000001.ogg): reordered: holds the bytes of segment 2",
        "segment 2 (segment-000002.ogg): reordered: holds the bytes of segment 1",
    }


def test_a_manifest_signed_by_another_key_is_refused(tmp_path: Path) -> None:
    directory = recorded(tmp_path / "r", 2)
    impostor = Ed25519PrivateKey.generate()

    report = verify_recording(directory, RECORDING, impostor.public_key())

    assert [f.problem for f in report.findings] == [Problem.SIGNATURE]


# ---- every random tampering is detected ------------------------------------------------


def _flip_byte(directory: Path, rng: random.Random) -> None:
    path = rng.choice(sorted(directory.glob("segment-*.ogg")))
    data = bytearray(path.read_bytes())
    data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def _delete_segment(directory: Path, rng: random.Random) -> None:
    rng.choice(sorted(directory.glob("segment-*.ogg"))).unlink()


def _insert_segment(directory: Path, rng: random.Random) -> None:
    count = len(list(directory.glob("segment-*.ogg")))
    (directory / f"segment-{count + 1 + rng.randrange(5):06d}.ogg").write_bytes(rng.randbytes(99))


def _swap_segments(directory: Path, rng: random.Random) -> None:
    first, second = rng.sample(sorted(directory.glob("segment-*.ogg")), 2)
    a, b = first.read_bytes(), second.read_bytes()
    first.write_bytes(b)
    second.write_bytes(a)


def _manifest_lines(directory: Path) -> list[str]:
    return (directory / MANIFEST_FILE).read_text().splitlines()


def _write_manifest(directory: Path, lines: list[str]) -> None:
    (directory / MANIFEST_FILE).write_text("".join(f"{line}\n" for line in lines))


def _edit_field(directory: Path, rng: random.Random) -> None:
    lines = _manifest_lines(directory)
    index = rng.randrange(len(lines))
    entry = json.loads(lines[index])
    name = rng.choice(["seq", "file", "start_ms", "end_ms", "bytes", "sha256", "sealed"])
    entry[name] = {
        "seq": entry["seq"] + 1,
        "file": "segment-999999.ogg",
        "start_ms": entry["start_ms"] + 1,
        "end_ms": entry["end_ms"] - 1,
        "bytes": entry["bytes"] + 1,
        "sha256": "0" * 64,
        "sealed": "recovered" if entry["sealed"] == "closed" else "closed",
    }[name]
    lines[index] = json.dumps(entry, sort_keys=True, separators=(",", ":"))
    _write_manifest(directory, lines)


def _delete_line(directory: Path, rng: random.Random) -> None:
    lines = _manifest_lines(directory)
    del lines[rng.randrange(len(lines))]
    _write_manifest(directory, lines)


def _swap_lines(directory: Path, rng: random.Random) -> None:
    lines = _manifest_lines(directory)
    i, j = rng.sample(range(len(lines)), 2)
    lines[i], lines[j] = lines[j], lines[i]
    _write_manifest(directory, lines)


def _resign_with_another_key(directory: Path, rng: random.Random) -> None:
    # Rebuild the whole manifest (consistent chain) with a forger's key.
    for name in (MANIFEST_FILE, SIGNATURE_FILE):
        (directory / name).unlink()
    forger = ManifestWriter(
        directory, RECORDING, Ed25519PrivateKey.generate(), hearing_id=HEARING, started_at=0.0
    )
    for path in sorted(directory.glob("segment-*.ogg")):
        n = int(path.stem.split("-")[1])
        forger.append(path.name, (n - 1) * 60_000, n * 60_000)
    forger.seal(60.0)


def _truncate_manifest(directory: Path, rng: random.Random) -> None:
    _write_manifest(directory, _manifest_lines(directory)[:-1])


MUTATIONS = {
    "flip a byte": _flip_byte,
    "delete a segment": _delete_segment,
    "insert a segment": _insert_segment,
    "swap two segments": _swap_segments,
    "edit a manifest field": _edit_field,
    "delete a manifest line": _delete_line,
    "swap two manifest lines": _swap_lines,
    "re-sign with another key": _resign_with_another_key,
    "cut the manifest's last line": _truncate_manifest,
}


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return recorded(tmp_path_factory.mktemp("pristine") / "r", 4, seed=7)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    mutations=st.lists(st.sampled_from(sorted(MUTATIONS)), min_size=1, max_size=3),
    seed=st.integers(0, 2**32),
)
def test_every_random_tampering_is_detected(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, mutations: list[str], seed: int
) -> None:
    directory = tmp_path_factory.mktemp("tampered") / "r"
    shutil.copytree(pristine, directory)
    rng = random.Random(seed)
    for name in mutations:
        if len(list(directory.glob("segment-*.ogg"))) < 2 or len(_manifest_lines(directory)) < 2:
            break
        MUTATIONS[name](directory, rng)

    if _snapshot(directory) == _snapshot(pristine):
        # Two mutations can undo each other (a swap swapped back): nothing to find.
        assert problems(directory) == set()
    else:
        assert problems(directory), f"undetected: {mutations} (seed {seed})"


def test_the_signing_key_is_created_once_private_and_its_public_half_exported(
    tmp_path: Path,
) -> None:
    path = tmp_path / "keys" / "record-signing-key.pem"

    created = load_or_create_key(path)
    loaded = load_or_create_key(path)

    assert path.stat().st_mode & 0o777 == 0o600
    assert created.public_key().public_bytes_raw() == loaded.public_key().public_bytes_raw()
    assert public_key_pem(loaded).startswith("-----BEGIN PUBLIC KEY-----")


# ---- recordings made before final seals (version 1 signatures) ------------------------


def legacy(directory: Path, segments: int) -> Path:
    """A recording as the recorder wrote them before final seals: the same manifest, and a
    signature over (recording id, lines, head) only."""
    recorded(directory, segments)
    lines = (directory / MANIFEST_FILE).read_text().splitlines()
    head = json.loads(lines[-1])["digest"]
    document = {
        "algorithm": "Ed25519",
        "recording_id": RECORDING,
        "lines": len(lines),
        "head": head,
        "public_key": KEY.public_key().public_bytes_raw().hex(),
        "signature": KEY.sign(signed_message(RECORDING, len(lines), head)).hex(),
    }
    (directory / SIGNATURE_FILE).write_bytes(canonical(document) + b"\n")
    return directory


def test_a_recording_signed_before_final_seals_verifies_and_says_it_has_none(
    tmp_path: Path,
) -> None:
    directory = legacy(tmp_path / "r", 2)

    report = verify_recording(directory, RECORDING, KEY.public_key())

    assert report.ok, report.lines()
    assert report.state is State.LEGACY
    assert report.lines()[0] == (
        "recording rec_test: OK (signed, no final seal: recorded before final seals existed)"
    )


def test_a_recording_signed_before_final_seals_still_names_a_cut_manifest(
    tmp_path: Path,
) -> None:
    directory = legacy(tmp_path / "r", 3)
    _truncate_manifest(directory, random.Random(0))

    assert Problem.SIGNATURE in problems(directory)
