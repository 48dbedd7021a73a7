"""Public pages: the children's form, the adults' form and the audit feedback form."""

from flask import Blueprint, render_template

bp = Blueprint("public", __name__)


@bp.get("/")
def start() -> str:
    return render_template("public/start.html", title="Tell us what you think")
