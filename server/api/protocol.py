"""A hearing's court protocol: read by staff who may read the hearing, with every entry's
history of revisions; after the hearing, signed by its presiding judge and its clerk, and
corrected only by appended corrections. (During the hearing the judge and the clerk write
it live, over signaling.) Once bound into the record, it is served and exported only while
the database's copy is what was bound (server/protocol_binding.py)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Final, Literal

from aiohttp import web
from pydantic import Field

from court.hearing import Hearing, Participant
from court.permissions import Permission
from court.protocol import MAX_ENTRY_TEXT, protocol_digest
from recordings.bundle import folder_name
from server import keys
from server.api.bodies import Body, Reason, ReasonQuery, Why, parse_body, parse_query
from server.api.guard import audit, on_hearing, reading
from server.persistence.repositories.archive import ArchivedHearing
from server.protocol_document import ProtocolDocument, render_html, render_json, render_pdf
from server.protocol_document.document import hearing_record_ms
from server.protocol_signing import SIGNERS
from server.views import (
    Protocol,
    ProtocolCorrection,
    ProtocolEntryRevisions,
    hearing_view,
    participant_view,
    revision_view,
    signature_view,
)
from signaling.live.features.protocol import entry_view


class Signing(Body):
    reason: Reason | None = None


class Correction(Body):
    number: Annotated[int, Field(ge=1, le=1_000_000)]
    text: Annotated[str, Field(min_length=1, max_length=MAX_ENTRY_TEXT)]
    reason: Reason


async def _people(
    request: web.Request, hearing: Hearing
) -> tuple[list[Participant], ArchivedHearing | None]:
    """Who took part (as archived, removed people included, once there is a record) and the
    record, if any."""
    data = request.app[keys.DATA]
    archived = await data.archive.get(hearing.id)
    if archived is not None:
        return list(archived.participants), archived
    return await data.participants.of_hearing(hearing.id), None


async def _view(request: web.Request, hearing: Hearing) -> Protocol:
    protocol = request.app[keys.DATA].protocol
    entries = await protocol.of_hearing(hearing.id)
    signatures = await protocol.signatures(hearing.id)
    participants, archived = await _people(request, hearing)
    # Where each entry lies in the hearing's record, its recordings one after another, so
    # that the review page shows the times the exported document and the archive show.
    offsets = {} if archived is None else request.app[keys.ARCHIVE].offsets(archived)
    return {
        "entries": [
            {**entry_view(e), "hearing_record_ms": hearing_record_ms(e, offsets)} for e in entries
        ],
        "signatures": [signature_view(s) for s in signatures],
        "finalised": {s.role for s in signatures} == SIGNERS,
        "digest": protocol_digest(hearing.id, entries) if entries else None,
        "hearing": hearing_view(hearing),
        "participants": [participant_view(p) for p in participants],
    }


async def read_protocol(request: web.Request) -> web.Response:
    hearing, _, _ = await reading(request, ReasonQuery, action="protocol.read")
    await request.app[keys.PROTOCOL_SIGNING].require_unaltered(hearing.id)
    return web.json_response(await _view(request, hearing))


async def read_revisions(request: web.Request) -> web.Response:
    """One entry's versions, oldest first: what it said, who saved it and when. Served
    even once the protocol is bound and altered: it is how an alteration is looked into."""
    hearing, _, _ = await reading(request, ReasonQuery, action="protocol.revisions.read")
    entry, revisions = await request.app[keys.DATA].protocol.revisions(
        hearing.id, request.match_info["entry_id"]
    )
    history: ProtocolEntryRevisions = {
        "entry_id": entry.id,
        "number": entry.number,
        "revisions": [revision_view(r) for r in revisions],
    }
    return web.json_response(history)


async def sign_protocol(request: web.Request) -> web.Response:
    hearing, actor = await on_hearing(request, Permission.SIGN_PROTOCOL, action="protocol.sign")
    body = await parse_body(request, Signing)
    signatures = await request.app[keys.PROTOCOL_SIGNING].sign(hearing, actor)
    mine = signatures[-1] if signatures and signatures[-1].signer == actor.label else None
    await audit(
        request,
        actor,
        "protocol.sign",
        f"hearing:{hearing.id}",
        f"digest {mine.digest if mine else '?'}" + (f": {body.reason}" if body.reason else ""),
    )
    return web.json_response(await _view(request, hearing))


async def correct_protocol(request: web.Request) -> web.Response:
    hearing, actor = await on_hearing(request, Permission.SIGN_PROTOCOL, action="protocol.correct")
    body = await parse_body(request, Correction)
    entry = await request.app[keys.PROTOCOL_SIGNING].correct(
        hearing, actor, body.number, body.text, body.reason
    )
    await audit(request, actor, "protocol.correct", f"hearing:{hearing.id}", f"entry {body.number}")
    correction: ProtocolCorrection = {"entry": entry_view(entry)}
    return web.json_response(correction, status=201)


class ExportQuery(Body):
    reason: Why
    format: Literal["json", "html", "pdf"] = "html"
    lang: Literal["en", "az", "ru"] = "en"


EXPORT_TYPES: Final = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}


async def export_protocol(request: web.Request) -> web.Response:
    """The protocol as a court document: JSON, HTML or PDF, in English, Azerbaijani or
    Russian, downloaded as a file (the HTML carries its own restrictive policy)."""
    hearing, actor = await on_hearing(request, Permission.READ_HEARINGS, action="protocol.export")
    query = parse_query(request, ExportQuery)
    await request.app[keys.PROTOCOL_SIGNING].require_unaltered(hearing.id)
    data = request.app[keys.DATA]
    archived = await data.archive.get(hearing.id)
    document = ProtocolDocument(
        hearing=hearing,
        participants=(
            archived.participants
            if archived is not None
            else await data.participants.of_hearing(hearing.id)
        ),
        entries=await data.protocol.of_hearing(hearing.id),
        offsets_ms={} if archived is None else request.app[keys.ARCHIVE].offsets(archived),
        signed=await data.protocol.signatures(hearing.id),
        court_time=request.app[keys.SETTINGS].court_time,
    )
    if query.format == "json":
        body = render_json(document)
    elif query.format == "html":
        body = render_html(document, query.lang).encode()
    else:
        body = await asyncio.to_thread(render_pdf, document, query.lang)
    await audit(
        request,
        actor,
        "protocol.export",
        f"hearing:{hearing.id}",
        f"{query.format} {query.lang}: {query.reason}",
    )
    safe = folder_name({"case_number": hearing.case_number, "id": hearing.id})
    name = f"protocol-{safe}-{query.lang}.{query.format}"
    return web.Response(
        body=body,
        headers={
            "Content-Type": EXPORT_TYPES[query.format],
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/api/v1/hearings/{hearing_id}/protocol", read_protocol)
    router.add_get(
        "/api/v1/hearings/{hearing_id}/protocol/entries/{entry_id}/revisions", read_revisions
    )
    router.add_post("/api/v1/hearings/{hearing_id}/protocol/sign", sign_protocol)
    router.add_post("/api/v1/hearings/{hearing_id}/protocol/corrections", correct_protocol)
    router.add_get("/api/v1/hearings/{hearing_id}/protocol/export", export_protocol)
