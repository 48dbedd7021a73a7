"""Learning points: what a closed complaint stage taught, linked to themes and a team, with an
action, its owner, due date and when it was done (the response feedback log).

Revision ID: 581793799659
Revises: d487cda8c530
Create Date: 2026-11-22 05:11:19.117098

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '581793799659'
down_revision = 'd487cda8c530'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learning_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_item_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('lesson', sa.Text(), nullable=False),
    sa.Column('action', sa.Text(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_learning_point_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['feedback_item_id'], ['feedback_item.id'], name=op.f('fk_learning_point_feedback_item_id_feedback_item')),
    sa.ForeignKeyConstraint(['owner_id'], ['staff_user.id'], name=op.f('fk_learning_point_owner_id_staff_user')),
    sa.ForeignKeyConstraint(['stage_id'], ['complaint_stage.id'], name=op.f('fk_learning_point_stage_id_complaint_stage')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_learning_point_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_point'))
    )
    with op.batch_alter_table('learning_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_point_feedback_item_id'), ['feedback_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_point_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_point_stage_id'), ['stage_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_point_team_id'), ['team_id'], unique=False)


def downgrade():
    with op.batch_alter_table('learning_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_point_team_id'))
        batch_op.drop_index(batch_op.f('ix_learning_point_stage_id'))
        batch_op.drop_index(batch_op.f('ix_learning_point_owner_id'))
        batch_op.drop_index(batch_op.f('ix_learning_point_feedback_item_id'))

    op.drop_table('learning_point')