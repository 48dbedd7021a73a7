"""A GET never writes: every staff page, read by every role, against items with data behind
them (a complaint with stages, learning and an MP's enquiry, a safeguarding item, a texted
complaint whose Stage 1 is not open yet), leaves every table as it was.

Two writes are reading's own record and are allowed: the audit log's "who read what" rows,
and a staff session's last-seen time.
"""

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import ClassificationState, FeedbackKind, StaffRole
from app.services.staff.audit_log import Action
from tests.web.conftest import _add_item
from tests.web.test_access_walk import OTHER_ARGS, _case, _staff_rules, sign_in_still_valid

# What reading may record about itself.
READING_ACTIONS = {
    Action.VIEW_ITEM,
    Action.TRENDS_VIEWED,
    Action.SAFEGUARDING_REFUSED,
    Action.SAFEGUARDING_VIEW_QUEUE,
    Action.SAFEGUARDING_VIEW_ALERT,
    Action.SAFEGUARDING_VIEW_ITEM,
    Action.SAFEGUARDING_VIEW_SECOND_LOOK,
    Action.AUDIT_LOG_VIEWED,
    Action.AUDIT_LOG_EXPORTED,
    Action.ACCESS_REFUSED,
    Action.COMPLAINTS_REPORT_VIEWED,
    Action.COMPLAINTS_REPORT_DOWNLOADED,
}
SKIPPED_TABLES = {"audit_event"}
SKIPPED_COLUMNS = {"staff_session": {"last_seen_at"}}


def snapshot() -> dict[str, tuple[int, str]]:
    """Each table's row count and a checksum of all its rows."""
    found = {}
    for table in db.metadata.sorted_tables:
        if table.name in SKIPPED_TABLES:
            continue
        skipped = SKIPPED_COLUMNS.get(table.name, set())
        columns = ", ".join(f'"{c.name}"::text' for c in table.columns if c.name not in skipped)
        row = db.session.execute(
            text(
                f"SELECT count(*), coalesce(md5(string_agg(r, '|' ORDER BY r)), '') "
                f"FROM (SELECT concat_ws(',', {columns}) AS r FROM \"{table.name}\") AS t"
            )
        ).one()
        found[table.name] = (row[0], row[1])
    db.session.rollback()
    return found


def audit_actions_since(last_id: int) -> set[str]:
    rows = db.session.execute(
        text("SELECT action FROM audit_event WHERE id > :last"), {"last": last_id}
    ).scalars()
    return set(rows)


def last_audit_id() -> int:
    return db.session.execute(text("SELECT coalesce(max(id), 0) FROM audit_event")).scalar_one()


@pytest.fixture
def values(app, make_staff):
    """Ids for every kind of URL argument, pointing at rows with data behind them."""
    case = _case("The report was late and nobody rang back.")
    waiting = _add_item(
        "I want to complain: nobody came to the meeting",
        kind=FeedbackKind.COMPLAINT,
        state=ClassificationState.DONE,
    )
    db.session.commit()
    other = make_staff(StaffRole.COMPLAINTS_OFFICER)
    shared = {
        "alert_id": 1,
        "sample_id": 1,
        "shift_id": 1,
        "user_id": other.user_id,
        "team_id": 1,
    }
    return [{**case, **shared}, {**case, **shared, "item_id": waiting.id}]


@pytest.mark.parametrize("role", list(StaffRole))
def test_no_get_of_any_staff_page_changes_the_database(
    app, client, make_staff, sign_in, values, role
):
    login = make_staff(role)
    assert sign_in(client, login).status_code == 302
    before = snapshot()
    audit_from = last_audit_id()
    pages = 0
    for rule in _staff_rules(app):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for filled in values:
            args = {n: filled.get(n, OTHER_ARGS.get(n)) for n in rule.arguments}
            url = rule.build(args)[1]
            response = client.get(url)
            assert response.status_code < 500, f"{role.value} GET {url}"
            pages += response.status_code == 200
            after = snapshot()
            changed = {name for name in before if before[name] != after[name]}
            assert not changed, f"{role.value} GET {url} wrote to {sorted(changed)}"
        if not sign_in_still_valid(client):
            assert sign_in(client, login, steps_ahead=1).status_code == 302
    assert pages > 0
    assert audit_actions_since(audit_from) <= {a.value for a in READING_ACTIONS}
