"""Outbound messages: recipient, purpose and delivery status; a survey may sit outside a thread.

Revision ID: 1b1e79e87791
Revises: e21b1efd2989
Create Date: 2026-11-22 04:41:02.667345

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1b1e79e87791'
down_revision = 'e21b1efd2989'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('purpose', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('delivery_status', sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column('delivery_updated_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('send_attempts', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(sa.Column('provider_error_code', sa.String(length=16), nullable=True))
        batch_op.alter_column('feedback_item_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f('ix_message_recipient'), ['recipient'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_sender'), ['sender'], unique=False)


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_sender'))
        batch_op.drop_index(batch_op.f('ix_message_recipient'))
        batch_op.alter_column('feedback_item_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column('provider_error_code')
        batch_op.drop_column('send_attempts')
        batch_op.drop_column('delivery_updated_at')
        batch_op.drop_column('delivery_status')
        batch_op.drop_column('purpose')
        batch_op.drop_column('recipient')
