"""How a staff form shows a refusal: the rules said no (app.services.common.Refusal and its
kinds), so the form comes back with the reason as an error, and nothing half-done is kept."""

from flask_wtf import FlaskForm
from wtforms import Field

from app.extensions import db
from app.services.common import Refusal


def show_refusal(form: FlaskForm, error: Refusal, field: Field | None = None) -> None:
    """Undo anything the refused change had started, and show the reason on the field it is
    about (the form's first if none is named), where the GOV.UK error summary links to it."""
    db.session.rollback()
    shown = field if field is not None else next(iter(form))
    shown.errors = [*shown.errors, str(error)]
