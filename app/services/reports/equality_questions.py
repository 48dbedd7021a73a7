"""The equality monitoring questions and their answers: one vocabulary for the public pages,
the stored codes, the service-user population and the report.

Categories follow the ONS harmonised standards used in the 2021 census for England and Wales
(ethnic group, religion, main language) and the Equality Act 2010 definition of disability.
Every answer is a fixed code: no free text, so nothing a person writes here can identify them.
A skipped question is stored as NULL; "prefer not to say" is an answer of its own.

Most questions are about the person who wrote; two (`about == CHILD`) are about the child or
young person a message is about, as councils report the children their complaints concern.
Those, and sexual orientation (the census asks it from 16), are on the adults' form only.
"""

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

PREFER_NOT_TO_SAY = "prefer_not_to_say"
# Whom a question asks about: the person who wrote, or the child their message is about.
COMPLAINANT = "complainant"
CHILD = "child"


@dataclass(frozen=True)
class Option:
    """One answer: its stored code, its words for adults and for children, for ethnic groups
    the high-level group it belongs to, and whether only the adults' form offers it."""

    code: str
    label: LazyString
    child_label: LazyString | None = None
    group: LazyString | None = None
    adults_only: bool = False

    def words(self, for_child: bool) -> LazyString:
        """The answer as the person reading the form sees it."""
        return self.child_label if for_child and self.child_label else self.label


@dataclass(frozen=True)
class Question:
    """One question, asked in adults' and in children's words; `column` is where the answer
    is stored on equality_response."""

    column: str
    title: LazyString
    label: LazyString
    child_label: LazyString
    options: tuple[Option, ...]
    about: str = COMPLAINANT
    # Asked on the adults' form only.
    adults_only: bool = False

    def words(self, for_child: bool) -> LazyString:
        """The question as the person reading the form sees it."""
        return self.child_label if for_child else self.label

    @property
    def codes(self) -> frozenset[str]:
        """Every answer that may be stored, prefer-not-to-say included."""
        return frozenset({*(option.code for option in self.options), PREFER_NOT_TO_SAY})

    def label_for(self, code: str) -> str:
        """The report's words for a stored code."""
        for option in self.options:
            if option.code == code:
                return str(option.label)
        if code == PREFER_NOT_TO_SAY:
            return str(_l("Prefer not to say"))
        raise KeyError(code)


_ASIAN = _l("Asian or Asian British")
_BLACK = _l("Black, Black British, Caribbean or African")
_MIXED = _l("Mixed or multiple ethnic groups")
_WHITE = _l("White")
_OTHER_GROUP = _l("Other ethnic group")

AGE_BAND = Question(
    column="age_band",
    title=_l("Age"),
    label=_l("How old are you?"),
    child_label=_l("How old are you?"),
    options=(
        Option("under_12", _l("Under 12")),
        Option("12_15", _l("12 to 15")),
        Option("16_17", _l("16 or 17")),
        # Care leavers use the children's form up to 25, so it stops here.
        Option("18_24", _l("18 to 24")),
        Option("25_34", _l("25 to 34"), adults_only=True),
        Option("35_44", _l("35 to 44"), adults_only=True),
        Option("45_54", _l("45 to 54"), adults_only=True),
        Option("55_64", _l("55 to 64"), adults_only=True),
        Option("65_plus", _l("65 or over"), adults_only=True),
    ),
)

GENDER = Question(
    column="gender",
    title=_l("Gender"),
    label=_l("What is your gender?"),
    child_label=_l("Are you a girl, a boy, or something else?"),
    options=(
        Option("female", _l("Female"), _l("Girl")),
        Option("male", _l("Male"), _l("Boy")),
        Option("non_binary", _l("Non-binary"), _l("Non-binary")),
        Option(
            "another_way",
            _l("I describe my gender another way"),
            _l("I describe myself another way"),
        ),
    ),
)

ETHNICITY = Question(
    column="ethnicity",
    title=_l("Ethnic group"),
    label=_l("What is your ethnic group?"),
    child_label=_l("What is your ethnic group?"),
    options=(
        Option("asian_bangladeshi", _l("Bangladeshi"), group=_ASIAN),
        Option("asian_chinese", _l("Chinese"), group=_ASIAN),
        Option("asian_indian", _l("Indian"), group=_ASIAN),
        Option("asian_pakistani", _l("Pakistani"), group=_ASIAN),
        Option("asian_other", _l("Any other Asian background"), group=_ASIAN),
        Option("black_african", _l("African"), group=_BLACK),
        Option("black_caribbean", _l("Caribbean"), group=_BLACK),
        Option(
            "black_other",
            _l("Any other Black, Black British or Caribbean background"),
            group=_BLACK,
        ),
        Option("mixed_white_asian", _l("White and Asian"), group=_MIXED),
        Option("mixed_white_black_african", _l("White and Black African"), group=_MIXED),
        Option("mixed_white_black_caribbean", _l("White and Black Caribbean"), group=_MIXED),
        Option("mixed_other", _l("Any other Mixed or multiple ethnic background"), group=_MIXED),
        Option(
            "white_british",
            _l("English, Welsh, Scottish, Northern Irish or British"),
            group=_WHITE,
        ),
        Option("white_irish", _l("Irish"), group=_WHITE),
        Option("white_gypsy_traveller", _l("Gypsy or Irish Traveller"), group=_WHITE),
        Option("white_roma", _l("Roma"), group=_WHITE),
        Option("white_other", _l("Any other White background"), group=_WHITE),
        Option("other_arab", _l("Arab"), group=_OTHER_GROUP),
        Option("other_any", _l("Any other ethnic group"), group=_OTHER_GROUP),
    ),
)

RELIGION = Question(
    column="religion",
    title=_l("Religion"),
    label=_l("What is your religion?"),
    child_label=_l("What is your religion, if you have one?"),
    options=(
        Option("none", _l("No religion")),
        Option("christian", _l("Christian (all denominations)"), _l("Christian")),
        Option("buddhist", _l("Buddhist")),
        Option("hindu", _l("Hindu")),
        Option("jewish", _l("Jewish")),
        Option("muslim", _l("Muslim")),
        Option("sikh", _l("Sikh")),
        Option("other", _l("Any other religion"), _l("Another religion")),
    ),
)

DISABILITY = Question(
    column="disability",
    title=_l("Disability"),
    label=_l(
        "Do you have a physical or mental health condition or illness that has a substantial "
        "and long-term effect on your ability to carry out day-to-day activities?"
    ),
    child_label=_l(
        "Do you have a disability, or a health condition that makes everyday things harder "
        "for you for a long time?"
    ),
    options=(
        Option("yes", _l("Yes")),
        Option("no", _l("No")),
    ),
)

DISABILITY_KIND = Question(
    column="disability_kind",
    title=_l("Kind of disability"),
    label=_l("If you have a disability or long-term condition, which best describes it?"),
    child_label=_l("If you have a disability, which of these is it?"),
    options=(
        Option("physical", _l("Physical or mobility impairment")),
        Option("visual", _l("Blind or visual impairment")),
        Option("hearing", _l("Deaf or hearing impairment")),
        Option("learning", _l("Learning disability or difficulty")),
        Option("autism", _l("Autism, including Asperger's")),
        Option("mental_health", _l("Mental health condition")),
        Option("long_term_illness", _l("Long-term illness or health condition")),
        Option("several", _l("More than one of these")),
        Option("other", _l("Another kind of disability"), _l("Something else")),
    ),
)

SEXUAL_ORIENTATION = Question(
    column="sexual_orientation",
    title=_l("Sexual orientation"),
    label=_l("Which of the following best describes your sexual orientation?"),
    child_label=_l("Which of the following best describes your sexual orientation?"),
    options=(
        Option("straight", _l("Straight or heterosexual")),
        Option("gay_lesbian", _l("Gay or lesbian")),
        Option("bisexual", _l("Bisexual")),
        Option("other", _l("Another sexual orientation")),
    ),
    adults_only=True,
)

LANGUAGE = Question(
    column="language",
    title=_l("Main language"),
    label=_l("What is your main language?"),
    child_label=_l("What language do you speak most at home?"),
    options=(
        Option("english", _l("English")),
        Option("welsh", _l("Welsh")),
        Option("bsl", _l("British Sign Language")),
        Option("other", _l("Another language")),
    ),
)

# Bands as councils report the children their complaints are about; care leavers to 25.
CHILD_AGE_BAND = Question(
    column="child_age_band",
    title=_l("Age of the child or young person"),
    label=_l("If your message is about a child or young person, how old are they?"),
    child_label=_l("If your message is about a child or young person, how old are they?"),
    options=(
        Option("0_5", _l("0 to 5")),
        Option("6_9", _l("6 to 9")),
        Option("10_14", _l("10 to 14")),
        Option("15_17", _l("15 to 17")),
        Option("18_25", _l("18 to 25 (care leaver)")),
        Option("several", _l("Several children of different ages")),
    ),
    about=CHILD,
    adults_only=True,
)

CHILD_GENDER = Question(
    column="child_gender",
    title=_l("Gender of the child or young person"),
    label=_l("What is the gender of the child or young person?"),
    child_label=_l("What is the gender of the child or young person?"),
    options=(
        Option("female", _l("Female")),
        Option("male", _l("Male")),
        Option("non_binary", _l("Non-binary")),
        Option("another_way", _l("They describe their gender another way")),
        Option("several", _l("Several children of different genders")),
    ),
    about=CHILD,
    adults_only=True,
)

QUESTIONS: tuple[Question, ...] = (
    AGE_BAND,
    GENDER,
    ETHNICITY,
    RELIGION,
    DISABILITY,
    DISABILITY_KIND,
    SEXUAL_ORIENTATION,
    LANGUAGE,
    CHILD_AGE_BAND,
    CHILD_GENDER,
)
BY_COLUMN: dict[str, Question] = {question.column: question for question in QUESTIONS}


def asked(for_child: bool) -> tuple[Question, ...]:
    """The questions on the children's form, or on the adults' form, in the order asked."""
    return tuple(q for q in QUESTIONS if not (for_child and q.adults_only))
