"""The signed protocol as bound into the record, and the database's copy checked against it.

Once the judge and the clerk have both signed, ``protocol.json`` is written beside the
hearing's last recording and chained into its signed manifest, and so is each correction
appended later (server/protocol_signing.py renders them with the functions here). The
database's copy stays writable by whoever can write the database, signature rows included.
So from then on the copy is compared with what was bound, rendered the same way, and
every entry and field where the two part is named: archive verification reports them, and
the protocol is not served or exported while there are any (``require_unaltered``).

Refused rather than served from the bound file: a protocol altered behind the court's back
is an incident to look into, not something to paper over; the bound file lacks what the
pages show beside the text (ids, times of saving, revisions); and a refusal names what
differs, where serving the signed text would hide that anything did.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from court.errors import InvalidState
from court.protocol import ProtocolEntry, ProtocolSignature, protocol_digest, protocol_json
from recordings.attachments import ATTACHMENT
from recordings.manifest import MANIFEST_FILE, SegmentEntry, file_digest
from recordings.storage import ArchiveStorage, archive_key
from server.persistence.repositories.archive import ArchivedHearing
from server.persistence.repositories.protocol import ProtocolRepository

PROTOCOL_FILE: Final = "protocol.json"
CORRECTION_PREFIX: Final = "protocol-correction-"
SHOWN_CHARS: Final = 80  # of a differing value, in a finding or a refusal


def correction_file(number: int) -> str:
    return f"{CORRECTION_PREFIX}{number}.json"


# ---- what is bound -------------------------------------------------------------------


def rendered_entries(hearing_id: str, entries: Sequence[ProtocolEntry]) -> list[dict[str, Any]]:
    """Entries as the bound files hold them (court.protocol.protocol_json's form)."""
    entries_json: list[dict[str, Any]] = json.loads(protocol_json(hearing_id, entries))["entries"]
    return entries_json


def signature_record(signature: ProtocolSignature) -> dict[str, Any]:
    return {
        "role": signature.role.value,
        "signer": signature.signer,
        "digest": signature.digest,
        "signed_at": signature.signed_at,
    }


def signed_document(
    hearing_id: str, entries: Sequence[ProtocolEntry], signatures: Sequence[ProtocolSignature]
) -> dict[str, Any]:
    """``protocol.json``: the protocol as both signed it, its digest and the signatures."""
    return {
        "protocol": json.loads(protocol_json(hearing_id, entries)),
        "digest": protocol_digest(hearing_id, entries),
        "signatures": [signature_record(s) for s in signatures],
    }


def correction_document(
    hearing_id: str, corrects: int, correction: ProtocolEntry, before: Sequence[ProtocolEntry]
) -> dict[str, Any]:
    """``protocol-correction-N.json``: the correction entry, the entry it corrects, and the
    digest of the protocol it was appended to."""
    return {
        "corrects": corrects,
        "entry": rendered_entries(hearing_id, [correction])[0],
        "protocol_digest": protocol_digest(hearing_id, before),
    }


def encoded(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False).encode()


# ---- reading it back -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Difference:
    """Where the database's protocol and the bound one part."""

    entry: int | None  # the entry's number; None: a signature, or a bound file itself
    field: str  # an entry's field ("text", "record_ms"...), "entry" (one side lacks it),
    # "signature of the judge", or a bound file's name
    detail: str

    @property
    def name(self) -> str:
        """As a refusal names it: entry 3 (text), signature of the judge, protocol.json."""
        return self.field if self.entry is None else f"entry {self.entry} ({self.field})"

    @property
    def subject(self) -> str:
        """As a verification finding names it."""
        return f"protocol: {self.name}" if self.entry is None else f"protocol {self.name}"

    def __str__(self) -> str:
        return f"{self.subject}: {self.detail}"


@dataclass
class BoundProtocol:
    recording_id: str  # the recording whose manifest lists protocol.json
    protocol: Mapping[str, Any] | None  # protocol.json (None: unreadable, said in problems)
    corrections: dict[int, Mapping[str, Any]] = field(default_factory=dict)  # by entry number
    problems: list[Difference] = field(default_factory=list)  # bound files not as listed


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN_CHARS else f"{text[: SHOWN_CHARS - 1]}…"


def _attachments(directory: Path) -> list[SegmentEntry]:
    """The manifest's lines that bind protocol documents. A line that does not read is
    skipped: verification names it, and a recording cut short by a crash must not keep its
    hearing's protocol from being read."""
    try:
        text = (directory / MANIFEST_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    listed = []
    for line in text.splitlines():
        try:
            entry = SegmentEntry(**json.loads(line))
        except (ValueError, TypeError):
            continue
        if ATTACHMENT.fullmatch(entry.file):
            listed.append(entry)
    return listed


def _read_recording(directory: Path, recording_id: str, found: list[BoundProtocol]) -> None:
    """Add what ``directory``'s manifest binds of the protocol to ``found``. Blocking."""
    listed = _attachments(directory)
    if not listed:
        return
    bound = BoundProtocol(recording_id, None)
    for line in listed:
        path = directory / Path(line.file).name
        try:
            digest, size = file_digest(path)
            document = json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            bound.problems.append(Difference(None, line.file, f"unreadable ({exc})"))
            continue
        if (digest, size) != (line.sha256, line.bytes):
            bound.problems.append(
                Difference(None, line.file, "its bytes are not those the signed manifest lists")
            )
        if not isinstance(document, dict):
            bound.problems.append(Difference(None, line.file, "not a protocol document"))
        elif line.file == PROTOCOL_FILE:
            bound.protocol = document
        else:
            number = int(line.file.removeprefix(CORRECTION_PREFIX).removesuffix(".json"))
            bound.corrections[number] = document
    found.append(bound)


async def read_bound(storage: ArchiveStorage, archived: ArchivedHearing) -> BoundProtocol | None:
    """The protocol and corrections the hearing's recordings bind (None: not bound yet)."""
    found: list[BoundProtocol] = []
    for recording in archived.recordings:
        prefix = archive_key(archived.hearing.id, recording.id)
        async with storage.local_directory(prefix) as directory:
            await asyncio.to_thread(_read_recording, directory, recording.id, found)
    if not found:
        return None
    # Bound once, to the last recording at the time; problems anywhere are kept.
    bound = next((b for b in found if b.protocol is not None), found[0])
    for other in found:
        if other is not bound:
            bound.corrections.update(other.corrections)
            bound.problems.extend(other.problems)
    return bound


async def check(
    storage: ArchiveStorage, archived: ArchivedHearing | None, protocol: ProtocolRepository
) -> tuple[BoundProtocol | None, list[Difference]]:
    """What the hearing's recordings bind of its protocol (None: nothing yet), and every
    difference between it and the database's protocol."""
    bound = None if archived is None else await read_bound(storage, archived)
    if archived is None or bound is None:
        return None, []
    hearing_id = archived.hearing.id
    entries = await protocol.of_hearing(hearing_id)
    signatures = await protocol.signatures(hearing_id)
    return bound, differences(hearing_id, entries, signatures, bound)


def differences(
    hearing_id: str,
    entries: Sequence[ProtocolEntry],
    signatures: Sequence[ProtocolSignature],
    bound: BoundProtocol,
) -> list[Difference]:
    """Every entry and field where the database's protocol (``entries``, corrections among
    them, and ``signatures``) differs from what is bound, rendered as it was when bound."""
    found = list(bound.problems)
    if bound.protocol is None:
        if not found:
            found.append(Difference(None, PROTOCOL_FILE, "not bound, but corrections are"))
        return found
    signed = _signed_entries(hearing_id, bound.protocol)
    if signed is None:
        found.append(Difference(None, PROTOCOL_FILE, f"holds no protocol of {hearing_id}"))
        return found
    stored = {e["number"]: e for e in rendered_entries(hearing_id, entries)}
    for number, entry in signed.items():
        found.extend(_entry_differences(number, entry, stored.get(number)))
    for number in sorted(set(stored) - set(signed)):  # appended after signing
        correction = bound.corrections.get(number, {}).get("entry")
        if not isinstance(correction, dict):
            found.append(Difference(number, "entry", "in the database, not in the signed record"))
            continue
        found.extend(_entry_differences(number, correction, stored[number]))
    for number in sorted(set(bound.corrections) - set(stored)):
        found.append(Difference(number, "entry", "in the signed record, not in the database"))
    found.extend(_signature_differences(bound.protocol.get("signatures"), signatures))
    return found


def _signed_entries(
    hearing_id: str, document: Mapping[str, Any]
) -> dict[int, Mapping[str, Any]] | None:
    """protocol.json's entries by number (None: it is not this hearing's protocol)."""
    protocol = document.get("protocol")
    if not isinstance(protocol, dict) or protocol.get("hearing_id") != hearing_id:
        return None
    entries = protocol.get("entries")
    if not isinstance(entries, list):
        return None
    return {
        e["number"]: e for e in entries if isinstance(e, dict) and isinstance(e.get("number"), int)
    }


def _entry_differences(
    number: int, signed: Mapping[str, Any], stored: Mapping[str, Any] | None
) -> list[Difference]:
    if stored is None:
        return [Difference(number, "entry", "in the signed record, not in the database")]
    return [
        Difference(
            number, name, f"signed {_shown(signed.get(name))}, the database holds {_shown(value)}"
        )
        for name, value in stored.items()
        if signed.get(name) != value
    ]


def _signature_differences(bound: object, stored: Sequence[ProtocolSignature]) -> list[Difference]:
    listed = bound if isinstance(bound, list) else []
    signed = {s.get("role"): s for s in listed if isinstance(s, dict)}
    held = {s.role.value: signature_record(s) for s in stored}
    found = []
    for role in sorted(set(signed) | set(held), key=str):
        what = f"signature of the {role}"
        if role not in held:
            found.append(Difference(None, what, "in the signed record, not in the database"))
        elif role not in signed:
            found.append(Difference(None, what, "in the database, not in the signed record"))
        else:
            found.extend(
                Difference(
                    None,
                    what,
                    f"{name}: signed {_shown(signed[role].get(name))}, the database holds "
                    f"{_shown(value)}",
                )
                for name, value in held[role].items()
                if signed[role].get(name) != value
            )
    return found


# ---- refusing an altered protocol ----------------------------------------------------


class ProtocolAltered(InvalidState):
    """The database's protocol differs from the one bound into the record (409)."""

    code = "protocol_altered"


def refusal(found: Sequence[Difference]) -> ProtocolAltered:
    named = "; ".join(d.name for d in found[:20])
    more = f" and {len(found) - 20} more" if len(found) > 20 else ""
    return ProtocolAltered(
        "The protocol in the database differs from the protocol signed and bound into the "
        f"record, so it is not served: {named}{more}. Verify the hearing's record in the "
        "archive and report it."
    )
