"""The complaints report kept between the page and its downloads: reused while the data are
unchanged, built afresh after any write but reading's own records, in the process or in
Redis shared by several workers."""

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from redis import Redis
from sqlalchemy import update

from app.extensions import db
from app.models import FeedbackItem
from app.services.reports import annual
from app.services.reports.periods import financial_year
from app.services.staff import audit_log
from tests.factories import ComplaintStageFactory, FeedbackItemFactory, StaffUserFactory

YEAR = financial_year(2025)


def _complaint() -> None:
    item = FeedbackItemFactory(created_at=datetime(2025, 6, 2, 10, tzinfo=UTC))
    ComplaintStageFactory(
        feedback_item=item, received_on=date(2025, 6, 2), due_on=date(2025, 6, 16)
    )
    db.session.commit()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    """Each time the report is really built."""
    made: list[date] = []
    build = annual.build_report

    def counted(start: date, end: date, nation: str | None = None) -> annual.Report:
        made.append(start)
        return build(start, end, nation)

    monkeypatch.setattr(annual, "build_report", counted)
    return made


def _stage_one(app: Flask) -> int:
    with app.test_request_context():
        report = annual.report_for(YEAR.start, YEAR.end, "ENG")
    return report.stages.rows[0].current


def _in(app: Flask, action: Callable[[], None]) -> None:
    with app.app_context():
        action()


def test_the_download_reuses_the_page_build_until_the_data_change(app: Flask, builds) -> None:
    staff = StaffUserFactory()
    _complaint()
    assert _stage_one(app) == 1
    assert _stage_one(app) == 1
    assert len(builds) == 1
    # Reading's own record does not change what the report counts.
    audit_log.record(audit_log.Action.COMPLAINTS_REPORT_VIEWED, staff, "complaints_report", None)
    assert _stage_one(app) == 1 and len(builds) == 1
    _complaint()
    assert _stage_one(app) == 2 and len(builds) == 2
    # A bulk UPDATE through the session counts as a write too.
    db.session.execute(update(FeedbackItem).values(created_at=datetime(2020, 1, 1, tzinfo=UTC)))
    db.session.commit()
    assert _stage_one(app) == 2  # the stages keep their own received day
    assert len(builds) == 3


def test_a_report_kept_for_no_seconds_is_always_built(make_app, builds) -> None:
    app = make_app(REPORT_KEPT_SECONDS=0)
    with app.app_context():
        _complaint()
    assert _stage_one(app) == 1 and _stage_one(app) == 1
    assert len(builds) == 2


def test_workers_share_kept_reports_and_see_each_others_writes(
    make_app, redis: Redis, redis_url: str, builds
) -> None:
    web, other_web = make_app(REDIS_URL=redis_url), make_app(REDIS_URL=redis_url)
    _in(web, _complaint)
    assert _stage_one(web) == 1
    assert _stage_one(other_web) == 1
    assert len(builds) == 1
    # A write in one worker (a job's, say) is seen by the other's next report.
    _in(other_web, _complaint)
    assert _stage_one(web) == 2
    assert len(builds) == 2
