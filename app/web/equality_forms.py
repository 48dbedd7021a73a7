"""The equality monitoring forms: the public questions, every one optional, in adults' or
children's words; and the staff form for one question's service-user population."""

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import Field, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from app.services.reports.equality import Unit
from app.services.reports.equality_questions import PREFER_NOT_TO_SAY, Question, asked
from app.web.forms import ChoiceField

# A figure such as 1234567.125 fits; anything longer is not a population share or count.
MAX_FIGURE_CHARS = 12
FIELD_PREFIX = "share_"


def prefer_not_words(for_child: bool) -> LazyString:
    """How a reader says they would rather not answer."""
    return _l("I do not want to say") if for_child else _l("Prefer not to say")


class AboutYouForm(FlaskForm):
    """Optional questions; the fields are added per audience by `about_you_form`."""


def about_you_form(for_child: bool) -> FlaskForm:
    """The questions in the words for this reader; an answer not offered is refused."""
    wrong = (
        _l("Choose one of the answers, or skip this question")
        if for_child
        else _l("Select one of the answers, or leave this question out")
    )

    class Form(AboutYouForm):
        pass

    for question in asked(for_child):
        choices = [(option.code, option.words(for_child)) for option in question.options]
        field = ChoiceField(
            question.words(for_child),
            [*choices, (PREFER_NOT_TO_SAY, prefer_not_words(for_child))],
            wrong,
            required=False,
        )
        setattr(Form, question.column, field)
    return Form()


RadioItems = list[dict[str, Any]]


def radio_groups(
    question: Question, field: RadioField, for_child: bool
) -> list[tuple[str | None, RadioItems]]:
    """GOV.UK radio items for a question, in runs under a heading where the answers have
    groups (ethnic groups), then "or" and prefer-not-to-say."""
    groups: list[tuple[str | None, RadioItems]] = []
    for option in question.options:
        if for_child and option.adults_only:
            continue
        heading = str(option.group) if option.group is not None else None
        if not groups or groups[-1][0] != heading:
            groups.append((heading, []))
        groups[-1][1].append(
            {
                "value": option.code,
                "text": str(option.words(for_child)),
                "checked": field.data == option.code,
            }
        )
    prefer_not = {
        "value": PREFER_NOT_TO_SAY,
        "text": str(prefer_not_words(for_child)),
        "checked": field.data == PREFER_NOT_TO_SAY,
    }
    if groups[-1][0] is not None:
        groups.append((None, []))
    groups[-1][1].extend([{"divider": str(_l("or"))}, prefer_not])
    return groups


class Figure:
    """A share or a count: blank (not known), or a number of 0 or more."""

    message = _l("Enter a number, like 12 or 12.5, or leave it blank")

    def __call__(self, form: FlaskForm, field: Field) -> None:
        field.figure = None
        text = (field.data or "").strip().rstrip("%").replace(",", "")
        if not text:
            return
        if len(text) > MAX_FIGURE_CHARS:
            raise ValidationError(self.message)
        try:
            value = Decimal(text)
        except InvalidOperation as bad:
            raise ValidationError(self.message) from bad
        if not value.is_finite() or value < 0:
            raise ValidationError(self.message)
        field.figure = value


class PopulationForm(FlaskForm):
    """Percentages or counts per answer to one question; fields added by `population_form`."""

    unit = RadioField(
        _l("Are these figures percentages or numbers of people?"),
        choices=[
            SelectChoice(Unit.PERCENT.value, _l("Percentages")),
            SelectChoice(Unit.COUNT.value, _l("Numbers of people")),
        ],
        validators=[InputRequired(_l("Select percentages or numbers of people"))],
        widget=GovRadioInput(),
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def figures(self) -> dict[str, Decimal | None]:
        """The checked figure per answer code."""
        return {
            name.removeprefix(FIELD_PREFIX): getattr(field, "figure", None)
            for name, field in self._fields.items()
            if name.startswith(FIELD_PREFIX)
        }


def population_form(question: Question, **kwargs: Any) -> PopulationForm:
    """A form with one figure per answer to this question, in the order asked."""

    class Form(PopulationForm):
        pass

    for option in question.options:
        field = StringField(
            option.label,
            validators=[Figure()],
            widget=GovTextInput(),
            description=option.group,
        )
        setattr(Form, FIELD_PREFIX + option.code, field)
    return Form(**kwargs)
