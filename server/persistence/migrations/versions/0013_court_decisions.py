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
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("barred_reason", sa.String(500), nullable=True))
    with op.batch_alter_table("hearings") as batch:
        batch.add_column(
            sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("hearings") as batch:
        batch.drop_column("locked")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("barred_reason")
