"""The safety chain: periodic runs claimed once per period across every process, scheduler
heartbeats, notifications linked to the alert they are about, and staff mobile numbers for
urgent alerts.

Revision ID: 9a1c3e5b7d20
Revises: 7c41e2b9d0a3
Create Date: 2026-12-07 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "9a1c3e5b7d20"
down_revision = "7c41e2b9d0a3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "periodic_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("runner", sa.String(length=128), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_periodic_run")),
        sa.UniqueConstraint("job", "period_start", name=op.f("uq_periodic_run_job_period_start")),
    )
    with op.batch_alter_table("periodic_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_periodic_run_period_start"), ["period_start"], unique=False
        )
    op.create_table(
        "scheduler_beat",
        sa.Column("runner", sa.String(length=128), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("runner", name=op.f("pk_scheduler_beat")),
    )
    with op.batch_alter_table("scheduler_beat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheduler_beat_beat_at"), ["beat_at"], unique=False)
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alert_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_message_alert_id"), ["alert_id"], unique=False)
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
    with op.batch_alter_table("safeguarding_alert", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fallback_notified_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("safeguarding_alert", schema=None) as batch_op:
        batch_op.drop_column("fallback_notified_at")
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("phone")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_alert_id"))
        batch_op.drop_column("alert_id")
    op.drop_table("scheduler_beat")
    op.drop_table("periodic_run")
