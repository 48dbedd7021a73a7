"""The form for correcting an item's themes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextArea
from wtforms import Field, SelectMultipleField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from app.services.classification.corrections import MAX_REASON_CHARS


class ThemesForm(FlaskForm):
    # Choices are checked by validate_themes, with words for staff instead of WTForms' own.
    themes = SelectMultipleField(
        _l("Which themes is this feedback about?"),
        widget=GovCheckboxesInput(),
        description=_l(
            "Select all that apply, or none. Your choice replaces the classifier's, and a later "
            "message will not bring back a theme you take off."
        ),
        validate_choice=False,
    )
    reason = TextAreaField(
        _l("Why are you changing them? (optional)"),
        widget=GovTextArea(),
        description=_l("Do not copy the feedback or name anyone here."),
        validators=[
            Optional(),
            Length(
                max=MAX_REASON_CHARS,
                message=_l("The reason must be %(max)d characters or fewer", max=MAX_REASON_CHARS),
            ),
        ],
    )
    submit = SubmitField(_l("Save themes"), widget=GovSubmitInput())

    def set_choices(self, themes: dict[str, str]) -> None:
        """Offer the taxonomy's themes, by name, in taxonomy order."""
        self.themes.choices = [SelectChoice(key, name) for key, name in themes.items()]

    def validate_themes(self, field: Field) -> None:
        """Refuse any theme the taxonomy does not have, such as one made up in a tampered post."""
        known = {choice.value for choice in self.themes.choices or []}
        if any(value not in known for value in field.data or []):
            raise ValidationError(_l("Choose themes from the list"))
