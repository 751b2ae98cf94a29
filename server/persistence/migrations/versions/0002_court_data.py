"""Court data: the full hearing, participants' representation and custody, join links,
staff accounts and sessions, API tokens, webhooks and the audit log.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("hearings") as batch:
        batch.add_column(sa.Column("court", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("courtroom", sa.String(100), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("presiding_judge", sa.String(64), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("scheduled_start", TZ, nullable=True))
        batch.add_column(sa.Column("duration_min", sa.Integer, nullable=False, server_default="60"))
        batch.add_column(sa.Column("language", sa.String(16), nullable=False, server_default="en"))
        batch.add_column(
            sa.Column("state", sa.String(20), nullable=False, server_default="scheduled")
        )
        batch.add_column(sa.Column("updated_at", TZ, nullable=True))
        batch.create_index("ix_hearings_court", ["court"])
        batch.create_index("ix_hearings_presiding_judge", ["presiding_judge"])
        batch.create_index("ix_hearings_scheduled_start", ["scheduled_start"])
        batch.create_index("ix_hearings_state", ["state"])

    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("represents_id", sa.String(40), nullable=True))
        batch.add_column(
            sa.Column("in_custody", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("removed_at", TZ, nullable=True))
        batch.create_foreign_key(
            "fk_participants_represents",
            "participants",
            ["represents_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "join_links",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "hearing_id",
            sa.String(40),
            sa.ForeignKey("hearings.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "participant_id",
            sa.String(40),
            sa.ForeignKey("participants.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("issued_by", sa.String(120), nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.Column("revoked_by", sa.String(120), nullable=True),
    )
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("disabled_at", TZ, nullable=True),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "account_id",
            sa.String(40),
            sa.ForeignKey("staff_accounts.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("scopes", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
    )
    op.create_table(
        "webhooks",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("events", sa.String(400), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("removed_at", TZ, nullable=True),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "webhook_id",
            sa.String(40),
            sa.ForeignKey("webhooks.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("event", sa.String(60), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=True, index=True),
        sa.Column("last_status", sa.Integer, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("delivered_at", TZ, nullable=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False, index=True),
        sa.Column("object", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("previous_digest", sa.String(64), nullable=False, unique=True),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
    )


def downgrade() -> None:
    for table in (
        "audit_log",
        "webhook_deliveries",
        "webhooks",
        "api_tokens",
        "staff_sessions",
        "staff_accounts",
        "join_links",
    ):
        op.drop_table(table)
    with op.batch_alter_table("participants") as batch:
        batch.drop_constraint("fk_participants_represents", type_="foreignkey")
        for column in ("removed_at", "in_custody", "represents_id"):
            batch.drop_column(column)
    with op.batch_alter_table("hearings") as batch:
        for index in ("state", "scheduled_start", "presiding_judge", "court"):
            batch.drop_index(f"ix_hearings_{index}")
        for column in (
            "updated_at",
            "state",
            "language",
            "duration_min",
            "scheduled_start",
            "presiding_judge",
            "courtroom",
            "court",
        ):
            batch.drop_column(column)
