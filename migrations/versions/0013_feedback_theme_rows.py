"""One row per theme on a feedback item, so reports count themes in SQL; filled from the
themes already stored on each item.

Revision ID: 4c1e8a2f7b90
Revises: 1bba1a46cdcd
Create Date: 2026-11-22 09:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4c1e8a2f7b90"
down_revision = "1bba1a46cdcd"
branch_labels = None
depends_on = None

BACKFILL = {
    "postgresql": (
        "INSERT INTO feedback_theme (feedback_item_id, theme) "
        "SELECT DISTINCT id, json_array_elements_text(themes) FROM feedback_item "
        "WHERE themes IS NOT NULL AND json_typeof(themes) = 'array'"
    ),
    "sqlite": (
        "INSERT INTO feedback_theme (feedback_item_id, theme) "
        "SELECT DISTINCT feedback_item.id, je.value FROM feedback_item, json_each(feedback_item.themes) AS je "
        "WHERE json_valid(feedback_item.themes)"
    ),
}


def upgrade():
    op.create_table(
        "feedback_theme",
        sa.Column("feedback_item_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_item_id"],
            ["feedback_item.id"],
            name=op.f("fk_feedback_theme_feedback_item_id_feedback_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feedback_item_id", "theme", name=op.f("pk_feedback_theme")),
    )
    with op.batch_alter_table("feedback_theme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_theme_theme"), ["theme"], unique=False)
    backfill = BACKFILL.get(op.get_bind().dialect.name)
    if backfill:
        op.execute(backfill)


def downgrade():
    with op.batch_alter_table("feedback_theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_theme_theme"))
    op.drop_table("feedback_theme")
