"""Browser fixtures: the real app served on a free local port, and headless Chromium over it.

Playwright drives the system's Chromium (Debian's `chromium` package), because Playwright's own
browser download is not available everywhere the suite runs. A missing browser fails the tests
rather than skipping them, so an accessibility regression can never pass unnoticed.
"""

import functools
import os
import shutil
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

CHROMIUM = Path(os.environ.get("HEARD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "app/static/node_modules/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(os.environ["HEARD_SCREENSHOTS"]) if os.environ.get("HEARD_SCREENSHOTS") else None
ELSEWHERE_PAGE = "<!doctype html><html lang=en><title>Elsewhere</title><h1>Elsewhere</h1></html>"
# What each page's console said that a test should fail on, kept per page.
PROBLEMS: "weakref.WeakKeyDictionary[Page, list[str]]" = weakref.WeakKeyDictionary()
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class LiveServer:
    app: Flask
    url: str

    def __call__(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        return self.url + path


class _QuietRequestHandler(WSGIRequestHandler):
    """Leaves out the line per request, which buries the useful part of a failure report."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


@pytest.fixture
def live_server(make_app: Callable[..., Flask]) -> Iterator[LiveServer]:
    """Serve a fresh test app from a background thread; its tables are emptied afterwards.

    CSRF protection is on, as in production: the browser carries the cookie and the token.
    """
    # The browser keeps real time while the app runs at the tests' fixed instant: a staff
    # session that expires 30 minutes after that instant would be expired on arrival.
    app = make_app(WTF_CSRF_ENABLED=True, PERMANENT_SESSION_LIFETIME=timedelta(days=3650))
    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright driver for the whole run."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the whole run; each test gets fresh contexts in it."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "or point HEARD_CHROMIUM at a Chromium binary. "
            "The browser tests cannot run without it.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Open browser contexts (phone-sized unless told otherwise); all are closed after the test."""
    opened: list[BrowserContext] = []

    def factory(**options: object) -> BrowserContext:
        options.setdefault("viewport", PHONE)
        options.setdefault("locale", "en-GB")
        context = browser.new_context(**options)
        context.set_default_timeout(5_000)
        # Heard serves everything itself; anything else (the exit page's destination) is stubbed.
        context.route(_elsewhere, _stub_elsewhere)
        context.on("page", _record_script_problems)
        opened.append(context)
        return context

    yield factory
    for context in opened:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page at phone size, the width most children will use."""
    return new_context().new_page()


def _elsewhere(url: str) -> bool:
    """Whether a URL is off the test server."""
    return not url.startswith("http://127.0.0.1:")


def _stub_elsewhere(route: Route) -> None:
    """Answer for another site with a plain page, so leaving Heard can be seen to work."""
    route.fulfill(status=200, content_type="text/html", body=ELSEWHERE_PAGE)


def _record_script_problems(page: Page) -> None:
    """Keep script errors and Content-Security-Policy refusals, which only show in the console."""
    problems: list[str] = []
    PROBLEMS[page] = problems
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )


@pytest.fixture
def check_page() -> Callable[[Page, str], None]:
    """The checks every public page must pass, at a phone's width and then a desktop's.

    The page is checked as it is now (a form with its errors, say), without reloading it. With
    HEARD_SCREENSHOTS set to a folder, each page is also saved there as PNGs for a person.
    """
    return _check_page


def _check_page(page: Page, name: str) -> None:
    """Fail listing everything wrong with the page: structure, console, overlap and axe."""
    # A click that navigates returns before the new page has been parsed: read it whole.
    page.wait_for_load_state("load")
    assert page.locator("html.govuk-template").count() == 1, f"{page.url} is not in the layout"
    assert page.locator("link[href$='/heard.css']").count() == 1, (
        "no stylesheet: build the assets with `npm run build` in app/static"
    )
    assert page.evaluate("document.documentElement.lang"), f"no html lang on {page.url}"
    assert page.title().strip(), f"no <title> on {page.url}"
    headings = page.locator("h1").all_inner_texts()
    assert len(headings) == 1, f"{page.url} has {len(headings)} h1 elements: {headings}"
    failures = [f"problems in the browser: {p}" for p in PROBLEMS.get(page, [])]
    original = page.viewport_size
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        if SCREENSHOTS:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
        failures.extend(f"at {label} width: {o}" for o in _covered_by_exit_button(page))
        violations = axe_violations(page)
        if violations:
            failures.append(f"at {label} width:\n" + describe_violations(violations))
    if original:
        page.set_viewport_size(original)
    assert not failures, f"{page.url} ({name}):\n" + "\n".join(failures)


def _covered_by_exit_button(page: Page) -> list[str]:
    """Boxes that "Exit this page" sits on top of, where it floats beside the content."""
    return page.evaluate(
        """() => {
            const button = document.querySelector(".govuk-exit-this-page");
            if (!button) return [];
            const b = button.getBoundingClientRect();
            return [...document.querySelectorAll(".govuk-error-summary, .govuk-panel, form")]
                .filter(el => {
                    const r = el.getBoundingClientRect();
                    return r.left < b.right && b.left < r.right
                        && r.top < b.bottom && b.top < r.bottom;
                })
                .map(el => `"Exit this page" covers .${el.classList[0] || el.tagName}`);
        }"""
    )


@functools.cache
def _axe_source() -> str:
    """axe-core's script, read once per run."""
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core's WCAG 2.2 AA rules on the page as it is now."""
    # evaluate() is not subject to the page's Content-Security-Policy, which stays on.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    return results["violations"]


def describe_violations(violations: list[dict]) -> str:
    """One block per violation: rule id, what it asks for, and the offending nodes."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(map(str, node['target']))}")
            lines.append(f"    {node['failureSummary'].replace(chr(10), ' ')}")
    return "\n".join(lines)
