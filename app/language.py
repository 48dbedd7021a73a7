"""Which language a page is in: English or Welsh (Cymraeg), for the public pages.

Public bodies in Wales must offer their services in Welsh no less favourably than in English.
A visitor chooses with the language link on every public page (`?lang=cy` or `?lang=en`); the
choice is kept in the session cookie the forms already use, which the browser drops when it
closes: a preference the visitor asked for, so it needs no cookie banner. Without a choice,
the browser's Accept-Language decides, then BABEL_DEFAULT_LOCALE. Staff pages, the API and the
webhooks stay in English: a webhook's reply is in the language of the person it answers (see
`replying_in`), not of the request.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_request_context, request, session, url_for
from flask_babel import force_locale, get_locale, refresh
from werkzeug.routing import BuildError

WELSH = "cy"
ENGLISH = "en"
LANGUAGES = (ENGLISH, WELSH)
SESSION_KEY = "lang"
# Paths whose pages stay in English whatever the visitor chose.
_ENGLISH_ONLY = ("/staff", "/api/", "/sms/", "/email/", "/healthz", "/static/")
# The name of each language in itself, as the link to it says.
NAMES = {ENGLISH: "English", WELSH: "Cymraeg"}


def init_app(app: Flask) -> None:
    app.before_request(_remember_choice)
    app.context_processor(_language_context)


def public_path() -> bool:
    return has_request_context() and not request.path.startswith(_ENGLISH_ONLY)


def chosen(value: object) -> str | None:
    """A language code from a link or a stored preference, or None if it is not one of ours."""
    return value if isinstance(value, str) and value in LANGUAGES else None


def select_locale() -> str:
    """Flask-Babel's locale selector: the visitor's choice, then their browser, then the default."""
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", ENGLISH)
    if not public_path():
        return ENGLISH
    return (
        chosen(request.args.get("lang"))
        or chosen(session.get(SESSION_KEY))
        or request.accept_languages.best_match(LANGUAGES)
        or default
    )


def _remember_choice() -> None:
    """A visitor who followed the language link keeps that language on the next page."""
    # Flask-Babel keeps the locale on the app context, which a request shares with an app
    # context already pushed (a CLI command's, a test's): each request chooses afresh.
    refresh()
    choice = chosen(request.args.get("lang"))
    if choice and public_path() and session.get(SESSION_KEY) != choice:
        session[SESSION_KEY] = choice


def current() -> str:
    """The language of the page being built, as a code Heard stores ("en" or "cy")."""
    locale = get_locale()
    return WELSH if locale is not None and locale.language == WELSH else ENGLISH


def _language_context() -> dict[str, object]:
    if not public_path():
        return {"htmlLang": ENGLISH}
    here = current()
    other = ENGLISH if here == WELSH else WELSH
    return {"htmlLang": here, "language_link": _switch_link(other)}


def _switch_link(other: str) -> dict[str, str]:
    """The link to this page in the other language. Built with url_for, never from the raw
    path: a path such as //elsewhere.example would otherwise become a link off the site. A
    page with no route of its own (a 404) links to the start page instead."""
    endpoint = request.endpoint or "public.start"
    try:
        href = url_for(endpoint, **(request.view_args or {}), lang=other)
    except BuildError:
        href = url_for("public.start", lang=other)
    return {"href": href, "code": other, "name": NAMES[other]}


@contextmanager
def replying_in(language: str | None) -> Iterator[None]:
    """Build a reply in someone's language, whatever the request (a webhook, a job) is in."""
    with force_locale(chosen(language) or ENGLISH):
        yield
