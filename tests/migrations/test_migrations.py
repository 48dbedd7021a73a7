"""The migrations are the schema: one head, and upgrading gives exactly what the models say,
on SQLite (the embedded default) and on PostgreSQL (production)."""

from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, make_url, text

from app.extensions import db

# When the rows written under an old schema were stored: any fixed moment will do.
STORED = "2026-11-01 09:00:00+00:00"

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_there_is_one_head():
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert len(heads) == 1, heads


def test_the_files_list_in_the_order_they_run():
    """`ls migrations/versions` reads as the chain: 0001_..., 0002_..., each after the last."""
    script = ScriptDirectory(str(MIGRATIONS))
    chain = [Path(revision.path).name for revision in script.walk_revisions()][::-1]
    assert chain == sorted(chain)
    assert [name[:5] for name in chain] == [f"{n:04d}_" for n in range(1, len(chain) + 1)]


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
                        ":at, :at)"
                    ),
                    {"id": item_id, "ref": f"HD-TEST-000{item_id}", "themes": themes, "at": STORED},
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


def _received_via_backfilled_by_upgrade(app) -> dict[int, str | None]:
    """Item 1 came by SMS then had an email and a reply, item 2's earliest inbound message was
    stored after a later one (ids out of time order), item 3 has only an outbound message and
    item 4 none."""
    messages = (
        (1, 1, "email", "inbound", "2026-01-02 09:00:00"),
        (2, 1, "sms", "inbound", "2026-01-01 09:00:00"),
        (3, 1, "sms", "outbound", "2025-12-31 09:00:00"),
        (4, 2, "api", "inbound", "2026-01-03 09:00:00"),
        (5, 2, "web_child", "inbound", "2026-01-01 09:00:00"),
        (6, 2, "email", "inbound", "2026-01-01 09:00:00"),
        (7, 3, "sms", "outbound", "2026-01-01 09:00:00"),
    )
    with app.app_context():
        upgrade(revision="8d2f6b1c4e57")
        with db.engine.begin() as connection:
            for item_id in (1, 2, 3, 4):
                connection.execute(
                    text(
                        "INSERT INTO feedback_item (id, reference, kind, status, "
                        "on_behalf_of_child, themes, created_at, updated_at) VALUES "
                        "(:id, :ref, 'complaint', 'new', false, '[]', "
                        ":at, :at)"
                    ),
                    {"id": item_id, "ref": f"HD-TEST-000{item_id}", "at": STORED},
                )
            for message_id, item_id, channel, direction, at in messages:
                connection.execute(
                    text(
                        "INSERT INTO message (id, feedback_item_id, channel, direction, "
                        "external_id, text, raw_payload, received_at, stored_at, "
                        "classification_state, classify_attempts) VALUES (:id, :item, "
                        ":channel, :direction, :external, 'A message', '{}', :at, :at, "
                        "'done', 0)"
                    ),
                    {
                        "id": message_id,
                        "item": item_id,
                        "channel": channel,
                        "direction": direction,
                        "external": f"backfill-{message_id}",
                        "at": datetime.fromisoformat(at).replace(tzinfo=UTC),
                    },
                )
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, received_via FROM feedback_item"))
            found = {row[0]: row[1] for row in rows}
        downgrade(revision="base")
        return found


EXPECTED_RECEIVED_VIA = {1: "sms", 2: "web_child", 3: None, 4: None}


def test_received_via_is_filled_from_the_first_inbound_message_on_sqlite(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'heard.sqlite'}")
    assert _received_via_backfilled_by_upgrade(app) == EXPECTED_RECEIVED_VIA


def test_received_via_is_filled_from_the_first_inbound_message_on_postgresql(make_app, tmp_path):
    from tests.conftest import TEST_DATABASE_URL, _recreate_database

    target = make_url(TEST_DATABASE_URL)
    scratch = target.set(database=f"{target.database}_received_via").render_as_string(False)
    _recreate_database(scratch)
    assert _received_via_backfilled_by_upgrade(make_app(SQLALCHEMY_DATABASE_URI=scratch)) == (
        EXPECTED_RECEIVED_VIA
    )


def test_next_deadlines_are_filled_by_the_deadline_rule_for_open_stages_only(make_app, tmp_path):
    """On SQLite, which keeps dates as text: a Stage 1 due as opened, one extended, a review
    panel waiting for its meeting, one whose panel met on Friday 13 November 2026 (5 working
    days: the 20th) and one whose recommendations came on Friday 30 October (15 working days:
    20 November); an answered stage has no next deadline."""
    stages = (
        (1, 1, "2026-11-02", None, None, None, None),
        (2, 1, "2026-11-02", "2026-11-30", None, None, None),
        (3, 3, "2026-11-25", None, None, None, None),
        (4, 3, "2026-11-25", None, "2026-11-13", None, None),
        (5, 3, "2026-11-25", None, "2026-10-20", "2026-10-30", None),
        (6, 1, "2026-11-02", None, None, None, "2026-10-30"),
    )
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'heard.sqlite'}")
    with app.app_context():
        upgrade(revision="9c1d7e2a5b40")
        with db.engine.begin() as connection:
            for item_id, number, due, extended, panel, recommendations, responded in stages:
                connection.execute(
                    text(
                        "INSERT INTO feedback_item (id, reference, kind, status, "
                        "on_behalf_of_child, themes, created_at, updated_at) VALUES "
                        "(:id, :ref, 'complaint', 'new', false, '[]', :at, :at)"
                    ),
                    {"id": item_id, "ref": f"HD-TEST-000{item_id}", "at": STORED},
                )
                connection.execute(
                    text(
                        "INSERT INTO complaint_stage (id, feedback_item_id, stage, received_on, "
                        "due_on, extended_due_on, panel_held_on, recommendations_on, "
                        "responded_on, created_at) VALUES (:id, :id, :stage, '2026-10-01', "
                        ":due, :extended, :panel, :recommendations, :responded, :at)"
                    ),
                    {
                        "id": item_id,
                        "stage": number,
                        "due": due,
                        "extended": extended,
                        "panel": panel,
                        "recommendations": recommendations,
                        "responded": responded,
                        "at": STORED,
                    },
                )
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, next_due_on FROM complaint_stage"))
            found = {row[0]: row[1] for row in rows}
    assert found == {
        1: "2026-11-02",
        2: "2026-11-30",
        3: "2026-11-25",
        4: "2026-11-20",
        5: "2026-11-20",
        6: None,
    }
