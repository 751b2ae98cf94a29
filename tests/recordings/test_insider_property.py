"""Random sequences of what an insider who can write the storage, but does not hold the court
key, can do to a recorded hearing and to its export bundle: edit, delete, insert and reorder
files and manifest lines, recompute the chain, swap in an older genuine signature, edit the
metadata and the timeline, drop a recording or add one from another hearing, re-sign
everything with their own key, and restart the server between steps. Each sequence is
either detected and named by verification (the archive's, and the bundle's verify.py), or
provably changes nothing (every file is as it was)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import random
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from court.ids import HearingId
from recordings import RecordingStore, bundle_verify, hearing_index, statements
from recordings.bundle import build_bundle
from recordings.hearing_index import INDEX_FILE
from recordings.manifest import MANIFEST_FILE, SIGNATURE_FILE, canonical, line_digest
from recordings.signing import key_fingerprint, public_key_pem
from recordings.timeline import TIMELINE_FILE
from recordings.verification import RECORDED_FILE, verify_hearing
from tests.recordings.audio import PACKET, RATE, push_in_real_time, tone_packets

KEY = Ed25519PrivateKey.generate()
FORGER = Ed25519PrivateKey.generate()
HEARING = HearingId("hrg_property")


class Pristine:
    """A recorded hearing (two recordings, master, a track, timelines, the index) and every
    signature document the recorder wrote on the way, an insider's "older signatures"."""

    def __init__(self, root: Path, foreign: Path, history: dict[str, list[bytes]]) -> None:
        self.root = root
        self.foreign = foreign  # a sealed recording of another hearing
        self.history = history  # recording id -> every manifest.sig it had, in order

    @property
    def hearing_dir(self) -> Path:
        return self.root / HEARING


async def _record(store: RecordingStore, hearing: HearingId, seconds: float) -> Path:
    recording = await store.start(hearing)
    source = recording.add_source("prt_witness")
    track = recording.add_track("prt_witness", "audio")
    await recording.note("gap", 40, 120, "prt_witness", "connection lost")
    packets = tone_packets(440.0, seconds)
    for i, data in enumerate(packets):
        track.push(data, i * PACKET, Fraction(1, RATE), True)
    await push_in_real_time(source, packets)
    await recording.note("event", 200, None, None, "witness called")
    track.close()
    await recording.stop()
    return recording.directory


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pristine]:
    root = tmp_path_factory.mktemp("pristine")
    history: dict[str, list[bytes]] = {}
    write = statements.write

    def keep(path: Path, statement: statements.Statement) -> None:
        write(path, statement)
        if path.name == SIGNATURE_FILE:
            history.setdefault(path.parent.name, []).append(path.read_bytes())

    statements.write = keep  # the insider's backup of old files
    try:
        store = RecordingStore(root, signing_key=KEY, segment_s=0.25)
        asyncio.run(_record(store, HEARING, 0.7))
        asyncio.run(_record(store, HEARING, 0.5))
        foreign = asyncio.run(_record(store, HearingId("hrg_other"), 0.3))
    finally:
        statements.write = write
    yield Pristine(root, foreign, history)


# ---- the insider's actions, on a copy of the hearing's folder --------------------------
# Each takes the hearing's folder (recording folders and hearing-index.json) and a random
# source; the same actions run on the data directory and on an extracted bundle.

Action = Callable[["Scene", random.Random], None]


class Scene:
    def __init__(self, hearing_dir: Path, pristine: Pristine) -> None:
        self.hearing_dir = hearing_dir
        self.pristine = pristine

    def recordings(self) -> list[Path]:
        return sorted(p for p in self.hearing_dir.iterdir() if p.is_dir())

    def recording(self, rng: random.Random) -> Path | None:
        found = self.recordings()
        return rng.choice(found) if found else None

    def files(self, directory: Path) -> list[Path]:
        return sorted(p for p in directory.iterdir() if RECORDED_FILE.match(p.name))


def _manifest(directory: Path) -> list[dict[str, object]]:
    path = directory / MANIFEST_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _write_manifest(directory: Path, lines: list[dict[str, object]]) -> None:
    (directory / MANIFEST_FILE).write_text("".join(canonical(e).decode() + "\n" for e in lines))


def _rechain(directory: Path, lines: list[dict[str, object]]) -> None:
    """What anyone can do: recompute each line's file digest and the SHA-256 chain."""
    previous = "0" * 64
    for number, entry in enumerate(lines, start=1):
        path = directory / str(entry["file"])
        if path.is_file():
            data = path.read_bytes()
            entry["sha256"], entry["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
        entry["seq"], entry["previous"] = number, previous
        entry["digest"] = line_digest({k: v for k, v in entry.items() if k != "digest"})
        previous = str(entry["digest"])
    _write_manifest(directory, lines)


def flip_byte(scene: Scene, rng: random.Random) -> None:
    directory = scene.recording(rng)
    if directory and (files := scene.files(directory)):
        path = rng.choice(files)
        data = bytearray(path.read_bytes())
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))


def replace_file_and_rechain(scene: Scene, rng: random.Random) -> None:
    directory = scene.recording(rng)
    if directory and (files := scene.files(directory)):
        rng.choice(files).write_bytes(b"OggS forged " + rng.randbytes(64))
        _rechain(directory, _manifest(directory))


def delete_file(scene: Scene, rng: random.Random) -> None:
    directory = scene.recording(rng)
    if directory and (files := scene.files(directory)):
        rng.choice(files).unlink()


def insert_file(scene: Scene, rng: random.Random) -> None:
    directory = scene.recording(rng)
    if directory:
        (directory / f"segment-{rng.randint(50, 99):06d}.ogg").write_bytes(rng.randbytes(80))


def swap_files(scene: Scene, rng: random.Random) -> None:
    directory = scene.recording(rng)
    if directory and len(files := scene.files(directory)) >= 2:
        first, second = rng.sample(files, 2)
        a, b = first.read_bytes(), second.read_bytes()
        first.write_bytes(b)
        second.write_bytes(a)


def edit_manifest_line(scene: Scene, rng: random.Random) -> None:
    directory = scene.recording(rng)
    if directory and (lines := _manifest(directory)):
        entry = rng.choice(lines)
        entry["end_ms"] = int(str(entry["end_ms"])) + rng.randint(1, 5000)
        if rng.random() < 0.5:
            _rechain(directory, lines)
        else:
            _write_manifest(directory, lines)


def delete_manifest_lines(scene: Scene, rng: random.Random) -> None:
    """Cut lines (and, half the time, their files), then recompute the chain."""
    directory = scene.recording(rng)
    if directory and (lines := _manifest(directory)):
        keep = rng.randrange(len(lines))
        for entry in lines[keep:]:
            if rng.random() < 0.5:
                (directory / str(entry["file"])).unlink(missing_ok=True)
        _rechain(directory, lines[:keep])


def reorder_manifest_lines(scene: Scene, rng: random.Random) -> None:
    directory = scene.recording(rng)
    if directory and len(lines := _manifest(directory)) >= 2:
        i, j = rng.sample(range(len(lines)), 2)
        lines[i], lines[j] = lines[j], lines[i]
        _rechain(directory, lines)


def older_signature(scene: Scene, rng: random.Random) -> None:
    """Put back a genuine earlier signature and cut the manifest to what it covered, as
    someone who kept a backup would; half the time say it never stopped."""
    directory = scene.recording(rng)
    if directory is None:
        return
    history = scene.pristine.history.get(directory.name, [])
    if len(history) < 2:
        return
    old = history[rng.randrange(len(history) - 1)]
    covered = json.loads(old)["lines"]
    lines = _manifest(directory)[:covered]
    _write_manifest(directory, lines)
    (directory / SIGNATURE_FILE).write_bytes(old)
    if rng.random() < 0.5:
        _edit_metadata(directory, "stopped_at", None)


def _edit_metadata(directory: Path, name: str, value: object) -> None:
    path = directory / "recording.json"
    if path.exists():
        data = json.loads(path.read_text())
        data[name] = value
        path.write_text(json.dumps(data))


def edit_metadata(scene: Scene, rng: random.Random) -> None:
    directory = scene.recording(rng)
    if directory is None or not (directory / "recording.json").exists():
        return
    data = json.loads((directory / "recording.json").read_text())
    name = rng.choice(["started_at", "stopped_at", "recovered", "hearing_id"])
    value = {
        "started_at": (data.get("started_at") or 0) - rng.randint(1, 7200),
        "stopped_at": None,
        "recovered": not data.get("recovered"),
        "hearing_id": "hrg_elsewhere",
    }[name]
    _edit_metadata(directory, name, value)


def edit_timeline(scene: Scene, rng: random.Random) -> None:
    directory = scene.recording(rng)
    if directory is None:
        return
    path = directory / TIMELINE_FILE
    lines = path.read_text().splitlines() if path.exists() else []
    choice = rng.randrange(3)
    if choice == 0 and lines:
        del lines[rng.randrange(len(lines))]  # a gap made to disappear
    elif choice == 1 and lines:
        entry = json.loads(lines[0])
        entry["at_ms"] += rng.randint(1, 1000)
        lines[0] = json.dumps(entry, sort_keys=True, separators=(",", ":"))
    else:
        lines.append('{"at_ms":1,"end_ms":2,"kind":"gap","reason":"x","subject":null}')
    path.write_text("".join(line + "\n" for line in lines))


def drop_recording(scene: Scene, rng: random.Random) -> None:
    directory = scene.recording(rng)
    if directory is not None:
        shutil.rmtree(directory)


def add_foreign_recording(scene: Scene, rng: random.Random) -> None:
    foreign = scene.pristine.foreign
    target = scene.hearing_dir / foreign.name
    if not target.exists():
        shutil.copytree(foreign, target)
        if rng.random() < 0.5:
            _edit_metadata(target, "hearing_id", HEARING)


def resign_with_own_key(scene: Scene, rng: random.Random) -> None:
    """Everything re-signed with the insider's key: statements and the index."""
    (scene.hearing_dir / INDEX_FILE).unlink(missing_ok=True)
    for directory in scene.recordings():
        path = directory / SIGNATURE_FILE
        try:
            statement = statements.read(path)
        except (OSError, statements.BadStatement):
            continue
        lines = _manifest(directory)
        head = str(lines[-1]["digest"]) if lines else "0" * 64
        forged = replace(statement, lines=len(lines), head=head, signed_bytes=b"")
        if forged.kind != statements.LEGACY:
            statements.write(path, statements.sign(forged, FORGER))
            if forged.final and forged.hearing_id == HEARING:
                hearing_index.record_seal(scene.hearing_dir, statements.read(path), FORGER)


def edit_index(scene: Scene, rng: random.Random) -> None:
    path = scene.hearing_dir / INDEX_FILE
    if path.exists():
        document = json.loads(path.read_text())
        if document["recordings"]:
            del document["recordings"][rng.randrange(len(document["recordings"]))]
        path.write_bytes(canonical(document) + b"\n")


def delete_index(scene: Scene, rng: random.Random) -> None:
    (scene.hearing_dir / INDEX_FILE).unlink(missing_ok=True)


ACTIONS: dict[str, Action] = {
    "flip a byte": flip_byte,
    "replace a file and recompute the chain": replace_file_and_rechain,
    "delete a file": delete_file,
    "insert a file": insert_file,
    "swap two files": swap_files,
    "edit a manifest line": edit_manifest_line,
    "delete manifest lines": delete_manifest_lines,
    "reorder manifest lines": reorder_manifest_lines,
    "swap in an older signature": older_signature,
    "edit recording.json": edit_metadata,
    "edit the timeline": edit_timeline,
    "drop a recording": drop_recording,
    "add a recording from another hearing": add_foreign_recording,
    "re-sign with another key": resign_with_own_key,
    "edit the hearing index": edit_index,
    "delete the hearing index": delete_index,
}
RESTART = "restart the server"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def _tampered(actions: list[str], seed: int, pristine: Pristine, base: Path) -> Path:
    root = base / "data"
    shutil.copytree(pristine.root, root)
    for name in ("hrg_other",):
        shutil.rmtree(root / name, ignore_errors=True)
    rng = random.Random(seed)
    scene = Scene(root / HEARING, pristine)
    for action in actions:
        if action == RESTART:
            # The genuine server, with the court key, starts again: crash recovery must not
            # sign what the insider left.
            RecordingStore(root, signing_key=KEY).recover()
        else:
            ACTIONS[action](scene, rng)
    return root


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    actions=st.lists(st.sampled_from([*sorted(ACTIONS), RESTART]), min_size=1, max_size=4),
    seed=st.integers(0, 2**32),
)
# Found by this test: the whole record deleted left nothing on disk to name it.
@example(actions=["delete the hearing index", *["drop a recording"] * 3], seed=0)
def test_every_insider_action_on_the_data_directory_is_named_or_changes_nothing(
    pristine: Pristine, tmp_path_factory: pytest.TempPathFactory, actions: list[str], seed: int
) -> None:
    root = _tampered(actions, seed, pristine, tmp_path_factory.mktemp("insider"))

    reports = verify_hearing(root / HEARING, HEARING, KEY.public_key())

    unchanged = _snapshot(root / HEARING) == _snapshot(pristine.hearing_dir)
    found = [str(f) for r in reports for f in r.findings]
    assert unchanged == (not found), (actions, found)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    actions=st.lists(st.sampled_from(sorted(ACTIONS)), min_size=1, max_size=3),
    seed=st.integers(0, 2**32),
)
# Found by this test: the whole record deleted left nothing on disk to name it.
@example(actions=["delete the hearing index", *["drop a recording"] * 3], seed=0)
def test_every_insider_action_on_an_export_bundle_is_named_by_verify_py_or_changes_nothing(
    pristine: Pristine,
    bundle: Path,
    tmp_path_factory: pytest.TempPathFactory,
    actions: list[str],
    seed: int,
) -> None:
    """The same actions on the bundle's recordings; SHA256SUMS rewritten to match, as the
    insider would, so that only the signatures can tell."""
    top = tmp_path_factory.mktemp("bundle") / "b"
    shutil.copytree(bundle, top)
    # The bundle's recordings/ and hearing-index.json have the hearing folder's layout.
    scene = Scene(top / "recordings", pristine)
    moved_index = top / "recordings" / INDEX_FILE
    shutil.move(top / INDEX_FILE, moved_index)
    rng = random.Random(seed)
    for action in actions:
        ACTIONS[action](scene, rng)
    if moved_index.exists():
        shutil.move(moved_index, top / INDEX_FILE)
    for path in (top / "recordings").iterdir():
        if path.is_file():  # an index re-signed by the insider lands here too
            shutil.move(path, top / path.name)
    _rewrite_sums(top)

    out = io.StringIO()
    code = bundle_verify.verify(top, [key_fingerprint(KEY)], out)

    unchanged = _snapshot(top) == _snapshot(bundle)
    assert unchanged == (code == bundle_verify.EXIT_VERIFIED), (actions, out.getvalue())
    if not unchanged:
        assert code == bundle_verify.EXIT_PROBLEMS, (actions, out.getvalue())


def _rewrite_sums(top: Path) -> None:
    lines = [
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(top).as_posix()}\n"
        for p in sorted(top.rglob("*"))
        if p.is_file() and p.name != "SHA256SUMS"
    ]
    (top / "SHA256SUMS").write_text("".join(lines))


@pytest.fixture(scope="module")
def bundle(pristine: Pristine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "record.zip"
    recordings = sorted(p for p in pristine.hearing_dir.iterdir() if p.is_dir())
    build_bundle(
        out,
        hearing={"id": HEARING, "case_number": "1-2/2026", "state": "closed"},
        recordings=recordings,
        public_key_pem=public_key_pem(KEY).encode(),
        audit=[],
        hearing_index=(pristine.hearing_dir / INDEX_FILE).read_bytes(),
    )
    with zipfile.ZipFile(out) as archive:
        archive.extractall(out.parent / "x")
    top = out.parent / "x" / "1-2-2026"
    _rewrite_sums(top)  # the same form as the tampered copies write it
    return top
