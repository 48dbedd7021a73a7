"""The trends page's filters, read from the query string so a view can be bookmarked."""

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from app.models import Channel, ContactRole, FeedbackKind, Team
from app.services.reports.months import Month
from app.services.reports.trends import TrendFilters
from app.web.labels import CHANNEL_LABELS, CONTACT_ROLE_LABELS, KIND_LABELS
from app.web.staff_forms import check_team_offered, filter_select, team_choices

# How far back the month chooser goes: two years beside the two before them.
MONTHS_OFFERED = 36


class TrendFilterForm(FlaskForm):
    """No CSRF for a GET; every value must be one the lists offer."""

    class Meta:
        csrf = False

    month = SelectField(_l("Month"), widget=GovSelect(), validate_choice=False)
    team = SelectField(_l("Team"), widget=GovSelect(), validate_choice=False)
    channel = filter_select(
        _l("How it came in"),
        CHANNEL_LABELS,
        _l("Any channel"),
        _l("Choose a channel from the list"),
    )
    kind = filter_select(_l("Kind"), KIND_LABELS, _l("Any kind"), _l("Choose a kind from the list"))
    role = filter_select(
        _l("Who wrote"), CONTACT_ROLE_LABELS, _l("Anyone"), _l("Choose who wrote from the list")
    )

    def set_options(self, teams: list[Team], latest: Month) -> None:
        """Offer the teams there are and the months up to this one; both known per request."""
        self.team.choices = team_choices(teams)
        self.month.choices = [
            SelectChoice(m.key, format_date(m.first_day, "MMMM yyyy"))
            for m in (latest.plus(-i) for i in range(MONTHS_OFFERED))
        ]
        if not self.month.data:
            self.month.data = latest.key

    def validate_team(self, field: SelectField) -> None:
        check_team_offered(field)

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
