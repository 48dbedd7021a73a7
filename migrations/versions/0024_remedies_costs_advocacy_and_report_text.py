"""Remedies and the costs of independent people per complaint stage, a child's request for an
advocate and whether one was offered and taken up, a Stage 2 request that did not go ahead,
the action plan's intended outcome and update, and the report text kept with a period.

Revision ID: 9c1d7e2a5b40
Revises: 2b7d9e4c1a60
Create Date: 2026-12-07 21:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "9c1d7e2a5b40"
down_revision = "2b7d9e4c1a60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "complaint_remedy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("apology", "explanation", "action_taken", "financial_payment", "service_change", name="remedykind", native_enum=False, create_constraint=False, length=32), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_pence IS NULL OR amount_pence >= 0", name=op.f("ck_complaint_remedy_amount_not_negative")),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff_user.id"], name=op.f("fk_complaint_remedy_created_by_id_staff_user")),
        sa.ForeignKeyConstraint(["stage_id"], ["complaint_stage.id"], name=op.f("fk_complaint_remedy_stage_id_complaint_stage")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_remedy")),
    )
    with op.batch_alter_table("complaint_remedy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_remedy_recorded_on"), ["recorded_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_remedy_stage_id"), ["stage_id"], unique=False)

    op.create_table(
        "complaint_cost",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("independent_investigator", "independent_person", name="costkind", native_enum=False, create_constraint=False, length=32), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("incurred_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_pence >= 0", name=op.f("ck_complaint_cost_amount_not_negative")),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff_user.id"], name=op.f("fk_complaint_cost_created_by_id_staff_user")),
        sa.ForeignKeyConstraint(["stage_id"], ["complaint_stage.id"], name=op.f("fk_complaint_cost_stage_id_complaint_stage")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_cost")),
    )
    with op.batch_alter_table("complaint_cost", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_cost_incurred_on"), ["incurred_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_cost_stage_id"), ["stage_id"], unique=False)

    op.create_table(
        "report_narrative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("executive_summary", sa.Text(), nullable=True),
        sa.Column("introduction", sa.Text(), nullable=True),
        sa.Column("conclusion", sa.Text(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["staff_user.id"], name=op.f("fk_report_narrative_updated_by_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_narrative")),
        sa.UniqueConstraint("period_start", "period_end", name=op.f("uq_report_narrative_period_start_period_end")),
    )

    with op.batch_alter_table("feedback_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("advocate_requested", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("advocacy_offered", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("advocacy_taken_up", sa.Boolean(), nullable=True))

    with op.batch_alter_table("complaint_stage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_stage_requested_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("next_stage_declined", sa.Enum("resolved_at_stage_1", "out_of_time", "legal_proceedings", "outside_procedure", "withdrawn", "other", name="notprogressedreason", native_enum=False, create_constraint=False, length=32), nullable=True))

    with op.batch_alter_table("learning_point", schema=None) as batch_op:
        batch_op.add_column(sa.Column("intended_outcome", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("progress_update", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("progress_updated_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("learning_point", schema=None) as batch_op:
        batch_op.drop_column("progress_updated_on")
        batch_op.drop_column("progress_update")
        batch_op.drop_column("intended_outcome")
    with op.batch_alter_table("complaint_stage", schema=None) as batch_op:
        batch_op.drop_column("next_stage_declined")
        batch_op.drop_column("next_stage_requested_on")
    with op.batch_alter_table("feedback_item", schema=None) as batch_op:
        batch_op.drop_column("advocacy_taken_up")
        batch_op.drop_column("advocacy_offered")
        batch_op.drop_column("advocate_requested")
    op.drop_table("report_narrative")
    with op.batch_alter_table("complaint_cost", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_cost_stage_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_cost_incurred_on"))
    op.drop_table("complaint_cost")
    with op.batch_alter_table("complaint_remedy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_remedy_stage_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_remedy_recorded_on"))
    op.drop_table("complaint_remedy")
