"""Forms for correspondence on an item page: MP and councillor enquiries, Ombudsman referrals
and compliment credits."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.models import ElectedMember, OmbudsmanFinding, Team
from app.services.complaints.correspondence import (
    MAX_OMBUDSMAN_REFERENCE_CHARS,
    MAX_WORKER_NAME_CHARS,
)
from app.services.complaints.stages import MAX_REASON_CHARS
from app.web.date_fields import UkDateField

MEMBER_LABELS = {"mp": _l("An MP"), "councillor": _l("A councillor")}
FINDING_LABELS = {
    "upheld": _l("Upheld"),
    "partly_upheld": _l("Partly upheld"),
    "not_upheld": _l("Not upheld"),
    "premature": _l("Premature (sent back to us)"),
    "outside_jurisdiction": _l("Outside jurisdiction"),
    "closed_after_initial_enquiries": _l("Closed after initial enquiries"),
    "settled_locally": _l("Settled locally"),
    "withdrawn": _l("Withdrawn"),
    "maladministration": _l("Maladministration"),
    "discontinued": _l("Discontinued"),
}


def _length(most: int) -> Length:
    return Length(max=most, message=_l("Keep it to %(max)d characters or fewer", max=most))


class MemberEnquiryForm(FlaskForm):
    member = RadioField(
        _l("Who wrote, or wrote on the person's behalf?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(m.value, MEMBER_LABELS[m.value]) for m in ElectedMember],
        validators=[InputRequired(_l("Choose an MP or a councillor"))],
    )
    received_on = UkDateField(
        _l("Date received"),
        validators=[InputRequired(_l("Enter the date received as day, month and year"))],
    )
    submit = SubmitField(_l("Start the 10 working-day clock"), widget=GovSubmitInput())


class MemberResponseForm(FlaskForm):
    responded_on = UkDateField(
        _l("Date of the reply"),
        validators=[InputRequired(_l("Enter the date of the reply as day, month and year"))],
    )
    submit = SubmitField(_l("Record the reply"), widget=GovSubmitInput())


class OmbudsmanForm(FlaskForm):
    referred_on = UkDateField(
        _l("Date referred to the Ombudsman"),
        validators=[InputRequired(_l("Enter the date referred as day, month and year"))],
    )
    reference = StringField(
        _l("Ombudsman's reference (optional)"),
        widget=GovTextInput(),
        validators=[Optional(), _length(MAX_OMBUDSMAN_REFERENCE_CHARS)],
    )
    finding = RadioField(
        _l("Finding (when there is one)"),
        widget=GovRadioInput(),
        choices=[SelectChoice("", _l("No finding yet"))]
        + [SelectChoice(f.value, FINDING_LABELS[f.value]) for f in OmbudsmanFinding],
        validate_choice=True,
        default="",
    )
    finding_on = UkDateField(
        _l("Date of the finding"),
        validators=[Optional()],
    )
    remedy = TextAreaField(
        _l("Remedy (optional)"),
        widget=GovTextArea(),
        description=_l("What the Ombudsman asked us to do, if anything."),
        validators=[Optional(), _length(MAX_REASON_CHARS)],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class ConfirmCreditForm(FlaskForm):
    """One click at triage: credit the compliment to the team suggested for it."""


class ComplimentCreditForm(FlaskForm):
    team = SelectField(
        _l("Team"),
        widget=GovSelect(),
        validate_choice=True,
        validators=[InputRequired(_l("Choose the team to credit"))],
    )
    worker_name = StringField(
        _l("Worker's name (optional)"),
        widget=GovTextInput(),
        description=_l("Only if the compliment names them."),
        validators=[Optional(), _length(MAX_WORKER_NAME_CHARS)],
    )
    submit = SubmitField(_l("Credit the compliment"), widget=GovSubmitInput())

    def set_choices(self, teams: list[Team]) -> None:
        """Offer the current teams."""
        self.team.choices = [SelectChoice("", _l("Choose a team"))] + [
            SelectChoice(str(t.id), t.name) for t in teams
        ]
