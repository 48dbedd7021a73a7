"""Forms for administrators managing staff accounts: add one, change its role, confirm a change."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Regexp

from app.models import Team
from app.web.labels import ROLE_LABELS
from app.web.staff_forms import check_team_offered

# PostgreSQL cannot store NUL, and no name or email address holds a control character.
_PRINTABLE = Regexp(
    r"^[^\x00-\x1f\x7f]*$", message=_l("Use only letters, numbers, spaces and punctuation")
)


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _role_field(label: str) -> RadioField:
    """One radio per staff role; any other value is refused with a message."""
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=[SelectChoice(value, text) for value, text in ROLE_LABELS.items()],
        # The stock "Not a valid choice" does not say what to do; AnyOf below does.
        validate_choice=False,
        validators=[
            InputRequired(_l("Choose a role")),
            AnyOf(list(ROLE_LABELS), message=_l("Choose a role from the list")),
        ],
    )


class AddAccountForm(FlaskForm):
    """A new member of staff: who they are, what they may do and their team."""

    name = StringField(
        _l("Full name"),
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter their full name")),
            _PRINTABLE,
            Length(max=200, message=_l("Full name must be 200 characters or fewer")),
        ],
    )
    email = StringField(
        _l("Email address"),
        widget=GovTextInput(),
        description=_l("Their work email address. They sign in with it"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter their email address")),
            _PRINTABLE,
            Length(max=320, message=_l("Email address must be 320 characters or fewer")),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message=_l("Enter an email address in the correct format, like name@example.org"),
            ),
        ],
    )
    role = _role_field(_l("Role"))
    team = SelectField(_l("Team (optional)"), widget=GovSelect(), validate_choice=False)
    submit = SubmitField(_l("Add account"), widget=GovSubmitInput())

    def set_teams(self, teams: list[Team]) -> None:
        """Offer the teams there are; they are only known at request time."""
        self.team.choices = [
            SelectChoice("", _l("No team")),
            *(SelectChoice(str(t.id), t.name) for t in teams),
        ]

    def validate_team(self, field: SelectField) -> None:
        check_team_offered(field)

    @property
    def team_id(self) -> int | None:
        """The chosen team's id, from a validated form."""
        return int(self.team.data) if self.team.data else None


class RoleForm(FlaskForm):
    """Another role for an existing account."""

    role = _role_field(_l("New role"))
    submit = SubmitField(_l("Change role"), widget=GovSubmitInput())


class PhoneForm(FlaskForm):
    """The mobile number urgent safeguarding alerts are texted to; empty to remove it."""

    phone = StringField(
        _l("Mobile number for urgent alerts (optional)"),
        widget=GovTextInput(),
        description=_l(
            "Reviewers on the rota, managers and administrators are texted a link when a "
            "safeguarding alert needs someone. Leave it empty to remove the number."
        ),
        filters=[_strip],
        validators=[Length(max=32, message=_l("Mobile number must be 32 characters or fewer"))],
    )
    submit = SubmitField(_l("Save mobile number"), widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """No fields: it carries the CSRF token for a change confirmed with one button."""
