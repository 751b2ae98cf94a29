#!/usr/bin/env python3
"""Verify an exported hearing record with Python's standard library and OpenSSL alone.

This file is copied into every export bundle as ``verify.py``. Whoever receives a bundle (a
court, an appeal lawyer, an expert) runs it without courtroom installed, so it imports
nothing outside the standard library and runs on an older ``python3`` too (3.8 or later: no
syntax or library call newer than that). The Ed25519 signatures are checked by the
``openssl`` command, because the standard library has no Ed25519; without openssl the
record is reported as unverified, never as verified.

Usage, in the bundle's folder::

    python3 verify.py --trusted-key FINGERPRINT [--trusted-key ...] [BUNDLE-FOLDER]
    python3 verify.py --public-key COURT-KEY.pem [BUNDLE-FOLDER]

The fingerprint is the one the court publishes (``courtroom archive public-key``): a bundle
carries its own keys, and anyone who can change the bundle can change those, so only a key
the reader trusts proves where the record comes from. Without one the report ends
"UNVERIFIED: no trusted key given", never "VERIFIED".

For every recording under ``recordings/`` it checks each manifest line's digest and its
link to the line before it, each listed file's size and SHA-256, files present but not
listed, and that ``manifest.sig`` is a valid signature by a trusted key over a statement
that covers exactly this manifest, ``recording.json`` and ``timeline.jsonl``, and is the
recording's final seal (otherwise: INCOMPLETE); then the hearing's signed index
(``hearing-index.json``): no recording missing, added or cut back to an earlier seal; and
every file against ``SHA256SUMS``. It prints a line per file and exits 0 only if everything
verifies (1: problems found, each named, or the record is incomplete; 2: something could
not be checked).

The manifest rules mirror recordings/manifest.py (``canonical``, ``line_digest``,
``signed_message``); the tests hold the two to the same results.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

BUNDLE_FORMAT = 1
KEY_FILE = "public-key.pem"
SUMS_FILE = "SHA256SUMS"
RECORDINGS_DIR = "recordings"
SIGNATURES_DIR = "signatures"
MANIFEST_FILE = "manifest.jsonl"
SIGNATURE_FILE = "manifest.sig"
TIMELINE_FILE = "timeline.jsonl"
METADATA_FILE = "recording.json"
INDEX_FILE = "hearing-index.json"
HEARING_FILE = "hearing.json"
# The files of a recording's folder that its manifest does not list: the manifest cannot
# list itself or its signature; the timeline and the metadata are covered by the signed
# statement instead (they are written after the segments).
UNLISTED_FILES = (MANIFEST_FILE, SIGNATURE_FILE, TIMELINE_FILE, METADATA_FILE)
GENESIS = "0" * 64
SIGNATURE_CONTEXT = "courtroom-manifest-v1"  # recordings signed before final seals
STATEMENT_CONTEXT = "courtroom-record-v2"
INDEX_CONTEXT = "courtroom-hearing-index-v1"
LINE_FIELDS = (
    "bytes",
    "digest",
    "end_ms",
    "file",
    "previous",
    "sealed",
    "seq",
    "sha256",
    "start_ms",
)
# An Ed25519 SubjectPublicKeyInfo (RFC 8410) is this DER prefix followed by the 32-byte key.
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
# What file browsers leave in the folders they show: noted, not counted as tampering.
SYSTEM_FILES = (".DS_Store", "Thumbs.db", "desktop.ini")
SUMS_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")
BLOCK = 1 << 20

EXIT_VERIFIED = 0
EXIT_PROBLEMS = 1
EXIT_UNVERIFIED = 2


# ---- the manifest's rules (as recordings/manifest.py) -----------------------------------


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def line_digest(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def signed_message(recording_id: str, lines: int, head: str) -> bytes:
    """What a version 1 signature covers (a recording made before final seals)."""
    return f"{SIGNATURE_CONTEXT}\n{recording_id}\n{lines}\n{head}".encode()


def statement_message(document: dict[str, Any], context: str = STATEMENT_CONTEXT) -> bytes:
    """What a version 2 statement's (or the hearing index's) signature covers: every field
    of the document but the signature, as canonical JSON, after its context line."""
    signed = {k: v for k, v in document.items() if k != "signature"}
    return context.encode() + b"\n" + canonical(signed)


def message_of(document: dict[str, Any], recording_id: str, manifest: Manifest) -> bytes:
    if "format" in document:
        return statement_message(document)
    return signed_message(recording_id, manifest.count, manifest.head)


def timeline_check(data: bytes, lines: int, sha256: str, whole: bool) -> str:
    """Why the timeline is not what a statement covered ('' if it is): its first ``lines``
    lines must hash to ``sha256``; after a final seal nothing may follow them."""
    cut = 0
    for _ in range(lines):
        end = data.find(b"\n", cut)
        if end < 0:
            return f"it has fewer than the {lines} lines that were signed (lines deleted)"
        cut = end + 1
    if hashlib.sha256(data[:cut]).hexdigest() != sha256:
        return f"its first {lines} lines are not the ones that were signed (edited)"
    if whole and data[cut:]:
        return "it has lines after the final seal (added)"
    return ""


class Manifest:
    """A manifest as read: its well-formed lines, and what is wrong with the others.

    ``count`` and ``head`` are what its signature must cover: the number of readable lines
    and the digest of the last one, counted as the recorder's own verification counts them.
    """

    def __init__(self) -> None:
        self.entries: list[tuple[int, dict[str, Any]]] = []  # (line number, fields)
        self.problems: list[tuple[int, str]] = []  # (line number, what is wrong)

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def head(self) -> str:
        return str(self.entries[-1][1]["digest"]) if self.entries else GENESIS


def read_manifest(text: str) -> Manifest:
    """Check every line's digest, its number and its link to the line before it."""
    manifest = Manifest()
    previous = GENESIS
    for number, line in enumerate(text.splitlines(), start=1):
        entry, wrong = _parse_line(line)
        if entry is None:
            manifest.problems.append((number, f"not a manifest line ({wrong})"))
            previous = ""  # the line after an unreadable one cannot be shown to follow it
            continue
        fields = {k: v for k, v in entry.items() if k != "digest"}
        if line_digest(fields) != entry["digest"]:
            manifest.problems.append(
                (number, "its fields do not match its digest (the line was edited)")
            )
        elif entry["previous"] != previous:
            manifest.problems.append(
                (number, "does not follow the line before it (a line inserted, deleted or moved)")
            )
        if entry["seq"] != number:
            manifest.problems.append((number, f"carries number {entry['seq']}"))
        previous = entry["digest"]
        manifest.entries.append((number, entry))
    return manifest


def _parse_line(line: str) -> tuple[dict[str, Any] | None, str]:
    try:
        entry = json.loads(line)
    except ValueError as exc:
        return None, f"invalid JSON: {exc}"
    if not isinstance(entry, dict):
        return None, "not a JSON object"
    if tuple(sorted(entry)) != LINE_FIELDS:
        return None, f"fields {', '.join(sorted(entry))}; expected {', '.join(LINE_FIELDS)}"
    for name in ("seq", "start_ms", "end_ms", "bytes"):
        if not isinstance(entry[name], int) or isinstance(entry[name], bool):
            return None, f"{name} is not a whole number"
    for name in ("file", "sha256", "sealed", "previous", "digest"):
        if not isinstance(entry[name], str):
            return None, f"{name} is not text"
    return entry, ""


# ---- files and keys ----------------------------------------------------------------


class Digests:
    """SHA-256 and size of files, each file read once: a bundle's media can be gigabytes,
    and SHA256SUMS and the manifests name the same files."""

    def __init__(self) -> None:
        self._known: dict[Path, tuple[str, int]] = {}

    def of(self, path: Path) -> tuple[str, int]:
        if path not in self._known:
            digest = hashlib.sha256()
            size = 0
            with path.open("rb") as f:
                block = f.read(BLOCK)
                while block:
                    digest.update(block)
                    size += len(block)
                    block = f.read(BLOCK)
            self._known[path] = (digest.hexdigest(), size)
        return self._known[path]


def public_key_from_pem(data: bytes) -> bytes:
    """The raw 32-byte key of an Ed25519 PEM public key; ValueError if it is not one."""
    text = data.decode("ascii", errors="replace")
    match = re.search(r"-----BEGIN PUBLIC KEY-----(.*?)-----END PUBLIC KEY-----", text, re.S)
    if match is None:
        raise ValueError("it holds no PEM public key (BEGIN PUBLIC KEY)")
    try:
        der = base64.b64decode("".join(match.group(1).split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"its PEM body is not base64 ({exc})") from None
    if len(der) != len(ED25519_SPKI_PREFIX) + 32 or not der.startswith(ED25519_SPKI_PREFIX):
        raise ValueError("it is not an Ed25519 public key")
    return der[len(ED25519_SPKI_PREFIX) :]


def key_fingerprint(raw_key: bytes) -> str:
    """SHA-256 of the key's DER form: what ``openssl pkey -pubin -outform DER | sha256sum``
    prints, so that a reader can compare it with the fingerprint the court publishes."""
    return hashlib.sha256(ED25519_SPKI_PREFIX + raw_key).hexdigest()


def pem_of(raw_key: bytes) -> bytes:
    body = base64.b64encode(ED25519_SPKI_PREFIX + raw_key).decode("ascii")
    return f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n".encode()


def normalised_fingerprint(text: str) -> str:
    cleaned = "".join(ch for ch in text if ch not in ": \t").lower()
    if len(cleaned) != 64 or any(ch not in "0123456789abcdef" for ch in cleaned):
        raise ValueError(f"not a key fingerprint (64 hex digits): {text!r}")
    return cleaned


def files_under(folder: Path) -> list[str]:
    """Every file below ``folder``, as sorted '/'-separated relative paths."""
    found: list[str] = []
    for root, _, files in os.walk(str(folder)):
        relative = Path(root).relative_to(folder)
        found.extend((relative / name).as_posix() for name in files)
    return sorted(found)


def is_system_file(relative: str) -> bool:
    parts = relative.split("/")
    return parts[-1] in SYSTEM_FILES or "__pycache__" in parts


def utc(seconds: object) -> str:
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        return "unknown"
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))


# ---- the report ---------------------------------------------------------------------


class Report:
    """What is printed, and the problems and unchecked parts that decide the exit code."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self.problems: list[str] = []
        self.unchecked: list[str] = []
        self.incomplete: list[str] = []

    def say(self, text: str = "") -> None:
        self._out.write(text + "\n")

    def ok(self, subject: str, detail: str = "") -> None:
        self.say(f"  ok         {subject}" + (f"  {detail}" if detail else ""))

    def note(self, subject: str, detail: str) -> None:
        self.say(f"  note       {subject}: {detail}")

    def problem(self, subject: str, detail: str) -> None:
        self.problems.append(f"{subject}: {detail}")
        self.say(f"  FAILED     {subject}: {detail}")

    def not_checked(self, subject: str, detail: str) -> None:
        self.unchecked.append(f"{subject}: {detail}")
        self.say(f"  UNCHECKED  {subject}: {detail}")

    def not_final(self, subject: str, detail: str) -> None:
        self.incomplete.append(f"{subject}: {detail}")
        self.say(f"  INCOMPLETE {subject}: {detail}")


class Trust:
    """The keys the reader trusts, by fingerprint; the record's own keys prove nothing."""

    def __init__(self, fingerprints: list[str]) -> None:
        self.fingerprints = set(fingerprints)

    def why_not(self, raw_key: bytes) -> str:
        """'' if the key is trusted, else why not."""
        if not self.fingerprints:
            return "no trusted key given"
        if key_fingerprint(raw_key) not in self.fingerprints:
            return f"signed by key {key_fingerprint(raw_key)}, not one you trust"
        return ""


# ---- the checks ---------------------------------------------------------------------


class OpenSSL:
    """The ``openssl`` command, which checks the Ed25519 signatures."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.version = ""
        if path is not None:
            try:
                done = subprocess.run([path, "version"], capture_output=True, text=True, timeout=30)
                self.version = done.stdout.strip()
            except (OSError, subprocess.SubprocessError):
                self.version = "its version could not be read"

    def verify(self, raw_key: bytes, message: bytes, signature: bytes) -> tuple[bool | None, str]:
        """True: verified; False: the signature does not verify; None: openssl could not
        check it (too old, broken), with what it said."""
        assert self.path is not None
        with tempfile.TemporaryDirectory(prefix="courtroom-verify-") as scratch:
            key_file = os.path.join(scratch, "key.pem")
            with open(key_file, "wb") as f:
                f.write(pem_of(raw_key))
            message_file = os.path.join(scratch, "message")
            signature_file = os.path.join(scratch, "signature")
            with open(message_file, "wb") as f:
                f.write(message)
            with open(signature_file, "wb") as f:
                f.write(signature)
            command = [self.path, "pkeyutl", "-verify", "-pubin", "-inkey", key_file]
            command += ["-rawin", "-in", message_file, "-sigfile", signature_file]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=60)
            except (OSError, subprocess.SubprocessError) as exc:
                return None, str(exc)
        said = (done.stdout + "\n" + done.stderr).strip()
        if done.returncode == 0 and "Signature Verified Successfully" in done.stdout:
            return True, ""
        if "Signature Verification Failure" in said:
            return False, ""
        return None, said.splitlines()[0] if said else f"exit status {done.returncode}"


def check_sums(bundle: Path, digests: Digests, report: Report) -> None:
    """Every file against SHA256SUMS, and every file of the bundle listed there."""
    report.say(f"Bundle files ({SUMS_FILE}):")
    try:
        text = (bundle / SUMS_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report.problem(SUMS_FILE, f"unreadable ({exc})")
        return
    listed = set()
    recording_files = 0
    for number, line in enumerate(text.splitlines(), start=1):
        name, shown_below = _check_sums_line(bundle, number, line, digests, report)
        if name is not None:
            listed.add(name)
        recording_files += shown_below
    if recording_files:
        report.ok(f"{recording_files} files under {RECORDINGS_DIR}/", "(each shown below)")
    _check_unlisted(bundle, listed, report)


def _check_sums_line(
    bundle: Path, number: int, line: str, digests: Digests, report: Report
) -> tuple[str | None, bool]:
    """One line of SHA256SUMS: the file it lists (None if it lists none), and whether it is a
    recording's file that matches, which is shown below beside its manifest line."""
    match = SUMS_LINE.match(line)
    if match is None:
        report.problem(f"{SUMS_FILE} line {number}", "not a checksum line")
        return None, False
    expected, name = match.groups()
    parts = name.split("/")
    if "\\" in name or any(part in ("", ".", "..") for part in parts):
        report.problem(f"{SUMS_FILE} line {number}", "names a path outside the bundle")
        return None, False
    path = bundle.joinpath(*parts)
    if not path.is_file():
        report.problem(name, f"missing (listed in {SUMS_FILE})")
        return name, False
    digest, _ = digests.of(path)
    if digest != expected:
        report.problem(name, f"changed since export: SHA-256 {digest}, {SUMS_FILE} says {expected}")
        return name, False
    if parts[0] == RECORDINGS_DIR:
        return name, True
    report.ok(name)
    return name, False


def _check_unlisted(bundle: Path, listed: set[str], report: Report) -> None:
    for name in files_under(bundle):
        if name == SUMS_FILE or name in listed:
            continue
        if is_system_file(name):
            report.note(name, "ignored: made by a file browser, not part of the bundle")
        else:
            report.problem(name, f"not listed in {SUMS_FILE} (added after export)")


def check_recording(
    bundle: Path,
    recording_id: str,
    hearing_id: object,
    trust: Trust,
    openssl: OpenSSL,
    digests: Digests,
    report: Report,
) -> dict[str, Any] | None:
    """Check one recording; returns its signed statement if the signature holds."""
    folder = bundle / RECORDINGS_DIR / recording_id
    where = f"{RECORDINGS_DIR}/{recording_id}"
    report.say()
    report.say(f"Recording {recording_id}:")
    metadata = _check_metadata(folder, where, recording_id, report)
    try:
        manifest = read_manifest((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        report.problem(f"{where}/{MANIFEST_FILE}", f"unreadable ({exc})")
        manifest = Manifest()
    for number, wrong in manifest.problems:
        report.problem(f"{where}/{MANIFEST_FILE} line {number}", wrong)
    if not manifest.problems:
        report.ok(
            f"{where}/{MANIFEST_FILE}", f"{manifest.count} lines, each linked to the one before"
        )
    statement = _check_signature(bundle, recording_id, manifest, trust, openssl, report)
    if statement is not None:
        _check_statement(folder, where, statement, metadata, hearing_id, report)
    listed = _check_listed_files(folder, where, manifest, digests, report)
    for name in files_under(folder):
        if name in UNLISTED_FILES or name in listed:
            continue
        if is_system_file(name):
            report.note(f"{where}/{name}", "ignored: made by a file browser")
        else:
            report.problem(f"{where}/{name}", "not listed in the manifest (an inserted file)")
    return statement


def _check_metadata(
    folder: Path, where: str, recording_id: str, report: Report
) -> dict[str, Any] | None:
    subject = f"{where}/{METADATA_FILE}"
    try:
        metadata = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
        named = metadata["recording_id"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        report.problem(subject, f"missing or unreadable ({exc})")
        return None
    if named != recording_id:
        report.problem(subject, f"describes recording {named!r}, not {recording_id!r}")
        return None
    started, stopped = metadata.get("started_at"), metadata.get("stopped_at")
    report.ok(subject, f"started {utc(started)}, stopped {utc(stopped)}")
    if stopped is None:
        report.note(subject, "the recording had not been stopped when it was exported")
    if metadata.get("recovered"):
        report.note(subject, "sealed after a crash: its last segment ends where the crash cut it")
    return metadata if isinstance(metadata, dict) else None


def _check_statement(
    folder: Path,
    where: str,
    statement: dict[str, Any],
    metadata: dict[str, Any] | None,
    hearing_id: object,
    report: Report,
) -> None:
    """What the signed statement says against recording.json, the timeline and the
    hearing; and whether it is the final seal."""
    subject = f"{where}/{SIGNATURE_FILE}"
    if "format" not in statement:
        report.note(
            subject,
            "signed, no final seal: recorded before final seals existed, so "
            f"{METADATA_FILE} and {TIMELINE_FILE} are not covered by the signature",
        )
        return
    final = statement.get("kind") == "seal"
    if final:
        report.ok(subject, f"the final seal: stopped {utc(statement.get('stopped_at'))}")
    else:
        report.not_final(
            subject,
            "its signature is not a final seal: the recording was still running when this "
            "was exported, or it was cut back to an earlier signature",
        )
    if hearing_id is not None and statement.get("hearing_id") != hearing_id:
        report.problem(
            subject, f"it is a recording of hearing {statement.get('hearing_id')!r}, not this one"
        )
    if metadata is not None:
        names = ["hearing_id", "started_at"] + (["stopped_at", "recovered"] if final else [])
        for name in names:
            if metadata.get(name) != statement.get(name):
                report.problem(
                    f"{where}/{METADATA_FILE}",
                    f"{name} is {metadata.get(name)!r}; the signature says "
                    f"{statement.get(name)!r} (edited)",
                )
    try:
        data = (folder / TIMELINE_FILE).read_bytes()
    except FileNotFoundError:
        data = b""
    except OSError as exc:
        report.problem(f"{where}/{TIMELINE_FILE}", f"unreadable ({exc})")
        return
    wrong = timeline_check(
        data, int(statement.get("timeline_lines", 0)), str(statement.get("timeline_sha256")), final
    )
    if wrong:
        report.problem(f"{where}/{TIMELINE_FILE}", wrong)
    else:
        report.ok(f"{where}/{TIMELINE_FILE}", f"{statement.get('timeline_lines')} lines, as signed")


def _check_signature(
    bundle: Path,
    recording_id: str,
    manifest: Manifest,
    trust: Trust,
    openssl: OpenSSL,
    report: Report,
) -> dict[str, Any] | None:
    subject = f"{RECORDINGS_DIR}/{recording_id}/{SIGNATURE_FILE}"
    try:
        path = bundle / RECORDINGS_DIR / recording_id / SIGNATURE_FILE
        document = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            raise ValueError("not a JSON object")
        signature = bytes.fromhex(str(document["signature"]))
        raw_key = bytes.fromhex(str(document["public_key"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        report.problem(subject, f"no readable signature: the manifest is not signed ({exc})")
        return None
    wrong = _wrong_claims(document, recording_id, manifest, raw_key, signature)
    message = message_of(document, recording_id, manifest)
    _check_signature_files(bundle, recording_id, message, signature, report)
    for detail in wrong:
        report.problem(subject, detail)
    if wrong:
        return None
    return (
        document
        if _signature_holds(subject, raw_key, message, signature, trust, openssl, report)
        else None
    )


def _wrong_claims(
    document: dict[str, Any],
    recording_id: str,
    manifest: Manifest,
    raw_key: bytes,
    signature: bytes,
) -> list[str]:
    """What the signature document claims that does not fit, checked before the signature:
    a mismatch names its cause, where openssl could only say that the signature fails."""
    wrong = []
    if document.get("algorithm") != "Ed25519":
        wrong.append(f"its algorithm is {document.get('algorithm')!r}, not Ed25519")
    if document.get("recording_id") != recording_id:
        wrong.append(f"it is for recording {document.get('recording_id')!r}, not {recording_id!r}")
    if document.get("lines") != manifest.count or document.get("head") != manifest.head:
        wrong.append(
            f"it covers {document.get('lines')} lines ending in digest {document.get('head')}, "
            f"but the manifest has {manifest.count} lines ending in {manifest.head} "
            "(lines added, removed or edited after signing)"
        )
    if len(raw_key) != 32:
        wrong.append("its public key is not an Ed25519 key")
    elif "format" in document and document.get("key") != key_fingerprint(raw_key):
        wrong.append("the fingerprint it names is not that of its key")
    if len(signature) != 64:
        wrong.append(f"its signature is {len(signature)} bytes; an Ed25519 signature is 64")
    return wrong


def _signature_holds(
    subject: str,
    raw_key: bytes,
    message: bytes,
    signature: bytes,
    trust: Trust,
    openssl: OpenSSL,
    report: Report,
) -> bool:
    untrusted = trust.why_not(raw_key)
    if untrusted == "no trusted key given":
        report.not_checked(subject, "no trusted key given (--trusted-key FINGERPRINT)")
        return False
    if untrusted:
        report.problem(subject, untrusted)
        return False
    if openssl.path is None:
        report.not_checked(subject, "openssl is not installed, so the signature was not checked")
        return False
    verified, said = openssl.verify(raw_key, message, signature)
    if verified is None:
        report.not_checked(
            subject, f"openssl could not check it (OpenSSL 3.0 or later is needed): {said}"
        )
        return False
    if not verified:
        report.problem(
            subject, "the signature does not verify: what it covers was changed after signing"
        )
        return False
    report.ok(
        subject,
        f"Ed25519 signature verified by openssl (trusted key {key_fingerprint(raw_key)[:16]}…)",
    )
    return True


def check_index(
    bundle: Path,
    hearing_id: object,
    statements: dict[str, dict[str, Any] | None],
    trust: Trust,
    openssl: OpenSSL,
    report: Report,
) -> None:
    """The hearing's signed list of its recordings against the recordings in the bundle."""
    report.say()
    report.say("The hearing's index of recordings:")
    try:
        document = json.loads((bundle / INDEX_FILE).read_text(encoding="utf-8"))
        signature = bytes.fromhex(str(document["signature"]))
        raw_key = bytes.fromhex(str(document["public_key"]))
        listed = [(str(r["recording_id"]), r["lines"], r["head"]) for r in document["recordings"]]
    except FileNotFoundError:
        sealed = [s for s in statements.values() if s is not None and "format" in s]
        if sealed:
            report.problem(INDEX_FILE, "missing: the hearing's signed list of recordings is gone")
        else:
            report.note(INDEX_FILE, "none: every recording was made before hearing indexes")
        return
    except (OSError, ValueError, KeyError, TypeError) as exc:
        report.problem(INDEX_FILE, f"unreadable ({exc})")
        return
    message = statement_message(document, INDEX_CONTEXT)
    if not _signature_holds(INDEX_FILE, raw_key, message, signature, trust, openssl, report):
        return
    if hearing_id is not None and document.get("hearing_id") != hearing_id:
        report.problem(INDEX_FILE, f"it is the index of hearing {document.get('hearing_id')!r}")
    named = _check_indexed(listed, statements, report)
    for recording_id, statement in statements.items():
        if recording_id in named or statement is None or "format" not in statement:
            continue
        if statement.get("kind") == "seal":
            report.problem(
                f"{RECORDINGS_DIR}/{recording_id}",
                "not in the hearing's signed index (added, or from another hearing)",
            )


def _check_indexed(
    listed: list[tuple[str, Any, Any]],
    statements: dict[str, dict[str, Any] | None],
    report: Report,
) -> set[str]:
    """Each recording the index lists against the bundle's; returns the ids it names."""
    named = set()
    for recording_id, lines, head in listed:
        named.add(recording_id)
        subject = f"{RECORDINGS_DIR}/{recording_id}"
        if recording_id not in statements:
            report.problem(
                subject, "missing: the hearing's index lists it, the bundle does not hold it"
            )
            continue
        statement = statements[recording_id]
        if statement is None:
            continue  # already named: its own signature does not hold
        if (statement.get("lines"), statement.get("head")) == (lines, head):
            report.ok(subject, f"listed in the index, sealed with {lines} lines")
        elif isinstance(statement.get("lines"), int) and statement["lines"] < lines:
            report.problem(
                subject,
                f"it holds {statement['lines']} manifest lines; the index says it was sealed "
                f"with {lines}: cut back to an earlier signature",
            )
        else:
            report.problem(subject, "its seal is not the one the hearing's index lists")
    return named


def _check_signature_files(
    bundle: Path, recording_id: str, message: bytes, signature: bytes, report: Report
) -> None:
    """The README's openssl command reads signatures/<id>.message and .signature: they must
    be exactly what this script checks, or the manual check would prove something else."""
    for suffix, expected in ((".message", message), (".signature", signature)):
        path = bundle / SIGNATURES_DIR / (recording_id + suffix)
        if path.is_file() and path.read_bytes() != expected:
            report.problem(
                f"{SIGNATURES_DIR}/{recording_id}{suffix}",
                "differs from what the manifest and its signature give",
            )
        # A missing one is named by the SHA256SUMS check.


def _check_listed_files(
    folder: Path, where: str, manifest: Manifest, digests: Digests, report: Report
) -> set[str]:
    listed: dict[str, int] = {}
    by_digest = {entry["sha256"]: (number, entry) for number, entry in manifest.entries}
    for number, entry in manifest.entries:
        name = entry["file"]
        subject = f"{where}/{name}"
        line = f"(manifest line {number})"
        if "/" in name or "\\" in name or name in ("", ".", "..") or name in UNLISTED_FILES:
            report.problem(f"{where}/{MANIFEST_FILE} line {number}", f"lists {name!r}, not a file")
            continue
        if name in listed:
            report.problem(subject, f"listed twice, on manifest lines {listed[name]} and {number}")
            continue
        listed[name] = number
        path = folder / name
        if not path.is_file():
            report.problem(subject, f"missing: the file is gone {line}")
            continue
        digest, size = digests.of(path)
        if digest == entry["sha256"] and size == entry["bytes"]:
            span = f"{entry['start_ms'] / 1000:.3f}-{entry['end_ms'] / 1000:.3f} s"
            flag = ", recovered after a crash" if entry["sealed"] == "recovered" else ""
            report.ok(subject, f"line {number}, {span}, {size} bytes{flag}")
            continue
        other = by_digest.get(digest)
        if other is not None and other[0] != number:
            report.problem(
                subject,
                f"holds the bytes of {other[1]['file']} (manifest line {other[0]}): "
                f"files swapped or moved {line}",
            )
        else:
            report.problem(
                subject,
                f"altered: SHA-256 {digest}, {size} bytes; the manifest says "
                f"{entry['sha256']}, {entry['bytes']} bytes {line}",
            )
    return set(listed)


def recording_ids(bundle: Path) -> list[str]:
    """The recordings' folders, in record order (by their recorded start)."""
    folder = bundle / RECORDINGS_DIR
    if not folder.is_dir():
        return []

    def started(recording_id: str) -> tuple[float, str]:
        try:
            text = (folder / recording_id / METADATA_FILE).read_text(encoding="utf-8")
            return float(json.loads(text)["started_at"]), recording_id
        except (OSError, ValueError, KeyError, TypeError):
            return float("inf"), recording_id

    return sorted((p.name for p in folder.iterdir() if p.is_dir()), key=started)


def verify(bundle: Path, trusted: list[str], out: TextIO) -> int:
    """Check the bundle in ``bundle`` against the ``trusted`` key fingerprints, print the
    report to ``out``, return the exit code."""
    report = Report(out)
    report.say(f"Verifying the courtroom record in {bundle}")
    report.say()
    trust = Trust(trusted)
    if trusted:
        for fingerprint in sorted(trust.fingerprints):
            report.say(f"Trusted key: {fingerprint}")
    else:
        report.say("Trusted key: NONE GIVEN: the signatures cannot prove where the record")
        report.say("             comes from. Give the fingerprint the court publishes:")
        report.say("             python3 verify.py --trusted-key FINGERPRINT")
    try:
        key = public_key_from_pem((bundle / KEY_FILE).read_bytes())
        report.say(f"The bundle's {KEY_FILE}: fingerprint {key_fingerprint(key)}")
    except (OSError, ValueError) as exc:
        report.say(f"The bundle's {KEY_FILE}: unusable ({exc})")
    openssl = OpenSSL(shutil.which("openssl"))
    if openssl.path is None:
        report.say("openssl:    NOT FOUND: the signatures cannot be checked without it")
    else:
        report.say(f"openssl:    {openssl.path} ({openssl.version})")
    hearing_id: object = None
    try:
        hearing = json.loads((bundle / HEARING_FILE).read_text(encoding="utf-8"))
        hearing_id = hearing.get("id")
        if hearing.get("state") not in ("closed", "cancelled"):
            report.say()
            report.say(
                f"NOTE: exported while the hearing was {hearing.get('state')!r}, before it "
                "closed: the record may be incomplete."
            )
    except (OSError, ValueError, AttributeError):
        pass  # named by the SHA256SUMS check
    report.say()
    digests = Digests()
    check_sums(bundle, digests, report)
    ids = recording_ids(bundle)
    if not ids:
        report.problem(RECORDINGS_DIR, "this bundle holds no recording")
    statements = {}
    for recording_id in ids:
        statements[recording_id] = check_recording(
            bundle, recording_id, hearing_id, trust, openssl, digests, report
        )
    check_index(bundle, hearing_id, statements, trust, openssl, report)
    return conclude(report, len(ids), openssl)


def _list(report: Report, items: list[str], heading: str) -> None:
    if items:
        report.say(heading)
        for item in items:
            report.say(f"  - {item}")


def conclude(report: Report, recordings: int, openssl: OpenSSL) -> int:
    report.say()
    _list(report, report.problems, f"NOT VERIFIED: {len(report.problems)} problem(s) found:")
    _list(
        report,
        report.incomplete,
        f"INCOMPLETE: {len(report.incomplete)} recording(s) have no final seal:",
    )
    if any("no trusted key given" in u for u in report.unchecked):
        report.say("UNVERIFIED: no trusted key given (python3 verify.py --trusted-key FINGERPRINT)")
    if report.unchecked:
        _list(
            report,
            report.unchecked,
            f"NOT VERIFIED: {len(report.unchecked)} part(s) could not be checked:",
        )
        if openssl.path is None:
            report.say(
                "Install OpenSSL 3.0 or later (Debian and Ubuntu: apt install openssl) and run "
                "this again. Unverified is not verified."
            )
    if report.problems or report.incomplete:
        return EXIT_PROBLEMS
    if report.unchecked:
        return EXIT_UNVERIFIED
    report.say(
        f"VERIFIED: {recordings} recording(s); every file, manifest line and signature checks out."
    )
    return EXIT_VERIFIED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="verify.py", description="Verify an exported courtroom hearing record."
    )
    parser.add_argument(
        "bundle",
        nargs="?",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="the bundle's folder (default: the folder this script is in)",
    )
    parser.add_argument(
        "--trusted-key",
        action="append",
        default=[],
        metavar="FINGERPRINT",
        help="a fingerprint of the court's key, as the court publishes it (repeat for the "
        "court's earlier keys)",
    )
    parser.add_argument(
        "--public-key",
        type=Path,
        action="append",
        default=[],
        help="the court's public key (PEM), obtained separately: trusted like a fingerprint",
    )
    args = parser.parse_args(argv)
    trusted = []
    try:
        trusted = [normalised_fingerprint(text) for text in args.trusted_key]
        for path in args.public_key:
            trusted.append(key_fingerprint(public_key_from_pem(path.read_bytes())))
    except (OSError, ValueError) as exc:
        print(f"verify.py: {exc}", file=sys.stderr)
        return EXIT_UNVERIFIED
    # A file name may not be printable in the console's encoding: never fail on a report.
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
    bundle = args.bundle.resolve()
    if not (bundle / SUMS_FILE).is_file() and not (bundle / RECORDINGS_DIR).is_dir():
        print(f"verify.py: {bundle} is not an exported courtroom bundle", file=sys.stderr)
        return EXIT_UNVERIFIED
    return verify(bundle, trusted, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
