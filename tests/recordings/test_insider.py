"""Someone who can write the recordings' files, but does not hold the court key, plays the
forgeries of the security review (C1, H4) against a real recording: each is refused by crash
recovery (never signed) and named by verification, and the hearing's index names what goes
missing, what is added, and what is cut back."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from court.ids import HearingId
from recordings import RecordingStore, statements
from recordings.hearing_index import INDEX_FILE
from recordings.manifest import MANIFEST_FILE, SIGNATURE_FILE, canonical, line_digest
from recordings.metadata import read_metadata
from recordings.signing import load_or_create_key
from recordings.timeline import TIMELINE_FILE
from recordings.verification import (
    Problem,
    VerificationReport,
    check_hearing_index,
    verify_recording,
)
from tests.recordings.audio import push_in_real_time, tone_packets
from tests.recordings.test_store import record_then_kill

KEY = Ed25519PrivateKey.generate()
HEARING = HearingId("hrg_insider")


async def _record(root: Path, seconds: float = 1.2) -> Path:
    store = RecordingStore(root, signing_key=KEY, segment_s=0.4)
    recording = await store.start(HEARING)
    source = recording.add_source("prt_witness")
    await recording.note("gap", 100, 300, "prt_witness", "connection lost")
    await push_in_real_time(source, tone_packets(440.0, seconds))
    await recording.stop()
    return recording.directory


def _verify(directory: Path) -> VerificationReport:
    return verify_recording(directory, directory.name, KEY.public_key(), hearing_id=HEARING)


def _rechain(directory: Path, keep: int | None = None) -> None:
    """Recompute the plain SHA-256 chain over the files as they now are (anyone can), keeping
    the first ``keep`` lines."""
    lines = [json.loads(line) for line in (directory / MANIFEST_FILE).read_text().splitlines()]
    previous = "0" * 64
    out = []
    for entry in lines[:keep]:
        data = (directory / entry["file"]).read_bytes()
        entry["sha256"], entry["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
        entry["previous"] = previous
        entry["digest"] = line_digest({k: v for k, v in entry.items() if k != "digest"})
        previous = entry["digest"]
        out.append(canonical(entry).decode() + "\n")
    (directory / MANIFEST_FILE).write_text("".join(out))


def _never_stopped(directory: Path) -> None:
    path = directory / "recording.json"
    metadata = json.loads(path.read_text())
    path.write_text(json.dumps({**metadata, "stopped_at": None}))


async def test_the_forgery_of_the_review_is_refused_by_recovery_and_named_by_verification(
    tmp_path: Path,
) -> None:
    directory = await _record(tmp_path)
    signature_before = (directory / SIGNATURE_FILE).read_bytes()
    # A master segment replaced, its line's digest and the whole chain recomputed, and the
    # recording said never to have stopped: before final seals, a restart signed this.
    (directory / "segment-000002.ogg").write_bytes(b"OggS forged audio")
    _rechain(directory)
    _never_stopped(directory)

    restarted = RecordingStore(tmp_path, signing_key=KEY)
    (recovery,) = await asyncio.to_thread(restarted.recover)
    report = _verify(directory)

    assert recovery.refused is not None and "not what was signed" in recovery.refused
    assert recovery.files == ()
    assert (directory / SIGNATURE_FILE).read_bytes() == signature_before  # never re-signed
    assert read_metadata(directory).refused == recovery.refused  # shown in lists and pages
    assert not report.ok
    problems = {(f.problem, f.subject) for f in report.findings}
    assert (Problem.SIGNATURE, "manifest") in problems
    assert any(
        f.problem is Problem.ALTERED and "segment-000002.ogg" in f.subject for f in report.findings
    ) or any(f.problem is Problem.SIGNATURE for f in report.findings)


async def test_a_recording_cut_short_and_said_never_stopped_is_refused(tmp_path: Path) -> None:
    directory = await _record(tmp_path)
    last = json.loads((directory / MANIFEST_FILE).read_text().splitlines()[-1])
    (directory / last["file"]).unlink()
    _rechain(directory, keep=-1)
    _never_stopped(directory)

    (recovery,) = await asyncio.to_thread(RecordingStore(tmp_path, signing_key=KEY).recover)

    assert recovery.refused is not None
    assert not _verify(directory).ok


async def test_a_sealed_recording_said_never_stopped_is_reported_not_resealed(
    tmp_path: Path,
) -> None:
    directory = await _record(tmp_path)
    _never_stopped(directory)

    (recovery,) = await asyncio.to_thread(RecordingStore(tmp_path, signing_key=KEY).recover)
    report = _verify(directory)

    assert recovery.refused is not None and "recording.json was edited" in recovery.refused
    assert [str(f) for f in report.findings if f.problem is Problem.METADATA_EDITED] == [
        f"recording.json: metadata_edited: stopped_at is None; the signature says "
        f"{json.loads((directory / SIGNATURE_FILE).read_text())['stopped_at']!r}"
    ]


async def test_the_wall_clock_anchor_and_the_timeline_are_covered_by_the_seal(
    tmp_path: Path,
) -> None:
    directory = await _record(tmp_path)
    path = directory / "recording.json"
    metadata = json.loads(path.read_text())
    path.write_text(json.dumps({**metadata, "started_at": metadata["started_at"] - 3600}))
    (directory / TIMELINE_FILE).write_text("")  # the gap deleted

    report = _verify(directory)

    assert {f.problem for f in report.findings} == {
        Problem.METADATA_EDITED,
        Problem.TIMELINE_EDITED,
    }


async def test_a_file_the_recorder_never_opened_is_not_sealed_by_recovery(
    tmp_path: Path,
) -> None:
    """A recording cut by a real crash (SIGKILL), with a forged extra segment planted beside
    it: the file that was open is sealed as recovered, the stranger is left unsealed, and
    verification names it."""
    crashed = await record_then_kill(tmp_path)
    key = load_or_create_key(crashed.parent.parent / "signing-key.pem")  # the child's key
    (crashed / "segment-000099.ogg").write_bytes(b"OggS planted")

    (recovery,) = await asyncio.to_thread(RecordingStore(tmp_path, signing_key=key).recover)

    assert recovery.refused is None
    assert recovery.files == ("segment-000001.ogg",)
    assert recovery.left_alone == ("segment-000099.ogg",)
    report = verify_recording(crashed, crashed.name, key.public_key())
    assert [(f.problem, f.subject) for f in report.findings] == [
        (Problem.INSERTED, "file segment-000099.ogg")
    ]
    assert report.statement is not None and report.statement.final


async def test_the_hearing_index_names_a_missing_and_an_added_recording(
    tmp_path: Path,
) -> None:
    first = await _record(tmp_path, 0.5)
    second = await _record(tmp_path, 0.5)
    hearing_dir = first.parent
    index = (hearing_dir / INDEX_FILE).read_bytes()
    # A recording of another hearing, genuinely sealed, copied in.
    other_store = RecordingStore(tmp_path / "other", signing_key=KEY, segment_s=0.4)
    other = await other_store.start(HearingId("hrg_other"))
    await other.stop()
    foreign = hearing_dir / other.directory.name
    shutil.copytree(other.directory, foreign)

    reports = [_verify(d) for d in (first, foreign)]  # the second is gone
    findings = check_hearing_index(index, HEARING, reports, KEY.public_key())

    named = {(f.problem, f.subject) for f in findings}
    assert (Problem.MISSING, f"recording {second.name}") in named
    assert (Problem.NOT_INDEXED, f"recording {foreign.name}") in named
    assert any(f.problem is Problem.FOREIGN for f in reports[1].findings)


async def test_a_seal_swapped_for_an_earlier_signature_is_never_sealed_again(
    tmp_path: Path,
) -> None:
    """The insider cuts a sealed recording back to its first line, puts back the genuine
    progress signature the recorder made then, says it never stopped, and restarts: a
    second seal would make the rollback look like a crash. The hearing's index knows it
    was sealed; with the index deleted too, the audit log does."""
    directory = await _record(tmp_path)
    lines = (directory / MANIFEST_FILE).read_text().splitlines()
    first = json.loads(lines[0])
    (directory / MANIFEST_FILE).write_text(lines[0] + "\n")
    for path in directory.iterdir():
        if path.name.startswith(("segment-", "track-", "speakers")) and path.name != first["file"]:
            path.unlink()
    (directory / TIMELINE_FILE).write_text("")
    metadata = json.loads((directory / "recording.json").read_text())
    earlier = statements.sign(
        statements.Statement(
            kind="progress",
            hearing_id=HEARING,
            recording_id=directory.name,
            started_at=metadata["started_at"],
            lines=1,
            head=first["digest"],
            timeline_sha256=hashlib.sha256(b"").hexdigest(),
            open=("segment-000002.ogg",),
        ),
        KEY,  # as the recorder signed it after the first segment: genuine, and old
    )
    statements.write(directory / SIGNATURE_FILE, earlier)
    _never_stopped(directory)

    (by_index,) = await asyncio.to_thread(RecordingStore(tmp_path, signing_key=KEY).recover)
    (directory.parent / INDEX_FILE).unlink()
    store = RecordingStore(tmp_path, signing_key=KEY)
    (by_audit,) = await asyncio.to_thread(store.recover, {directory.name})

    assert by_index.refused is not None and "index lists it as sealed" in by_index.refused
    assert by_audit.refused is not None and "the audit log says it was sealed" in by_audit.refused
    assert statements.read(directory / SIGNATURE_FILE).signature == earlier.signature  # unsigned
    assert {f.problem for f in _verify(directory).findings} == {Problem.INCOMPLETE}
