"""Every version of a protocol entry saved before signing; existing entries' current state
becomes their revision 1.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "protocol_entry_revisions",
        sa.Column(
            "entry_id",
            sa.String(40),
            sa.ForeignKey("protocol_entries.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("revision", sa.Integer, primary_key=True),
        sa.Column(
            "hearing_id",
            sa.String(40),
            sa.ForeignKey("hearings.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("speaker_id", sa.String(40), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("record_ms", sa.Integer, nullable=True),
        sa.Column("saved_by", sa.String(120), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    )
    # What each entry says now is its first known version. Who saved it last was never
    # kept: its author is the best there is, and its last save's time is known.
    op.execute(
        "INSERT INTO protocol_entry_revisions "
        "(entry_id, revision, hearing_id, kind, speaker_id, text, record_ms, saved_by, saved_at) "
        "SELECT id, 1, hearing_id, kind, speaker_id, text, record_ms, author, updated_at "
        "FROM protocol_entries"
    )


def downgrade() -> None:
    op.drop_table("protocol_entry_revisions")
