"""The court's record-signing keys: each key's public half and fingerprint, recorded at
first use, and for each rotation the succession statement signed by both keys.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ONE_CURRENT_KEY = sa.text("state = 'current'")


def upgrade() -> None:
    op.create_table(
        "record_keys",
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("first_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("succession", sa.Text, nullable=True),
        sa.Column("previous_signature", sa.String(128), nullable=True),
        sa.Column("next_signature", sa.String(128), nullable=True),
    )
    op.create_index(
        "ix_record_keys_one_current",
        "record_keys",
        ["state"],
        unique=True,
        sqlite_where=ONE_CURRENT_KEY,
        postgresql_where=ONE_CURRENT_KEY,
    )


def downgrade() -> None:
    op.drop_index("ix_record_keys_one_current", "record_keys")
    op.drop_table("record_keys")
