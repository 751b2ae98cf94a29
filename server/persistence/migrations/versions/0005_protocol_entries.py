"""The court protocol's entries.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "protocol_entries",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "hearing_id",
            sa.String(40),
            sa.ForeignKey("hearings.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("recording_id", sa.String(40), nullable=True),
        sa.Column("record_ms", sa.Integer, nullable=True),
        sa.Column("speaker_id", sa.String(40), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(120), nullable=False),
        sa.Column("automatic", sa.Boolean, nullable=False, default=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("hearing_id", "number"),
    )


def downgrade() -> None:
    op.drop_table("protocol_entries")
