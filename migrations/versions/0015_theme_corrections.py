"""Theme corrections: staff changing an item's themes, with who, when, before and after;
append-only, refused UPDATE and DELETE by PostgreSQL itself as the audit log is.

Revision ID: 8d2f6b1c4e57
Revises: 5e9a3c71d2b4
Create Date: 2026-11-22 06:25:00

"""

import sqlalchemy as sa
from alembic import op

revision = "8d2f6b1c4e57"
down_revision = "5e9a3c71d2b4"
branch_labels = None
depends_on = None

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION refuse_theme_correction_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'theme_correction is append-only';
END;
$$ LANGUAGE plpgsql
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER theme_correction_append_only BEFORE UPDATE OR DELETE ON theme_correction
FOR EACH ROW EXECUTE FUNCTION refuse_theme_correction_change()
"""


def upgrade():
    op.create_table(
        "theme_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_item_id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("themes_before", sa.JSON(), nullable=False),
        sa.Column("themes_after", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_item_id"],
            ["feedback_item.id"],
            name=op.f("fk_theme_correction_feedback_item_id_feedback_item"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_theme_correction_staff_user_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_correction")),
    )
    with op.batch_alter_table("theme_correction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_theme_correction_feedback_item_id"), ["feedback_item_id"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        # Training data and a record of staff judgement: kept as made, like the audit log.
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS theme_correction_append_only ON theme_correction")
        op.execute("DROP FUNCTION IF EXISTS refuse_theme_correction_change()")
    with op.batch_alter_table("theme_correction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_correction_feedback_item_id"))
    op.drop_table("theme_correction")
