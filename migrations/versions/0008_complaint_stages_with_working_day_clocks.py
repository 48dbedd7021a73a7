"""Complaint stages: one row per statutory stage with its working-day clock, owner, outcome
and the last reminder sent.

Revision ID: d487cda8c530
Revises: 1a8bd9bd6c05
Create Date: 2026-11-22 04:53:22.610617

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd487cda8c530'
down_revision = '1a8bd9bd6c05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('complaint_stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_item_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('extended_due_on', sa.Date(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.Column('panel_held_on', sa.Date(), nullable=True),
    sa.Column('recommendations_on', sa.Date(), nullable=True),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('outcome_reason', sa.Text(), nullable=True),
    sa.Column('reminder_kind', sa.String(length=16), nullable=True),
    sa.Column('reminder_sent_on', sa.Date(), nullable=True),
    sa.Column('reminder_due_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('stage BETWEEN 1 AND 3', name=op.f('ck_complaint_stage_stage_number')),
    sa.ForeignKeyConstraint(['feedback_item_id'], ['feedback_item.id'], name=op.f('fk_complaint_stage_feedback_item_id_feedback_item')),
    sa.ForeignKeyConstraint(['manager_id'], ['staff_user.id'], name=op.f('fk_complaint_stage_manager_id_staff_user')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_complaint_stage_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_stage')),
    sa.UniqueConstraint('feedback_item_id', 'stage', name=op.f('uq_complaint_stage_feedback_item_id_stage'))
    )
    with op.batch_alter_table('complaint_stage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_stage_feedback_item_id'), ['feedback_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_stage_manager_id'), ['manager_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_stage_responded_on'), ['responded_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_stage_team_id'), ['team_id'], unique=False)



def downgrade():
    with op.batch_alter_table('complaint_stage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_stage_team_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_stage_responded_on'))
        batch_op.drop_index(batch_op.f('ix_complaint_stage_manager_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_stage_feedback_item_id'))

    op.drop_table('complaint_stage')
