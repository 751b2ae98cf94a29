"""The court's decisions about who may be in a live hearing outlive the process: a
participant removed in the hearing (with the court's reason) and the hearing's lock.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, never batch mode: on SQLite a batch recreates the table (copy, drop,
    # rename), and dropping "hearings" would cascade to every row that refers to it. A
    # constant default ("0", which PostgreSQL reads as false too) keeps it a plain ADD COLUMN.
    op.add_column("participants", sa.Column("barred_reason", sa.String(500), nullable=True))
    op.add_column("hearings", sa.Column("locked", sa.Boolean(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("hearings") as batch:
        batch.drop_column("locked")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("barred_reason")
