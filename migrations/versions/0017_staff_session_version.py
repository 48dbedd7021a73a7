"""Staff session version, so resetting two-factor or deactivating an account ends its sessions.

Revision ID: 7c41e2b9d0a3
Revises: 3f6b9d2e8a15
Create Date: 2026-11-22 07:58:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c41e2b9d0a3'
down_revision = '3f6b9d2e8a15'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
