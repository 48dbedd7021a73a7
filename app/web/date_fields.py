"""The date field staff forms share: GOV.UK day, month and year boxes."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField
from wtforms.validators import StopValidation

# Day, month and year boxes, joined by a space before parsing.
DATE_FORMAT = "%d %m %Y"
DATE_HINT = _l("For example, 27 3 2026")


class UkDateField(DateField):
    """A date from GOV.UK day, month and year boxes. Anything but three boxes (a tampered or
    broken request) is an error on the form, not a page the date widget cannot draw."""

    malformed = False
    data: Any  # a date, or None when nothing was entered; validators decide

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", GovDateInput())
        kwargs.setdefault("format", DATE_FORMAT)
        kwargs.setdefault("description", DATE_HINT)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the three boxes; keep three boxes to redraw whatever came."""
        if len(valuelist) != 3:
            self.malformed = bool(valuelist)
            self.raw_data = [*valuelist, "", "", ""][:3]
            return
        if not any(part.strip() for part in valuelist):
            # Nothing entered: whether that is allowed is the validators' to say.
            self.data = None
            return
        try:
            super().process_formdata([part.strip() for part in valuelist])
        except ValueError:
            # GOV.UK wording rather than WTForms' "Not a valid date value."
            raise ValueError(
                _l("%(label)s must be a real date, for example 27 3 2026", label=self.label.text)
            ) from None

    def pre_validate(self, form: FlaskForm) -> None:
        """Refuse a date that did not come as three boxes, even if the field is optional."""
        if self.malformed:
            raise StopValidation(_l("Enter the date as day, month and year"))
