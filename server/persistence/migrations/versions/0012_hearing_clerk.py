"""A hearing names the clerk scheduled for it (a staff username), as it names its presiding
judge; hearings scheduled before have none ("").

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hearings") as batch:
        batch.add_column(sa.Column("clerk", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("hearings") as batch:
        batch.drop_column("clerk")
