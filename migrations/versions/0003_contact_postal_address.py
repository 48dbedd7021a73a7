"""Contact postal address, for people who ask us to reply by post.

Revision ID: da7a46a1b4b7
Revises: fe27a4e73e08
Create Date: 2026-11-22 04:00:58.034034

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'da7a46a1b4b7'
down_revision = 'fe27a4e73e08'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postal_address', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_column('postal_address')
