"""The trends page's filters, read from the query string so a view can be bookmarked."""

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Optional, ValidationError

from app.models import Channel, ContactRole, FeedbackKind, Team
from app.services.london_months import Month
from app.services.trends import TrendFilters
from app.web.labels import CHANNEL_LABELS, CONTACT_ROLE_LABELS, KIND_LABELS
from app.web.staff_forms import _choices

# How far back the month chooser goes: two years beside the two before them.
MONTHS_OFFERED = 36


class TrendFilterForm(FlaskForm):
    """No CSRF for a GET; every value must be one the lists offer."""

    class Meta:
        csrf = False

    month = SelectField(_l("Month"), widget=GovSelect(), validate_choice=False)
    team = SelectField(_l("Team"), widget=GovSelect(), validate_choice=False)
    channel = SelectField(
        _l("How it came in"),
        widget=GovSelect(),
        choices=_choices(CHANNEL_LABELS, _l("Any channel")),
        validate_choice=False,
        validators=[
            Optional(),
            AnyOf([c.value for c in Channel], message=_l("Choose a channel from the list")),
        ],
    )
    kind = SelectField(
        _l("Kind"),
        widget=GovSelect(),
        choices=_choices(KIND_LABELS, _l("Any kind")),
        validate_choice=False,
        validators=[
            Optional(),
            AnyOf([k.value for k in FeedbackKind], message=_l("Choose a kind from the list")),
        ],
    )
    role = SelectField(
        _l("Who wrote"),
        widget=GovSelect(),
        choices=_choices(CONTACT_ROLE_LABELS, _l("Anyone")),
        validate_choice=False,
        validators=[
            Optional(),
            AnyOf([r.value for r in ContactRole], message=_l("Choose who wrote from the list")),
        ],
    )

    def set_options(self, teams: list[Team], latest: Month) -> None:
        """Offer the teams there are and the months up to this one; both known per request."""
        self.team.choices = [
            SelectChoice("", _l("Any team")),
            *(SelectChoice(str(t.id), t.name) for t in teams),
        ]
        self.month.choices = [
            SelectChoice(m.key, format_date(m.first_day, "MMMM yyyy"))
            for m in (latest.plus(-i) for i in range(MONTHS_OFFERED))
        ]
        if not self.month.data:
            self.month.data = latest.key

    def validate_team(self, field: SelectField) -> None:
        if field.data and field.data not in {c.value for c in field.choices or []}:
            raise ValidationError(_l("Choose a team from the list"))

    def validate_month(self, field: SelectField) -> None:
        if field.data not in {c.value for c in field.choices or []}:
            raise ValidationError(_l("Choose a month from the list"))

    def filters(self) -> TrendFilters:
        """The filters of a form that has validated."""
        return TrendFilters(
            team_id=int(self.team.data) if self.team.data else None,
            channel=Channel(self.channel.data) if self.channel.data else None,
            kind=FeedbackKind(self.kind.data) if self.kind.data else None,
            role=ContactRole(self.role.data) if self.role.data else None,
        )

    def chosen_month(self) -> Month:
        """The month of a form that has validated."""
        return Month.parse(self.month.data)
