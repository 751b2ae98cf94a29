"""The OpenAPI 3.1 description of the REST API, served at /api/v1/openapi.json.

Request bodies and query parameters are described from the same pydantic models that
validate them, so the document cannot drift from what the server accepts.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from court.protocol import MAX_ENTRY_TEXT, EntryKind
from server.api.bench import BenchJoin
from server.api.bodies import ReasonQuery
from server.api.chat import ChatQuery
from server.api.hearings import Cancel, HearingQuery, HearingUpdate, NewHearing, Reschedule
from server.api.invitation import InvitationQuery
from server.api.links import NewLink, Revocation
from server.api.participants import NewParticipant, Removal
from server.api.protocol import Correction, ExportQuery, Signing
from server.archive.jobs import JobKind, JobStatus
from server.archive.routes import ReasonBody, RetentionBody, SearchQuery
from server.audit.routes import AuditQuery
from server.auth.bodies import (
    AccountAction,
    ChangePassword,
    DisableTotp,
    EnableTotp,
    Login,
    NewApiToken,
    NewStaffAccount,
)
from server.webhooks.routes import DeliveryQuery, Registration
from signaling.messages import MAX_CHAT_LENGTH

REF = "#/components/schemas/{model}"

# Every error, on every route, is an RFC 9457 problem document (server/problems.py).
PROBLEM_RESPONSE = {
    "description": "An error, as RFC 9457 problem details with a stable code",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}

SECURITY: list[dict[str, list[str]]] = [{"session": []}, {"token": []}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(key: str, item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": [key],
        "properties": {key: {"type": "array", "items": _ref(item)}},
    }


class Document:
    """Collects operations and the schemas they refer to."""

    def __init__(self) -> None:
        self.paths: dict[str, dict[str, Any]] = {}
        self.schemas: dict[str, Any] = {}

    def model(self, model: type[BaseModel]) -> dict[str, str]:
        schema = model.model_json_schema(by_alias=True, ref_template=REF)
        for name, definition in schema.pop("$defs", {}).items():
            self.schemas[name] = definition
        self.schemas[model.__name__] = schema
        return _ref(model.__name__)

    def operation(
        self,
        method: str,
        path: str,
        operation_id: str,
        summary: str,
        *,
        ok: int = 200,
        response: dict[str, Any] | None = None,
        body: type[BaseModel] | None = None,
        body_required: bool = True,
        query: type[BaseModel] | None = None,
        public: bool = False,
        media: str | None = None,
    ) -> None:
        """``media``: a file's content type instead of JSON (served whole or in one byte
        range, 206 with Content-Range)."""
        success: dict[str, Any] = {"description": summary}
        if media is not None:
            success["content"] = {media: {"schema": {"type": "string", "format": "binary"}}}
        elif ok != 204:
            success["content"] = {"application/json": {"schema": response or {"type": "object"}}}
        operation: dict[str, Any] = {
            "operationId": operation_id,
            "summary": summary,
            "responses": {"default": PROBLEM_RESPONSE, str(ok): success},
        }
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _path_names(path)
        ]
        if query is not None:
            schema = query.model_json_schema(by_alias=True, ref_template=REF)
            for name, definition in schema.pop("$defs", {}).items():
                self.schemas[name] = definition
            for name, prop in schema["properties"].items():
                parameters.append({"name": name, "in": "query", "required": False, "schema": prop})
        if parameters:
            operation["parameters"] = parameters
        if body is not None:
            operation["requestBody"] = {
                "required": body_required,
                "content": {"application/json": {"schema": self.model(body)}},
            }
        operation["security"] = [] if public else SECURITY
        self.paths.setdefault(path, {})[method] = operation


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _build() -> Document:
    doc = Document()
    doc.operation(
        "get",
        "/health",
        "health",
        "Whether the platform is up",
        response={"type": "object", "properties": {"status": {"const": "ok"}}},
        public=True,
    )
    doc.operation(
        "get",
        "/court",
        "readCourt",
        "The court: its name, its time zone (every time shown to people is in it, 24-hour) "
        "and the languages a hearing can be held in",
        response=_ref("Court"),
        public=True,
    )
    doc.operation(
        "get",
        "/court/bench",
        "listBench",
        "The active judges and clerks a hearing can be scheduled with",
        response=_ref("Bench"),
    )
    doc.operation(
        "post",
        "/invitation",
        "readInvitation",
        "What a join link invites to (who, which case, when, in the court's zone): the token "
        "in the body is the credential; 401 if it is forged, expired, revoked or its hearing "
        "has ended",
        body=InvitationQuery,
        response=_ref("Invitation"),
        public=True,
    )
    hearing, participant, link = _ref("Hearing"), _ref("Participant"), _ref("JoinLink")
    doc.operation(
        "get",
        "/hearings",
        "listHearings",
        "Hearings, by scheduled start, filtered",
        query=HearingQuery,
        response=_list_of("hearings", "Hearing"),
    )
    doc.operation(
        "post",
        "/hearings",
        "createHearing",
        "Schedule a hearing",
        ok=201,
        body=NewHearing,
        response=hearing,
    )
    doc.operation("get", "/hearings/{hearing_id}", "readHearing", "One hearing", response=hearing)
    doc.operation(
        "patch",
        "/hearings/{hearing_id}",
        "updateHearing",
        "Change any scheduled fact of a hearing that has not opened (audited with the reason); "
        "a presiding judge or clerk who is not an active account of that role is refused (422)",
        body=HearingUpdate,
        response=hearing,
    )
    doc.operation(
        "post",
        "/hearings/{hearing_id}/reschedule",
        "rescheduleHearing",
        "Move a hearing that has not opened yet",
        body=Reschedule,
        response=hearing,
    )
    doc.operation(
        "post",
        "/hearings/{hearing_id}/cancel",
        "cancelHearing",
        "Cancel a hearing that has not started; whoever waits in it is told and disconnected",
        body=Cancel,
        response=hearing,
    )
    base = "/hearings/{hearing_id}/participants"
    doc.operation(
        "get",
        base,
        "listParticipants",
        "The hearing's current participants",
        response=_list_of("participants", "Participant"),
    )
    doc.operation(
        "post",
        base,
        "addParticipant",
        "Add a party (not the bench: role judge or clerk is refused, 422; they join with "
        "joinBench)",
        ok=201,
        body=NewParticipant,
        response=participant,
    )
    doc.operation(
        "get",
        base + "/{participant_id}",
        "readParticipant",
        "One participant",
        response=participant,
    )
    doc.operation(
        "delete",
        base + "/{participant_id}",
        "removeParticipant",
        "Remove a participant and revoke their join links; a live session closes at once",
        body=Removal,
        body_required=False,
        response=participant,
    )
    doc.operation(
        "post",
        base + "/{participant_id}/links",
        "issueJoinLink",
        "Issue a join link (the token is shown once); never for a judge or clerk (403)",
        ok=201,
        body=NewLink,
        body_required=False,
        response=_ref("IssuedJoinLink"),
    )
    doc.operation(
        "post",
        "/hearings/{hearing_id}/bench",
        "joinBench",
        "Join the hearing's bench from a staff session: the hearing's presiding judge or "
        "named clerk only (403 otherwise, and for API tokens); returns a join token bound to "
        "the session, which stops working when the session ends (the token is shown once)",
        ok=201,
        body=BenchJoin,
        body_required=False,
        response={
            "type": "object",
            "required": ["participant", "link", "token", "url"],
            "properties": {
                "participant": participant,
                "link": link,
                "token": {"type": "string"},
                "url": {"type": "string", "description": "/join#token=... (fragment)"},
            },
        },
    )
    doc.operation(
        "get",
        "/hearings/{hearing_id}/links",
        "listJoinLinks",
        "The hearing's issued join links (without tokens)",
        response=_list_of("links", "JoinLink"),
    )
    doc.operation(
        "delete",
        "/hearings/{hearing_id}/links/{link_id}",
        "revokeJoinLink",
        "Revoke a join link; a live session of its participant closes at once",
        body=Revocation,
        body_required=False,
        response=link,
    )
    doc.operation(
        "get",
        "/hearings/{hearing_id}/chat",
        "listChatMessages",
        "The hearing's chat messages, in the order they were sent; read with a stated reason, "
        "audited",
        query=ChatQuery,
        response=_list_of("messages", "ChatMessage"),
    )
    doc.operation(
        "get",
        "/recordings",
        "listRecordings",
        "Recordings of all hearings, with their measured durations",
        response=_list_of("recordings", "Recording"),
    )
    doc.operation(
        "get",
        "/hearings/{hearing_id}/protocol",
        "readProtocol",
        "The hearing's court protocol: numbered entries with their recording, record time "
        "and number of revisions (1: never edited). Once signed and bound into the record, "
        "409 protocol_altered, naming the entries, if the database differs from what was bound. "
        "Read with a stated reason, audited",
        query=ReasonQuery,
        response=_object(
            "entries",
            entries={
                "type": "array",
                "items": _object(
                    "id",
                    "number",
                    "revisions",
                    id=_STRING,
                    number={"type": "integer", "minimum": 1},
                    revisions=_REVISION_COUNT,
                ),
            },
        ),
    )
    doc.operation(
        "get",
        "/hearings/{hearing_id}/protocol/entries/{entry_id}/revisions",
        "readProtocolEntryRevisions",
        "One protocol entry's history: every version saved before signing, oldest first, "
        "who saved it and when (one writer's saves within 10 s of each other are one "
        "revision); read with a stated reason, audited",
        query=ReasonQuery,
        response=_ref("ProtocolEntryRevisions"),
    )
    doc.operation(
        "get",
        "/hearings/{hearing_id}/exhibits",
        "readExhibits",
        "The hearing's exhibit register: number, description, offered by, status "
        "(offered, admitted, excluded) and when each was on screen, in record time; read with "
        "a stated reason, audited",
        query=ReasonQuery,
        response=_object("exhibits", exhibits={"type": "array", "items": {"type": "object"}}),
    )
    doc.operation(
        "post",
        "/hearings/{hearing_id}/protocol/sign",
        "signProtocol",
        "Sign the closed hearing's protocol as its presiding judge or its clerk; locks it",
        body=Signing,
        body_required=False,
    )
    doc.operation(
        "get",
        "/hearings/{hearing_id}/protocol/export",
        "exportProtocol",
        "The protocol as a court document (JSON, HTML or PDF; English, Azerbaijani, Russian); "
        "409 protocol_altered if it differs from the protocol bound into the record",
        query=ExportQuery,
        media="application/octet-stream",
    )
    doc.operation(
        "post",
        "/hearings/{hearing_id}/protocol/corrections",
        "correctProtocol",
        "Append a correction of a signed protocol's entry, with its reason (409 "
        "protocol_altered if the protocol differs from the one bound into the record)",
        ok=201,
        body=Correction,
    )
    _archive_operations(doc)
    _staff_operations(doc)
    doc.schemas.update(_VIEWS)
    return doc


def _archive_operations(doc: Document) -> None:
    """The archive: every read needs a stated reason (query ``reason`` or body ``reason``),
    which is audited with the access."""
    base = "/archive/hearings"
    job = _object(
        "status",
        "progress",
        status={"enum": [s.value for s in JobStatus]},
        progress={"type": "number", "minimum": 0, "maximum": 1},
        error={"type": ["string", "null"]},
        url={"type": ["string", "null"]},
    )
    jobs = _object(*(k.value for k in JobKind), **{k.value: job for k in JobKind})
    doc.operation(
        "get",
        base,
        "searchArchive",
        "Archived hearings by case number, court, participant, state and recording date",
        query=SearchQuery,
        response=_object("hearings", hearings={"type": "array", "items": {"type": "object"}}),
    )
    doc.operation(
        "get",
        base + "/{hearing_id}",
        "readArchivedHearing",
        "A hearing's record: metadata, participants, recordings and files, timeline, jobs",
        query=ReasonQuery,
        response=_object("hearing", "participants", "recordings", "timeline", "jobs"),
    )
    doc.operation(
        "get",
        base + "/{hearing_id}/recordings/{recording_id}/files/{name}",
        "downloadRecordedFile",
        "One file of a recording (segment, track, manifest, signature, timeline, metadata, "
        "protocol, speakers)",
        query=ReasonQuery,
        media="application/octet-stream",
    )
    doc.operation(
        "get",
        base + "/{hearing_id}/protocol",
        "readArchivedProtocol",
        "The court protocol beside the record: entries at their joined-master times "
        "(master_ms), signatures, digest, whether it is locked; 409 protocol_altered if it "
        "differs from the protocol bound into the record",
        query=ReasonQuery,
        response=_object(
            "entries",
            "signatures",
            "digest",
            "locked",
            "finalised",
            entries={"type": "array", "items": {"type": "object"}},
            signatures={"type": "array", "items": {"type": "object"}},
            digest={"type": ["string", "null"]},
            locked={"type": "boolean"},
            finalised={"type": "boolean"},
        ),
    )
    doc.operation(
        "get",
        base + "/{hearing_id}/speakers",
        "readSpeakerTimeline",
        "Who spoke when: speaker turns in joined-master time, participants, and whether "
        "each recording has a speaker timeline",
        query=ReasonQuery,
        response=_object(
            "duration_ms",
            "participants",
            "recordings",
            "turns",
            duration_ms={"type": "integer", "minimum": 0},
            participants={"type": "array", "items": {"type": "object"}},
            recordings={"type": "array", "items": {"type": "object"}},
            turns={"type": "array", "items": {"type": "object"}},
        ),
    )
    for path, name, what, media in (
        ("master-audio", "MasterAudio", "the hearing's master audio, joined", "audio/webm"),
        ("viewing-copy", "ViewingCopy", "the viewing copy (MP4)", "video/mp4"),
    ):
        doc.operation(
            "get",
            f"{base}/{{hearing_id}}/{path}",
            f"read{name}",
            f"Play or download {what}",
            query=ReasonQuery,
            media=media,
        )
        doc.operation(
            "post",
            f"{base}/{{hearing_id}}/{path}",
            f"build{name}",
            f"Build {what} in the background (202 with the job)",
            ok=202,
            body=ReasonBody,
            response=job,
        )
    doc.operation(
        "get", base + "/{hearing_id}/jobs", "readArchiveJobs", "Build progress", response=jobs
    )
    doc.operation(
        "post",
        base + "/{hearing_id}/export",
        "exportRecord",
        "Build the export bundle (zip) in the background (202 with the job)",
        ok=202,
        body=ReasonBody,
        response=job,
    )
    doc.operation(
        "get",
        base + "/{hearing_id}/export.zip",
        "downloadExport",
        "Download the export bundle",
        query=ReasonQuery,
        media="application/zip",
    )
    doc.operation(
        "post",
        base + "/{hearing_id}/verify",
        "verifyRecord",
        "Check every file of the record against its signed manifest, each recording against "
        "its final seal (recording.json, timeline) and the set of recordings against the "
        "hearing's signed index; a report per recording, and one named 'hearing index' for "
        "findings about the whole",
        body=ReasonBody,
        response=_object(
            "ok",
            "recordings",
            ok={"type": "boolean"},
            recordings={
                "type": "array",
                "items": _object(
                    "recording_id",
                    "ok",
                    "state",
                    "segments",
                    "findings",
                    recording_id=_STRING,
                    ok={"type": "boolean"},
                    state={"enum": ["sealed", "incomplete", "legacy", "unsigned"]},
                    segments={"type": "array", "items": {"type": "object"}},
                    findings={
                        "type": "array",
                        "items": _object(
                            "problem",
                            "subject",
                            "detail",
                            problem=_STRING,
                            subject=_STRING,
                            detail=_STRING,
                        ),
                    },
                ),
            },
        ),
    )
    doc.operation(
        "put",
        base + "/{hearing_id}/retention",
        "setRetention",
        "Set the retain-until date and the legal hold (archivists)",
        body=RetentionBody,
        response=_object("retain_until", "legal_hold"),
    )


def _object(*required: str, **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": properties}


_STRING = {"type": "string"}
_TIME = {"type": "string", "format": "date-time"}
_REVISION_COUNT = {
    "type": "integer",
    "minimum": 0,
    "description": "versions kept of the entry (protocol/entries/{entry_id}/revisions)",
}


def _account_lifecycle(doc: Document, account: dict[str, Any]) -> None:
    """Password change and reset, disable and enable, sessions (server/auth/lifecycle.py)."""
    doc.operation(
        "put",
        "/session/password",
        "changePassword",
        "Change one's own password (the current one is checked; other sessions end)",
        body=ChangePassword,
        response=account,
    )
    doc.operation(
        "post",
        "/session/totp",
        "proposeTotp",
        "A new TOTP secret and its otpauth URI for an authenticator app (nothing stored yet)",
        response=_object("secret", "uri", secret=_STRING, uri=_STRING),
    )
    doc.operation(
        "put",
        "/session/totp",
        "enableTotp",
        "Turn on one's second factor: the proposed secret and a code it makes now",
        body=EnableTotp,
        response=account,
    )
    doc.operation(
        "delete",
        "/session/totp",
        "disableTotp",
        "Turn off one's second factor (the current password is checked; not for "
        "administrators when COURTROOM_ADMIN_TOTP is on)",
        body=DisableTotp,
        response=account,
    )
    doc.operation(
        "post",
        "/staff/{staff_id}/password-reset",
        "resetPassword",
        "Reset a password (administrators): a temporary password, shown once, to be changed "
        "at the next login; the account's sessions end and its second factor is removed",
        body=AccountAction,
        response={"allOf": [account, _object("temporary_password", temporary_password=_STRING)]},
    )
    doc.operation(
        "post",
        "/staff/{staff_id}/disable",
        "disableStaff",
        "Disable an account (administrators; not one's own); its sessions end",
        body=AccountAction,
        response=account,
    )
    doc.operation(
        "post",
        "/staff/{staff_id}/enable",
        "enableStaff",
        "Enable a disabled account (administrators)",
        body=AccountAction,
        response=account,
    )
    staff_session = _object(
        "id",
        "created_at",
        "expires_at",
        "current",
        id=_STRING,
        created_at=_TIME,
        expires_at=_TIME,
        current={"type": "boolean", "description": "the session of this request"},
    )
    doc.operation(
        "get",
        "/staff/{staff_id}/sessions",
        "listStaffSessions",
        "The account's live sessions (its owner or an administrator)",
        response=_object("sessions", sessions={"type": "array", "items": staff_session}),
    )
    doc.operation(
        "delete",
        "/staff/{staff_id}/sessions/{session_id}",
        "revokeStaffSession",
        "End one session of the account (its owner or an administrator)",
        ok=204,
    )


def _staff_operations(doc: Document) -> None:
    """Logins, staff accounts, API tokens, webhooks and the audit log."""
    account = _object(
        "id",
        "username",
        "display_name",
        "role",
        id=_STRING,
        username=_STRING,
        display_name=_STRING,
        role=_ref("StaffRole"),
        disabled={"type": "boolean"},
        totp_enabled={"type": "boolean", "description": "the account has a second factor"},
        must_change_password={
            "type": "boolean",
            "description": "after a reset: every route but the password change answers 403 "
            "password_change_required until it is changed",
        },
    )
    session = {
        "allOf": [
            account,
            _object(
                "permissions",
                "session_expires_at",
                permissions={"type": "array", "items": _STRING},
                session_expires_at=_TIME,
                must_enrol_second_factor={
                    "type": "boolean",
                    "description": "COURTROOM_ADMIN_TOTP is on and this administrator has no "
                    "second factor: every route but enrolment answers 403 until it has one",
                },
            ),
        ]
    }
    doc.operation(
        "post",
        "/session",
        "logIn",
        "Log in (sets the courtroom_session cookie); an account with a second factor also "
        "sends `code`, and without it gets 401 second_factor_required",
        body=Login,
        response=session,
        public=True,
    )
    doc.operation("get", "/session", "readSession", "The logged-in staff member", response=session)
    doc.operation("delete", "/session", "logOut", "Log out", ok=204, public=True)
    doc.operation(
        "get",
        "/staff",
        "listStaff",
        "Staff accounts (administrators)",
        response={"type": "object", "properties": {"staff": {"type": "array", "items": account}}},
    )
    doc.operation(
        "post",
        "/staff",
        "addStaff",
        "Create a staff account (administrators)",
        ok=201,
        body=NewStaffAccount,
        response=account,
    )
    _account_lifecycle(doc, account)
    token = _object(
        "id",
        "name",
        "scopes",
        id=_STRING,
        name=_STRING,
        scopes={"type": "array", "items": _ref("Scope")},
    )
    doc.operation(
        "get",
        "/api-tokens",
        "listApiTokens",
        "API tokens of machine clients, without secrets",
        response={
            "type": "object",
            "properties": {"api_tokens": {"type": "array", "items": token}},
        },
    )
    doc.operation(
        "post",
        "/api-tokens",
        "issueApiToken",
        "Issue an API token (the secret is shown once)",
        ok=201,
        body=NewApiToken,
        response={"allOf": [token, _object("token", token=_STRING)]},
    )
    doc.operation(
        "delete",
        "/api-tokens/{token_id}",
        "revokeApiToken",
        "Revoke an API token",
        response=token,
    )
    webhook = _object(
        "id", "url", "events", id=_STRING, url=_STRING, events={"type": "array", "items": _STRING}
    )
    doc.operation(
        "get",
        "/webhooks",
        "listWebhooks",
        "Registered webhooks",
        response={
            "type": "object",
            "properties": {"webhooks": {"type": "array", "items": webhook}},
        },
    )
    doc.operation(
        "post",
        "/webhooks",
        "registerWebhook",
        "Register a webhook (the signing secret is shown once)",
        ok=201,
        body=Registration,
        response={"allOf": [webhook, _object("secret", secret=_STRING)]},
    )
    doc.operation("delete", "/webhooks/{webhook_id}", "removeWebhook", "Remove a webhook", ok=204)
    delivery = _object(
        "id",
        "event",
        "state",
        "attempts",
        id=_STRING,
        event=_STRING,
        state=_STRING,
        attempts={"type": "integer"},
        last_status={"type": ["integer", "null"]},
        last_error={"type": ["string", "null"]},
        next_attempt_at=_NULLABLE_TIME,
        delivered_at=_NULLABLE_TIME,
    )
    doc.operation(
        "get",
        "/webhooks/{webhook_id}/deliveries",
        "listWebhookDeliveries",
        "A webhook's deliveries, newest first, with their state",
        query=DeliveryQuery,
        response={
            "type": "object",
            "properties": {"deliveries": {"type": "array", "items": delivery}},
        },
    )
    entry = _object(
        "seq",
        "at",
        "actor",
        "action",
        "object",
        "outcome",
        "reason",
        "previous_digest",
        "digest",
        seq={"type": "integer"},
        at=_TIME,
        actor=_STRING,
        action=_STRING,
        object=_STRING,
        outcome={"enum": ["allowed", "denied"]},
        reason=_STRING,
        previous_digest=_STRING,
        digest=_STRING,
    )
    doc.operation(
        "get",
        "/audit",
        "listAuditEntries",
        "The audit log, oldest first (administrators)",
        query=AuditQuery,
        response=_object(
            "entries",
            "next_after",
            entries={"type": "array", "items": entry},
            next_after={"type": ["integer", "null"]},
        ),
    )
    doc.operation(
        "get",
        "/audit/verify",
        "verifyAuditLog",
        "Check the audit log's hash chain",
        response=_object("ok", "entries", ok={"type": "boolean"}, entries={"type": "integer"}),
    )


_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
_PERSON = {
    "type": "object",
    "required": ["username", "display_name"],
    "properties": {"username": {"type": "string"}, "display_name": {"type": "string"}},
}
_VIEWS: dict[str, Any] = {
    "Court": {
        "type": "object",
        "required": ["name", "time_zone", "languages"],
        "properties": {
            "name": {"type": "string", "description": "COURTROOM_COURT_NAME; may be empty"},
            "time_zone": {"type": "string", "description": "IANA zone, e.g. Asia/Baku"},
            "languages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "name"],
                    "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
                },
            },
        },
    },
    "Invitation": {
        "type": "object",
        "required": ["participant", "hearing", "court"],
        "properties": {
            "participant": _object(
                "name", "role", "role_label", name=_STRING, role=_STRING, role_label=_STRING
            ),
            "hearing": _object(
                "case_number",
                "title",
                "court",
                "courtroom",
                "state",
                "scheduled_start",
                "scheduled_end",
                case_number=_STRING,
                title=_STRING,
                court=_STRING,
                courtroom=_STRING,
                state=_ref("HearingState"),
                scheduled_start=_NULLABLE_TIME,
                scheduled_end=_NULLABLE_TIME,
            ),
            "court": _object("name", "time_zone", name=_STRING, time_zone=_STRING),
        },
    },
    "Bench": {
        "type": "object",
        "required": ["judges", "clerks"],
        "properties": {
            "judges": {"type": "array", "items": _PERSON},
            "clerks": {"type": "array", "items": _PERSON},
        },
    },
    "Hearing": {
        "type": "object",
        "required": [
            "id",
            "case_number",
            "title",
            "court",
            "courtroom",
            "presiding_judge",
            "clerk",
            "scheduled_start",
            "scheduled_end",
            "duration_minutes",
            "language",
            "state",
        ],
        "properties": {
            "id": {"type": "string"},
            "case_number": {"type": "string"},
            "title": {"type": "string"},
            "court": {"type": "string"},
            "courtroom": {"type": "string"},
            "presiding_judge": {
                "type": "string",
                "description": "The presiding judge's staff username",
            },
            "clerk": {
                "type": "string",
                "description": "The clerk's staff username; empty if scheduled without one",
            },
            "scheduled_start": _NULLABLE_TIME,
            "scheduled_end": _NULLABLE_TIME,
            "duration_minutes": {"type": "integer"},
            "language": {"type": "string"},
            "state": _ref("HearingState"),
        },
    },
    "Participant": {
        "type": "object",
        "required": ["id", "hearing_id", "name", "role", "role_label", "represents", "in_custody"],
        "properties": {
            "id": {"type": "string"},
            "hearing_id": {"type": "string"},
            "name": {"type": "string"},
            "role": _ref("Role"),
            "role_label": {"type": "string"},
            "represents": {"type": ["string", "null"]},
            "in_custody": {"type": "boolean"},
        },
    },
    "JoinLink": {
        "type": "object",
        "required": [
            "id",
            "hearing_id",
            "participant_id",
            "role",
            "issued_at",
            "expires_at",
            "active",
        ],
        "properties": {
            "id": {"type": "string"},
            "hearing_id": {"type": "string"},
            "participant_id": {"type": "string"},
            "role": _ref("Role"),
            "issued_at": {"type": "string", "format": "date-time"},
            "issued_by": {"type": "string"},
            "expires_at": {"type": "string", "format": "date-time"},
            "revoked_at": _NULLABLE_TIME,
            "revoked_by": {"type": ["string", "null"]},
            "active": {"type": "boolean"},
        },
    },
    "IssuedJoinLink": {
        "allOf": [
            _ref("JoinLink"),
            {
                "type": "object",
                "required": ["token", "url"],
                "properties": {
                    "token": {"type": "string"},
                    "url": {"type": "string", "description": "/join#token=... (fragment)"},
                },
            },
        ]
    },
    "ChatMessage": {
        "type": "object",
        "required": ["id", "hearing_id", "sender_id", "recipient_id", "text", "sent_at"],
        "properties": {
            "id": {"type": "string"},
            "hearing_id": {"type": "string"},
            "sender_id": {"type": "string", "description": "the sending participant's id"},
            "recipient_id": {
                "type": ["string", "null"],
                "description": "the receiving participant's id; null: to the clerk",
            },
            "text": {"type": "string", "maxLength": MAX_CHAT_LENGTH},
            "sent_at": {"type": "string", "format": "date-time"},
        },
    },
    "Recording": {
        "type": "object",
        "required": ["id", "hearing_id", "started_at", "stopped_at", "duration_s"],
        "properties": {
            "id": {"type": "string"},
            "hearing_id": {"type": "string"},
            "started_at": {"type": "number", "description": "Unix seconds"},
            "stopped_at": {"type": ["number", "null"]},
            "duration_s": {"type": ["number", "null"]},
        },
    },
    "ProtocolEntryRevision": {
        "type": "object",
        "required": [
            "revision",
            "kind",
            "speaker_id",
            "text",
            "record_ms",
            "saved_by",
            "saved_at",
        ],
        "properties": {
            "revision": {"type": "integer", "minimum": 1},
            "kind": {"enum": [k.value for k in EntryKind]},
            "speaker_id": {"type": ["string", "null"]},
            "text": {"type": "string", "maxLength": MAX_ENTRY_TEXT},
            "record_ms": {"type": ["integer", "null"]},
            "saved_by": {
                "type": "string",
                "description": "participant:<id> (<role>), staff:<account> or system",
            },
            "saved_at": {
                "type": "number",
                "description": "Unix seconds: the last save folded into this revision",
            },
        },
    },
    "ProtocolEntryRevisions": {
        "type": "object",
        "required": ["entry_id", "number", "revisions"],
        "properties": {
            "entry_id": {"type": "string"},
            "number": {"type": "integer", "minimum": 1},
            "revisions": {"type": "array", "items": _ref("ProtocolEntryRevision")},
        },
    },
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details",
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "code": {"type": "string"},
        },
    },
}


def openapi_document(server_url: str) -> dict[str, Any]:
    doc = _build()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "courtroom API",
            "version": "0.2.0",
            "description": (
                "Criminal court hearings by video: hearings, participants, join links and "
                "recordings, for court staff and the e-court information system. Every error "
                "is RFC 9457 problem+json with a stable `code`."
            ),
        },
        "servers": [{"url": f"{server_url}/api/v1"}],
        "paths": doc.paths,
        "components": {
            "schemas": doc.schemas,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "courtroom_session"},
                "token": {"type": "http", "scheme": "bearer"},
            },
        },
    }
