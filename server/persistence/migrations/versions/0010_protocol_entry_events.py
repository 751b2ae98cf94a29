"""A system protocol entry keeps the event it was written from: its kind and parameters.

Entries written before have neither and are rendered as written.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (nullable, no default): existing rows are neither copied nor touched.
    op.add_column("protocol_entries", sa.Column("event_kind", sa.String(40), nullable=True))
    op.add_column("protocol_entries", sa.Column("event_params", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("protocol_entries") as batch:
        batch.drop_column("event_params")
        batch.drop_column("event_kind")
