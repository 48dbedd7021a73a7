"""In a real browser: an administrator opens the jobs page from the navigation, sees a failed
job and retries it. Each page passes axe."""

import pytest
from playwright.sync_api import Page, expect
from redis import Redis
from rq import Queue, SimpleWorker

from app.extensions import db
from app.jobs import run_job
from tests.browser.conftest import DESKTOP, axe_violations, describe_violations
from tests.browser.staff import sign_in
from tests.factories import StaffAccountFactory

pytestmark = pytest.mark.browser

EMAIL = "admin@council.example"


def fail(message_id: int) -> None:
    """A job that fails."""
    raise RuntimeError("failed on purpose")


@pytest.fixture
def failed_job(live_server, redis: Redis) -> str:
    """The live app on the real Redis, with one failed job; returns the admin's TOTP secret."""
    live_server.app.extensions["heard.queues"] = redis
    queue = Queue("default", connection=redis)
    queue.enqueue(run_job, f"{__name__}.fail", 7, job_id="fail-7")
    SimpleWorker([queue], connection=redis).work(burst=True)
    with live_server.app.app_context():
        admin = StaffAccountFactory(email=EMAIL, name="Ada Admin", role="admin")
        db.session.commit()
        secret = admin.totp_secret
        db.session.remove()
    return secret


def _no_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_an_admin_retries_a_failed_job(live_server, new_context, failed_job, redis):
    page = new_context(viewport=DESKTOP).new_page()
    sign_in(page, live_server, EMAIL, failed_job)

    page.get_by_role("link", name="Jobs").click()
    expect(page.get_by_role("heading", name="Background jobs")).to_be_visible()
    expect(page.get_by_text("RuntimeError")).to_be_visible()
    _no_violations(page)

    page.get_by_role("button", name="Retry fail-7").click()
    expect(page.get_by_text("Job fail-7 is back on the default queue.")).to_be_visible()
    expect(page.get_by_text("No job has failed.")).to_be_visible()
    _no_violations(page)
    assert "fail-7" in Queue("default", connection=redis).job_ids
