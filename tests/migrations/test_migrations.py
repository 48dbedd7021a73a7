"""The migrations are the schema: one head, and upgrading gives exactly what the models say,
on SQLite (the embedded default) and on PostgreSQL (production)."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

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
