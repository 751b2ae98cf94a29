"""Staff accounts may be told to change their password at the next login (after an
administrator's reset, or for the bootstrap administrator), and may have a TOTP second
factor.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_accounts") as batch:
        batch.add_column(
            sa.Column(
                "must_change_password",
                sa.Boolean,
                nullable=False,
                server_default=sa.false(),
            )
        )
        batch.add_column(sa.Column("totp_secret", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_accounts") as batch:
        batch.drop_column("totp_secret")
        batch.drop_column("must_change_password")
