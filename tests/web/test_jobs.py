"""The administrators' jobs page: the queues, the failed jobs (never an error's message), and
a retry button that needs the form's token and is recorded in the audit log."""

import pytest
from rq import Queue, SimpleWorker
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from app.extensions import db
from app.jobs import QUEUES, run_job
from app.models import AuditEvent, StaffRole
from app.services import failed_jobs

WORDS = "my uncle Bartholomew hits me"


def explode(message_id: int) -> None:
    """A job that fails, quoting what someone wrote in its error, as a careless one might."""
    raise ValueError(f"could not classify {WORDS!r} (message {message_id})")


@pytest.fixture
def queued(make_app, redis, redis_url):
    """An app on the real Redis, with one failed job and one waiting."""
    app = make_app(REDIS_URL=redis_url, WTF_CSRF_ENABLED=True)
    default = Queue("default", connection=redis)
    default.enqueue(run_job, f"{__name__}.explode", 42, job_id="explode-42")
    SimpleWorker([default], connection=redis).work(burst=True)
    Queue("outbound", connection=redis).enqueue(run_job, "builtins.print", 7, job_id="print-7")
    return app


def signed_in_admin(app, make_staff, csrf_token, role=StaffRole.ADMIN):
    # Requests run outside any app context: inside one they would share one `g`, and its token.
    client = app.test_client()
    login = make_staff(role)
    page = client.get("/staff/sign-in")
    credentials = {"email": login.email, "password": login.password, "csrf_token": ""}
    credentials["csrf_token"] = csrf_token(page)
    client.post("/staff/sign-in", data=credentials)
    page = client.get("/staff/two-factor")
    client.post("/staff/two-factor", data={"code": login.code(), "csrf_token": csrf_token(page)})
    return client, login


def test_admins_see_each_queue_and_each_failed_job_without_its_message(
    app, queued, make_staff, csrf_token
):
    client, _ = signed_in_admin(queued, make_staff, csrf_token)

    page = client.get("/staff/jobs/")

    assert page.status_code == 200
    for name in QUEUES:
        assert f'<th scope="row" class="govuk-table__header">{name}</th>' in page.text
    assert "explode-42" in page.text and f"{__name__}.explode" in page.text
    assert "ValueError" in page.text
    assert "Bartholomew" not in page.text and "could not classify" not in page.text


def test_a_retry_puts_the_job_back_and_is_audited(app, queued, make_staff, csrf_token, redis):
    client, login = signed_in_admin(queued, make_staff, csrf_token)
    page = client.get("/staff/jobs/")

    response = client.post("/staff/jobs/explode-42/retry", data={"csrf_token": csrf_token(page)})

    assert response.status_code == 302
    assert "explode-42" not in FailedJobRegistry("default", connection=redis)
    assert "explode-42" in Queue("default", connection=redis).job_ids
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "job_retried"))
    assert event.staff_user_id == login.user_id and event.object_id == "explode-42"
    assert event.detail == {"queue": "default", "job": f"{__name__}.explode"}
    assert "is back on the default queue" in client.get("/staff/jobs/").text


def test_a_retry_without_the_form_token_is_refused(app, queued, make_staff, csrf_token, redis):
    client, _ = signed_in_admin(queued, make_staff, csrf_token)

    assert client.post("/staff/jobs/explode-42/retry").status_code == 400
    assert "explode-42" in FailedJobRegistry("default", connection=redis)


@pytest.mark.parametrize(
    ("job_id", "said"),
    [
        ("print-7", "has not failed"),
        ("no-such-job", "no longer kept"),
        ("x" * 201, "not a job id"),
    ],
)
def test_only_a_failed_job_can_be_retried(app, queued, make_staff, csrf_token, job_id, said):
    client, _ = signed_in_admin(queued, make_staff, csrf_token)
    page = client.get("/staff/jobs/")

    response = client.post(
        f"/staff/jobs/{job_id}/retry", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )

    assert response.status_code == 200
    assert said in response.text
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "job_retried")) is None


@pytest.mark.parametrize("role", [r for r in StaffRole if r != StaffRole.ADMIN])
def test_nobody_but_admins_sees_the_jobs(app, queued, make_staff, csrf_token, role):
    client, _ = signed_in_admin(queued, make_staff, csrf_token, role=role)
    assert client.get("/staff/jobs/").status_code == 403
    assert client.post("/staff/jobs/explode-42/retry").status_code in (400, 403)


def test_signed_out_visitors_are_sent_to_sign_in(queued):
    response = queued.test_client().get("/staff/jobs/")
    assert response.status_code == 302 and "/staff/sign-in" in response.location


def test_without_redis_the_page_says_there_are_no_queues(app, make_app, make_staff, csrf_token):
    client, _ = signed_in_admin(make_app(WTF_CSRF_ENABLED=True), make_staff, csrf_token)
    page = client.get("/staff/jobs/")
    assert page.status_code == 200 and "REDIS_URL is not set" in page.text


def test_the_error_shown_is_only_the_exceptions_kind():
    traceback = 'Traceback (most recent call last):\n  File "x"\nValueError: a name, 07700 900461'
    assert failed_jobs.error_kind(traceback) == "ValueError"
    assert failed_jobs.error_kind("rq.timeouts.JobTimeoutException: Task exceeded") == (
        "rq.timeouts.JobTimeoutException"
    )
    assert failed_jobs.error_kind(None) == "unknown"
    assert failed_jobs.error_kind("a line someone wrote with spaces") == "unknown"
