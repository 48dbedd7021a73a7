"""Member enquiry reminders: the last nudge or overdue warning sent for an MP's or
councillor's enquiry, so reminders repeat weekly as they do for complaint stages.

Revision ID: 1bba1a46cdcd
Revises: b7ca9e17791a
Create Date: 2026-11-22 05:33:12.499433

"""

import sqlalchemy as sa
from alembic import op

revision = "1bba1a46cdcd"
down_revision = "b7ca9e17791a"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("member_enquiry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminder_kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("reminder_sent_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reminder_due_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("member_enquiry", schema=None) as batch_op:
        batch_op.drop_column("reminder_due_on")
        batch_op.drop_column("reminder_sent_on")
        batch_op.drop_column("reminder_kind")
