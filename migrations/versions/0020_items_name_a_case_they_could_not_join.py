"""An item can name a case it was not let join (an email quoting a reference from a sender
not on that case), so staff see both, linked.

Revision ID: 6e8a2c4f9b17
Revises: 4d2b8f6a1c93
Create Date: 2026-12-07 20:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "6e8a2c4f9b17"
down_revision = "4d2b8f6a1c93"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("feedback_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("named_item_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_feedback_item_named_item_id_feedback_item"),
            "feedback_item",
            ["named_item_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("feedback_item", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_feedback_item_named_item_id_feedback_item"), type_="foreignkey"
        )
        batch_op.drop_column("named_item_id")
