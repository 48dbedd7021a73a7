"""Data protection: when an item was anonymised, legal holds that stop the retention schedule,
and people's requests to erase or correct, with the decision and its reason.

Revision ID: 9c4e1a7b2d58
Revises: 9c4e1a7d2b35
Create Date: 2026-12-07 21:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "9c4e1a7b2d58"
down_revision = "9c4e1a7d2b35"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("feedback_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_feedback_item_anonymised_at"), ["anonymised_at"], unique=False
        )
    op.create_table(
        "legal_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_item_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cleared_by_id", sa.Integer(), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["feedback_item_id"],
            ["feedback_item.id"],
            name=op.f("fk_legal_hold_feedback_item_id_feedback_item"),
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["staff_user.id"], name=op.f("fk_legal_hold_set_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["cleared_by_id"],
            ["staff_user.id"],
            name=op.f("fk_legal_hold_cleared_by_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_hold")),
    )
    with op.batch_alter_table("legal_hold", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_legal_hold_feedback_item_id"), ["feedback_item_id"], unique=False
        )
    op.create_table(
        "privacy_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_item_id"],
            ["feedback_item.id"],
            name=op.f("fk_privacy_request_feedback_item_id_feedback_item"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["staff_user.id"],
            name=op.f("fk_privacy_request_decided_by_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_request")),
    )
    with op.batch_alter_table("privacy_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_request_feedback_item_id"), ["feedback_item_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("privacy_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_request_feedback_item_id"))
    op.drop_table("privacy_request")
    with op.batch_alter_table("legal_hold", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_hold_feedback_item_id"))
    op.drop_table("legal_hold")
    with op.batch_alter_table("feedback_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_item_anonymised_at"))
        batch_op.drop_column("anonymised_at")
