"""Forms for the complaint stage pages: acknowledge, extend, owner, outcome, escalate and
learning points."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.models import ComplaintOutcome, StaffUser, Team
from app.services.complaints.stages import MAX_REASON_CHARS
from app.web.date_fields import UkDateField

OUTCOME_LABELS = {
    "upheld": _l("Upheld"),
    "partially_upheld": _l("Partially upheld"),
    "not_upheld": _l("Not upheld"),
    "withdrawn": _l("Withdrawn"),
}
_REASON_LENGTH = Length(
    max=MAX_REASON_CHARS,
    message=_l("Keep it to %(max)d characters or fewer", max=MAX_REASON_CHARS),
)


class AcknowledgeForm(FlaskForm):
    submit = SubmitField(_l("Mark as acknowledged"), widget=GovSubmitInput())


class ExtendForm(FlaskForm):
    reason = TextAreaField(
        _l("Why does this stage need more time?"),
        widget=GovTextArea(),
        validators=[InputRequired(_l("Say why the stage needs more time")), _REASON_LENGTH],
    )
    working_days = IntegerField(
        _l("Working days in all, from the day it was received"),
        widget=GovTextInput(),
        description=_l("Stage 2 can run to at most 65 working days"),
        validators=[
            Optional(),
            NumberRange(min=26, max=65, message=_l("Enter a number from 26 to 65")),
        ],
    )
    submit = SubmitField(_l("Extend"), widget=GovSubmitInput())


class OwnerForm(FlaskForm):
    team = SelectField(_l("Team"), widget=GovSelect(), validate_choice=True)
    manager = SelectField(_l("Manager who will respond"), widget=GovSelect(), validate_choice=True)
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def set_choices(self, teams: list[Team], managers: list[StaffUser]) -> None:
        """Offer the current teams and the staff who may respond."""
        self.team.choices = [SelectChoice("", _l("No team"))] + [
            SelectChoice(str(t.id), t.name) for t in teams
        ]
        self.manager.choices = [SelectChoice("", _l("Nobody yet"))] + [
            SelectChoice(str(m.id), m.name) for m in managers
        ]


class OutcomeForm(FlaskForm):
    outcome = RadioField(
        _l("Outcome"),
        widget=GovRadioInput(),
        choices=[SelectChoice(o.value, OUTCOME_LABELS[o.value]) for o in ComplaintOutcome],
        validators=[InputRequired(_l("Choose the outcome"))],
    )
    responded_on = UkDateField(
        _l("Date of the response"),
        validators=[InputRequired(_l("Enter the date of the response as day, month and year"))],
    )
    reason = TextAreaField(
        _l("Summary or reason"),
        widget=GovTextArea(),
        description=_l("Needed if the complaint was withdrawn. Do not copy the complaint here."),
        validators=[Optional(), _REASON_LENGTH],
    )
    submit = SubmitField(_l("Record outcome"), widget=GovSubmitInput())


class EscalateForm(FlaskForm):
    requested_on = UkDateField(
        _l("When did the complainant ask for the next stage?"),
        validators=[InputRequired(_l("Enter the date of the request as day, month and year"))],
    )
    submit = SubmitField(_l("Escalate"), widget=GovSubmitInput())


class StageDateForm(FlaskForm):
    """Stage 3: the date the panel met, or the date its recommendations came."""

    on = UkDateField(
        _l("Date"),
        description="",
        validators=[InputRequired(_l("Enter the date as day, month and year"))],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class LearningDoneForm(FlaskForm):
    submit = SubmitField(_l("Mark action as done"), widget=GovSubmitInput())


class LearningForm(FlaskForm):
    lesson = TextAreaField(
        _l("What was learned?"),
        widget=GovTextArea(),
        description=_l("Do not copy the complaint or name the complainant here."),
        validators=[InputRequired(_l("Say what was learned")), _REASON_LENGTH],
    )
    themes = SelectMultipleField(
        _l("Themes"),
        widget=GovCheckboxesInput(),
        description=_l("The complaint's own themes are ticked to start with."),
        validate_choice=True,
    )
    team = SelectField(_l("Team"), widget=GovSelect(), validate_choice=True)
    action = TextAreaField(
        _l("Action (optional)"),
        widget=GovTextArea(),
        description=_l("What will change, so that it does not happen again."),
        validators=[Optional(), _REASON_LENGTH],
    )
    owner = SelectField(_l("Who owns the action?"), widget=GovSelect(), validate_choice=True)
    due_on = UkDateField(
        _l("When is the action due?"),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Save learning point"), widget=GovSubmitInput())

    def set_choices(
        self, themes: dict[str, str], teams: list[Team], owners: list[StaffUser]
    ) -> None:
        """Offer the taxonomy's themes, the current teams and the staff who may own an action."""
        self.themes.choices = [SelectChoice(key, name) for key, name in themes.items()]
        self.team.choices = [SelectChoice("", _l("No team"))] + [
            SelectChoice(str(t.id), t.name) for t in teams
        ]
        self.owner.choices = [SelectChoice("", _l("Nobody yet"))] + [
            SelectChoice(str(m.id), m.name) for m in owners
        ]


class DefaultOwnerForm(FlaskForm):
    owner = SelectField(
        _l("Who owns new complaints about this team?"),
        widget=GovSelect(),
        validate_choice=True,
        description=_l(
            "They are named in the acknowledgement and can be changed on each complaint."
        ),
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def set_choices(self, owners: list[StaffUser]) -> None:
        """Offer the staff who may own complaints."""
        self.owner.choices = [SelectChoice("", _l("Nobody"))] + [
            SelectChoice(str(o.id), o.name) for o in owners
        ]
