"""Hearings and their participants.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hearings",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("case_number", sa.String(64), nullable=False, index=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "participants",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "hearing_id",
            sa.String(40),
            sa.ForeignKey("hearings.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("participants")
    op.drop_table("hearings")
