"""A default owner per team, who owns a new complaint from receipt and is named in its
acknowledgement; and audit invitations tied to the closed case they ask about, one per case,
with the channel they went by.

Revision ID: 2b7d9e4c1a60
Revises: 9c4e1a7b2d58
Create Date: 2026-12-07 21:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "2b7d9e4c1a60"
down_revision = "9c4e1a7b2d58"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("default_owner_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_team_default_owner_id_staff_user"),
            "staff_user",
            ["default_owner_id"],
            ["id"],
        )
    with op.batch_alter_table("audit_invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_item_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("channel", sa.String(length=16), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_invitation_case_item_id_feedback_item"),
            "feedback_item",
            ["case_item_id"],
            ["id"],
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_audit_invitation_case_item_id"), ["case_item_id"]
        )


def downgrade():
    with op.batch_alter_table("audit_invitation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_invitation_case_item_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_audit_invitation_case_item_id_feedback_item"), type_="foreignkey"
        )
        batch_op.drop_column("channel")
        batch_op.drop_column("case_item_id")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_team_default_owner_id_staff_user"), type_="foreignkey"
        )
        batch_op.drop_column("default_owner_id")
