"""Verifying a recording: every segment against the manifest, the manifest against itself
and its signature. Every problem found is named (which segment, which line, what is wrong).

Read-only: verification never changes a file, so an archivist may run it on originals.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from recordings.manifest import (
    GENESIS,
    MANIFEST_FILE,
    SIGNATURE_FILE,
    SegmentEntry,
    file_digest,
    line_digest,
    signed_message,
)

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

    @property
    def ok(self) -> bool:
        return not self.findings

    def lines(self) -> list[str]:
        """The report as printed: one line per segment, then every finding."""
        out = [f"recording {self.recording_id}: {'OK' if self.ok else 'PROBLEMS FOUND'}"]
        for s in self.segments:
            flag = " (recovered after a crash)" if s.sealed == "recovered" else ""
            out.append(
                f"  segment {s.seq:>4} {s.file} {s.start_ms / 1000:9.3f}-{s.end_ms / 1000:9.3f} s "
                f"{'ok' if s.ok else 'FAILED'}{flag}"
            )
        out.extend(f"  ! {finding}" for finding in self.findings)
        return out


def verify_recording(
    directory: Path, recording_id: str, trusted_key: Ed25519PublicKey | None
) -> VerificationReport:
    """Check ``directory``'s segments and manifest. ``trusted_key``: the court's public key
    (None accepts the key named in the signature file, which proves integrity, not origin)."""
    report = VerificationReport(recording_id)
    entries = _read_chain(directory / MANIFEST_FILE, report)
    _check_signature(directory / SIGNATURE_FILE, recording_id, entries, trusted_key, report)
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
    trusted_key: Ed25519PublicKey | None,
    report: VerificationReport,
) -> None:
    def refuse(detail: str) -> None:
        report.findings.append(Finding(Problem.SIGNATURE, "manifest", detail))

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        signature = bytes.fromhex(document["signature"])
        named_key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(document["public_key"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        refuse(f"no readable signature ({exc})")
        return
    key = trusted_key if trusted_key is not None else named_key
    if trusted_key is not None and named_key.public_bytes_raw() != trusted_key.public_bytes_raw():
        refuse("signed by a key other than the court's")
        return
    head = entries[-1].digest if entries else GENESIS
    try:
        key.verify(signature, signed_message(recording_id, len(entries), head))
    except InvalidSignature:
        refuse(
            f"the signature does not cover these {len(entries)} lines "
            "(lines added, removed or edited after signing)"
        )


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
