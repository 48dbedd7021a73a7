"""The public forms: what each one asks, and the plain-words error each wrong answer gets.

The children's form speaks to a nine-year-old; the adults' form follows GOV.UK's error
message patterns. The vocabularies (topics, kinds, roles) come from the web form adapter,
so the form and the adapter cannot disagree about them.
"""

from collections.abc import Callable, Sequence
from typing import Any

from flask import current_app
from flask_babel import gettext, lazy_pgettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    StopValidation,
    ValidationError,
)
from wtforms.validators import Optional as IfGiven

from channels import web_form
from channels.base import clean_text

Validator = Callable[[Any, Any], None]

# Welsh counts take one noun form whatever the number ("5 nod", "1 nod"), so every plural
# category GOV.UK Frontend may ask for (Intl.PluralRules: zero, one, two, few, many, other)
# gets the same words.
_PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


class CharacterCount(GovCharacterCount):
    """GOV.UK's character count, with the words its script shows in the page's language."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        # "%{count}" is GOV.UK Frontend's placeholder, filled in by its script.
        under = gettext("You have %{count} characters remaining")
        over = gettext("You have %{count} characters too many")
        params.setdefault(
            "textareaDescriptionText", gettext("You can enter up to %{count} characters")
        )
        params.setdefault("charactersUnderLimitText", dict.fromkeys(_PLURAL_CATEGORIES, under))
        params.setdefault("charactersOverLimitText", dict.fromkeys(_PLURAL_CATEGORIES, over))
        params.setdefault("charactersAtLimitText", gettext("You have 0 characters remaining"))
        return params


def returned_form_status(form: FlaskForm, expired: str) -> int:
    """The status a public form comes back with: 200 blank, 422 with errors, 400 when its own
    CSRF token has expired, whose error then says `expired`, so the person knows nothing was
    saved yet and that what they chose is still there to send again."""
    if "csrf_token" not in form.errors:
        return 422 if form.errors else 200
    form.csrf_token.errors = [expired]
    return 400


def _strip(value: object) -> object:
    """Leading and trailing spaces off a one-line answer."""
    return value.strip() if isinstance(value, str) else value


class _OneMessageForWrongChoice:
    """A choice outside the list (a tampered or broken request) gets the same plain message
    as no choice at all, not WTForms' "Not a valid choice"."""

    message: str

    def pre_validate(self, form: FlaskForm) -> None:
        """Refuse an answer that is not one of the choices, in the field's own words."""
        raw = self.raw_data  # type: ignore[attr-defined]
        if not raw or raw[0] == "":
            return
        allowed = {str(choice.value) for choice in self.iter_choices()}  # type: ignore[attr-defined]
        if raw[0] not in allowed:
            raise ValidationError(self.message)


class ChoiceField(_OneMessageForWrongChoice, RadioField):
    """GOV.UK radios; `message` is shown when the answer is missing or not one of the choices."""

    widget = GovRadioInput()

    def __init__(
        self,
        label: str,
        choices: Sequence[tuple[str, str]],
        message: str,
        required: bool = True,
        **kwargs: Any,
    ) -> None:
        validators = [InputRequired(message)] if required else []
        options = [SelectChoice(value, text) for value, text in choices]
        super().__init__(label, choices=options, validators=validators, **kwargs)
        self.message = message


class TeamField(_OneMessageForWrongChoice, SelectField):
    """An optional GOV.UK select of teams; the teams are offered per request."""

    widget = GovSelect()

    def __init__(self, label: str, message: str, **kwargs: Any) -> None:
        super().__init__(label, choices=[], **kwargs)
        self.message = message

    def offer(self, team_names: Sequence[str]) -> None:
        """Offer these teams, after a first choice for people who do not know."""
        self.choices = [
            SelectChoice("", _l("I do not know")),
            *(SelectChoice(name, name) for name in team_names),
        ]


class FeedbackText:
    """Required (unless `required_message` is None) and at most MAX_FEEDBACK_CHARS characters,
    counted as they will be stored: after clean_text, so a line break counts once."""

    def __init__(self, required_message: str | None, too_long_message: str) -> None:
        self.required_message = required_message
        self.too_long_message = too_long_message

    def __call__(self, form: FlaskForm, field: TextAreaField) -> None:
        text = clean_text(field.data or "")
        if not text.strip():
            if self.required_message:
                raise StopValidation(self.required_message)
            return
        limit = current_app.config["MAX_FEEDBACK_CHARS"]
        if len(text) > limit:
            raise ValidationError(str(self.too_long_message) % {"max": f"{limit:,}"})


class Only:
    """Run `checks` only when another answer has a given value, as when a conditionally
    revealed question belongs to one choice of a radio question."""

    def __init__(self, other: str, value: str, *checks: Validator) -> None:
        self.other = other
        self.value = value
        self.checks = checks

    def __call__(self, form: FlaskForm, field: Any) -> None:
        if form[self.other].data != self.value:
            raise StopValidation()
        for check in self.checks:
            check(form, field)


class NeededFor:
    """Required when the person chose to be contacted in one of `methods`, optional otherwise;
    an empty answer skips the checks after this one."""

    def __init__(self, methods: tuple[str, ...], message: str) -> None:
        self.methods = methods
        self.message = message

    def __call__(self, form: FlaskForm, field: Any) -> None:
        if field.data:
            return
        if form["contact"].data in self.methods:
            raise StopValidation(self.message)
        raise StopValidation()


class PhoneNumber:
    """A UK or international phone number, written however people write them."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        if web_form.normalise_phone(field.data or "") is None:
            raise ValidationError(self.message)


class SubmissionId(HiddenField):
    """The per-render id that makes a resubmitted form store one message."""

    def pre_validate(self, form: FlaskForm) -> None:
        """Refuse anything but a UUID4; the page is then shown again with a fresh one."""
        if web_form.parse_submission_id(self.data) is None:
            raise ValidationError(
                _l("Something went wrong with the form. Check your answers and send it again.")
            )


def _text_line(label: str, max_chars: int, too_long: str, **kwargs: Any) -> StringField:
    """An optional one-line answer with a length limit."""
    return StringField(
        label,
        filters=[_strip],
        validators=[IfGiven(), Length(max=max_chars, message=too_long)],
        widget=GovTextInput(),
        **kwargs,
    )


def _contact_detail(
    label: str, needed_for: tuple[str, ...], missing: str, *checks: Validator, **kwargs: Any
) -> StringField:
    """An email address or phone number: needed only for the ways of contact that use it."""
    return StringField(
        label,
        filters=[_strip],
        validators=[NeededFor(needed_for, missing), *checks],
        widget=GovTextInput(),
        **kwargs,
    )


class ChildFeedbackForm(FlaskForm):
    """The children's form: plain words, one page, everything but the message optional."""

    submission_id = SubmissionId()
    topic = ChoiceField(
        _l("What do you want to tell us about?"),
        choices=[
            ("good", _l("Something good")),
            ("worrying", _l("Something worrying")),
            ("complain", _l("I want to complain")),
            ("thanks", _l("I want to say thank you")),
        ],
        message=_l("Choose what your message is about"),
    )
    text = TextAreaField(
        _l("What happened?"),
        description=_l("Use your own words. Write as much or as little as you like."),
        validators=[
            FeedbackText(
                _l("Tell us what happened"),
                _l("Your message is too long. Make it %(max)s characters or fewer."),
            )
        ],
        widget=CharacterCount(),
    )
    score = ChoiceField(
        _l("How did your worker make you feel? (optional)"),
        choices=[
            ("1", _l("Very sad")),
            ("2", _l("Sad")),
            ("3", _l("OK")),
            ("4", _l("Happy")),
            ("5", _l("Very happy")),
        ],
        message=_l("Choose one of the faces"),
        required=False,
    )
    advocate = ChoiceField(
        _l("Would you like an advocate to help you? (optional)"),
        choices=[
            ("yes", _l("Yes, I would like an advocate")),
            ("no", _l("No, thank you")),
        ],
        message=_l("Choose if you would like an advocate"),
        required=False,
    )
    name = _text_line(
        _l("Your name (optional)"),
        200,
        _l("Your name is too long. Make it 200 characters or fewer."),
        description=_l("You do not have to tell us your name."),
    )
    worker_or_team = _text_line(
        _l("Your worker's name or team (optional)"),
        200,
        _l("That is too long. Make it 200 characters or fewer."),
    )
    contact = ChoiceField(
        _l("Can we get in touch with you about this? (optional)"),
        choices=[
            ("email", _l("Yes, by email")),
            ("sms", _l("Yes, by text message")),
            ("phone", _l("Yes, by phone call")),
            # "No" is answered differently in Welsh to each question ("Na chewch" here).
            (web_form.NO_CONTACT, lazy_pgettext("may we contact you", "No")),
        ],
        message=_l("Choose if we can get in touch with you"),
        required=False,
    )
    email = _contact_detail(
        _l("Your email address (optional)"),
        ("email",),
        _l("Type your email address, or choose another way for us to get in touch"),
        Length(max=320, message=_l("Your email address is too long")),
        Email(_l("Check your email address. It should look like name@example.com")),
        description=_l("Only if you said we can email you."),
    )
    phone = _contact_detail(
        _l("Your phone number (optional)"),
        ("sms", "phone"),
        _l("Type your phone number, or choose another way for us to get in touch"),
        Length(max=64, message=_l("Your phone number is too long")),
        PhoneNumber(_l("Check your phone number. It should look like 07700 900982")),
        description=_l("Only if you said we can text you or call you."),
    )

    def validate_contact(self, field: ChoiceField) -> None:
        """Someone who gave an email or phone number but skipped the question is asked,
        rather than guessed at: a child may not want a call."""
        if not field.data and (self.email.data or self.phone.data):
            raise ValidationError(_l("Choose how we can get in touch with you, or choose 'No'"))


class AdultFeedbackForm(FlaskForm):
    """The adults' form: a complaint, compliment or comment, for themselves or for a child."""

    submission_id = SubmissionId()
    kind = ChoiceField(
        _l("What do you want to send?"),
        choices=[
            ("complaint", _l("A complaint")),
            ("compliment", _l("A compliment")),
            ("comment", _l("A comment or suggestion")),
        ],
        message=_l("Select if you want to send a complaint, compliment or comment"),
    )
    role = ChoiceField(
        _l("Which best describes you?"),
        choices=[
            ("parent", _l("Parent")),
            ("carer", _l("Carer or foster carer")),
            ("grandparent", _l("Grandparent")),
            ("relative", _l("Another relative")),
            ("advocate", _l("Advocate")),
            ("care_leaver", _l("Care leaver")),
            ("professional", _l("Professional, for example a teacher, doctor or social worker")),
            ("other", _l("Someone else")),
        ],
        message=_l("Select which best describes you"),
    )
    for_whom = ChoiceField(
        _l("Are you sending this for a child or young person?"),
        choices=[
            ("self", _l("No, it is my own")),
            ("child", _l("Yes, I am sending it for them")),
        ],
        message=_l("Select if you are sending this for a child or young person"),
    )
    child_consent = BooleanField(
        _l("The child knows and agrees that I am sending this"),
        validators=[
            Only(
                "for_whom",
                "child",
                DataRequired(
                    _l("Confirm that the child knows and agrees that you are sending this")
                ),
            )
        ],
        widget=GovCheckboxInput(),
    )
    text = TextAreaField(
        _l("Your message"),
        description=_l(
            "Tell us what happened, when, and who was involved. If it is a complaint, "
            "tell us what you would like us to do to put it right."
        ),
        validators=[
            FeedbackText(
                _l("Enter your message"),
                _l("Your message must be %(max)s characters or fewer"),
            )
        ],
        widget=CharacterCount(),
    )
    team = TeamField(
        _l("Which team is it about? (optional)"),
        message=_l("Select a team from the list, or 'I do not know'"),
    )
    case_reference = _text_line(
        _l("Case reference (optional)"),
        64,
        _l("Case reference must be 64 characters or fewer"),
        description=_l("You can find this on letters or emails we have sent you."),
    )
    name = _text_line(
        _l("Your full name (optional)"),
        200,
        _l("Your name must be 200 characters or fewer"),
    )
    contact = ChoiceField(
        _l("How should we contact you?"),
        choices=[
            ("email", _l("Email")),
            ("sms", _l("Text message")),
            ("phone", _l("Phone call")),
            ("post", _l("Post")),
            (web_form.NO_CONTACT, _l("Do not contact me")),
        ],
        message=_l("Select how we should contact you"),
    )
    email = _contact_detail(
        _l("Email address (optional)"),
        ("email",),
        _l("Enter your email address, or choose another way for us to contact you"),
        Length(max=320, message=_l("Email address must be 320 characters or fewer")),
        Email(_l("Enter an email address in the correct format, like name@example.com")),
        description=_l("We need this if you choose email."),
    )
    phone = _contact_detail(
        _l("Phone number (optional)"),
        ("sms", "phone"),
        _l("Enter your phone number, or choose another way for us to contact you"),
        Length(max=64, message=_l("Phone number must be 64 characters or fewer")),
        PhoneNumber(_l("Enter a phone number, like 07700 900 982 or +44 7700 900 982")),
        description=_l("We need this if you choose text message or phone call."),
    )
    address = TextAreaField(
        _l("Postal address (optional)"),
        description=_l("We need this if you choose post. Include the postcode."),
        filters=[_strip],
        validators=[
            NeededFor(
                ("post",),
                _l("Enter your postal address, or choose another way for us to contact you"),
            ),
            Length(max=500, message=_l("Postal address must be 500 characters or fewer")),
        ],
        widget=GovTextArea(),
    )

    def validate_role(self, field: ChoiceField) -> None:
        """Feedback for a child comes from someone with a standing to send it for them."""
        if self.for_whom.data == "child" and field.data not in web_form.ON_BEHALF_ROLES:
            raise ValidationError(
                _l("To send this for a child, you need to be their parent, carer or advocate")
            )


class AuditFeedbackForm(FlaskForm):
    """Audit feedback when a case ends: a score, who is answering, and an optional comment."""

    submission_id = SubmissionId()
    score = ChoiceField(
        _l("How did we do?"),
        choices=[
            ("1", _l("Very bad")),
            ("2", _l("Bad")),
            ("3", _l("OK")),
            ("4", _l("Good")),
            ("5", _l("Very good")),
        ],
        message=_l("Choose how we did"),
    )
    respondent = ChoiceField(
        _l("Who is filling in this form?"),
        choices=[
            ("child", _l("A child or young person")),
            ("parent", _l("A parent")),
            ("carer", _l("A carer")),
            ("professional", _l("A professional")),
            ("other", _l("Someone else")),
        ],
        message=_l("Choose who is filling in this form"),
    )
    comment = TextAreaField(
        _l("Is there anything else you want to tell us? (optional)"),
        validators=[
            FeedbackText(
                None, _l("What you wrote is too long. Make it %(max)s characters or fewer.")
            )
        ],
        widget=CharacterCount(),
    )


class ChildFollowUpForm(FlaskForm):
    """After a child tells us something worrying: who they are or which school, if they want
    help. Everything is optional except saying something; the token names their message."""

    token = HiddenField()
    who = TextAreaField(
        _l("If you want us to help you, tell us who you are or which school you go to"),
        description=_l("You do not have to. You can write your name, your school or your town."),
        validators=[
            DataRequired(_l("Write who you are or which school you go to")),
            Length(max=1000, message=_l("That is too long. Make it 1,000 characters or fewer.")),
        ],
        widget=GovTextArea(),
    )
