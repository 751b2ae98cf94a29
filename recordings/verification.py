"""Verifying a recording: every segment against the manifest, the manifest against itself
and its signed statement, and ``recording.json`` and ``timeline.jsonl`` against what the
statement says of them. Every problem found is named (which segment, which line, what is
wrong). A recording whose last statement is not a final seal (still running, or cut back to
an earlier signature) is INCOMPLETE: never reported as verified.

Read-only: verification never changes a file, so an archivist may run it on originals.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from recordings import hearing_index, statements
from recordings.manifest import (
    GENESIS,
    MANIFEST_FILE,
    SIGNATURE_FILE,
    SegmentEntry,
    file_digest,
    line_digest,
)
from recordings.metadata import read_metadata
from recordings.timeline import check_covered

TrustedKeys = Ed25519PublicKey | Sequence[Ed25519PublicKey] | None

# The files a recording's manifest lists: the master's segments and the participants' tracks.
SEGMENT_FILE = re.compile(r"^segment-\d{6}\.\w+$")
RECORDED_FILE = re.compile(
    r"^(segment-\d{6}\.\w+|track-[A-Za-z0-9_-]+-(audio|video|screen)-\d+\.webm)$"
)


class Problem(StrEnum):
    ALTERED = "altered"  # a segment's bytes differ from its digest
    MISSING = "missing"  # a listed segment's file is gone
    INSERTED = "inserted"  # a segment file the manifest does not list
    REORDERED = "reordered"  # a segment holds another listed segment's bytes
    MANIFEST_EDITED = "manifest_edited"  # a line edited, inserted, deleted or moved
    SIGNATURE = "signature"  # no valid signature by the trusted key over the manifest
    INCOMPLETE = "incomplete"  # the last signature is not a final seal
    METADATA_EDITED = "metadata_edited"  # recording.json says other than the signature
    TIMELINE_EDITED = "timeline_edited"  # timeline.jsonl is not what was signed
    FOREIGN = "foreign"  # a recording of another hearing
    # The hearing's signed index (recordings/hearing_index.py):
    NOT_INDEXED = "not_indexed"  # a recording the hearing's index does not list
    ROLLED_BACK = "rolled_back"  # a recording shorter than the index says it was sealed
    INDEX = "index"  # the index itself is missing, unsigned or altered


class State(StrEnum):
    SEALED = "sealed"  # the final seal holds: complete
    INCOMPLETE = "incomplete"  # signed, but not finished (or cut back to a prefix)
    LEGACY = "legacy"  # signed before final seals existed: "signed, no final seal"
    UNSIGNED = "unsigned"  # no signature that holds


@dataclass(frozen=True, slots=True)
class Finding:
    problem: Problem
    subject: str  # "segment 3 (segment-000003.ogg)", "manifest line 2", "manifest"
    detail: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.problem.value}: {self.detail}"


@dataclass(frozen=True, slots=True)
class SegmentCheck:
    seq: int
    file: str
    start_ms: int
    end_ms: int
    sealed: str
    ok: bool


@dataclass
class VerificationReport:
    recording_id: str
    segments: list[SegmentCheck] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    state: State = State.UNSIGNED
    statement: statements.Statement | None = None  # the signature that holds, if any

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def verdict(self) -> str:
        if self.findings:
            if {f.problem for f in self.findings} == {Problem.INCOMPLETE}:
                return "INCOMPLETE"
            return "PROBLEMS FOUND"
        if self.state is State.LEGACY:
            return "OK (signed, no final seal: recorded before final seals existed)"
        return "OK"

    def lines(self) -> list[str]:
        """The report as printed: one line per segment, then every finding."""
        out = [f"recording {self.recording_id}: {self.verdict}"]
        for s in self.segments:
            flag = " (recovered after a crash)" if s.sealed == "recovered" else ""
            out.append(
                f"  segment {s.seq:>4} {s.file} {s.start_ms / 1000:9.3f}-{s.end_ms / 1000:9.3f} s "
                f"{'ok' if s.ok else 'FAILED'}{flag}"
            )
        out.extend(f"  ! {finding}" for finding in self.findings)
        return out


def trusted_list(trusted: TrustedKeys) -> list[Ed25519PublicKey] | None:
    if trusted is None or isinstance(trusted, Ed25519PublicKey):
        return None if trusted is None else [trusted]
    return list(trusted)


def verify_recording(
    directory: Path,
    recording_id: str,
    trusted_key: TrustedKeys,
    *,
    hearing_id: str | None = None,
) -> VerificationReport:
    """Check ``directory``'s segments, manifest, signed statement, metadata and timeline.
    ``trusted_key``: the court's public key or keys (None accepts the key named in the
    signature file, which proves integrity, not origin). ``hearing_id``: the hearing the
    recording must belong to."""
    report = VerificationReport(recording_id)
    entries = _read_chain(directory / MANIFEST_FILE, report)
    statement = _check_signature(
        directory / SIGNATURE_FILE, recording_id, entries, trusted_list(trusted_key), report
    )
    if statement is not None:
        _check_statement(directory, statement, hearing_id, report)
    _check_segments(directory, entries, report)
    return report


def _read_chain(path: Path, report: VerificationReport) -> list[SegmentEntry]:
    entries: list[SegmentEntry] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        report.findings.append(Finding(Problem.MANIFEST_EDITED, "manifest", f"unreadable: {exc}"))
        return entries
    previous = GENESIS
    for number, line in enumerate(lines, start=1):
        subject = f"manifest line {number}"
        try:
            entry = SegmentEntry(**json.loads(line))
        except (ValueError, TypeError) as exc:
            report.findings.append(
                Finding(Problem.MANIFEST_EDITED, subject, f"not a manifest line ({exc})")
            )
            previous = ""
            continue
        if line_digest(entry.fields()) != entry.digest:
            report.findings.append(
                Finding(Problem.MANIFEST_EDITED, subject, "its fields do not match its digest")
            )
        elif entry.previous != previous:
            report.findings.append(
                Finding(
                    Problem.MANIFEST_EDITED,
                    subject,
                    "does not follow the line before it (a line inserted, deleted or moved)",
                )
            )
        if entry.seq != number:
            report.findings.append(
                Finding(Problem.MANIFEST_EDITED, subject, f"carries segment number {entry.seq}")
            )
        previous = entry.digest
        entries.append(entry)
    return entries


def _check_signature(
    path: Path,
    recording_id: str,
    entries: list[SegmentEntry],
    trusted: list[Ed25519PublicKey] | None,
    report: VerificationReport,
) -> statements.Statement | None:
    def refuse(detail: str) -> None:
        report.findings.append(Finding(Problem.SIGNATURE, "manifest", detail))

    try:
        statement = statements.read(path)
    except (OSError, statements.BadStatement) as exc:
        refuse(f"no readable signature ({exc})")
        return None
    wrong = statements.check(statement, trusted)
    if wrong is not None:
        refuse(wrong)
        return None
    if statement.recording_id != recording_id:
        refuse(f"it is the signature of recording {statement.recording_id}")
        return None
    head = entries[-1].digest if entries else GENESIS
    if statement.lines != len(entries) or statement.head != head:
        refuse(
            f"the signature covers {statement.lines} lines, not these {len(entries)} "
            "(lines added, removed or edited after signing)"
        )
        return None
    report.statement = statement
    report.state = {
        statements.SEAL: State.SEALED,
        statements.PROGRESS: State.INCOMPLETE,
        statements.LEGACY: State.LEGACY,
    }[statement.kind]
    return statement


def _check_statement(
    directory: Path,
    statement: statements.Statement,
    hearing_id: str | None,
    report: VerificationReport,
) -> None:
    """What the signature says against the unsigned files beside it."""
    if statement.kind == statements.LEGACY:
        return  # a version 1 signature says nothing of metadata or timeline
    if statement.kind == statements.PROGRESS:
        report.findings.append(
            Finding(
                Problem.INCOMPLETE,
                "manifest",
                "its last signature is not a final seal: the recording is still running, "
                "was cut by a crash and not yet recovered, or was cut back to an earlier "
                "signature",
            )
        )
    if hearing_id is not None and statement.hearing_id != hearing_id:
        report.findings.append(
            Finding(
                Problem.FOREIGN,
                "recording",
                f"it was signed as a recording of hearing {statement.hearing_id}",
            )
        )
    try:
        metadata = read_metadata(directory)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        report.findings.append(
            Finding(Problem.METADATA_EDITED, "recording.json", f"unreadable ({exc})")
        )
    else:
        said = {
            "hearing_id": metadata.hearing_id,
            "started_at": metadata.started_at,
        }
        signed: dict[str, object] = {
            "hearing_id": statement.hearing_id,
            "started_at": statement.started_at,
        }
        if statement.final:
            said |= {"stopped_at": metadata.stopped_at, "recovered": metadata.recovered}
            signed |= {"stopped_at": statement.stopped_at, "recovered": statement.recovered}
        for name, value in said.items():
            if value != signed[name]:
                report.findings.append(
                    Finding(
                        Problem.METADATA_EDITED,
                        "recording.json",
                        f"{name} is {value!r}; the signature says {signed[name]!r}",
                    )
                )
    wrong = check_covered(
        directory, statement.timeline_lines, statement.timeline_sha256, whole=statement.final
    )
    if wrong is not None:
        report.findings.append(Finding(Problem.TIMELINE_EDITED, "timeline.jsonl", wrong))


def _check_segments(
    directory: Path, entries: list[SegmentEntry], report: VerificationReport
) -> None:
    listed = {e.file for e in entries}
    by_digest = {e.sha256: e for e in entries}
    for entry in entries:
        if SEGMENT_FILE.match(entry.file):
            subject = f"segment {entry.seq} ({entry.file})"
        elif RECORDED_FILE.match(entry.file):
            subject = f"track {entry.file} (manifest line {entry.seq})"
        else:  # a document chained in: the speaker timeline, the signed protocol
            subject = f"{entry.file} (manifest line {entry.seq})"
        path = directory / Path(entry.file).name  # never a path out of the directory
        ok = False
        if not path.is_file():
            report.findings.append(Finding(Problem.MISSING, subject, "the file is gone"))
        else:
            digest, size = file_digest(path)
            other = by_digest.get(digest)
            if digest == entry.sha256 and size == entry.bytes:
                ok = True
            elif other is not None and other is not entry:
                report.findings.append(
                    Finding(Problem.REORDERED, subject, f"holds the bytes of segment {other.seq}")
                )
            else:
                report.findings.append(
                    Finding(
                        Problem.ALTERED,
                        subject,
                        f"SHA-256 {digest[:16]}…, {size} bytes; the manifest says "
                        f"{entry.sha256[:16]}…, {entry.bytes} bytes",
                    )
                )
        report.segments.append(
            SegmentCheck(entry.seq, entry.file, entry.start_ms, entry.end_ms, entry.sealed, ok)
        )
    for path in sorted(directory.iterdir()):
        if RECORDED_FILE.match(path.name) and path.name not in listed:
            report.findings.append(
                Finding(
                    Problem.INSERTED, f"file {path.name}", "a segment the manifest does not list"
                )
            )


def _against_index(
    statement: statements.Statement | None, lines: int, head: str, subject: str
) -> Finding | None:
    """A recording's own last signature against the seal its hearing's index lists."""
    if statement is None or (statement.lines, statement.head) == (lines, head):
        return None
    if statement.lines < lines:
        return Finding(
            Problem.ROLLED_BACK,
            subject,
            f"it holds {statement.lines} manifest lines; it was sealed with "
            f"{lines}: cut back to an earlier signature",
        )
    return Finding(
        Problem.INDEX,
        subject,
        f"its seal ({statement.lines} lines) is not the one the index lists ({lines} lines)",
    )


def check_hearing_index(
    data: bytes | None,
    hearing_id: str,
    reports: Sequence[VerificationReport],
    trusted_key: TrustedKeys,
) -> list[Finding]:
    """The hearing's signed index (``hearing-index.json``, None if absent) against the
    recordings found: one missing, one the index does not list, one cut back to an earlier
    seal of its own. Findings about one recording are also added to its report."""
    findings: list[Finding] = []
    signed_v2 = [
        r for r in reports if r.statement is not None and r.statement.kind != statements.LEGACY
    ]
    if data is None:
        if any(r.state is State.SEALED for r in signed_v2):
            findings.append(
                Finding(Problem.INDEX, "hearing index", "missing: the signed list is gone")
            )
        return findings
    try:
        index = hearing_index.parse(data, trusted_list(trusted_key))
    except hearing_index.BadIndex as exc:
        return [Finding(Problem.INDEX, "hearing index", str(exc))]
    if index.hearing_id != hearing_id:
        findings.append(
            Finding(Problem.INDEX, "hearing index", f"it is the index of {index.hearing_id}")
        )
    present = {r.recording_id: r for r in reports}
    for listed in index.recordings:
        report = present.get(listed.recording_id)
        subject = f"recording {listed.recording_id}"
        if report is None:
            findings.append(
                Finding(Problem.MISSING, subject, "the hearing's index lists it; it is gone")
            )
            continue
        found = _against_index(report.statement, listed.lines, listed.head, subject)
        if found is not None:
            findings.append(found)
            report.findings.append(found)
    for report in signed_v2:
        if report.state is State.SEALED and index.of(report.recording_id) is None:
            found = Finding(
                Problem.NOT_INDEXED,
                f"recording {report.recording_id}",
                "the hearing's signed index does not list it (added, or from another hearing)",
            )
            findings.append(found)
            report.findings.append(found)
    return findings


def verify_hearing(
    hearing_dir: Path, hearing_id: str, trusted_key: TrustedKeys
) -> list[VerificationReport]:
    """Every recording found under ``hearing_dir``, then the set of them against the
    hearing's signed index; findings about the hearing as a whole come last, in a report of
    their own named "hearing index". Blocking; read-only."""
    directories = sorted(
        p
        for p in hearing_dir.iterdir()
        if p.is_dir()
        and any((p / name).exists() for name in (MANIFEST_FILE, SIGNATURE_FILE, "recording.json"))
    )
    reports = [verify_recording(d, d.name, trusted_key, hearing_id=hearing_id) for d in directories]
    try:
        data: bytes | None = (hearing_dir / hearing_index.INDEX_FILE).read_bytes()
    except FileNotFoundError:
        data = None
    findings = check_hearing_index(data, hearing_id, reports, trusted_key)
    if data is None and not reports:
        # Nothing left to check is not a record that checks out: the archive's database and
        # the audit log say which recordings there were.
        findings.append(
            Finding(Problem.MISSING, "hearing", "no recordings and no index: the record is gone")
        )
    own = [f for f in findings if not any(f in r.findings for r in reports)]
    if own:
        reports.append(VerificationReport("hearing index", findings=own))
    return reports
