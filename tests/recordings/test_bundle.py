"""The export bundle: a real recording exported as one zip, checked with nothing of
courtroom's: sha256sum, the system's python3 running the bundle's verify.py, and the
README's openssl command run as written. Every tampering is named by verify.py."""

from __future__ import annotations

import ast
import asyncio
import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from court.ids import HearingId
from recordings import RecordingStore, bundle_verify, statements
from recordings.bundle import BundleError, BundleInfo, build_bundle, folder_name
from recordings.hearing_index import INDEX_FILE
from recordings.manifest import (
    MANIFEST_FILE,
    SIGNATURE_FILE,
    canonical,
    line_digest,
    signed_message,
)
from recordings.signing import key_fingerprint, public_key_pem
from tests.recordings.audio import PACKET, RATE, tone_packets

KEY = Ed25519PrivateKey.generate()
KEY_PEM = public_key_pem(KEY).encode()
SYSTEM_PYTHON = Path("/usr/bin/python3")
CASE = "12 Cs 345/24"
TOP = "12-Cs-345-24"
HEARING: dict[str, object] = {
    "id": "hrg_bundle",
    "case_number": CASE,
    "title": "State v. Example",
    "court": "District Court",
    "scheduled_start": datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
    "state": "closed",
    "participants": [{"id": "prt_judge", "name": "Judge Ärger", "role": "judge"}],
}
AUDIT: list[dict[str, object]] = [
    {"seq": 1, "at": "2025-03-04T09:30:00+00:00", "actor": "usr_clerk", "action": "open"},
    {"seq": 2, "at": "2025-03-04T09:31:00+00:00", "actor": "usr_archivist", "action": "export"},
]


# ---- a real recording ---------------------------------------------------------------


async def _record(root: Path) -> Path:
    """1.6 s of a tone into the master (0.5 s segments) and into the judge's own track, with
    a gap on the timeline; returns the recording's directory."""
    store = RecordingStore(root, signing_key=KEY, segment_s=0.5)
    recording = await store.start(HearingId("hrg_bundle"))
    source = recording.add_source("prt_judge")
    track = recording.add_track("prt_judge", "audio")
    time_base = Fraction(1, RATE)
    start = time.monotonic()
    for i, data in enumerate(tone_packets(440.0, 1.6)):
        delay = start + i * PACKET / RATE - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        source.push(data, i * PACKET, time_base)
        track.push(data, i * PACKET, time_base, True)
    await recording.note("gap", 200, 400, "prt_judge", "connection lost")
    track.close()
    info = await recording.stop()
    return info.path


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = asyncio.run(_record(tmp_path_factory.mktemp("record")))
    names = sorted(p.name for p in directory.iterdir())
    assert len([n for n in names if n.startswith("segment-")]) >= 3, names
    assert "track-prt_judge-audio-1.webm" in names, names
    return directory


def _build(out: Path, recording: Path, **overrides: object) -> BundleInfo:
    arguments: dict[str, object] = {
        "hearing": HEARING,
        "recordings": [recording],
        "public_key_pem": KEY_PEM,
        "audit": AUDIT,
    }
    index = recording.parent / INDEX_FILE
    if index.exists():  # a copy made by a test elsewhere has none
        arguments["hearing_index"] = index.read_bytes()
    arguments.update(overrides)
    return build_bundle(out, **arguments)  # type: ignore[arg-type]


@pytest.fixture
def bundle(tmp_path: Path, recording: Path) -> Path:
    """The bundle of the recording, extracted; returns its top folder."""
    info = _build(tmp_path / "out" / "bundle.zip", recording)
    with zipfile.ZipFile(info.path) as archive:
        archive.extractall(tmp_path / "extracted")
    return tmp_path / "extracted" / TOP


def _verify(
    top: Path, *options: str, env: Mapping[str, str] | None = None, trusted: bool = True
) -> tuple[int, str]:
    """The bundle's verify.py, run by a Python that cannot import courtroom or its
    dependencies: the system's, isolated (-I), else this one without site-packages (-S).
    ``trusted``: given the court key's fingerprint, as a reader who has it from the court."""
    python = [str(SYSTEM_PYTHON), "-I"] if SYSTEM_PYTHON.exists() else [sys.executable, "-I", "-S"]
    trust = ["--trusted-key", key_fingerprint(KEY)] if trusted else []
    done = subprocess.run(
        [*python, str(top / "verify.py"), *trust, *options],
        cwd=top,
        capture_output=True,
        text=True,
        env=dict(env) if env is not None else None,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def _recording_dir(top: Path) -> Path:
    (directory,) = (top / "recordings").iterdir()
    return directory


# ---- what is in it --------------------------------------------------------------------


def test_the_bundle_holds_the_record_under_one_folder_named_after_the_case(
    tmp_path: Path, recording: Path
) -> None:
    out = tmp_path / "bundle.zip"

    info = _build(out, recording)

    recording_id = recording.name
    with zipfile.ZipFile(out) as archive:
        members = {i.filename: i for i in archive.infolist()}
        read = archive.read
        expected = {
            f"{TOP}/{name}"
            for name in [
                "README.md",
                "verify.py",
                "hearing.json",
                "public-key.pem",
                "audit.jsonl",
                "SHA256SUMS",
                f"signatures/{recording_id}.message",
                f"signatures/{recording_id}.signature",
                "hearing-index.json",
                "signatures/hearing-index.message",
                "signatures/hearing-index.signature",
            ]
            + [f"recordings/{recording_id}/{p.name}" for p in recording.iterdir()]
        }
        assert set(members) == expected
        assert json.loads(read(f"{TOP}/hearing.json")) == {
            **HEARING,
            "scheduled_start": "2025-03-04T09:30:00+00:00",
        }
        assert [json.loads(line) for line in read(f"{TOP}/audit.jsonl").splitlines()] == AUDIT
        assert read(f"{TOP}/public-key.pem") == KEY_PEM
        source = Path(bundle_verify.__file__).read_bytes()
        assert read(f"{TOP}/verify.py") == source
        assert members[f"{TOP}/verify.py"].external_attr >> 16 & 0o777 == 0o755
        for path in recording.iterdir():
            name = f"{TOP}/recordings/{recording_id}/{path.name}"
            assert read(name) == path.read_bytes(), name
            media = path.suffix in (".ogg", ".webm")
            stored = members[name].compress_type == zipfile.ZIP_STORED
            assert stored == media, name
    assert info == BundleInfo(
        path=out,
        bytes=out.stat().st_size,
        sha256=hashlib.sha256(out.read_bytes()).hexdigest(),
        files=len(expected),
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.zip"]  # no temp file left


def test_sha256sum_checks_every_file_of_the_bundle(bundle: Path) -> None:
    done = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=bundle, capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stdout + done.stderr
    checked = {line.rsplit(": ", 1)[0] for line in done.stdout.splitlines()}
    every = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    assert checked == every - {"SHA256SUMS"}
    assert all(line.endswith(": OK") for line in done.stdout.splitlines())


def test_verify_py_on_a_plain_python_verifies_and_names_every_file(
    bundle: Path, recording: Path
) -> None:
    code, report = _verify(bundle)

    assert code == 0, report
    assert "VERIFIED: 1 recording(s)" in report
    assert "FAILED" not in report and "UNCHECKED" not in report
    recorded = sorted(p.name for p in recording.iterdir() if p.suffix in (".ogg", ".webm"))
    assert len(recorded) >= 4
    for name in recorded:
        path = re.escape(f"recordings/{recording.name}/{name}")
        assert re.search(rf"^  ok +{path}  line \d+, [\d.]+-[\d.]+ s, \d+ bytes$", report, re.M), (
            name,
            report,
        )
    assert "Ed25519 signature verified by openssl" in report


def test_verify_py_also_runs_from_another_folder_given_the_bundle(
    bundle: Path, tmp_path: Path
) -> None:
    python = str(SYSTEM_PYTHON) if SYSTEM_PYTHON.exists() else sys.executable
    done = subprocess.run(
        [
            python,
            "-I",
            "-S",
            str(bundle / "verify.py"),
            "--trusted-key",
            key_fingerprint(KEY),
            *[str(bundle)],
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr


def test_the_readme_openssl_command_run_as_written_verifies_the_signature(bundle: Path) -> None:
    readme = (bundle / "README.md").read_text()
    commands = re.findall(r"^    (openssl pkeyutl -verify .*signatures/.*)$", readme, re.M)

    assert len(commands) == 2  # the recording, and the hearing's index
    for command in commands:
        done = subprocess.run(
            command, shell=True, cwd=bundle, capture_output=True, text=True, check=False
        )
        assert "Signature Verified Successfully" in done.stdout, done.stdout + done.stderr


def test_the_readme_commands_that_rebuild_the_signed_message_verify_too(bundle: Path) -> None:
    readme = (bundle / "README.md").read_text()
    block = re.search(r"^    R=<the recording's id>\n((?:    .*\n)+)", readme, re.M)
    assert block is not None
    script = f"R={_recording_dir(bundle).name}\n" + "".join(
        line[4:] + "\n" for line in block.group(1).splitlines()
    )

    done = subprocess.run(
        ["bash", "-c", script], cwd=bundle, capture_output=True, text=True, check=False
    )

    assert "Signature Verified Successfully" in done.stdout, done.stdout + done.stderr


def test_the_readme_gives_times_in_the_court_s_zone_and_in_utc(
    tmp_path: Path, recording: Path
) -> None:
    info = _build(tmp_path / "baku.zip", recording, time_zone="Asia/Baku")
    with zipfile.ZipFile(info.path) as archive:
        readme = archive.read(f"{TOP}/README.md").decode()

    assert "- Scheduled start: 2025-03-04 13:30 Asia/Baku (09:30 UTC)\n" in readme
    started = re.search(r"started (\S+ \S+) Asia/Baku \((\S+) UTC\)", readme)
    assert started is not None, readme
    local, utc = started.group(1), started.group(2)
    hours = (int(local[11:13]) - int(utc[:2])) % 24
    assert (hours, local[13:], utc[2:]) == (4, utc[2:], utc[2:])  # Baku is UTC+4
    assert re.search(r"exported on \S+ \d\d:\d\d Asia/Baku \(\d\d:\d\d UTC\)", readme)


def test_the_readme_explains_the_checks_and_shows_the_key_fingerprint(bundle: Path) -> None:
    readme = (bundle / "README.md").read_text()
    fingerprint = subprocess.run(
        "openssl pkey -pubin -in public-key.pem -outform DER | sha256sum",
        shell=True,
        cwd=bundle,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]

    assert readme.startswith(f"# Court record of hearing {CASE}\n")
    assert "    sha256sum -c SHA256SUMS\n" in readme
    assert "    python3 verify.py --trusted-key <the court's key fingerprint>\n" in readme
    assert f"    {fingerprint}\n" in readme
    assert "${" not in readme  # every placeholder of the template filled in
    assert "It is not the record" not in readme  # no derived copy in this bundle


def test_derived_copies_are_included_stored_and_called_conveniences(
    tmp_path: Path, recording: Path
) -> None:
    viewing, audio = tmp_path / "viewing.mp4", tmp_path / "joined.webm"
    viewing.write_bytes(os.urandom(3000))
    audio.write_bytes(os.urandom(2000))

    info = _build(tmp_path / "b.zip", recording, viewing_copy=viewing, master_audio=audio)

    with zipfile.ZipFile(info.path) as archive:
        assert archive.read(f"{TOP}/viewing-copy.mp4") == viewing.read_bytes()
        assert archive.read(f"{TOP}/master-audio.webm") == audio.read_bytes()
        assert archive.getinfo(f"{TOP}/viewing-copy.mp4").compress_type == zipfile.ZIP_STORED
        readme = archive.read(f"{TOP}/README.md").decode()
        archive.extractall(tmp_path / "x")
    assert readme.count("**It is not the record.**") == 2
    assert "A derived copy is not the record" in readme
    code, report = _verify(tmp_path / "x" / TOP)
    assert code == 0, report
    assert "ok         viewing-copy.mp4" in report


def test_a_recording_sealed_after_a_crash_is_explained(tmp_path: Path, recording: Path) -> None:
    copy = tmp_path / "hrg_bundle" / recording.name
    shutil.copytree(recording, copy)
    shutil.copy(recording.parent / INDEX_FILE, copy.parent / INDEX_FILE)
    metadata = json.loads((copy / "recording.json").read_text())
    (copy / "recording.json").write_text(json.dumps({**metadata, "recovered": True}))
    # Sealed as recovery seals (the court key's seal says "recovered").
    seal = statements.read(copy / SIGNATURE_FILE)
    statements.write(copy / SIGNATURE_FILE, statements.sign(replace(seal, recovered=True), KEY))

    info = _build(tmp_path / "b.zip", copy)

    with zipfile.ZipFile(info.path) as archive:
        readme = archive.read(f"{TOP}/README.md").decode()
        archive.extractall(tmp_path / "x")
    assert "Sealed after a crash (see below)." in readme
    assert 'A recording marked "sealed after a crash"' in readme
    code, report = _verify(tmp_path / "x" / TOP)
    assert code == 0, report
    assert "recording.json: sealed after a crash" in report


# ---- tampering ----------------------------------------------------------------------


def _flip_byte(path: Path, at: int = 40) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_flipped_byte_in_a_segment_is_named(bundle: Path) -> None:
    directory = _recording_dir(bundle)
    _flip_byte(directory / "segment-000002.ogg")

    code, report = _verify(bundle)

    assert code == 1, report
    assert re.search(r"FAILED .*/segment-000002\.ogg: altered: .*\(manifest line \d+\)", report), (
        report
    )
    assert "NOT VERIFIED" in report


def test_a_deleted_segment_is_named(bundle: Path) -> None:
    (_recording_dir(bundle) / "segment-000001.ogg").unlink()

    code, report = _verify(bundle)

    assert code == 1, report
    assert re.search(r"FAILED .*/segment-000001\.ogg: missing: the file is gone", report), report


def test_an_inserted_file_is_named(bundle: Path) -> None:
    directory = _recording_dir(bundle)
    (directory / "segment-000099.ogg").write_bytes(b"OggS forged")

    code, report = _verify(bundle)

    assert code == 1, report
    assert re.search(
        r"FAILED .*/segment-000099\.ogg: not listed in the manifest \(an inserted file\)", report
    ), report


def test_an_edited_manifest_line_is_named(bundle: Path) -> None:
    manifest = _recording_dir(bundle) / MANIFEST_FILE
    lines = manifest.read_text().splitlines()
    entry = json.loads(lines[1])
    entry["end_ms"] += 1000  # a longer segment than was recorded
    lines[1] = json.dumps(entry, sort_keys=True, separators=(",", ":"))
    manifest.write_text("".join(f"{line}\n" for line in lines))

    code, report = _verify(bundle)

    assert code == 1, report
    assert re.search(r"manifest\.jsonl line 2: its fields do not match its digest", report), report


def test_a_manifest_cut_short_is_caught_by_its_signature(bundle: Path) -> None:
    manifest = _recording_dir(bundle) / MANIFEST_FILE
    lines = manifest.read_text().splitlines()
    manifest.write_text("".join(f"{line}\n" for line in lines[:-1]))

    code, report = _verify(bundle)

    assert code == 1, report
    assert "lines added, removed or edited after signing" in report
    assert "not listed in the manifest (an inserted file)" in report  # the dropped line's file


def _resign(directory: Path, key: Ed25519PrivateKey, *, claim_court_key: bool) -> None:
    """A forger's manifest.sig over the same manifest, with the forger's key; optionally
    naming the court's public key in it, so that only the signature itself can tell."""
    path = directory / SIGNATURE_FILE
    statements.write(path, statements.sign(statements.read(path), key))
    if claim_court_key:
        document = json.loads(path.read_text())
        document["public_key"] = KEY.public_key().public_bytes_raw().hex()
        document["key"] = key_fingerprint(KEY)
        path.write_bytes(canonical(document) + b"\n")


def test_a_signature_by_another_key_is_refused(bundle: Path) -> None:
    _resign(_recording_dir(bundle), Ed25519PrivateKey.generate(), claim_court_key=False)

    code, report = _verify(bundle)

    assert code == 1, report
    assert "manifest.sig: signed by key " in report and "not one you trust" in report


def test_a_signature_by_another_key_claiming_the_courts_fails_in_openssl(bundle: Path) -> None:
    _resign(_recording_dir(bundle), Ed25519PrivateKey.generate(), claim_court_key=True)

    code, report = _verify(bundle)

    assert code == 1, report
    assert "manifest.sig: the signature does not verify" in report


def test_a_bundle_key_replaced_with_a_forgers_is_caught_by_the_courts_own_key(
    bundle: Path, tmp_path: Path
) -> None:
    forger = Ed25519PrivateKey.generate()
    _resign(_recording_dir(bundle), forger, claim_court_key=False)
    (bundle / "public-key.pem").write_text(public_key_pem(forger))
    court_key = tmp_path / "court.pem"
    court_key.write_bytes(KEY_PEM)

    code, report = _verify(bundle, "--public-key", str(court_key), trusted=False)

    assert code == 1, report
    assert f"The bundle's public-key.pem: fingerprint {key_fingerprint(forger)}" in report
    assert f"signed by key {key_fingerprint(forger)}, not one you trust" in report
    assert "\nVERIFIED" not in report


def test_an_edited_hearing_file_is_caught_by_the_checksums(bundle: Path) -> None:
    path = bundle / "hearing.json"
    path.write_text(path.read_text().replace("State v. Example", "State v. Someone"))

    code, report = _verify(bundle)

    assert code == 1, report
    assert "FAILED     hearing.json: changed since export" in report


def test_without_openssl_verify_py_says_so_and_does_not_pass(bundle: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()

    code, report = _verify(bundle, env={"PATH": str(empty)})

    assert code == 2, report
    assert "openssl:    NOT FOUND" in report
    assert "openssl is not installed, so the signature was not checked" in report
    assert "Unverified is not verified." in report
    assert "\nVERIFIED" not in report


# ---- progress, names, errors ----------------------------------------------------------


def test_progress_rises_and_ends_at_one(tmp_path: Path, recording: Path) -> None:
    seen: list[float] = []

    _build(tmp_path / "b.zip", recording, progress=seen.append)

    assert len(seen) >= 2
    assert all(a < b for a, b in itertools.pairwise(seen))
    assert seen[-1] == 1.0 and all(0.0 < f < 1.0 for f in seen[:-1])


@pytest.mark.parametrize(
    ("case_number", "top"),
    [
        ("../../etc", "etc"),
        ("/etc/passwd", "etc-passwd"),
        ("a\\..\\b", "a-..-b"),
        ("\x00", "hrg_bundle"),
        ("..", "hrg_bundle"),
        ("/", "hrg_bundle"),
        ("", "hrg_bundle"),
        ("CON", "case-CON"),
        ("Müller 3/24\n", "Muller-3-24"),
        ("x" * 300, "x" * 80),
    ],
)
def test_a_hostile_case_number_makes_a_safe_top_folder(
    tmp_path: Path, recording: Path, case_number: str, top: str
) -> None:
    hearing = {**HEARING, "case_number": case_number}

    info = _build(tmp_path / "b.zip", recording, hearing=hearing)

    assert folder_name(hearing) == top
    with zipfile.ZipFile(info.path) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "x")
    assert all(name.startswith(f"{top}/") for name in names)
    assert all(".." not in name.split("/") and "\x00" not in name for name in names)
    assert [p.name for p in (tmp_path / "x").iterdir()] == [top]


def test_without_case_number_or_id_the_folder_is_hearing() -> None:
    assert folder_name({"case_number": None, "id": 7}) == "hearing"


def test_a_missing_recording_directory_is_a_clear_error(tmp_path: Path, recording: Path) -> None:
    gone = tmp_path / "recordings" / "rec_gone"

    with pytest.raises(FileNotFoundError, match="rec_gone"):
        _build(tmp_path / "b.zip", recording, recordings=[recording, gone])

    assert not (tmp_path / "b.zip").exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_an_empty_recording_directory_is_a_clear_error(tmp_path: Path, recording: Path) -> None:
    empty = tmp_path / "rec_empty"
    empty.mkdir()

    with pytest.raises(BundleError, match="rec_empty holds no files"):
        _build(tmp_path / "b.zip", recording, recordings=[recording, empty])


def test_a_missing_viewing_copy_is_a_clear_error(tmp_path: Path, recording: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"viewing-copy\.mp4"):
        _build(tmp_path / "b.zip", recording, viewing_copy=tmp_path / "nope.mp4")


def test_a_key_that_is_not_ed25519_is_refused(tmp_path: Path, recording: Path) -> None:
    with pytest.raises(ValueError, match="PEM public key"):
        _build(tmp_path / "b.zip", recording, public_key_pem=b"not a key")


def test_a_recording_given_twice_is_refused(tmp_path: Path, recording: Path) -> None:
    with pytest.raises(ValueError, match="given twice"):
        _build(tmp_path / "b.zip", recording, recordings=[recording, recording])


def test_a_file_that_changes_while_it_is_exported_fails_the_export_and_leaves_no_zip(
    tmp_path: Path, recording: Path
) -> None:
    copy = tmp_path / "copy" / recording.name
    shutil.copytree(recording, copy)
    growing = copy / "track-prt_judge-audio-1.webm"

    def still_recording(_: float) -> None:
        with growing.open("ab") as f:
            f.write(b"\x00")

    with pytest.raises(BundleError, match="changed while it was being exported"):
        _build(tmp_path / "out" / "b.zip", copy, progress=still_recording)

    assert list((tmp_path / "out").iterdir()) == []


def test_hidden_and_temporary_files_are_left_out(tmp_path: Path, recording: Path) -> None:
    copy = tmp_path / "copy" / recording.name
    shutil.copytree(recording, copy)
    (copy / ".manifest.sig.tmp").write_bytes(b"half")

    info = _build(tmp_path / "b.zip", copy)

    with zipfile.ZipFile(info.path) as archive:
        assert not [n for n in archive.namelist() if n.endswith(".tmp")]


# ---- verify.py stays standalone -------------------------------------------------------


def test_verify_py_imports_only_the_standard_library_and_parses_as_python_3_8() -> None:
    source = Path(bundle_verify.__file__).read_text()
    tree = ast.parse(source, feature_version=(3, 8))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0
            imported.add((node.module or "").split(".")[0])

    assert imported - {"__future__"} <= sys.stdlib_module_names, imported


@given(
    fields=st.dictionaries(
        st.text(min_size=1, max_size=8),
        st.one_of(st.integers(), st.text(max_size=20), st.booleans(), st.none()),
        max_size=8,
    ),
    recording_id=st.from_regex(r"rec_[A-Za-z0-9_-]{1,16}", fullmatch=True),
    lines=st.integers(0, 10_000),
)
def test_verify_py_computes_digests_and_signed_messages_as_the_recorder_does(
    fields: dict[str, object], recording_id: str, lines: int
) -> None:
    head = hashlib.sha256(recording_id.encode()).hexdigest()

    assert bundle_verify.canonical(fields) == canonical(fields)
    assert bundle_verify.line_digest(fields) == line_digest(fields)
    assert bundle_verify.signed_message(recording_id, lines, head) == signed_message(
        recording_id, lines, head
    )


# ---- what only a signed statement and the hearing's index can show ---------------------


def test_without_a_trusted_key_verify_py_says_unverified_never_verified(bundle: Path) -> None:
    code, report = _verify(bundle, trusted=False)

    assert code == 2, report
    assert "UNVERIFIED: no trusted key given" in report
    assert "\nVERIFIED" not in report


def test_a_bundle_resigned_whole_with_another_key_fails_against_the_courts_fingerprint(
    bundle: Path,
) -> None:
    forger = Ed25519PrivateKey.generate()
    _resign(_recording_dir(bundle), forger, claim_court_key=False)
    (bundle / "public-key.pem").write_text(public_key_pem(forger))

    code, report = _verify(bundle)

    assert code == 1, report
    assert "not one you trust" in report


def test_an_edited_timeline_and_recording_json_are_named(bundle: Path) -> None:
    directory = _recording_dir(bundle)
    timeline = directory / "timeline.jsonl"
    timeline.write_text(timeline.read_text().replace("connection lost", "nothing happened"))
    metadata = directory / "recording.json"
    data = json.loads(metadata.read_text())
    data["started_at"] += 3600
    metadata.write_text(json.dumps(data))

    code, report = _verify(bundle)

    assert code == 1, report
    assert "timeline.jsonl: its first 1 lines are not the ones that were signed" in report
    assert "recording.json: started_at is" in report and "the signature says" in report


def test_a_recording_left_out_of_the_bundle_is_named_by_the_hearing_index(
    tmp_path: Path, recording: Path
) -> None:
    info = _build(tmp_path / "b.zip", recording)
    with zipfile.ZipFile(info.path) as archive:
        archive.extractall(tmp_path / "x")
    top = tmp_path / "x" / TOP
    shutil.rmtree(_recording_dir(top))

    code, report = _verify(top)

    assert code == 1, report
    assert f"recordings/{recording.name}: missing: the hearing's index lists it" in report


def test_a_recording_cut_back_to_an_earlier_signature_is_named(
    tmp_path: Path, recording: Path
) -> None:
    """The whole prefix is consistent and carries a genuine signature of the court (the
    progress statement made after the first segment): only its kind and the index tell."""
    copy = tmp_path / "hrg_bundle" / recording.name
    shutil.copytree(recording, copy)
    shutil.copy(recording.parent / INDEX_FILE, copy.parent / INDEX_FILE)
    lines = (copy / MANIFEST_FILE).read_text().splitlines()
    (copy / MANIFEST_FILE).write_text(lines[0] + "\n")
    earlier = statements.sign(
        statements.Statement(
            kind="progress",
            hearing_id="hrg_bundle",
            recording_id=recording.name,
            started_at=json.loads((copy / "recording.json").read_text())["started_at"],
            lines=1,
            head=json.loads(lines[0])["digest"],
            timeline_lines=0,
            timeline_sha256=hashlib.sha256(b"").hexdigest(),
        ),
        KEY,  # as the recorder signed it then: a real, earlier signature
    )
    statements.write(copy / SIGNATURE_FILE, earlier)
    for path in copy.iterdir():
        if (
            path.name.startswith(("segment-", "track-", "speakers"))
            and path.name != json.loads(lines[0])["file"]
        ):
            path.unlink()
    (copy / "timeline.jsonl").write_text("")

    info = _build(tmp_path / "b.zip", copy)
    with zipfile.ZipFile(info.path) as archive:
        archive.extractall(tmp_path / "x")
    code, report = _verify(tmp_path / "x" / TOP)

    assert code == 1, report
    assert "INCOMPLETE" in report
    assert "cut back to an earlier signature" in report


def test_an_export_before_the_hearing_closed_says_so_on_its_face(
    tmp_path: Path, recording: Path
) -> None:
    info = _build(tmp_path / "b.zip", recording, hearing={**HEARING, "state": "in_session"})
    with zipfile.ZipFile(info.path) as archive:
        readme = archive.read(f"{TOP}/README.md").decode()

    assert "INCOMPLETE: exported while the hearing was in\\_session" in readme or (
        "INCOMPLETE: exported while the hearing was in_session" in readme
    )


def test_a_bundle_of_a_recording_signed_before_final_seals_verifies_and_says_so(
    tmp_path: Path, recording: Path
) -> None:
    copy = tmp_path / "old" / recording.name
    shutil.copytree(recording, copy)
    lines = (copy / MANIFEST_FILE).read_text().splitlines()
    head = json.loads(lines[-1])["digest"]
    document = {
        "algorithm": "Ed25519",
        "recording_id": recording.name,
        "lines": len(lines),
        "head": head,
        "public_key": KEY.public_key().public_bytes_raw().hex(),
        "signature": KEY.sign(signed_message(recording.name, len(lines), head)).hex(),
    }
    (copy / SIGNATURE_FILE).write_bytes(canonical(document) + b"\n")

    info = _build(tmp_path / "b.zip", copy)
    with zipfile.ZipFile(info.path) as archive:
        archive.extractall(tmp_path / "x")
    code, report = _verify(tmp_path / "x" / TOP)

    assert code == 0, report
    assert "signed, no final seal: recorded before final seals existed" in report
    assert "none: every recording was made before hearing indexes" in report
