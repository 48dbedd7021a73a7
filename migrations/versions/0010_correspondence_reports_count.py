"""Correspondence the reports count: MP and councillor enquiries with a 10 working-day
response target, Ombudsman referrals and findings, compliments credited to a team or worker.

Revision ID: 0916e16a78cb
Revises: 581793799659
Create Date: 2026-11-22 05:14:47.870379

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0916e16a78cb'
down_revision = '581793799659'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('compliment_credit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_item_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('worker_name', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['feedback_item_id'], ['feedback_item.id'], name=op.f('fk_compliment_credit_feedback_item_id_feedback_item')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_compliment_credit_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliment_credit')),
    sa.UniqueConstraint('feedback_item_id', name=op.f('uq_compliment_credit_feedback_item_id'))
    )
    with op.batch_alter_table('compliment_credit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compliment_credit_team_id'), ['team_id'], unique=False)

    op.create_table('member_enquiry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_item_id', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(length=32), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['feedback_item_id'], ['feedback_item.id'], name=op.f('fk_member_enquiry_feedback_item_id_feedback_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_enquiry')),
    sa.UniqueConstraint('feedback_item_id', name=op.f('uq_member_enquiry_feedback_item_id'))
    )
    op.create_table('ombudsman_referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_item_id', sa.Integer(), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('ombudsman_reference', sa.String(length=64), nullable=True),
    sa.Column('finding', sa.String(length=32), nullable=True),
    sa.Column('finding_on', sa.Date(), nullable=True),
    sa.Column('remedy', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['feedback_item_id'], ['feedback_item.id'], name=op.f('fk_ombudsman_referral_feedback_item_id_feedback_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ombudsman_referral')),
    sa.UniqueConstraint('feedback_item_id', name=op.f('uq_ombudsman_referral_feedback_item_id'))
    )


def downgrade():
    op.drop_table('ombudsman_referral')
    op.drop_table('member_enquiry')
    with op.batch_alter_table('compliment_credit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compliment_credit_team_id'))

    op.drop_table('compliment_credit')