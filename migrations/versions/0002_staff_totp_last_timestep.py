"""Staff TOTP last accepted time step, so a two-factor code cannot be used twice.

Revision ID: fe27a4e73e08
Revises: d3d7d8b63ed8
Create Date: 2026-11-22 03:57:03.822172

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fe27a4e73e08'
down_revision = 'd3d7d8b63ed8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_last_timestep', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('totp_last_timestep')
