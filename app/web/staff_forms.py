"""Forms on the staff pages: sign-in, second factor, sign-out, the feedback filters and replies."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from app.models import Team
from app.services.outbound.replies import MAX_EMAIL_REPLY_CHARS
from app.services.staff.accounts import MAX_PASSWORD_LENGTH
from app.web.labels import CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS

MAX_SMS_REPLY_CHARS = 640


class SignInForm(FlaskForm):
    email = StringField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter your email address")),
            Length(max=320, message=_l("Email address must be 320 characters or fewer")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(_l("Enter your password")),
            Length(
                max=MAX_PASSWORD_LENGTH,
                message=_l("Password must be %(max)d characters or fewer", max=MAX_PASSWORD_LENGTH),
            ),
        ],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class CodeForm(FlaskForm):
    """A six-digit code from the authenticator app."""

    code = StringField(
        _l("Code from your authenticator app"),
        widget=GovTextInput(),
        description=_l("The 6-digit code shown in the app, for example 123456"),
        validators=[
            InputRequired(_l("Enter the 6-digit code from your authenticator app")),
            Length(max=20, message=_l("Enter the 6-digit code from your authenticator app")),
        ],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class RecoveryForm(FlaskForm):
    code = StringField(
        _l("Recovery code"),
        widget=GovTextInput(),
        description=_l("One of the codes you saved when you set up two-factor sign-in"),
        validators=[
            InputRequired(_l("Enter a recovery code")),
            Length(max=60, message=_l("Enter a recovery code, like ABCD-EF23-4567-HJKM-NPQR-TUVW")),
        ],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


def _password(label: str, message: str, **kwargs: Any) -> PasswordField:
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message),
            Length(
                max=MAX_PASSWORD_LENGTH,
                message=_l("Password must be %(max)d characters or fewer", max=MAX_PASSWORD_LENGTH),
            ),
        ],
        **kwargs,
    )


def _code() -> StringField:
    return StringField(
        _l("Code from your authenticator app"),
        widget=GovTextInput(),
        description=_l("The 6-digit code shown in the app, for example 123456"),
        validators=[
            InputRequired(_l("Enter the 6-digit code from your authenticator app")),
            Length(max=20, message=_l("Enter the 6-digit code from your authenticator app")),
        ],
    )


class ConfirmIdentityForm(FlaskForm):
    """Proving again who you are before an administrator's change: password and a code."""

    password = _password(_l("Your password"), _l("Enter your password"))
    code = _code()
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    """A person changing their own password: the current one and a code prove it is them."""

    current = _password(_l("Current password"), _l("Enter your current password"))
    new = _password(
        _l("New password"),
        _l("Enter a new password"),
        description=_l(
            "At least 12 characters. A few unrelated words are easy to remember and hard to guess."
        ),
    )
    confirm = _password(_l("New password again"), _l("Enter the new password again"))
    code = _code()
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())

    def validate_confirm(self, field: PasswordField) -> None:
        if field.data != self.new.data:
            raise ValidationError(_l("The new passwords do not match"))


class SignOutForm(FlaskForm):
    """No fields: it carries the CSRF token, so another site cannot sign staff out."""


def _choices(labels: dict[str, str], anything: str) -> list[SelectChoice]:
    """Select options: an empty "any" first, then each stored value with its label."""
    return [SelectChoice("", anything), *(SelectChoice(v, label) for v, label in labels.items())]


def filter_select(label: str, labels: dict[str, str], anything: str, refusal: str) -> SelectField:
    """A filter read from the query string: blank means any, and a value not offered is refused
    with `refusal` instead of being passed on."""
    return SelectField(
        label,
        widget=GovSelect(),
        choices=_choices(labels, anything),
        validate_choice=False,
        validators=[Optional(), AnyOf(list(labels), message=refusal)],
    )


def team_choices(teams: list[Team]) -> list[SelectChoice]:
    """The team filter's options: any team, then the teams there are."""
    return [SelectChoice("", _l("Any team")), *(SelectChoice(str(t.id), t.name) for t in teams)]


def check_team_offered(field: SelectField) -> None:
    """A team filter must name a team that exists."""
    if field.data and field.data not in {choice.value for choice in field.choices or []}:
        raise ValidationError(_l("Choose a team from the list"))


class FeedbackFilterForm(FlaskForm):
    """Read from the query string, so a filtered list can be bookmarked; no CSRF for a GET."""

    class Meta:
        csrf = False

    kind = filter_select(_l("Kind"), KIND_LABELS, _l("Any kind"), _l("Choose a kind from the list"))
    channel = filter_select(
        _l("Channel"), CHANNEL_LABELS, _l("Any channel"), _l("Choose a channel from the list")
    )
    status = filter_select(
        _l("Status"), STATUS_LABELS, _l("Any status"), _l("Choose a status from the list")
    )
    team = SelectField(_l("Team"), widget=GovSelect(), validate_choice=False)

    def set_teams(self, teams: list[Team]) -> None:
        """Offer the teams there are; they are only known at request time."""
        self.team.choices = team_choices(teams)

    def validate_team(self, field: SelectField) -> None:
        check_team_offered(field)


class ReplyForm(FlaskForm):
    """A reply from staff to the person who gave the feedback, by text or by email."""

    channel = RadioField(
        _l("Send the reply by"),
        widget=GovRadioInput(),
        choices=[SelectChoice("sms", _l("Text message")), SelectChoice("email", _l("Email"))],
        # A post that leaves the channel out means the one the form was made with.
        validators=[DataRequired(_l("Choose text message or email"))],
    )
    text = TextAreaField(
        _l("Reply"),
        widget=GovTextArea(),
        validators=[
            InputRequired(_l("Enter your reply")),
            Length(
                max=MAX_EMAIL_REPLY_CHARS,
                message=_l(
                    "A reply must be %(max)d characters or fewer", max=MAX_EMAIL_REPLY_CHARS
                ),
            ),
        ],
    )
    submit = SubmitField(_l("Send reply"), widget=GovSubmitInput())

    def validate_text(self, field: TextAreaField) -> None:
        """A text message has a tighter limit than an email."""
        if self.channel.data == "sms" and field.data and len(field.data) > MAX_SMS_REPLY_CHARS:
            raise ValidationError(
                _l(
                    "A text message must be %(max)d characters or fewer",
                    max=MAX_SMS_REPLY_CHARS,
                )
            )
