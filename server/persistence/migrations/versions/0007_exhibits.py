"""The exhibit register: each hearing's exhibits, numbered, with their showings.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exhibits",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "hearing_id",
            sa.String(40),
            sa.ForeignKey("hearings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("offered_by", sa.String(40), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("showings", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("hearing_id", "number"),
    )
    op.create_index("ix_exhibits_hearing_id", "exhibits", ["hearing_id"])


def downgrade() -> None:
    op.drop_index("ix_exhibits_hearing_id", "exhibits")
    op.drop_table("exhibits")
