"""Public notices, linked from the footer of every page: the privacy notice, the privacy notice
for children and young people in plain words, the accessibility statement and the cookies
page. The organisation's name and contact come from settings (ORGANISATION_*), the retention
periods from the schedule in force."""

from flask import Blueprint, render_template
from flask_babel import gettext as _

from app.services.privacy import retention

bp = Blueprint("notices", __name__)


@bp.get("/privacy")
def privacy() -> str:
    return render_template("public/privacy.html", title=_("Privacy notice"), years=_years())


@bp.get("/privacy/children-and-young-people")
def privacy_children() -> str:
    return render_template(
        "public/privacy_children.html",
        title=_("What we do with what you tell us"),
        years=_years(),
    )


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("public/accessibility.html", title=_("Accessibility statement"))


@bp.get("/cookies")
def cookies() -> str:
    return render_template("public/cookies.html", title=_("Cookies"))


def _years() -> dict[str, int]:
    return {rule.key: rule.years for rule in retention.schedule()}
