"""Signing staff in through the real pages, as the browser tests do."""

import pyotp
from playwright.sync_api import Page

from tests.factories import STAFF_PASSWORD


def sign_in(page: Page, live_server, email: str, secret: str, next_path: str = "/staff/") -> None:
    """Password, then a code from the account's TOTP secret; ends on `next_path`."""
    query = "" if next_path == "/staff/" else f"?next={next_path}"
    page.goto(live_server(f"/staff/sign-in{query}"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{next_path}")
