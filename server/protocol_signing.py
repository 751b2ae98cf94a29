"""Finalising the court protocol after the hearing: the judge and the clerk sign it, and
once both have, the protocol as signed is bound into the record's signed manifest.

From the first signature on, nothing in the protocol is rewritten: a mistake found later is
corrected by a correction entry with its reason, itself bound into the manifest.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from court.access import Actor
from court.errors import InvalidState, NotFound, PermissionDenied
from court.hearing import Hearing
from court.hearing_state import HearingState
from court.protocol import (
    EntryKind,
    ProtocolEntry,
    ProtocolSignature,
    SignerRole,
    protocol_digest,
)
from recordings.attachments import attach
from recordings.storage import archive_key
from server.archive.service import Archive
from server.persistence.repositories import ProtocolRepository
from server.protocol_binding import (
    PROTOCOL_FILE,
    Difference,
    check,
    correction_document,
    correction_file,
    encoded,
    refusal,
    signed_document,
)
from signaling.live.features.protocol import new_entry_id

SIGNERS: Final = frozenset(SignerRole)


def signer_role(hearing: Hearing, actor: Actor) -> SignerRole:
    """As whom ``actor`` signs ``hearing``'s protocol: its presiding judge as the judge, its
    named clerk as the clerk. Anyone else, another court's clerk or judge included, is
    refused here as well as at the HTTP edge, so that no other caller can sign for them."""
    if actor.presides_as is not None and actor.presides_as == hearing.presiding_judge:
        return SignerRole.JUDGE
    if actor.clerk_as is not None and actor.clerk_as == hearing.clerk:
        return SignerRole.CLERK
    raise PermissionDenied(
        f"Only the presiding judge and the clerk of hearing {hearing.case_number} sign or "
        "correct its protocol."
    )


class ProtocolSigning:
    def __init__(
        self, protocol: ProtocolRepository, archive: Archive, key: Ed25519PrivateKey
    ) -> None:
        self._protocol = protocol
        self._archive = archive
        self._key = key
        # A correction is stored, then bound: a check between the two would find it in the
        # database only. Checks wait for corrections (of this process) to be bound.
        self._binding = asyncio.Lock()

    async def differences(self, hearing_id: str) -> list[Difference]:
        """Where the database's protocol differs from the one bound into the record (none
        before it is bound)."""
        async with self._binding:
            archived = await self._archive.index.get(hearing_id)
            _, found = await check(self._archive.storage, archived, self._protocol)
            return found

    async def require_unaltered(self, hearing_id: str) -> None:
        """Nothing, or ProtocolAltered (409) naming what differs from the bound protocol."""
        found = await self.differences(hearing_id)
        if found:
            raise refusal(found)

    async def sign(self, hearing: Hearing, actor: Actor) -> list[ProtocolSignature]:
        """The actor's signature: as the judge if the hearing names them presiding judge,
        as the clerk if it names them clerk; anyone else is refused (the security review's
        H1: any clerk of any courtroom signed as "the clerk" of any hearing)."""
        role = signer_role(hearing, actor)
        if hearing.state is not HearingState.CLOSED:
            raise InvalidState("The protocol is signed once the hearing has closed.")
        entries = await self._protocol.of_hearing(hearing.id)
        if not entries:
            raise InvalidState("The protocol has no entries to sign.")
        digest = protocol_digest(hearing.id, entries)
        await self._protocol.sign(
            ProtocolSignature(hearing.id, role, actor.label, digest, time.time())
        )
        signatures = await self._protocol.signatures(hearing.id)
        if {s.role for s in signatures} == SIGNERS:
            document = signed_document(hearing.id, entries, signatures)
            await self._bind(hearing.id, PROTOCOL_FILE, document)
        return signatures

    async def correct(
        self, hearing: Hearing, actor: Actor, number: int, text: str, reason: str
    ) -> ProtocolEntry:
        """Append a correction of entry ``number`` once the protocol is signed by both, to
        a protocol that is still as bound (ProtocolAltered otherwise)."""
        signer_role(hearing, actor)
        signatures = await self._protocol.signatures(hearing.id)
        if {s.role for s in signatures} != SIGNERS:
            raise InvalidState(
                "Corrections come after the judge and the clerk have signed; until then "
                "the entry itself is edited."
            )
        async with self._binding:
            archived = await self._archive.index.get(hearing.id)
            _, found = await check(self._archive.storage, archived, self._protocol)
            if found:
                raise refusal(found)
            entries = await self._protocol.of_hearing(hearing.id)
            target = next((e for e in entries if e.number == number), None)
            if target is None:
                raise NotFound(f"The protocol has no entry {number}.")
            now = time.time()
            entry = await self._protocol.add(
                ProtocolEntry(
                    id=new_entry_id(now),
                    hearing_id=hearing.id,
                    number=0,
                    kind=EntryKind.CORRECTION,
                    recording_id=target.recording_id,
                    record_ms=target.record_ms,
                    speaker_id=target.speaker_id,
                    text=f"Correction to entry {number}: {text} (Reason: {reason})",
                    author=actor.label,
                    automatic=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            document = correction_document(hearing.id, number, entry, entries)
            await self._bind(hearing.id, correction_file(entry.number), document)
        return entry

    async def _bind(self, hearing_id: str, name: str, document: dict[str, Any]) -> None:
        """Attach the document to the hearing's last recording, chained and signed."""
        archived = await self._archive.index.get(hearing_id)
        if archived is None or not archived.recordings:
            raise InvalidState("The hearing has no sealed recording to bind the protocol to.")
        recording = archived.recordings[-1]
        data = encoded(document)
        async with self._archive.storage.local_directory(
            archive_key(hearing_id, recording.id)
        ) as directory:
            await asyncio.to_thread(attach, directory, recording.id, self._key, name, data)
