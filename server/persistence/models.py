"""Table definitions: the court model as stored. Repositories map rows to court/ types."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class HearingRow(Base):
    __tablename__ = "hearings"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(300))
    court: Mapped[str] = mapped_column(String(200), index=True, default="")
    courtroom: Mapped[str] = mapped_column(String(100), default="")
    presiding_judge: Mapped[str] = mapped_column(String(64), index=True, default="")
    clerk: Mapped[str] = mapped_column(String(64), default="")
    scheduled_start: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), index=True, nullable=True
    )
    duration_min: Mapped[int] = mapped_column(Integer, default=60)
    language: Mapped[str] = mapped_column(String(16), default="en")
    state: Mapped[str] = mapped_column(String(20), index=True, default="scheduled")
    # Locked by the court in the live hearing: no newcomer is let in (signaling.live.decisions).
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ParticipantRow(Base):
    __tablename__ = "participants"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    hearing_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    represents_id: Mapped[str | None] = mapped_column(
        String(40), ForeignKey("participants.id", ondelete="SET NULL"), nullable=True
    )
    in_custody: Mapped[bool] = mapped_column(Boolean, default=False)
    # Removal keeps the row: the audit log and the record still name who took part.
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Removed by the court in the live hearing (its reason), until the court re-admits them:
    # refused by the live hearing, whichever process holds it.
    barred_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)


class JoinLinkRow(Base):
    __tablename__ = "join_links"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    hearing_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    issued_by: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(120), nullable=True)


class ChatMessageRow(Base):
    __tablename__ = "chat_messages"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    hearing_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    # Participant ids, not foreign keys: the message is the record of what was said, and
    # stays exactly as sent whatever later happens to the participant's row.
    sender_id: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[str | None] = mapped_column(String(40), nullable=True)  # None: clerk
    text: Mapped[str] = mapped_column(Text)  # at most signaling.messages.MAX_CHAT_LENGTH
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StaffAccountRow(Base):
    __tablename__ = "staff_accounts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Set by an administrator's reset: every route but the password change refuses until then.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # Base32 TOTP secret of the account's second factor (RFC 6238), or None without one.
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # A clerk's courts as a JSON list of names (as hearings name their court): a handful,
    # always read and written whole, with the account they belong to.
    courts: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")


class StaffSessionRow(Base):
    __tablename__ = "staff_sessions"

    # SHA-256 of the cookie value: a leaked database does not hand out live sessions.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256, hex
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated court.permissions.Scope
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebhookRow(Base):
    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(100))
    events: Mapped[str] = mapped_column(String(400))  # space-separated event names
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebhookDeliveryRow(Base):
    __tablename__ = "webhook_deliveries"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    webhook_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)  # the exact JSON body that is signed and sent
    state: Mapped[str] = mapped_column(String(20), index=True)  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), index=True, nullable=True
    )
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEntryRow(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100), index=True)
    object: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(10))  # allowed or denied
    reason: Mapped[str] = mapped_column(String(1000))
    # The chain: each entry's digest covers its fields and the previous entry's digest.
    # UNIQUE on previous_digest means two writers can never fork the chain.
    previous_digest: Mapped[str] = mapped_column(String(64), unique=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)


class ArchivedRecordingRow(Base):
    """The archive's index of one sealed recording (its files live in the archive storage)."""

    __tablename__ = "archived_recordings"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the recording id
    hearing_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    duration_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    recovered: Mapped[bool] = mapped_column(Boolean, default=False)
    indexed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RetentionRow(Base):
    """How long a hearing's record is kept, and whether a legal hold forbids its deletion."""

    __tablename__ = "record_retention"

    hearing_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("hearings.id", ondelete="CASCADE"), primary_key=True
    )
    retain_until: Mapped[date] = mapped_column(Date, index=True)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProtocolEntryRow(Base):
    """One entry of a hearing's court protocol (court.protocol.ProtocolEntry)."""

    __tablename__ = "protocol_entries"
    # Two entries can never share a number, whatever writes at the same time.
    __table_args__ = (UniqueConstraint("hearing_id", "number"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    hearing_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    recording_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    record_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    speaker_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    text: Mapped[str] = mapped_column(Text)  # at most court.protocol.MAX_ENTRY_TEXT
    author: Mapped[str] = mapped_column(String(120))
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # A system entry's event (court.events.WrittenEvent): its kind and its parameters as
    # canonical JSON. NULL for what people wrote, and for system entries written before
    # events were kept (those render as written).
    event_kind: Mapped[str | None] = mapped_column(String(40), nullable=True)
    event_params: Mapped[str | None] = mapped_column(Text, nullable=True)


class ProtocolRevisionRow(Base):
    """One version of a protocol entry, kept from its first save until the protocol is
    signed (court.protocol.ProtocolRevision); the entry's row holds its latest."""

    __tablename__ = "protocol_entry_revisions"

    entry_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("protocol_entries.id", ondelete="CASCADE"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1, 2, 3...
    hearing_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    speaker_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    record_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    saved_by: Mapped[str] = mapped_column(String(120))  # as ProtocolEntryRow.author
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProtocolSignatureRow(Base):
    """The judge's or the clerk's signature of a hearing's protocol (one each)."""

    __tablename__ = "protocol_signatures"

    hearing_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("hearings.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(10), primary_key=True)
    signer: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ExhibitRow(Base):
    """One exhibit of a hearing's register (court.exhibits.Exhibit)."""

    __tablename__ = "exhibits"
    __table_args__ = (UniqueConstraint("hearing_id", "number"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    hearing_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)  # at most court.exhibits.MAX_DESCRIPTION
    offered_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status: Mapped[str] = mapped_column(String(10))
    # The showings as a JSON list: a handful per exhibit, always read and written whole.
    showings: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


ONE_CURRENT_KEY = text("state = 'current'")


class RecordKeyRow(Base):
    """One of the court's record-signing keys, by its public half (the private half is
    only ever in the key file). Whether a row is trusted is not read from here: it is
    worked out from the key file and the succession statements (server/court_key.py)."""

    __tablename__ = "record_keys"
    # Two current keys would leave "which key must the key file hold" without an answer.
    __table_args__ = (
        Index(
            "ix_record_keys_one_current",
            "state",
            unique=True,
            sqlite_where=ONE_CURRENT_KEY,
            postgresql_where=ONE_CURRENT_KEY,
        ),
    )

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))  # the raw 32-byte key, hex
    state: Mapped[str] = mapped_column(String(10))  # current or retired
    first_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # For a key that succeeded another: the statement as signed, and the signatures of the
    # retiring key and of this key over it (hex).
    succession: Mapped[str | None] = mapped_column(Text, nullable=True)
    previous_signature: Mapped[str | None] = mapped_column(String(128), nullable=True)
    next_signature: Mapped[str | None] = mapped_column(String(128), nullable=True)
