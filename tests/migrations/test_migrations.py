"""The migrations are the schema: one head, and upgrading gives exactly what the models say,
on SQLite (the embedded default) and on PostgreSQL (production)."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, make_url, text

from app.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_there_is_one_head():
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert len(heads) == 1, heads


def test_upgrade_on_sqlite_matches_the_models(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'heard.sqlite'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        assert _differences(db.engine) == []
        downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]


def test_upgrade_on_postgresql_matches_the_models(migrated_database):
    assert _differences(migrated_database) == []


def test_the_audit_log_refuses_updates_in_postgresql_itself(app, migrated_database):
    with migrated_database.begin() as connection:
        connection.execute(
            text("INSERT INTO audit_event (at, action, detail) VALUES (now(), 'test', '{}')")
        )
    with migrated_database.connect() as connection:
        try:
            connection.execute(text("UPDATE audit_event SET action = 'changed'"))
        except Exception as error:
            assert "append-only" in str(error)
        else:
            raise AssertionError("UPDATE of audit_event was allowed")


def _themes_backfilled_by_upgrade(app) -> set[tuple[int, str]]:
    with app.app_context():
        upgrade(revision="1bba1a46cdcd")
        with db.engine.begin() as connection:
            for item_id, themes in ((1, '["delay", "bias"]'), (2, "[]"), (3, '["delay"]')):
                connection.execute(
                    text(
                        "INSERT INTO feedback_item (id, reference, kind, status, "
                        "on_behalf_of_child, themes, created_at, updated_at) VALUES "
                        "(:id, :ref, 'complaint', 'new', false, :themes, "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"id": item_id, "ref": f"HD-TEST-000{item_id}", "themes": themes},
                )
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT feedback_item_id, theme FROM feedback_theme"))
            found = {(row[0], row[1]) for row in rows}
        downgrade(revision="base")
        return found


EXPECTED_THEME_ROWS = {(1, "bias"), (1, "delay"), (3, "delay")}


def test_theme_rows_are_filled_from_stored_themes_on_sqlite(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'heard.sqlite'}")
    assert _themes_backfilled_by_upgrade(app) == EXPECTED_THEME_ROWS


def test_theme_rows_are_filled_from_stored_themes_on_postgresql(make_app, tmp_path):
    from tests.conftest import TEST_DATABASE_URL, _recreate_database

    target = make_url(TEST_DATABASE_URL)
    scratch = target.set(database=f"{target.database}_backfill").render_as_string(False)
    _recreate_database(scratch)
    assert _themes_backfilled_by_upgrade(make_app(SQLALCHEMY_DATABASE_URI=scratch)) == (
        EXPECTED_THEME_ROWS
    )
