"""The export bundle: a hearing's record as one zip that anyone can verify without courtroom.

Archivists hand the bundle to a court, an appeal lawyer or an expert, who may have nothing
but a shell, ``python3`` and ``openssl``. Inside one top folder (the case number, made safe
as a file name)::

    README.md           how to verify, in plain English, with the manual commands
    hearing.json        the hearing's details, as the server gave them
    public-key.pem      the court's record-signing key
    audit.jsonl         the hearing's audit extract
    viewing-copy.mp4    derived copies, when built: conveniences, not the record
    master-audio.webm
    signatures/<id>.message, <id>.signature   what each manifest's signature signs, and
                        the raw signature: the README's openssl command runs on them as is
    recordings/<id>/... every file of each recording directory, unchanged
    SHA256SUMS          for ``sha256sum -c``
    verify.py           bundle_verify.py, standard library only

The originals are only read (archivist access never mutates them). Files are streamed in
blocks (an archive can hold gigabytes), media is stored as is (already compressed), and the
zip is written beside ``out`` and renamed into place, so ``out`` is either absent or whole.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
import tempfile
import time
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as time_of_day
from enum import Enum
from importlib import resources
from pathlib import Path
from string import Template
from typing import IO
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from recordings import bundle_verify
from recordings.bundle_verify import (
    INDEX_CONTEXT,
    INDEX_FILE,
    KEY_FILE,
    RECORDINGS_DIR,
    SIGNATURES_DIR,
    SUMS_FILE,
    Manifest,
    key_fingerprint,
    message_of,
    public_key_from_pem,
    read_manifest,
    statement_message,
)
from recordings.manifest import MANIFEST_FILE, SIGNATURE_FILE
from recordings.metadata import read_metadata
from recordings.signing import public_key_pem as pem_of
from recordings.verification import SEGMENT_FILE

__all__ = ["BundleError", "BundleInfo", "build_bundle", "folder_name"]

logger = logging.getLogger(__name__)

README_FILE = "README.md"
VERIFY_FILE = "verify.py"
HEARING_FILE = "hearing.json"
AUDIT_FILE = "audit.jsonl"
VIEWING_COPY_FILE = "viewing-copy.mp4"
MASTER_AUDIO_FILE = "master-audio.webm"
BLOCK = 1 << 20
# Text is deflated; everything else (Ogg, WebM, MP4) is compressed media, stored as is.
_TEXT_SUFFIXES = frozenset({".json", ".jsonl", ".md", ".pem", ".py", ".sig", ".message"})
# Ids become folder names inside the zip: the alphabet of court.ids, nothing that could
# climb out of the folder or need quoting in SHA256SUMS.
_RECORDING_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
# sha256sum escapes names with a backslash or a line break; control characters are never
# a recorder's, and '/' would be another folder.
_FILE_NAME = re.compile(r"[^\x00-\x1f\x7f\\/]+")
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
)
_FOLDER_LIMIT = 80
# The fraction reported until the zip is in place: 1.0 means done.
_BEFORE_DONE = 0.999


@dataclass(frozen=True, slots=True)
class BundleInfo:
    path: Path
    bytes: int  # of the zip
    sha256: str  # of the zip
    files: int  # in the zip, SHA256SUMS included


class BundleError(ValueError):
    """A recording that cannot be exported as it is; the message names the file and why."""


def build_bundle(
    out: Path,
    *,
    hearing: Mapping[str, object],
    recordings: Sequence[Path],
    public_key_pem: bytes,
    audit: Sequence[Mapping[str, object]],
    viewing_copy: Path | None = None,
    master_audio: Path | None = None,
    hearing_index: bytes | None = None,
    progress: Callable[[float], None] | None = None,
    time_zone: str | None = None,
) -> BundleInfo:
    """Write the export bundle of a hearing to ``out`` (a zip). Blocking: run it in a
    worker thread.

    ``recordings`` are recording directories in record order; ``public_key_pem`` is the
    court's Ed25519 record-signing key (PEM SubjectPublicKeyInfo); ``hearing_index`` the
    hearing's signed index of its recordings (``hearing-index.json``), if it has one.
    ``progress`` gets fractions of the work done, rising, and 1.0 once ``out`` is in place.
    ``time_zone``: the court's (an IANA name); the README gives its times in it as well as
    in UTC (the manifests' own clock).

    Raises FileNotFoundError for a recording directory or derived copy that is not there,
    BundleError for one that cannot be exported as it is, ValueError for a key that is not
    Ed25519; ``out`` is then left as it was.
    """
    key_pem = _normalised_key(public_key_pem)
    sources = [_read_recording(Path(directory)) for directory in recordings]
    _check_distinct(sources)
    derived = [
        (name, _existing_file(path, name))
        for name, path in ((VIEWING_COPY_FILE, viewing_copy), (MASTER_AUDIO_FILE, master_audio))
        if path is not None
    ]
    top = folder_name(hearing)
    generated = _generated_files(
        hearing, audit, key_pem, sources, [n for n, _ in derived], hearing_index, time_zone
    )
    copied = [(name, path) for name, path in derived]
    for source in sources:
        copied.extend((f"{RECORDINGS_DIR}/{source.id}/{name}", path) for name, path in source.files)
    payload = sum(len(data) for _, data, _ in generated) + sum(p.stat().st_size for _, p in copied)
    meter = _Progress(progress, payload)

    out.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    temporary = Path(temporary_name)
    try:
        with os.fdopen(fd, "w+b") as file:
            with zipfile.ZipFile(file, "w", allowZip64=True) as archive:
                writer = _Writer(archive, top, meter)
                for name, data, mode in generated:
                    writer.add_bytes(name, data, mode)
                for name, path in copied:
                    writer.add_file(name, path)
                writer.add_bytes(SUMS_FILE, writer.sums(), 0o644)
            file.flush()
            os.fsync(file.fileno())
            size = file.seek(0, os.SEEK_END)
            meter.rebase(size)
            sha256 = _digest(file, meter)
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(out.parent)
    meter.finish()
    logger.info("export bundle %s: %d files, %d bytes", out, writer.count, size)
    return BundleInfo(path=out, bytes=size, sha256=sha256, files=writer.count)


def folder_name(hearing: Mapping[str, object]) -> str:
    """The bundle's top folder: the case number made safe as a file name on any system (or
    the hearing id, or "hearing"). Case numbers are typed by people ("12 Cs 345/24"), and a
    hostile one must not make a zip that writes outside the folder it is extracted into."""
    for candidate in (hearing.get("case_number"), hearing.get("id")):
        if isinstance(candidate, str) and (name := _safe_name(candidate)):
            return name
    return "hearing"


def _safe_name(text: str) -> str:
    # Letters with accents keep their base letter ("Müller" -> "Muller"), not a dash.
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", plain)
    name = name.strip("._-")[:_FOLDER_LIMIT].strip("._-")
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = f"case-{name}"
    return name


# ---- the recordings ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Recording:
    id: str
    directory: Path
    files: list[tuple[str, Path]]  # (name relative to the directory, path), sorted
    started_at: float | None
    stopped_at: float | None
    recovered: bool
    # The signed message and the raw signature, or why there are none.
    signature: tuple[bytes, bytes] | None
    unsigned_reason: str
    segments: int  # lines of the manifest listing a segment of the master
    tracks: int  # and a participant's track


def _read_recording(directory: Path) -> _Recording:
    if not directory.exists():
        raise FileNotFoundError(f"recording directory {directory} does not exist")
    if not directory.is_dir():
        raise NotADirectoryError(f"recording {directory} is not a directory")
    files = list(_recording_files(directory, directory))
    if not files:
        # It would leave no folder in the zip, and so nothing for verify.py to miss.
        raise BundleError(f"recording directory {directory} holds no files")
    try:
        metadata = read_metadata(directory)
    except (OSError, ValueError, KeyError, TypeError):
        metadata = None  # exported as it is: verify.py names what is wrong with it
    document = _signature_document(directory)
    named = document.get("recording_id") if document else None
    # The recording's own word for its id first: a directory lent by an object store may
    # be named otherwise. verify.py checks the signature against this folder name.
    recording_id = (
        metadata.recording_id
        if metadata is not None
        else (named if isinstance(named, str) else directory.name)
    )
    if not _RECORDING_ID.fullmatch(recording_id):
        raise BundleError(f"recording {directory}: {recording_id!r} is not a recording id")
    try:
        manifest = read_manifest((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        manifest = Manifest()
    signature: tuple[bytes, bytes] | None = None
    reason = ""
    if document is None:
        reason = f"its {SIGNATURE_FILE} is missing or unreadable"
    else:
        try:
            raw = bytes.fromhex(str(document["signature"]))
        except (ValueError, KeyError) as exc:
            reason = f"its {SIGNATURE_FILE} holds no readable signature ({exc})"
        else:
            signature = (message_of(document, recording_id, manifest), raw)
    segments = sum(1 for _, e in manifest.entries if SEGMENT_FILE.match(str(e["file"])))
    return _Recording(
        id=recording_id,
        directory=directory,
        files=files,
        started_at=None if metadata is None else metadata.started_at,
        stopped_at=None if metadata is None else metadata.stopped_at,
        recovered=metadata is not None and metadata.recovered,
        signature=signature,
        unsigned_reason=reason,
        segments=segments,
        tracks=manifest.count - segments,
    )


def _recording_files(directory: Path, root: Path) -> Iterator[tuple[str, Path]]:
    """Every file of a recording, recursively (the recorder writes none in folders, but an
    export copies what is there: verify.py reports anything unexpected)."""
    for path in sorted(directory.iterdir()):
        relative = path.relative_to(root).as_posix()
        if _is_temporary(path.name):
            # An interrupted atomic write (".manifest.sig.tmp") or an editor's leftover:
            # never part of the record.
            logger.warning("export: skipping temporary or hidden file %s", path)
            continue
        if path.is_symlink():
            raise BundleError(f"{path} is a symbolic link; a recording holds only its files")
        if not _FILE_NAME.fullmatch(path.name):
            raise BundleError(f"{path!r}: a file name with control characters or a backslash")
        if path.is_dir():
            yield from _recording_files(path, root)
        elif path.is_file():
            yield relative, path
        else:
            raise BundleError(f"{path} is not a regular file")


def _is_temporary(name: str) -> bool:
    return name.startswith(".") or name.endswith((".tmp", "~", ".part"))


def _signature_document(directory: Path) -> dict[str, object] | None:
    try:
        document = json.loads((directory / SIGNATURE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _check_distinct(sources: Sequence[_Recording]) -> None:
    seen: dict[str, Path] = {}
    for source in sources:
        if source.id in seen:
            raise BundleError(
                f"recording {source.id} is given twice ({seen[source.id]}, {source.directory})"
            )
        seen[source.id] = source.directory


def _existing_file(path: Path, name: str) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"the {name} to export, {path}, does not exist")
    return path


def _normalised_key(data: bytes) -> bytes:
    """The key as the project writes it everywhere (signing.public_key_pem): the exact file
    that verify.py and the README's openssl command read."""
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"the record-signing key is not a PEM public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the record-signing key is not an Ed25519 public key")
    return pem_of(key).encode("ascii")


# ---- generated files ----------------------------------------------------------------


def _generated_files(
    hearing: Mapping[str, object],
    audit: Sequence[Mapping[str, object]],
    key_pem: bytes,
    sources: Sequence[_Recording],
    derived: Sequence[str],
    hearing_index: bytes | None,
    time_zone: str | None = None,
) -> list[tuple[str, bytes, int]]:
    """(name, content, mode) of every file the bundle makes itself, in zip order."""
    hearing_json = json.dumps(dict(hearing), indent=2, ensure_ascii=False, default=_json_value)
    audit_lines = "".join(
        json.dumps(dict(entry), ensure_ascii=False, separators=(",", ":"), default=_json_value)
        + "\n"
        for entry in audit
    )
    verify_source = resources.files("recordings").joinpath("bundle_verify.py").read_bytes()
    files = [
        (
            README_FILE,
            _readme(
                hearing, key_pem, sources, derived, hearing_index is not None, time_zone
            ).encode(),
            0o644,
        ),
        (VERIFY_FILE, verify_source, 0o755),
        (HEARING_FILE, (hearing_json + "\n").encode(), 0o644),
        (KEY_FILE, key_pem, 0o644),
        (AUDIT_FILE, audit_lines.encode(), 0o644),
    ]
    for source in sources:
        if source.signature is not None:
            message, signature = source.signature
            files.append((f"{SIGNATURES_DIR}/{source.id}.message", message, 0o644))
            files.append((f"{SIGNATURES_DIR}/{source.id}.signature", signature, 0o644))
    if hearing_index is not None:
        files.append((INDEX_FILE, hearing_index, 0o644))
        try:
            document = json.loads(hearing_index)
            index_signature = bytes.fromhex(str(document["signature"]))
        except (ValueError, KeyError, TypeError):
            logger.warning("export: the hearing index is unreadable; verify.py will say so")
        else:
            index_message = statement_message(document, INDEX_CONTEXT)
            files.append((f"{SIGNATURES_DIR}/{INDEX_NAME}.message", index_message, 0o644))
            files.append((f"{SIGNATURES_DIR}/{INDEX_NAME}.signature", index_signature, 0o644))
    return files


INDEX_NAME = "hearing-index"  # its files in signatures/


def _json_value(value: object) -> object:
    """What JSON lacks, as the API writes it; anything else is an error, not a repr."""
    if isinstance(value, datetime | date | time_of_day):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID | Path):
        return str(value)
    raise TypeError(f"a {type(value).__name__} cannot be written to the bundle as JSON")


def _readme(
    hearing: Mapping[str, object],
    key_pem: bytes,
    sources: Sequence[_Recording],
    derived: Sequence[str],
    indexed: bool,
    time_zone: str | None = None,
) -> str:
    template = Template(
        resources.files("recordings").joinpath("bundle_readme.md").read_text("utf-8")
    )
    notes = ""
    if derived:
        names = " and ".join(f"`{name}`" for name in derived)
        notes += (
            f"\n{names} {'were' if len(derived) > 1 else 'was'} made from the recordings after "
            "the hearing, for convenience.\nA derived copy is not the record: where it differs "
            "from the recordings, the recordings are the record.\n"
        )
    if any(source.recovered for source in sources):
        notes += _CRASH_NOTE
    return template.substitute(
        case_number=_text(hearing.get("case_number") or hearing.get("id")),
        title=_text(hearing.get("title")),
        court=_text(hearing.get("court")),
        scheduled_start=_text(_scheduled(hearing.get("scheduled_start"), time_zone)),
        hearing_id=_text(hearing.get("id"), code=True),
        exported_at=_moment(datetime.now(UTC).timestamp(), time_zone, seconds_shown=False),
        format=bundle_verify.BUNDLE_FORMAT,
        derived="".join(f"{_DERIVED[name]}\n" for name in derived),
        recordings=_recordings_list(sources, time_zone),
        openssl_commands=_openssl_commands(sources, indexed),
        key_fingerprint=key_fingerprint(public_key_from_pem(key_pem)),
        unsigned="\n".join(_unsigned(derived)),
        notes=notes,
        state_note=_state_note(hearing),
    )


def _state_note(hearing: Mapping[str, object]) -> str:
    """An export made before the hearing closed says so on its face."""
    state = hearing.get("state")
    if state in (None, "closed", "cancelled"):
        return ""
    return (
        f"\n**INCOMPLETE: exported while the hearing was {_text(state)}, before it closed.** "
        "Recordings still running\nhave no final seal, and `verify.py` reports them as "
        "INCOMPLETE, never as verified.\n"
    )


_DERIVED = {
    VIEWING_COPY_FILE: (
        f"- `{VIEWING_COPY_FILE}`: a viewing copy (every participant's picture and the mixed "
        "sound in one\n  video), made from the recordings for convenience. **It is not the "
        "record.**"
    ),
    MASTER_AUDIO_FILE: (
        f"- `{MASTER_AUDIO_FILE}`: the audio segments joined into one file for listening, "
        "made from the\n  recordings for convenience. **It is not the record.**"
    ),
}
_CRASH_NOTE = """
A recording marked "sealed after a crash" was cut short when the recording server stopped
unexpectedly. Its last segment was sealed when the server restarted and holds the audio up
to the moment of the crash, flagged "recovered" in its manifest line; the gap until the next
recording is on the timeline.
"""


def _unsigned(derived: Sequence[str]) -> list[str]:
    return [
        f"- `{HEARING_FILE}` and `{AUDIT_FILE}`: written from the court's database at export;",
        *(f"- `{name}`: a derived copy;" for name in derived),
        f"- this README, `{VERIFY_FILE}`, and the files in `{SIGNATURES_DIR}/` (`{VERIFY_FILE}`"
        " checks those against\n  the signed manifests).",
    ]


def _text(value: object, *, code: bool = False) -> str:
    """A value of the hearing as one line of Markdown: it comes from people, and must not
    become a link, markup or a heading in a Markdown viewer (nor a second line)."""
    if value is None or value == "":
        return "not given"
    text = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", str(value)).split())[:200]
    if code:  # inside `...`, where nothing but a backtick is markup
        return text.replace("`", "'")
    return re.sub(r"([\\`*\[\]<>])", r"\\\1", text)


def _recordings_list(sources: Sequence[_Recording], time_zone: str | None = None) -> str:
    if not sources:
        return "This hearing has no recordings."
    items = []
    for number, source in enumerate(sources, start=1):
        started = _moment(source.started_at, time_zone)
        stopped = (
            _moment(source.stopped_at, time_zone)
            if source.stopped_at is not None
            else "not stopped"
        )
        length = ""
        if source.started_at is not None and source.stopped_at is not None:
            length = f" ({_duration(source.stopped_at - source.started_at)})"
        item = (
            f"{number}. `{source.id}`: started {started}, stopped {stopped}{length}; its "
            f"manifest lists {source.segments} audio segment(s) and {source.tracks} participant "
            "track(s)."
        )
        if source.recovered:
            item += " Sealed after a crash (see below)."
        if source.stopped_at is None:
            item += " It had not been stopped when it was exported."
        if source.signature is None:
            item += f" It cannot be checked against a signature: {source.unsigned_reason}."
        items.append(item)
    return "\n".join(items)


def _openssl_commands(sources: Sequence[_Recording], indexed: bool) -> str:
    names = [s.id for s in sources if s.signature is not None] + ([INDEX_NAME] if indexed else [])
    commands = [
        f"    openssl pkeyutl -verify -pubin -inkey {KEY_FILE} -rawin "
        f"-in {SIGNATURES_DIR}/{name}.message -sigfile {SIGNATURES_DIR}/{name}.signature"
        for name in names
    ]
    return "\n".join(commands) if commands else "    (no recording here has a signature)"


def _moment(seconds: float | None, time_zone: str | None, *, seconds_shown: bool = True) -> str:
    """ "2026-12-08 14:00:05 Asia/Baku (10:00:05 UTC)": the court's wall time first, as the
    protocol and the court's letters give it, then UTC, the clock the manifests keep."""
    if seconds is None:
        return "at an unknown time"
    form = "%H:%M:%S" if seconds_shown else "%H:%M"
    utc = datetime.fromtimestamp(seconds, UTC)
    if time_zone is None or time_zone == "UTC":
        return utc.strftime(f"%Y-%m-%d {form} UTC")
    local = utc.astimezone(ZoneInfo(time_zone))
    return f"{local.strftime(f'%Y-%m-%d {form}')} {time_zone} ({utc.strftime(form)} UTC)"


def _scheduled(value: object, time_zone: str | None) -> object:
    """The scheduled start (RFC 3339 from the hearing) in the court's time, if it is one."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        return value
    if moment.tzinfo is None:
        return value
    return _moment(moment.timestamp(), time_zone, seconds_shown=False)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(max(0, round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


# ---- writing the zip ----------------------------------------------------------------


class _Progress:
    """Fractions of the bytes processed: written into the zip, then read back to hash it.
    Only rising values are reported, and 1.0 only once the zip is in place."""

    def __init__(self, report: Callable[[float], None] | None, payload: int) -> None:
        self._report = report
        self._payload = payload
        self._total = max(1, 2 * payload)  # the zip is about the payload's size; see rebase
        self._done = 0
        self._last = 0.0

    def advance(self, count: int) -> None:
        self._done += count
        self._emit(min(self._done / self._total, _BEFORE_DONE))

    def rebase(self, zip_size: int) -> None:
        """The zip's real size is known: the hashing pass reads exactly that much."""
        self._done = self._payload
        self._total = max(1, self._payload + zip_size)

    def finish(self) -> None:
        self._emit(1.0)

    def _emit(self, fraction: float) -> None:
        if self._report is not None and fraction > self._last:
            self._last = fraction
            self._report(fraction)


class _Writer:
    """Adds members under the top folder, hashing each as it streams, for SHA256SUMS."""

    def __init__(self, archive: zipfile.ZipFile, top: str, meter: _Progress) -> None:
        self._archive = archive
        self._top = top
        self._meter = meter
        self._sums: list[tuple[str, str]] = []  # (sha256, name)

    @property
    def count(self) -> int:
        return len(self._sums) + 1  # and SHA256SUMS

    def sums(self) -> bytes:
        # Two spaces: sha256sum's text mode, the format `sha256sum -c` expects.
        return "".join(f"{digest}  {name}\n" for digest, name in self._sums).encode()

    def add_bytes(self, name: str, data: bytes, mode: int) -> None:
        blocks = (data[i : i + BLOCK] for i in range(0, len(data), BLOCK))
        written = self._add(name, blocks, len(data), time.time(), mode)
        if name != SUMS_FILE:
            self._sums.append((written, name))

    def add_file(self, name: str, path: Path) -> None:
        with path.open("rb") as source:
            before = os.fstat(source.fileno())
            blocks = iter(lambda: source.read(BLOCK), b"")
            digest = self._add(name, blocks, before.st_size, before.st_mtime, 0o644)
            after = os.fstat(source.fileno())
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            # A recording still being written: the bundle would hold a moment, not the record.
            raise BundleError(f"{path} changed while it was being exported; is it still recording?")
        self._sums.append((digest, name))

    def _add(self, name: str, blocks: Iterator[bytes], size: int, mtime: float, mode: int) -> str:
        info = zipfile.ZipInfo(f"{self._top}/{name}", date_time=_zip_time(mtime))
        info.create_system = 3  # Unix, so that unzip applies the modes (verify.py: 0755)
        info.external_attr = (stat.S_IFREG | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED if _is_text(name) else zipfile.ZIP_STORED
        info.file_size = size  # decides ZIP64 up front for members over 4 GiB
        digest = hashlib.sha256()
        written = 0
        with self._archive.open(info, "w") as member:
            for block in blocks:
                member.write(block)
                digest.update(block)
                written += len(block)
                self._meter.advance(len(block))
        if written != size:
            raise BundleError(f"{name} changed while it was being exported")
        return digest.hexdigest()


def _is_text(name: str) -> bool:
    return name == SUMS_FILE or Path(name).suffix in _TEXT_SUFFIXES


def _zip_time(seconds: float) -> tuple[int, int, int, int, int, int]:
    """Local time, as zip tools show it; zip cannot hold a date before 1980 or after 2107."""
    year, month, day, hour, minute, second = time.localtime(seconds)[:6]
    if year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    if year > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return (year, month, day, hour, minute, second)


def _digest(file: IO[bytes], meter: _Progress) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for block in iter(lambda: file.read(BLOCK), b""):
        digest.update(block)
        meter.advance(len(block))
    return digest.hexdigest()


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
