"""How each feedback item was received, stored on the item: the channel of its first inbound
message, filled for items already stored so reports and filters need no per-item look-up.

Revision ID: 3f6b9d2e8a15
Revises: 8d2f6b1c4e57
Create Date: 2026-11-22 07:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "3f6b9d2e8a15"
down_revision = "8d2f6b1c4e57"
branch_labels = None
depends_on = None

# Portable SQL (PostgreSQL and SQLite): items with no inbound message keep NULL.
BACKFILL = """
UPDATE feedback_item SET received_via = (
    SELECT message.channel FROM message
    WHERE message.feedback_item_id = feedback_item.id AND message.direction = 'inbound'
    ORDER BY message.received_at, message.id
    LIMIT 1
)
"""


def upgrade():
    with op.batch_alter_table("feedback_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_via", sa.String(length=32), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_feedback_item_received_via"), ["received_via"], unique=False
        )
    op.execute(BACKFILL)


def downgrade():
    with op.batch_alter_table("feedback_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_item_received_via"))
        batch_op.drop_column("received_via")
