"""Equality monitoring: optional answers about the person who sent a submission, kept apart
from the feedback, and the service-user population to set them beside.

Revision ID: 5e9a3c71d2b4
Revises: 4c1e8a2f7b90
Create Date: 2026-11-22 06:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e9a3c71d2b4"
down_revision = "4c1e8a2f7b90"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "equality_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_item_id", sa.Integer(), nullable=False),
        sa.Column("age_band", sa.String(length=32), nullable=True),
        sa.Column("gender", sa.String(length=32), nullable=True),
        sa.Column("ethnicity", sa.String(length=32), nullable=True),
        sa.Column("religion", sa.String(length=32), nullable=True),
        sa.Column("disability", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_item_id"],
            ["feedback_item.id"],
            name=op.f("fk_equality_response_feedback_item_id_feedback_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equality_response")),
        sa.UniqueConstraint("feedback_item_id", name=op.f("uq_equality_response_feedback_item_id")),
    )
    op.create_table(
        "service_population",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=32), nullable=False),
        sa.Column("option", sa.String(length=32), nullable=False),
        sa.Column("percent", sa.Numeric(precision=6, scale=3), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["staff_user.id"],
            name=op.f("fk_service_population_updated_by_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_population")),
        sa.UniqueConstraint(
            "question", "option", name=op.f("uq_service_population_question_option")
        ),
    )


def downgrade():
    op.drop_table("service_population")
    op.drop_table("equality_response")
