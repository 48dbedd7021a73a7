"""Initial schema: feedback items, messages, contacts, teams, classifications, staff,
audit log and audit feedback invitations.

Revision ID: d3d7d8b63ed8
Revises: 
Create Date: 2026-11-22 03:53:44.012885

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3d7d8b63ed8'
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION refuse_audit_event_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only';
END;
$$ LANGUAGE plpgsql
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
FOR EACH ROW EXECUTE FUNCTION refuse_audit_event_change()
"""


def upgrade():
    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('phone_raw', sa.String(length=64), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('preferred_channel', sa.String(length=32), nullable=True),
    sa.Column('may_contact', sa.Boolean(), nullable=False),
    sa.Column('opted_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_phone'), ['phone'], unique=False)

    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team')),
    sa.UniqueConstraint('name', name=op.f('uq_team_name'))
    )
    op.create_table('feedback_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('on_behalf_of_child', sa.Boolean(), nullable=False),
    sa.Column('submitter_role', sa.String(length=32), nullable=True),
    sa.Column('child_consent', sa.Boolean(), nullable=True),
    sa.Column('case_reference', sa.String(length=64), nullable=True),
    sa.Column('topic', sa.String(length=32), nullable=True),
    sa.Column('worker_or_team', sa.String(length=200), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_feedback_item_contact_id_contact')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_feedback_item_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_item')),
    sa.UniqueConstraint('reference', name=op.f('uq_feedback_item_reference'))
    )
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_item_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_item_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_item_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_item_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_item_team_id'), ['team_id'], unique=False)

    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('recovery_codes', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_staff_user_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_user_email'))
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=True),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('ip_address', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_audit_event_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_staff_user_id'), ['staff_user_id'], unique=False)

    op.create_table('audit_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('case_reference', sa.String(length=64), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('feedback_item_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_audit_invitation_contact_id_contact')),
    sa.ForeignKeyConstraint(['feedback_item_id'], ['feedback_item.id'], name=op.f('fk_audit_invitation_feedback_item_id_feedback_item')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_audit_invitation_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_audit_invitation_token_hash'))
    )
    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_item_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('direction', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=False),
    sa.Column('sender', sa.String(length=320), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('raw_payload', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('classification_state', sa.String(length=32), nullable=False),
    sa.Column('classify_attempts', sa.Integer(), nullable=False),
    sa.Column('classified_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['feedback_item_id'], ['feedback_item.id'], name=op.f('fk_message_feedback_item_id_feedback_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message')),
    sa.UniqueConstraint('channel', 'external_id', name=op.f('uq_message_channel_external_id'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_classification_state'), ['classification_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_feedback_item_id'), ['feedback_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_received_at'), ['received_at'], unique=False)

    op.create_table('classification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('model_version', sa.String(length=64), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('safeguarding', sa.Boolean(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_classification_message_id_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classification'))
    )
    with op.batch_alter_table('classification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_classification_message_id'), ['message_id'], unique=False)


    if op.get_bind().dialect.name == "postgresql":
        # The audit log is evidence: refuse UPDATE and DELETE in the database itself,
        # not only in the ORM.
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS refuse_audit_event_change()")
    with op.batch_alter_table('classification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_classification_message_id'))

    op.drop_table('classification')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_received_at'))
        batch_op.drop_index(batch_op.f('ix_message_feedback_item_id'))
        batch_op.drop_index(batch_op.f('ix_message_classification_state'))

    op.drop_table('message')
    op.drop_table('audit_invitation')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_staff_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    op.drop_table('staff_user')
    with op.batch_alter_table('feedback_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_item_team_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_item_status'))
        batch_op.drop_index(batch_op.f('ix_feedback_item_kind'))
        batch_op.drop_index(batch_op.f('ix_feedback_item_created_at'))
        batch_op.drop_index(batch_op.f('ix_feedback_item_contact_id'))

    op.drop_table('feedback_item')
    op.drop_table('team')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_phone'))
        batch_op.drop_index(batch_op.f('ix_contact_email'))

    op.drop_table('contact')
