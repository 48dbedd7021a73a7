"""The audit log search form: by member of staff, action, object and a range of days."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSelect, GovTextInput
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import Length, Optional, Regexp, ValidationError

from app.models import StaffUser
from app.services.staff.audit_log import AuditSearch
from app.web import labels

# Day, month and year boxes, joined by a space before parsing.
_DATE_FORMAT = "%d %m %Y"
_TOKEN = Regexp(
    r"^[A-Za-z0-9_.:-]*$", message=_l("Use only letters, numbers, dots, colons and dashes")
)


class DayField(DateField):
    """A GOV.UK date input, three boxes; all empty means no date, anything else must be a day."""

    raw_data: list[Any] | None
    process_errors: list[Any]

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        """Read the three boxes; the widget needs exactly three values or none to draw them."""
        super().process(formdata, data, extra_filters)
        values = [str(v) for v in self.raw_data or []]
        if not any(v.strip() for v in values):
            self.raw_data = None
            self.data = None
            self.process_errors = []
            return
        if len(values) != 3 or self.process_errors:
            self.raw_data = [*values, "", "", ""][:3]
            self.data = None
            self.process_errors = [_l("Enter a real date as day, month and year")]


class AuditSearchForm(FlaskForm):
    """Read from the query string, so a search can be bookmarked; it changes nothing."""

    class Meta:
        csrf = False

    staff = SelectField(_l("Member of staff"), widget=GovSelect(), validators=[Optional()])
    action = SelectField(_l("Action"), widget=GovSelect(), validators=[Optional()])
    object_type = StringField(
        _l("Object type"),
        widget=GovTextInput(),
        description=_l("For example, feedback_item or safeguarding_alert"),
        validators=[Optional(), Length(max=64, message=_l("Keep it to 64 characters")), _TOKEN],
    )
    object_id = StringField(
        _l("Object ID"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=64, message=_l("Keep it to 64 characters")), _TOKEN],
    )
    since = DayField(
        _l("From"),
        widget=GovDateInput(),
        format=_DATE_FORMAT,
        description=_l("For example, 27 3 2026"),
    )
    until = DayField(
        _l("To"),
        widget=GovDateInput(),
        format=_DATE_FORMAT,
        description=_l("Included in the search"),
    )

    def set_choices(self, staff: list[StaffUser], actions: list[str]) -> None:
        """Fill the lists from the staff accounts and the actions known."""
        self.staff.choices = [SelectChoice("", _l("Anyone"))] + [
            SelectChoice(str(user.id), user.name) for user in staff
        ]
        self.action.choices = [SelectChoice("", _l("Any action"))] + [
            SelectChoice(action, labels.humanise(action)) for action in actions
        ]

    def validate_until(self, field: DayField) -> None:
        """A range that ends before it starts finds nothing, which is never what was meant."""
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date must be the same as or after the start date"))

    def criteria(self) -> AuditSearch:
        """The search, from a validated form."""
        return AuditSearch(
            staff_user_id=int(self.staff.data) if self.staff.data else None,
            action=self.action.data or None,
            object_type=(self.object_type.data or "").strip() or None,
            object_id=(self.object_id.data or "").strip() or None,
            since=self.since.data,
            until=self.until.data,
        )
