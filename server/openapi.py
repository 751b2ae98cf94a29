"""The OpenAPI 3.1 description of the REST API, served at /api/v1/openapi.json.

Request bodies and query parameters are described from the same pydantic models that
validate them, and every JSON answer from the typed view its handler builds (server/views.py
and the views beside it: auth, archive, audit, webhooks, the live hearing's notices), so the
document cannot drift from what the server accepts or answers. Nothing here is a hand-written
schema; tests/server/test_documented.py fails on a route without an operation or a JSON
answer whose schema does not name its fields.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter

from server.api.bench import BenchJoin
from server.api.bodies import ReasonQuery
from server.api.chat import ChatQuery
from server.api.hearings import Cancel, HearingQuery, HearingUpdate, NewHearing, Reschedule
from server.api.invitation import InvitationQuery
from server.api.links import NewLink, Revocation
from server.api.participants import NewParticipant, Removal
from server.api.protocol import Correction, ExportQuery, Signing
from server.archive.routes import ReasonBody, RetentionBody, SearchQuery
from server.archive.views import (
    ArchivedHearingList,
    ArchivedProtocol,
    ArchivedRecord,
    ArchiveJob,
    ArchiveJobs,
    RecordVerification,
    Retention,
    SpeakerTimeline,
)
from server.audit.routes import AuditPage, AuditQuery, AuditVerification
from server.auth.bodies import (
    AccountAction,
    ChangePassword,
    CourtAssignment,
    DisableTotp,
    EnableTotp,
    Login,
    NewApiToken,
    NewStaffAccount,
)
from server.auth.views import (
    Account,
    AccountList,
    AccountSessionList,
    ApiToken,
    ApiTokenList,
    IssuedApiToken,
    ResetAccount,
    Session,
    TotpProposal,
)
from server.problems import Problem
from server.views import (
    Bench,
    BenchSeat,
    ChatMessageList,
    Court,
    CourtList,
    ExhibitList,
    Health,
    Hearing,
    HearingList,
    Invitation,
    IssuedJoinLink,
    JoinLink,
    JoinLinkList,
    Participant,
    ParticipantList,
    Protocol,
    ProtocolCorrection,
    ProtocolEntryRevisions,
    RecordingList,
)
from server.webhooks.routes import (
    DeliveryQuery,
    RegisteredWebhook,
    Registration,
    WebhookDeliveryList,
    WebhookList,
)

REF = "#/components/schemas/{model}"

# Every error, on every route, is an RFC 9457 problem document (server/problems.py).
PROBLEM_RESPONSE = {
    "description": "An error, as RFC 9457 problem details with a stable code",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}

SECURITY: list[dict[str, list[str]]] = [{"session": []}, {"token": []}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


class Document:
    """Collects operations and the schemas they refer to."""

    def __init__(self) -> None:
        self.paths: dict[str, dict[str, Any]] = {}
        self.schemas: dict[str, Any] = {}

    def _keep(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        # Two shapes of one name would silently document one of them for both.
        if self.schemas.setdefault(name, schema) != schema:
            raise ValueError(f"two different schemas are named {name}")
        return _ref(name)

    def _keep_all(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        for defined, definition in schema.pop("$defs", {}).items():
            self._keep(defined, definition)
        return self._keep(name, schema)

    def model(self, model: type[BaseModel]) -> dict[str, str]:
        schema = model.model_json_schema(by_alias=True, ref_template=REF)
        return self._keep_all(model.__name__, schema)

    def view(self, shape: type) -> dict[str, str]:
        """A response's view (a TypedDict of server/views.py and its kind), by reference."""
        schema = TypeAdapter(shape).json_schema(ref_template=REF, mode="serialization")
        return self._keep_all(shape.__name__, schema)

    def operation(
        self,
        method: str,
        path: str,
        operation_id: str,
        summary: str,
        *,
        ok: int = 200,
        also: tuple[int, ...] = (),
        response: dict[str, Any] | None = None,
        body: type[BaseModel] | None = None,
        body_required: bool = True,
        query: type[BaseModel] | None = None,
        public: bool = False,
        media: str | None = None,
    ) -> None:
        """``media``: a file's content type instead of JSON (served whole or in one byte
        range, 206 with Content-Range); ``also``: other statuses of the same answer."""
        success: dict[str, Any] = {"description": summary}
        if media is not None:
            success["content"] = {media: {"schema": {"type": "string", "format": "binary"}}}
        elif ok != 204:
            # A JSON answer is described by its view: never "some object".
            if response is None:
                raise ValueError(f"{operation_id}: a JSON answer needs its schema")
            success["content"] = {"application/json": {"schema": response}}
        operation: dict[str, Any] = {
            "operationId": operation_id,
            "summary": summary,
            "responses": {
                "default": PROBLEM_RESPONSE,
                **{str(status): success for status in (ok, *also)},
            },
        }
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _path_names(path)
        ]
        if query is not None:
            schema = query.model_json_schema(by_alias=True, ref_template=REF)
            for name, definition in schema.pop("$defs", {}).items():
                self._keep(name, definition)
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
        response=doc.view(Health),
        public=True,
    )
    doc.operation(
        "get",
        "/court",
        "readCourt",
        "The court: its name, its time zone (every time shown to people is in it, 24-hour) "
        "and the languages a hearing can be held in",
        response=doc.view(Court),
        public=True,
    )
    doc.operation(
        "get",
        "/court/bench",
        "listBench",
        "The active judges and clerks a hearing can be scheduled with",
        response=doc.view(Bench),
    )
    doc.operation(
        "get",
        "/courts",
        "listCourts",
        "The courts a clerk can be assigned to (administrators): COURTROOM_COURT_NAME and "
        "every court a hearing is scheduled in",
        response=doc.view(CourtList),
    )
    doc.operation(
        "post",
        "/invitation",
        "readInvitation",
        "What a join link invites to (who, which case, when, in the court's zone): the token "
        "in the body is the credential; 401 if it is forged, expired, revoked or its hearing "
        "has ended",
        body=InvitationQuery,
        response=doc.view(Invitation),
        public=True,
    )
    hearing, participant, link = doc.view(Hearing), doc.view(Participant), doc.view(JoinLink)
    doc.operation(
        "get",
        "/hearings",
        "listHearings",
        "Hearings, by scheduled start, filtered",
        query=HearingQuery,
        response=doc.view(HearingList),
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
        response=doc.view(ParticipantList),
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
        response=doc.view(IssuedJoinLink),
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
        response=doc.view(BenchSeat),
    )
    doc.operation(
        "get",
        "/hearings/{hearing_id}/links",
        "listJoinLinks",
        "The hearing's issued join links (without tokens)",
        response=doc.view(JoinLinkList),
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
        response=doc.view(ChatMessageList),
    )
    doc.operation(
        "get",
        "/recordings",
        "listRecordings",
        "Recordings of all hearings, with their measured durations",
        response=doc.view(RecordingList),
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
        response=doc.view(Protocol),
    )
    doc.operation(
        "get",
        "/hearings/{hearing_id}/protocol/entries/{entry_id}/revisions",
        "readProtocolEntryRevisions",
        "One protocol entry's history: every version saved before signing, oldest first, "
        "who saved it and when (one writer's saves within 10 s of each other are one "
        "revision); read with a stated reason, audited",
        query=ReasonQuery,
        response=doc.view(ProtocolEntryRevisions),
    )
    doc.operation(
        "get",
        "/hearings/{hearing_id}/exhibits",
        "readExhibits",
        "The hearing's exhibit register: number, description, offered by, status "
        "(offered, admitted, excluded) and when each was on screen, in record time; read with "
        "a stated reason, audited",
        query=ReasonQuery,
        response=doc.view(ExhibitList),
    )
    doc.operation(
        "post",
        "/hearings/{hearing_id}/protocol/sign",
        "signProtocol",
        "Sign the closed hearing's protocol as its presiding judge or its clerk; locks it",
        body=Signing,
        body_required=False,
        response=doc.view(Protocol),
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
        response=doc.view(ProtocolCorrection),
    )
    _archive_operations(doc)
    _staff_operations(doc)
    doc.view(Problem)
    return doc


def _archive_operations(doc: Document) -> None:
    """The archive: every read needs a stated reason (query ``reason`` or body ``reason``),
    which is audited with the access."""
    base = "/archive/hearings"
    job = doc.view(ArchiveJob)
    doc.operation(
        "get",
        base,
        "searchArchive",
        "Archived hearings by case number, court, participant, state and recording date",
        query=SearchQuery,
        response=doc.view(ArchivedHearingList),
    )
    doc.operation(
        "get",
        base + "/{hearing_id}",
        "readArchivedHearing",
        "A hearing's record: metadata, participants, recordings and files, timeline, jobs",
        query=ReasonQuery,
        response=doc.view(ArchivedRecord),
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
        response=doc.view(ArchivedProtocol),
    )
    doc.operation(
        "get",
        base + "/{hearing_id}/speakers",
        "readSpeakerTimeline",
        "Who spoke when: speaker turns in joined-master time, participants, and whether "
        "each recording has a speaker timeline",
        query=ReasonQuery,
        response=doc.view(SpeakerTimeline),
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
            f"Build {what} in the background (202 with the job; 200 if it is built already)",
            ok=202,
            also=(200,),
            body=ReasonBody,
            response=job,
        )
    doc.operation(
        "get",
        base + "/{hearing_id}/jobs",
        "readArchiveJobs",
        "Build progress",
        response=doc.view(ArchiveJobs),
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
        response=doc.view(RecordVerification),
    )
    doc.operation(
        "put",
        base + "/{hearing_id}/retention",
        "setRetention",
        "Set the retain-until date and the legal hold (archivists)",
        body=RetentionBody,
        response=doc.view(Retention),
    )


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
        response=doc.view(TotpProposal),
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
        response=doc.view(ResetAccount),
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
    doc.operation(
        "put",
        "/staff/{staff_id}/courts",
        "assignCourts",
        "Assign a clerk to courts, all of them at once (administrators): the clerk then sees "
        "and changes every hearing of those courts, besides the hearings naming them as "
        "clerk; 422 for another role or a court no hearing is in",
        body=CourtAssignment,
        response=account,
    )
    doc.operation(
        "get",
        "/staff/{staff_id}/sessions",
        "listStaffSessions",
        "The account's live sessions (its owner or an administrator)",
        response=doc.view(AccountSessionList),
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
    account, session = doc.view(Account), doc.view(Session)
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
        response=doc.view(AccountList),
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
    token = doc.view(ApiToken)
    doc.operation(
        "get",
        "/api-tokens",
        "listApiTokens",
        "API tokens of machine clients, without secrets",
        response=doc.view(ApiTokenList),
    )
    doc.operation(
        "post",
        "/api-tokens",
        "issueApiToken",
        "Issue an API token (the secret is shown once)",
        ok=201,
        body=NewApiToken,
        response=doc.view(IssuedApiToken),
    )
    doc.operation(
        "delete",
        "/api-tokens/{token_id}",
        "revokeApiToken",
        "Revoke an API token",
        response=token,
    )
    doc.operation(
        "get",
        "/webhooks",
        "listWebhooks",
        "Registered webhooks",
        response=doc.view(WebhookList),
    )
    doc.operation(
        "post",
        "/webhooks",
        "registerWebhook",
        "Register a webhook (the signing secret is shown once)",
        ok=201,
        body=Registration,
        response=doc.view(RegisteredWebhook),
    )
    doc.operation("delete", "/webhooks/{webhook_id}", "removeWebhook", "Remove a webhook", ok=204)
    doc.operation(
        "get",
        "/webhooks/{webhook_id}/deliveries",
        "listWebhookDeliveries",
        "A webhook's deliveries, newest first, with their state",
        query=DeliveryQuery,
        response=doc.view(WebhookDeliveryList),
    )
    doc.operation(
        "get",
        "/audit",
        "listAuditEntries",
        "The audit log, oldest first (administrators)",
        query=AuditQuery,
        response=doc.view(AuditPage),
    )
    doc.operation(
        "get",
        "/audit/verify",
        "verifyAuditLog",
        "Check the audit log's hash chain",
        response=doc.view(AuditVerification),
    )


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
