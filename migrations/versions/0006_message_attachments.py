"""Attachments: files that came with a message, kept as received or listed as refused.

Revision ID: 7c2f5a9d4e10
Revises: 1b1e79e87791
Create Date: 2026-11-22 05:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2f5a9d4e10'
down_revision = '1b1e79e87791'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=127), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=True),
        sa.Column('refused', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['message_id'], ['message.id'], name=op.f('fk_attachment_message_id_message')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_message_id'), ['message_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_message_id'))
    op.drop_table('attachment')
