"""Staff sessions kept on the server, sign-in throttles per account and address, one-time
two-factor enrolment links, a second-factor counter that a right password never resets, and
temporary passwords that expire; the session version they replace is dropped.

Revision ID: 4d2b8f6a1c93
Revises: 9a1c3e5b7d20
Create Date: 2026-12-07 19:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "4d2b8f6a1c93"
down_revision = "9a1c3e5b7d20"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("last_seen_at", TIMESTAMP, nullable=False),
        sa.Column("authenticated_at", TIMESTAMP, nullable=False),
        sa.Column("ended_at", TIMESTAMP, nullable=True),
        sa.Column("ended_reason", sa.String(length=32), nullable=True),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("browser", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["staff_user.id"], name=op.f("fk_staff_session_staff_user_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_session_token_hash")),
    )
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_session_staff_user_id"), ["staff_user_id"], unique=False
        )
    op.create_table(
        "sign_in_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", TIMESTAMP, nullable=False),
        sa.Column("wait_until", TIMESTAMP, nullable=True),
        sa.Column("alerted_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_sign_in_throttle_staff_user_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_throttle")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_sign_in_throttle_scope_key")),
    )
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_in_throttle_staff_user_id"), ["staff_user_id"], unique=False
        )
    op.create_table(
        "enrolment_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("used_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff_user.id"], name=op.f("fk_enrolment_link_created_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["staff_user.id"], name=op.f("fk_enrolment_link_staff_user_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_enrolment_link_token_hash")),
    )
    with op.batch_alter_table("enrolment_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enrolment_link_staff_user_id"), ["staff_user_id"], unique=False
        )
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_codes", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("codes_wait_until", TIMESTAMP, nullable=True))
        batch_op.add_column(sa.Column("password_expires_at", TIMESTAMP, nullable=True))
        batch_op.add_column(
            sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("session_version")


def downgrade():
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("locked_until", TIMESTAMP, nullable=True))
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.drop_column("must_change_password")
        batch_op.drop_column("password_expires_at")
        batch_op.drop_column("codes_wait_until")
        batch_op.drop_column("failed_codes")
    op.drop_table("enrolment_link")
    op.drop_table("sign_in_throttle")
    op.drop_table("staff_session")
