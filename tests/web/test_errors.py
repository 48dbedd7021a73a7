"""Error pages explain in plain words, keep the exit button on public pages, and never leak a
traceback; the API gets the same errors as JSON."""

import pytest


def test_a_missing_page_says_so_plainly_and_keeps_the_exit_button(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Exit this page" in response.text


def test_a_staff_error_page_has_no_public_exit_button(client):
    response = client.get("/staff/no-such-page")
    assert response.status_code == 404
    assert "Exit this page" not in response.text


def test_the_api_gets_errors_as_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["error"]["status"] == 404


@pytest.fixture
def failing_app(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    return app


def test_an_unexpected_error_is_a_kind_page_without_internals(failing_app, caplog):
    response = failing_app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert any("unhandled error" in r.message for r in caplog.records)
