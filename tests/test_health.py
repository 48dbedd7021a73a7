def test_healthz_answers_200_while_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    # No scheduler runs in a unit test, and /healthz says so.
    assert response.json["status"] == "degraded"
    assert response.json["problems"] == ["scheduler"]


def test_healthz_is_ok_with_a_live_scheduler(app, client):
    from app.database import utcnow
    from app.jobs import scheduler

    scheduler.beat("test-runner", utcnow())
    response = client.get("/healthz")
    assert response.json["status"] == "ok", response.json
    assert response.json["problems"] == []


def test_healthz_reports_an_unreachable_database(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"
    assert response.json["status"] == "unavailable"
