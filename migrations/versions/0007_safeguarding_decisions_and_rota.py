"""Safeguarding decisions (acknowledge, close, reopen), corrections for the classifier, the
reviewers' rota, and each alert's escalation state.

Revision ID: 1a8bd9bd6c05
Revises: 7c2f5a9d4e10
Create Date: 2026-11-22 04:52:13.730185

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1a8bd9bd6c05'
down_revision = '7c2f5a9d4e10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('safeguarding_rota_shift',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_safeguarding_rota_shift_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safeguarding_rota_shift'))
    )
    with op.batch_alter_table('safeguarding_rota_shift', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_rota_shift_ends_at'), ['ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_safeguarding_rota_shift_staff_user_id'), ['staff_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safeguarding_rota_shift_starts_at'), ['starts_at'], unique=False)

    op.create_table('safeguarding_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['safeguarding_alert.id'], name=op.f('fk_safeguarding_correction_alert_id_safeguarding_alert')),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_safeguarding_correction_message_id_message')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_safeguarding_correction_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safeguarding_correction'))
    )
    with op.batch_alter_table('safeguarding_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_correction_message_id'), ['message_id'], unique=False)

    op.create_table('safeguarding_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['safeguarding_alert.id'], name=op.f('fk_safeguarding_decision_alert_id_safeguarding_alert')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_safeguarding_decision_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safeguarding_decision'))
    )
    with op.batch_alter_table('safeguarding_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_decision_alert_id'), ['alert_id'], unique=False)

    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('rationale', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('notified_level', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('next_escalation_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_safeguarding_alert_next_escalation_at'), ['next_escalation_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_safeguarding_alert_closed_by_id_staff_user'), 'staff_user', ['closed_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_safeguarding_alert_acknowledged_by_id_staff_user'), 'staff_user', ['acknowledged_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_safeguarding_alert_acknowledged_by_id_staff_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_safeguarding_alert_closed_by_id_staff_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_safeguarding_alert_next_escalation_at'))
        batch_op.drop_column('next_escalation_at')
        batch_op.drop_column('notified_level')
        batch_op.drop_column('rationale')
        batch_op.drop_column('outcome')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('acknowledged_at')
        batch_op.drop_column('acknowledged_by_id')

    with op.batch_alter_table('safeguarding_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_decision_alert_id'))

    op.drop_table('safeguarding_decision')
    with op.batch_alter_table('safeguarding_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_correction_message_id'))

    op.drop_table('safeguarding_correction')
    with op.batch_alter_table('safeguarding_rota_shift', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_rota_shift_starts_at'))
        batch_op.drop_index(batch_op.f('ix_safeguarding_rota_shift_staff_user_id'))
        batch_op.drop_index(batch_op.f('ix_safeguarding_rota_shift_ends_at'))

    op.drop_table('safeguarding_rota_shift')
