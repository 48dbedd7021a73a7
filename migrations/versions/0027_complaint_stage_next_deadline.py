"""Each complaint stage's next deadline, stored on the stage so that what is due is a query:
filled for open stages by the complaints service's own deadline rule (the regime and nation in
force), left empty for answered ones, and required of every open stage from now on.

Revision ID: 7b2bde3a0d04
Revises: 4ba317956868
Create Date: 2026-12-07 23:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "7b2bde3a0d04"
down_revision = "4ba317956868"
branch_labels = None
depends_on = None

OPEN_STAGES = """
SELECT id, stage, due_on, extended_due_on, panel_held_on, recommendations_on
FROM complaint_stage WHERE responded_on IS NULL
"""
# Read as dates on SQLite too, which keeps them as text.
DATES = ("due_on", "extended_due_on", "panel_held_on", "recommendations_on")


def _backfill() -> None:
    # The deadline rule itself, applied to each open stage's dates (a stage object that never
    # joins a session), so the stored date is the one the pages showed before.
    from app.models import ComplaintStage
    from app.services.complaints.stages import deadline

    connection = op.get_bind()
    dates = {name: sa.Date() for name in DATES}
    rows = connection.execute(sa.text(OPEN_STAGES).columns(**dates)).mappings().all()
    updates = [
        {
            "id": row["id"],
            "due": deadline(
                ComplaintStage(
                    stage=row["stage"],
                    due_on=row["due_on"],
                    extended_due_on=row["extended_due_on"],
                    panel_held_on=row["panel_held_on"],
                    recommendations_on=row["recommendations_on"],
                )
            ).due,
        }
        for row in rows
    ]
    if updates:
        connection.execute(
            sa.text("UPDATE complaint_stage SET next_due_on = :due WHERE id = :id"), updates
        )


def upgrade():
    with op.batch_alter_table("complaint_stage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_due_on", sa.Date(), nullable=True))
    _backfill()
    if op.get_bind().dialect.name == "postgresql":
        # Statistics for the new column now: without them PostgreSQL guesses that a third of
        # all stages are due by any date, and joins every feedback item to find a few hundred.
        # The fill touches too few rows for autovacuum to analyse the table for a long time.
        op.execute("ANALYZE complaint_stage")
    with op.batch_alter_table("complaint_stage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_stage_next_due_on"), ["next_due_on"], unique=False
        )
        batch_op.create_check_constraint(
            "next_due_while_open", "(responded_on IS NULL) = (next_due_on IS NOT NULL)"
        )


def downgrade():
    with op.batch_alter_table("complaint_stage", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_complaint_stage_next_due_while_open"), type_="check"
        )
        batch_op.drop_index(batch_op.f("ix_complaint_stage_next_due_on"))
        batch_op.drop_column("next_due_on")
