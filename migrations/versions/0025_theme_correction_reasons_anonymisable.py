"""Theme corrections stay append-only, except that a reason staff wrote may be replaced by the
retention schedule's or an erasure's placeholder: the reason can quote the person, and the
rest of the row (who changed which themes, when) is kept for the counts.

Revision ID: 5fe6d53edbe9
Revises: 9c1d7e2a5b40
Create Date: 2026-12-08 00:10:00

"""

from alembic import op

revision = "5fe6d53edbe9"
down_revision = "9c1d7e2a5b40"
branch_labels = None
depends_on = None

# app.services.privacy.retention.REMOVED and ERASED, as they were when this was written.
PLACEHOLDERS = "'[removed under the retention schedule]', '[erased at the person''s request]'"

ANONYMISABLE = f"""
CREATE OR REPLACE FUNCTION refuse_theme_correction_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.id = OLD.id
        AND NEW.feedback_item_id = OLD.feedback_item_id
        AND NEW.staff_user_id = OLD.staff_user_id
        AND NEW.themes_before::text = OLD.themes_before::text
        AND NEW.themes_after::text = OLD.themes_after::text
        AND NEW.at = OLD.at
        AND NEW.reason IN ({PLACEHOLDERS})
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'theme_correction is append-only';
END;
$$ LANGUAGE plpgsql
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION refuse_theme_correction_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'theme_correction is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(ANONYMISABLE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY)
