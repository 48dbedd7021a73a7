"""Second look at unflagged messages: a weekly sample for reviewers, counting the classifier's
misses.

Revision ID: b7ca9e17791a
Revises: 0916e16a78cb
Create Date: 2026-11-22 05:20:44.290490

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7ca9e17791a"
down_revision = "0916e16a78cb"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "safeguarding_second_look",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("feedback_item_id", sa.Integer(), nullable=False),
        sa.Column("week_of", sa.Date(), nullable=False),
        sa.Column("sampled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["safeguarding_alert.id"],
            name=op.f("fk_safeguarding_second_look_alert_id_safeguarding_alert"),
        ),
        sa.ForeignKeyConstraint(
            ["feedback_item_id"],
            ["feedback_item.id"],
            name=op.f("fk_safeguarding_second_look_feedback_item_id_feedback_item"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
            name=op.f("fk_safeguarding_second_look_message_id_message"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["staff_user.id"],
            name=op.f("fk_safeguarding_second_look_reviewed_by_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_second_look")),
        sa.UniqueConstraint("message_id", name=op.f("uq_safeguarding_second_look_message_id")),
    )
    with op.batch_alter_table("safeguarding_second_look", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safeguarding_second_look_feedback_item_id"),
            ["feedback_item_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_safeguarding_second_look_week_of"), ["week_of"], unique=False
        )


def downgrade():
    with op.batch_alter_table("safeguarding_second_look", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safeguarding_second_look_week_of"))
        batch_op.drop_index(batch_op.f("ix_safeguarding_second_look_feedback_item_id"))

    op.drop_table("safeguarding_second_look")
