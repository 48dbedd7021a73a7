"""Error pages that explain, in HTML for people and JSON for the API; never a traceback."""

import logging

from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from app.extensions import db, login
from app.metrics import route_of_request
from app.services.staff import audit_log
from app.web import staff
from app.web.routing import network_of

log = logging.getLogger(__name__)

TITLES = {
    400: _l("Sorry, we could not read what was sent"),
    403: _l("You cannot see this page"),
    404: _l("Page not found"),
    405: _l("Sorry, this page cannot do that"),
    413: _l("What you sent is too big"),
    429: _l("Too many tries"),
    500: _l("Sorry, there is a problem with the service"),
    503: _l("Sorry, the service is unavailable"),
}

EXPLANATIONS = {
    400: _l("Something in what was sent could not be understood."),
    403: _l("You do not have permission to see this page."),
    404: _l("We could not find that page. Check the address, or start again."),
    405: _l("That is not something this page can do."),
    413: _l("What you sent is too big. Please shorten it and try again."),
    429: _l("Too many tries in a short time. Please wait a few minutes, then try again."),
    500: _l("Sorry, something went wrong on our side. What you sent may not have been saved."),
    503: _l("Sorry, the service is not available right now. Please try again later."),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, http_error)
    for database_error in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(database_error, _database_unavailable)
    app.register_error_handler(Exception, _unexpected_error)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(
    code: int, title: str | LazyString, detail: str | LazyString
) -> tuple[Response | str, int]:
    # In the page's language: a public page may be in Welsh; staff pages and the API in English.
    title, detail = str(title), str(detail)
    if _wants_json():
        return jsonify({"error": {"status": code, "title": title, "detail": detail}}), code
    if request.path.startswith("/staff"):
        # Staff keep their own layout and way home; nothing points at the children's pages.
        page = render_template(
            "errors/error.html",
            base="staff/base.html",
            code=code,
            title=title,
            detail=detail,
            **staff.staff_context(),
        )
        return page, code
    # Public error pages keep "Exit this page": a child on a shared phone may land on one.
    page = render_template(
        "errors/error.html", base="public/base.html", code=code, title=title, detail=detail
    )
    return page, code


def _csrf_error(error: CSRFError) -> tuple[Response | str | dict[str, object], int]:
    log.warning(
        "refused %s %s: CSRF token missing or expired, from %s",
        request.method,
        route_of_request(),
        network_of(request.remote_addr),
    )
    return _render(
        400,
        _l("Your form has expired"),
        _l(
            "For your security, forms stop working after a while or if cookies are blocked. "
            "Go back, refresh the page and send it again. Nothing was saved."
        ),
    )


def _record_refusal() -> None:
    """Every refusal to a signed-in member of staff goes in the audit log (pages that record
    their own, more specific refusal say so in g)."""
    if g.get("refusal_recorded") or not request.path.startswith("/staff"):
        return
    try:
        if not current_user.is_authenticated:
            return
        audit_log.record(
            audit_log.Action.ACCESS_REFUSED,
            current_user,
            detail={"path": request.path[:200], "method": request.method},
            ip_address=request.remote_addr,
        )
    except Exception:
        log.exception("could not record a refusal")


def http_error(error: HTTPException) -> tuple[Response | str, int]:
    code = error.code or 500
    if code == 403:
        _record_refusal()
    if code in (401, 403, 429):
        # Security events for the operator's log: where, from which address; nothing sent.
        log.warning(
            "refused %s %s with %d from %s",
            request.method,
            route_of_request(),
            code,
            network_of(request.remote_addr),
        )
    title = TITLES.get(code, error.name) if not _wants_json() else error.name
    detail = EXPLANATIONS.get(code, error.description or "")
    return _render(code, title, detail)


def _database_unavailable(error: Exception) -> tuple[Response | str, int]:
    """The database did not answer: say so plainly, from a page that needs no database (the
    signed-in user is not looked up again to draw it)."""
    log.error("database unavailable on %s %s", request.method, request.endpoint)
    try:
        db.session.rollback()
    except Exception:
        db.session().invalidate()
    g._login_user = login.anonymous_user()
    detail = (
        "Heard cannot reach its database just now, so staff pages cannot be shown. "
        "Nothing sent to Heard is lost: feedback is kept safely and appears when the database "
        "is back. Try again in a few minutes."
        if request.path.startswith("/staff")
        else EXPLANATIONS[503]
    )
    return _render(503, TITLES[503], detail)


def _unexpected_error(error: Exception) -> tuple[Response | str | dict[str, object], int]:
    log.exception("unhandled error on %s %s", request.method, request.endpoint)
    return _render(500, TITLES[500], EXPLANATIONS[500])
