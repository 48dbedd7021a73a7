"""A partial index on safeguarding notifications by channel: every staff page asks for each
channel's latest one (is the chain to reviewers failing?), which scanned a week of messages.

Revision ID: 3c8e1f4a7d92
Revises: 7b2bde3a0d04
Create Date: 2026-12-08 01:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "3c8e1f4a7d92"
down_revision = "7b2bde3a0d04"
branch_labels = None
depends_on = None

WHERE = sa.text("purpose = 'safeguarding_alert'")


def upgrade():
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_message_safeguarding_notifications",
            ["channel", "id"],
            unique=False,
            postgresql_where=WHERE,
            sqlite_where=WHERE,
        )


def downgrade():
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_safeguarding_notifications")
