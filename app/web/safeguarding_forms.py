"""Forms on the safeguarding pages: decisions on an alert, a manual flag, and the rota."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.models import AlertOutcome, RotaKind
from app.services.common import UK_TIME
from app.services.safeguarding.alerts import MAX_RATIONALE_CHARS

TIME_FORMAT = "%Y-%m-%d %H:%M"

OUTCOME_LABELS = {
    AlertOutcome.REFERRED_TO_SOCIAL_WORKER.value: _l("Referred to the child's social worker"),
    AlertOutcome.REFERRED_TO_POLICE_OR_LADO.value: _l(
        "Referred to the police or the local authority designated officer (LADO)"
    ),
    AlertOutcome.ALREADY_KNOWN.value: _l("Already known and being managed"),
    AlertOutcome.NOT_SAFEGUARDING.value: _l("Not a safeguarding matter"),
}
ROTA_KIND_LABELS = {
    RotaKind.DAY.value: _l("Day (office hours)"),
    RotaKind.OUT_OF_HOURS.value: _l("Out of hours"),
}


def _rationale(label: str, required: str) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        validators=[
            InputRequired(required),
            Length(
                max=MAX_RATIONALE_CHARS,
                message=_l("Write %(max)d characters or fewer", max=MAX_RATIONALE_CHARS),
            ),
        ],
    )


class AcknowledgeForm(FlaskForm):
    submit = SubmitField(_l("Acknowledge: I am reviewing this"), widget=GovSubmitInput())


class CloseForm(FlaskForm):
    outcome = RadioField(
        _l("Outcome"),
        widget=GovRadioInput(),
        choices=[SelectChoice(v, label) for v, label in OUTCOME_LABELS.items()],
        validators=[InputRequired(_l("Choose an outcome"))],
    )
    rationale = _rationale(_l("Reasons for this outcome"), _l("Give the reasons for this outcome"))
    submit = SubmitField(_l("Close the alert"), widget=GovSubmitInput())


class ReopenForm(FlaskForm):
    rationale = _rationale(_l("Why reopen it"), _l("Give the reasons for reopening"))
    submit = SubmitField(_l("Reopen the alert"), widget=GovSubmitInput())


class FlagForm(FlaskForm):
    reason = _rationale(
        _l("Why is this a safeguarding concern"), _l("Say why this is a safeguarding concern")
    )
    submit = SubmitField(_l("Flag for safeguarding review"), widget=GovSubmitInput())


class SecondLookFineForm(FlaskForm):
    submit = SubmitField(_l("Fine: not a safeguarding matter"), widget=GovSubmitInput())


def _london_time(value: str | None) -> datetime | None:
    """A time typed as 2026-11-23 09:00, in England's time, or None if it is not one."""
    try:
        return datetime.strptime((value or "").strip(), TIME_FORMAT).replace(tzinfo=UK_TIME)
    except ValueError:
        return None


def _time_field(label: str) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        description=_l("In UK time, like 2026-11-23 09:00"),
        validators=[InputRequired(_l("Enter a date and time")), Length(max=20)],
    )


class ShiftForm(FlaskForm):
    reviewer = SelectField(_l("Reviewer"), widget=GovSelect(), validate_choice=True, coerce=str)
    starts_at = _time_field(_l("Starts"))
    ends_at = _time_field(_l("Ends"))
    kind = RadioField(
        _l("Rota"),
        widget=GovRadioInput(),
        choices=[SelectChoice(v, label) for v, label in ROTA_KIND_LABELS.items()],
        validators=[InputRequired(_l("Choose day or out of hours"))],
    )
    order = IntegerField(
        _l("Order"),
        widget=GovTextInput(),
        description=_l("Who is told first in the same shift: 0 first, then 1, and so on"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=99, message=_l("Enter 0 to 99"))],
    )
    phone = StringField(
        _l("Duty phone for text alerts (optional)"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=32, message=_l("Enter 32 characters or fewer"))],
    )
    submit = SubmitField(_l("Add to the rota"), widget=GovSubmitInput())

    def validate_starts_at(self, field: StringField) -> None:
        """A real time."""
        if _london_time(field.data) is None:
            raise ValidationError(_l("Enter the start like 2026-11-23 09:00"))

    def validate_ends_at(self, field: StringField) -> None:
        """A real time, after the start."""
        ends = _london_time(field.data)
        if ends is None:
            raise ValidationError(_l("Enter the end like 2026-11-23 17:00"))
        starts = _london_time(self.starts_at.data)
        if starts is not None and ends <= starts:
            raise ValidationError(_l("The end must be after the start"))

    def times(self) -> tuple[datetime, datetime]:
        """The validated start and end."""
        starts, ends = _london_time(self.starts_at.data), _london_time(self.ends_at.data)
        assert starts is not None and ends is not None
        return starts, ends


class RemoveShiftForm(FlaskForm):
    submit = SubmitField(_l("Remove"), widget=GovSubmitInput())
