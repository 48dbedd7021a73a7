"""The language of each message and of each person (Welsh or English), so that every reply
to them is in their language.

Revision ID: 9c4e1a7d2b35
Revises: 6e8a2c4f9b17
Create Date: 2026-12-07 21:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "9c4e1a7d2b35"
down_revision = "6e8a2c4f9b17"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("language")
