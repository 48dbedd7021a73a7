"""Forms for the complaint stage pages: acknowledge, extend, owner, outcome, escalate,
remedies, costs, advocacy, a next stage that did not go ahead, and learning points."""

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
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional

from app.models import (
    ComplaintOutcome,
    CostKind,
    NotProgressedReason,
    RemedyKind,
    StaffUser,
    Team,
)
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
    # The range comes from the regime in force: the page sets the hint, the service checks.
    working_days = IntegerField(
        _l("Working days in all, from the day it was received"),
        widget=GovTextInput(),
        validators=[Optional()],
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
    intended_outcome = TextAreaField(
        _l("Intended outcome (optional)"),
        widget=GovTextArea(),
        description=_l("What the action should achieve, for the action plan."),
        validators=[Optional(), _REASON_LENGTH],
    )
    progress_update = TextAreaField(
        _l("Latest update (optional)"),
        widget=GovTextArea(),
        description=_l("How the action is going: the action plan's quarterly update."),
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


class KindForm(FlaskForm):
    """Change what kind of feedback an item is: the choices are those the item may become."""

    kind = RadioField(
        _l("What is it?"),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Choose what kind of feedback this is"))],
    )
    reason = TextAreaField(
        _l("Why are you changing it?"),
        widget=GovTextArea(),
        description=_l(
            "For example: the parent said on the phone they want it treated as a complaint."
        ),
        validators=[InputRequired(_l("Say why the kind is changing")), _REASON_LENGTH],
    )
    submit = SubmitField(_l("Change"), widget=GovSubmitInput())

    def set_choices(self, kinds: list[tuple[str, str]]) -> None:
        self.kind.choices = [SelectChoice(value, label) for value, label in kinds]


_LINE = Length(max=200, message=_l("Keep it to 200 characters or fewer"))


class RecordComplaintForm(FlaskForm):
    """A complaint that came by phone, letter, in person or through an advocate."""

    how = RadioField(
        _l("How was it received?"),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Choose how the complaint was received"))],
    )
    received_on = UkDateField(
        _l("Date received"),
        validators=[InputRequired(_l("Enter the date received as day, month and year"))],
    )
    contact_role = SelectField(_l("Who is complaining?"), widget=GovSelect(), validate_choice=True)
    name = StringField(
        _l("Their name (optional)"), widget=GovTextInput(), validators=[Optional(), _LINE]
    )
    phone = StringField(
        _l("Phone number (optional)"), widget=GovTextInput(), validators=[Optional(), _LINE]
    )
    email = StringField(
        _l("Email address (optional)"),
        widget=GovTextInput(),
        validators=[
            Optional(),
            _LINE,
            Email(_l("Enter an email address in the correct format, like name@example.com")),
        ],
    )
    postal_address = TextAreaField(
        _l("Postal address (optional)"),
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=500, message=_l("Keep the address to 500 characters or fewer")),
        ],
    )
    team = SelectField(_l("Team"), widget=GovSelect(), validate_choice=True)
    text = TextAreaField(
        _l("What is the complaint?"),
        widget=GovTextArea(),
        description=_l(
            "In their words as far as you can. A letter can be summarised and kept on file."
        ),
        validators=[
            InputRequired(_l("Enter what the complaint is about")),
            Length(max=20_000, message=_l("Keep the complaint to 20000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Record complaint"), widget=GovSubmitInput())

    def set_choices(self, how: dict[str, str], roles: dict[str, str], teams: list[Team]) -> None:
        self.how.choices = [SelectChoice(k, v) for k, v in how.items()]
        self.contact_role.choices = [SelectChoice(k, v) for k, v in roles.items()]
        self.team.choices = [SelectChoice("", _l("Not known yet"))] + [
            SelectChoice(t.name, t.name) for t in teams
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


REMEDY_LABELS = {
    RemedyKind.APOLOGY.value: _l("Apology"),
    RemedyKind.EXPLANATION.value: _l("Explanation"),
    RemedyKind.ACTION_TAKEN.value: _l("Action taken"),
    RemedyKind.FINANCIAL_PAYMENT.value: _l("Financial payment"),
    RemedyKind.SERVICE_CHANGE.value: _l("Change to the service"),
}
COST_LABELS = {
    CostKind.INVESTIGATOR.value: _l("Independent investigator"),
    CostKind.INDEPENDENT_PERSON.value: _l("Independent person"),
}
NOT_PROGRESSED_LABELS = {
    NotProgressedReason.RESOLVED_AT_STAGE_1.value: _l("Resolved after further work at Stage 1"),
    NotProgressedReason.OUT_OF_TIME.value: _l("Asked for after the time allowed"),
    NotProgressedReason.LEGAL_PROCEEDINGS.value: _l("The matter is before a court"),
    NotProgressedReason.OUTSIDE_PROCEDURE.value: _l("Outside the complaints procedure"),
    NotProgressedReason.WITHDRAWN.value: _l("Withdrawn by the complainant"),
    NotProgressedReason.OTHER.value: _l("Another reason"),
}
_AMOUNT_LENGTH = Length(max=20, message=_l("Enter an amount in pounds, like 250 or 250.50"))
_NOTE_LENGTH = Length(max=2000, message=_l("Keep it to 2000 characters or fewer"))


class RemedyForm(FlaskForm):
    kind = RadioField(
        _l("What did the response do to put things right?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(k, v) for k, v in REMEDY_LABELS.items()],
        validators=[InputRequired(_l("Choose the remedy"))],
    )
    amount = StringField(
        _l("Amount paid, in pounds (for a financial payment only)"),
        widget=GovTextInput(),
        validators=[Optional(), _AMOUNT_LENGTH],
    )
    note = TextAreaField(
        _l("Note (optional)"),
        widget=GovTextArea(),
        description=_l("Do not copy the complaint or name the complainant here."),
        validators=[Optional(), _NOTE_LENGTH],
    )
    submit = SubmitField(_l("Record remedy"), widget=GovSubmitInput())


class CostForm(FlaskForm):
    kind = RadioField(
        _l("Who was paid?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(k, v) for k, v in COST_LABELS.items()],
        validators=[InputRequired(_l("Choose who was paid"))],
    )
    amount = StringField(
        _l("Amount, in pounds"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the amount")), _AMOUNT_LENGTH],
    )
    incurred_on = UkDateField(
        _l("Date of the invoice or payment"),
        validators=[InputRequired(_l("Enter the date as day, month and year"))],
    )
    note = TextAreaField(
        _l("Note (optional)"), widget=GovTextArea(), validators=[Optional(), _NOTE_LENGTH]
    )
    submit = SubmitField(_l("Record cost"), widget=GovSubmitInput())


class AdvocacyForm(FlaskForm):
    offered = RadioField(
        _l("Was the complainant offered an advocate?"),
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[InputRequired(_l("Say whether an advocate was offered"))],
    )
    taken_up = RadioField(
        _l("Did they take up advocacy?"),
        widget=GovRadioInput(),
        choices=[
            SelectChoice("yes", _l("Yes")),
            SelectChoice("no", _l("No")),
            SelectChoice("unknown", _l("Not known yet")),
        ],
        validators=[InputRequired(_l("Say whether they took up advocacy"))],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class NotProgressedForm(FlaskForm):
    requested_on = UkDateField(
        _l("When did the complainant ask for the next stage?"),
        validators=[InputRequired(_l("Enter the date of the request as day, month and year"))],
    )
    reason = RadioField(
        _l("Why did it not go ahead?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(k, v) for k, v in NOT_PROGRESSED_LABELS.items()],
        validators=[InputRequired(_l("Choose why it did not go ahead"))],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())
