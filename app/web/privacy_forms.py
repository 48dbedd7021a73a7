"""Forms for the staff data protection pages: legal holds, subject access searches, erasure
and correction requests. Every one is posted, so nothing personal is ever in a URL."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.services.privacy.holds import MAX_REASON_CHARS
from app.services.privacy.subject_access import MAX_CRITERION_CHARS


def _length(most: int) -> Length:
    return Length(max=most, message=_l("Keep it to %(max)d characters or fewer", max=most))


def _reference(label: str) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the item's reference")), _length(32)],
    )


class HoldForm(FlaskForm):
    reference = _reference(_l("Reference of the item to hold"))
    reason = TextAreaField(
        _l("Why it must be kept (a claim, an inquiry, a court order, a police request)"),
        widget=GovTextArea(),
        validators=[InputRequired(_l("Say why the item must be kept")), _length(MAX_REASON_CHARS)],
    )
    submit = SubmitField(_l("Put a legal hold on it"), widget=GovSubmitInput())


class ClearHoldForm(FlaskForm):
    hold_id = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(
        _l("Why the hold can end"),
        widget=GovTextArea(),
        validators=[InputRequired(_l("Say why the hold can end")), _length(MAX_REASON_CHARS)],
    )
    submit = SubmitField(_l("Clear the hold"), widget=GovSubmitInput())


def _criterion(label: str) -> StringField:
    return StringField(
        label, widget=GovTextInput(), validators=[Optional(), _length(MAX_CRITERION_CHARS)]
    )


class SearchForm(FlaskForm):
    phone = _criterion(_l("Phone number"))
    email = _criterion(_l("Email address"))
    name = _criterion(_l("Name, or part of it"))
    reference = _criterion(_l("Reference"))
    submit = SubmitField(_l("Find what we hold"), widget=GovSubmitInput())


class ExportForm(FlaskForm):
    """The items are checkboxes the results page draws; the view reads them from the post."""

    submit = SubmitField(_l("Export the chosen items for review"), widget=GovSubmitInput())


DECISIONS = [
    SelectChoice("erase", _l("Erase it (unless a duty to keep it applies)")),
    SelectChoice("refuse", _l("Refuse, for the legal reason written below")),
]


class ErasureForm(FlaskForm):
    reference = _reference(_l("Reference of the item to erase"))
    decision = RadioField(
        _l("What to do"),
        widget=GovRadioInput(),
        choices=DECISIONS,
        validators=[InputRequired(_l("Choose whether to erase or refuse"))],
    )
    reason = TextAreaField(
        _l("Reason for refusing (kept with the request)"),
        widget=GovTextArea(),
        validators=[Optional(), _length(MAX_REASON_CHARS)],
    )
    submit = SubmitField(_l("Record the request"), widget=GovSubmitInput())


class CorrectionForm(FlaskForm):
    reference = _reference(_l("Reference of the item to correct"))
    name = StringField(
        _l("Correct name"), widget=GovTextInput(), validators=[Optional(), _length(200)]
    )
    phone = StringField(
        _l("Correct phone number"), widget=GovTextInput(), validators=[Optional(), _length(32)]
    )
    email = StringField(
        _l("Correct email address"), widget=GovTextInput(), validators=[Optional(), _length(320)]
    )
    postal_address = TextAreaField(
        _l("Correct postal address"), widget=GovTextArea(), validators=[Optional(), _length(2000)]
    )
    reason = TextAreaField(
        _l("Or, to refuse: the legal reason (kept with the request)"),
        widget=GovTextArea(),
        validators=[Optional(), _length(MAX_REASON_CHARS)],
    )
    submit = SubmitField(_l("Record the request"), widget=GovSubmitInput())
