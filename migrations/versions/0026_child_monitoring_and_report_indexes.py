"""Equality monitoring of the child a message is about (age band and gender), disability by
kind and sexual orientation; an index on the day each complaint stage was received, which the
complaints report counts by.

Revision ID: 4ba317956868
Revises: 5fe6d53edbe9
Create Date: 2026-12-07 23:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "4ba317956868"
down_revision = "5fe6d53edbe9"
branch_labels = None
depends_on = None

COLUMNS = ("disability_kind", "sexual_orientation", "child_age_band", "child_gender")


def upgrade():
    with op.batch_alter_table("equality_response") as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=32), nullable=True))
    op.create_index(
        op.f("ix_complaint_stage_received_on"), "complaint_stage", ["received_on"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_complaint_stage_received_on"), table_name="complaint_stage")
    with op.batch_alter_table("equality_response") as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
