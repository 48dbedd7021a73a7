"""The staff shell: every staff page sits under the one `staff` blueprint, inherits its guard
and context, and staff error pages keep the staff layout, never pointing at children's pages."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.web import staff

STAFF_SERVICE = "Heard \u2013 staff"  # the service name in the staff header
WAYS_IN = {"sign_in", "two_factor", "two_factor_setup", "recovery", "enrolment_link", "sign_out"}


def test_every_staff_address_is_served_by_a_child_of_the_shell(app: Flask):
    staff_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/staff")]
    assert len(staff_rules) > 40
    for rule in staff_rules:
        assert rule.endpoint.startswith("staff."), rule
    outside = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("staff.")]
    assert all(r.rule.startswith("/staff") for r in outside)


def test_nobody_signed_out_reaches_a_staff_page_but_the_way_in(app: Flask, client: FlaskClient):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff.") or "GET" not in rule.methods:
            continue
        if rule.endpoint.rsplit(".", 1)[1] in WAYS_IN:
            continue
        url = re.sub(r"<int:\w+>", "1", rule.rule)
        url = re.sub(r"<\w+>", "x", url)
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/staff/sign-in" in response.location, url


def test_the_shell_alone_turns_away_a_page_that_forgot_its_guard(app: Flask):
    """The guard is the shell's, not each page's: it refuses before any view runs."""
    with app.test_request_context("/staff/items/1"):
        app.preprocess_request()  # runs the shell's before_request for this endpoint
        response = staff._signed_in_first()
    assert response is not None and response.status_code == 302


@pytest.mark.parametrize("signed_in_first", [False, True])
def test_a_staff_404_keeps_the_staff_layout(client: FlaskClient, signed_in_first, request):
    if signed_in_first:
        request.getfixturevalue("signed_in")
    response = client.get("/staff/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert STAFF_SERVICE in page
    assert "Go to the staff pages" in page
    # No way from a staff error page to the children's start page.
    assert 'href="/"' not in page and "Go to the start" not in page
    if signed_in_first:
        assert "Sign out" in page


def test_a_staff_403_keeps_the_staff_layout(client: FlaskClient, signed_in):
    response = client.get("/staff/accounts/")  # a complaints officer is not an administrator
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert STAFF_SERVICE in page and "Sign out" in page
    assert 'href="/"' not in page


def test_a_public_404_keeps_the_public_layout(client: FlaskClient):
    page = client.get("/no-such-page").get_data(as_text=True)
    assert STAFF_SERVICE not in page
    assert "Go to the start" in page
