"""Safeguarding alerts: one per flagged message and source, open until a person reviews it.

Revision ID: e21b1efd2989
Revises: da7a46a1b4b7
Create Date: 2026-11-22 04:38:01.152123

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e21b1efd2989'
down_revision = 'da7a46a1b4b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('safeguarding_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_item_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('subtypes', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('model_version', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['feedback_item_id'], ['feedback_item.id'], name=op.f('fk_safeguarding_alert_feedback_item_id_feedback_item')),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_safeguarding_alert_message_id_message')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['staff_user.id'], name=op.f('fk_safeguarding_alert_raised_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safeguarding_alert')),
    sa.UniqueConstraint('message_id', 'source', name=op.f('uq_safeguarding_alert_message_id_source'))
    )
    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_alert_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_safeguarding_alert_feedback_item_id'), ['feedback_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safeguarding_alert_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_alert_status'))
        batch_op.drop_index(batch_op.f('ix_safeguarding_alert_feedback_item_id'))
        batch_op.drop_index(batch_op.f('ix_safeguarding_alert_created_at'))

    op.drop_table('safeguarding_alert')
