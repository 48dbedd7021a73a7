"""Redaction of personal details from feedback text before staff outside the case read it.

Every quote shown to the learning team or printed in a report goes through `redact()`.
There is no language model here (nothing may be downloaded), so names are found by rules:
honorifics, cues such as "my son" or "my name is", a role after a name, sign-offs, a
bundled list of common names (`app/data/uk_names.txt`) and any capitalised word in the
middle of a sentence that is not a known everyday word. Over-redaction is accepted on
purpose: a place or product hidden by mistake costs a little meaning, a name left in a
quote can identify a child.
"""

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import phonenumbers

from app.services.common import uk_today

DATA = Path(__file__).resolve().parent.parent / "data"
NAMES_FILE = DATA / "uk_names.txt"
COMMON_WORDS_FILE = DATA / "common_words.txt"
NOT_NAMES_FILE = DATA / "not_names.txt"

NAME = "[name]"
PHONE = "[phone]"
EMAIL = "[email]"
ADDRESS = "[address]"
CASE_NUMBER = "[case number]"
LINK = "[link]"
DATE_OF_BIRTH = "[date of birth]"
DATE = "[date]"
SCHOOL = "[school]"

# When overlapping spans are equally long, the merged span takes the label that comes first.
PRIORITY = (EMAIL, LINK, CASE_NUMBER, PHONE, DATE_OF_BIRTH, DATE, ADDRESS, SCHOOL, NAME)

# Words that follow the subject of a sentence, never the auxiliary "Will" or the month "May".
SUBJECT_FOLLOWERS = frozenset(
    [
        "said",
        "says",
        "told",
        "tells",
        "asked",
        "asks",
        "was",
        "is",
        "has",
        "had",
        "rang",
        "rings",
        "called",
        "calls",
        "came",
        "comes",
        "went",
        "goes",
        "never",
        "always",
        "wants",
        "wanted",
        "shouted",
        "helped",
        "listened",
        "and",
        # "Faith from the contact centre", "Ruby at reception", "Dawn thanks for ringing"
        "from",
        "at",
        "thanks",
    ]
)
# After a word no list knows, only a verb of speaking or "from" says it is someone: "Mo rang",
# "Kerry said", but "Short and kind".
SAID_FOLLOWERS = frozenset(
    [
        "said",
        "says",
        "told",
        "tells",
        "asked",
        "asks",
        "rang",
        "rings",
        "called",
        "calls",
        "shouted",
        "helped",
        "listened",
        "from",
    ]
)
VERB_ENDINGS = ("s", "ed", "ing")
# Names in the list that, capitalised mid-sentence, are far more often a month or a role.
CAPITALISED_NOT_NAMES = frozenset({"april", "may", "june", "august", "foster"})

TITLES = r"(?:mr|mrs|ms|mx|dr|prof|professor|cllr|councillor|rev|revd|hhj|dj)"

PLACEHOLDER_RE = re.compile(
    r"\[(?:name|phone|email|address|case number|link|date of birth|date|school)\]"
)
WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
# Every run of repeatable characters is bounded and may only start where such a run starts:
# otherwise a 10,000-letter message costs a scan to its end from every position.
EMAIL_RE = re.compile(
    r"(?<![\w.!#$%&'\u2019*+/=?^`{|}~-])[\w.!#$%&'\u2019*+/=?^`{|}~-]{1,64}"
    r"@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}"
)
LINK_RE = re.compile(
    r"\b(?:https?://|www\.)\S+|(?<![\w-])[\w-]{1,63}\.(?:com|co\.uk|org|net|uk)/\S+", re.I
)
HEARD_REFERENCE_RE = re.compile(r"\bHD[\s-]?[A-Z0-9]{4}[\s-]?[A-Z0-9]{4}\b", re.I)
# Family court numbers (LS23P01234, ZE22C50123) and other letter-digit mixes with at least
# four digits; a postcode has at most three and is handled as an address.
MIXED_CODE_RE = re.compile(
    r"(?<![A-Z0-9/-])(?=[A-Z0-9/-]{0,18}\d{2})(?=[A-Z0-9/-]{0,19}[A-Z])[A-Z0-9][A-Z0-9/-]{5,19}\b",
    re.I,
)
# Any two letters: the examples people copy (QQ 12 34 56 C) use prefixes HMRC never issues.
NI_NUMBER_RE = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.I)
NHS_NUMBER_RE = re.compile(r"(?<![\d+])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\d)")
LONG_NUMBER_RE = re.compile(r"(?<![\d.,£$])\d{6,}(?![\d.,])")
CASE_CUE_RE = re.compile(
    r"\b(?:(?:case|ref|reference|claim|nhs|ni|national\s+insurance|crime)\s*"
    r"(?:no\.?|number|num|nr|#|ref(?:erence)?)?|(?:file|court|client|incident|log|account|"
    r"hospital|patient)\s*(?:no\.?|number|num|nr|#|ref(?:erence)?))"
    r"\s*(?:is|was)?\s*[:#.]?\s*(?P<value>[A-Z]{0,4}\d[A-Z0-9/\-]*(?:[ ]\d[\d/\-]*)*)",
    re.I,
)
PHONE_FALLBACK_RE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d ()\-.]{7,20}\d(?!\w)")
POSTCODE_RE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.I
)
STREET_SUFFIXES = (
    "road|rd|street|st|avenue|ave|lane|ln|close|cl|drive|dr|way|court|ct|place|pl|crescent|"
    "cres|gardens|gdns|terrace|terr|grove|gr|hill|park|walk|square|sq|mews|row|rise|view|"
    "green|vale|parade|wharf|yard|estate|fold|croft|meadow|meadows|end|gate|heights|bank"
)
FLAT = r"\b(?:(?:flat|apartment|apt|unit)\s*\d+[a-z]?,?\s+)?"
STREET_RE = re.compile(
    FLAT + r"\d{1,4}[a-z]?,?\s+"
    r"(?P<words>(?:[^\W\d_][\w'\u2019-]*\s+){1,3})(?:" + STREET_SUFFIXES + r")\b\.?",
    re.I,
)
WELSH_STREET_RE = re.compile(
    FLAT + r"\d{1,4}[a-z]?,?\s+(?:heol|ffordd|stryd|lon|lôn|maes|cwrt|rhodfa|teras)"
    r"(?:\s+(?:y|yr|'r)?\s*[^\W\d_][\w'\u2019-]*){1,2}",
    re.I,
)
ADDRESS_CUE_RE = re.compile(
    r"\b(?:my|our|the|her|his|their)\s+address\s*(?:is|:)\s*(?P<value>[^.!?\n]+)", re.I
)
ADDRESS_TAIL_RE = re.compile(
    r"(?:,?\s*(?:[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*){0,2}|"
    + POSTCODE_RE.pattern[2:-2]
    + r"))*",
)

TOWN_THEN_POSTCODE_RE = re.compile(
    r"[,\s]+(?:[^\W\d_]+[,\s]+){0,3}" + POSTCODE_RE.pattern[2:-2] + r"\b", re.I
)

MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
# A whole date with its year: 14/03/2012, 5.1.23, 3rd May 2011, the 22nd of October 2009,
# May 3rd, 2011. A day and month without a year ("on 12 March") says when, not who.
FULL_DATE_RE = re.compile(
    r"(?<![\w/.-])(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\w/-]|\.\d)"
    r"|(?:the\s+)?" + ORDINAL + r"(?:\s+of)?\s+" + MONTHS + r",?\s+\d{4}\b"
    r"|" + MONTHS + r"\s+" + ORDINAL + r",?\s+\d{4}\b)",
    re.I,
)
# Said to be a birth date, within a few words before it; "born in May 2011" too.
BIRTH_CUE_RE = re.compile(
    r"\b(?:d\.?o\.?b|date\s+of\s+birth|born|birthday|b[\s.-]?day)\b[^.!?\n]{0,20}$", re.I
)
BORN_MONTH_YEAR_RE = re.compile(
    r"\b(?:born|dob|d\.o\.b\.?|date\s+of\s+birth)\b[\s:,-]*(?:in\s+)?(?P<value>"
    + MONTHS
    + r"\s+\d{4})\b",
    re.I,
)
# Capitalised, as in a school's name: "our school" is no school's name. "High" only before
# "School": "the High Court" is not one.
OLD_DATE_YEARS = 3
SCHOOL_WORDS = (
    r"(?:Primary|Junior|Juniors|Infant|Infants|Nursery|Secondary|Grammar|Academy|College|"
    r"School|High\s+School|Sixth\s+Form)"
)
# One to five capitalised words (with "of", "the", "y", "de" between) ending in a school word:
# "St Mary's Primary School", "Kings Norton Girls' School", "Our Lady of Lourdes Catholic
# Primary School". A lone "School" or "the school" is no school's name.
SCHOOL_RE = re.compile(
    r"\b(?:(?:St|Saint)\.?\s+)?[A-Z][\w'\u2019-]*(?:\s+(?:(?:of|the|y|de|and|&)\s+)?"
    r"[A-Z][\w'\u2019-]*){0,5}\s+" + SCHOOL_WORDS + r"\b(?:\s+(?:School|Academy))?"
)

RELATIVE_CUE = (
    r"(?:my|our|me|ma|mi|her|his|their)\s+(?:(?:little|lil|eldest|youngest|oldest|middle|"
    r"baby|older|younger|big|step|twin|foster|adopted)\s+)?(?:son|daughter|boy|girl|child|"
    r"kid|baby|brother|bro|sister|sis|husband|wife|partner|ex|mum|mom|dad|nan|nana|"
    r"grandson|granddaughter|nephew|niece|cousin|stepson|stepdaughter|boyfriend|girlfriend|"
    r"fiance|fiancee|grandma|grandad|auntie|uncle|friend)s?"
)
ROLE_CUE = (
    r"(?:social\s+worker|sw|support\s+worker|key\s*worker|family\s+support\s+worker|worker|"
    r"guardian|children'?s\s+guardian|fca|family\s+court\s+advis[eo]r|iro|team\s+manager|"
    r"manager|practitioner|advocate|teacher|head\s*teacher|solicitor|barrister|"
    r"foster\s+carer|carer|health\s+visitor|nurse|officer|judge|magistrate|investigator)"
)
# "Ivy, my sister," names her as surely as "my sister Ivy".
RELATIVE_NOUN = (
    r"(?:son|daughter|brother|sister|husband|wife|partner|mum|mom|dad|nan|nana|grandson|"
    r"granddaughter|nephew|niece|cousin|stepson|stepdaughter|grandma|grandad|auntie|uncle|"
    r"friend|boyfriend|girlfriend)"
)
# A cue after which the next word is a name whatever its case (text-speak has no capitals).
STRONG_CUE_RE = re.compile(
    r"\b(?:my\s+name(?:'s|\s+is)|names?\s*(?:is|:)|named|known\s+as|"
    r"(?:i'm|i\s+am|im|is|was|s|'s|are|were)\s+called|" + TITLES + r"\.?|" + RELATIVE_CUE + r")"
    r"(?:[ \t]*[,:-][ \t]*|[ \t]+)",
    re.I,
)
# After a role the next word is a name if capitalised or a listed name: "the FCA confirm" is
# a verb, "my social worker jodie" a name.
ROLE_CUE_RE = re.compile(r"\b" + ROLE_CUE + r"(?:[ \t]*[,:-][ \t]*|[ \t]+)", re.I)
# "Miss", "Judge" and "called" are everyday words too: a name follows only if capitalised.
WEAK_CUE_RE = re.compile(r"\b(?:Miss|Judge|Sister|Father|Nurse|called)[ \t]+")
# Up to two words between "my" and the role: "my daughter's social worker", "the duty social
# worker".
ROLE_WORDS_BEFORE = r"(?:[^\W\d_][\w'\u2019-]{0,30}\s+){0,2}?"
ROLE_AFTER_RE = re.compile(
    r"(?<![\w'\u2019-])(?P<who>[^\W\d_][\w'\u2019-]{0,40}(?:\s+[^\W\d_][\w'\u2019-]{0,40})?)"
    r"(?:\s*[(,\u2013]\s*|\s+-\s+)(?:(?:my|the|our|her|his|their|a|an)\s+)?"
    + ROLE_WORDS_BEFORE
    + r"(?:"
    + ROLE_CUE
    + r"|"
    + RELATIVE_NOUN
    + r")\b",
    re.I,
)
# Without a comma, only a capitalised word before "my ... role": "Bill my foster carer".
ROLE_APPOSITION_RE = re.compile(
    r"(?<![\w'\u2019-])(?P<who>[A-Z][\w'\u2019-]{1,40})[ \t]+(?i:my|our|her|his|their)[ \t]+"
    + ROLE_WORDS_BEFORE
    + r"(?i:"
    + ROLE_CUE
    + r")\b"
)
SIGN_OFF_RE = re.compile(
    r"^[ \t]*(?:(?:kind|best|warm|many)\s+)?(?:regards|wishes|thanks|thank\s+you|cheers|"
    r"love|from|yours(?:\s+(?:sincerely|faithfully|truly))?|sincerely|best|ta|thx|x+)"
    r"[ \t]*[,.!]?[ \t]*(?P<rest>[^\n]*)$",
    re.I | re.M,
)
NEXT_LINE_RE = re.compile(r"\n\s*([^\n]*)")
OPENING_MARKS = frozenset(" \t\"'(*>\u2018\u201c\u2022")
SENTENCE_ENDS = frozenset(".!?:;\n-\u2013")
# Between the parts of a name: Welsh ap, Dutch van, Arabic bin, and the Irish and Scottish
# Ní, Nic, Mac, Mc, Ó, Uí, Ua, Bean, Mhic (folded: no accents).
NAME_PARTICLES = frozenset(
    {"ap", "ab", "van", "von", "de", "der", "da", "di", "del", "la", "le", "bin", "al"}
    | {"ni", "nic", "mac", "mc", "o", "ui", "ua", "bean", "mhic"}
)
# A name grows over neighbouring capitalised words, but never over a title or a role's
# initials: "HHJ [name]", "the IRO [name]" keep what they say about the person's job.
TITLE_WORDS = frozenset(
    {"mr", "mrs", "ms", "mx", "miss", "dr", "prof", "professor", "cllr", "councillor", "rev"}
    | {"revd", "hhj", "dj", "judge", "sir", "dame", "lord", "lady", "justice", "recorder"}
)
# Lines that say what a person's job is, under their name at the end of an email.
ROLE_LINE_RE = re.compile(
    r"^[ \t]*(?:[^\W\d_][\w'\u2019&-]*[ \t]+){0,4}(?:manager|worker|officer|advocate|"
    r"solicitor|advis[eo]r|guardian|carer|co-?ordinator|lead|head(?:teacher)?|teacher|nurse|"
    r"gp|mp|practitioner|assistant|administrator|director|supervisor|visitor|barrister|"
    r"clerk|chair|consultant|paediatrician|psychologist|psychiatrist|therapist|midwife)[ \t]*$",
    re.I | re.M,
)


@dataclass(frozen=True)
class Span:
    """A stretch of the text to replace, and with what."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    norm: str
    sentence_start: bool
    title_case_line: bool


def fold(word: str) -> str:
    """A word compared case-, accent- and apostrophe-blind (Siân = sian, O'Brien = obrien)."""
    decomposed = unicodedata.normalize("NFKD", word)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("'", "").replace("\u2019", "").casefold()


@cache
def _common_words() -> frozenset[str]:
    """Everyday words from the bundled data file."""
    lines = COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(w) for line in lines if not line.startswith("#") for w in line.split())


@cache
def _not_names() -> frozenset[str]:
    """Peoples, languages, faiths, services' initials and towns, from the bundled data file."""
    lines = NOT_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(w) for line in lines if not line.startswith("#") for w in line.split())


@cache
def _name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(names, names that are also everyday words) from the bundled data file."""
    names: set[str] = set()
    word_names: set[str] = set()
    target = names
    for line in NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.strip() == "[names]":
            target = names
        elif line.strip() == "[names that are words]":
            target = word_names
        else:
            target.update(fold(word) for word in line.split())
    return frozenset(names), frozenset(word_names)


def quote(text: str, *, known: Iterable[str | None] = (), max_chars: int) -> str:
    """A redacted quote for the learning team: what someone wrote, with what identifies people
    taken out, on one line and cut at a word to at most `max_chars` (plus an ellipsis)."""
    text = " ".join(redact(text, known=[k for k in known if k]).split())
    if len(text) <= max_chars:
        return text
    return text[:max_chars].rsplit(" ", 1)[0] + " …"


def redact(text: str, *, known: Iterable[str] = ()) -> str:
    """The text with names, phone numbers, emails, addresses and case numbers replaced."""
    if not text:
        return text
    # Placeholders from an earlier pass stay as they are, so redacting twice is harmless.
    spans = [Span(m.start(), m.end(), m.group()) for m in PLACEHOLDER_RE.finditer(text)]
    spans += _known_spans(text, known)
    spans += _pattern_spans(text)
    spans += _name_spans(text, spans)
    return _apply(text, _merge(spans, text))


def _known_spans(text: str, known: Iterable[str]) -> Iterator[Span]:
    for value in known:
        value = (value or "").strip()
        if len(value) < 2:
            continue
        label = _label_for_known(value)
        yield from _find_loose(text, value, label)
        if label == PHONE:
            digits = re.sub(r"\D", "", value)
            national = "0" + digits[2:] if digits.startswith("44") else digits
            for form in {digits, national}:
                pattern = r"\D{0,3}".join(form)
                for match in re.finditer(rf"(?<!\d){pattern}(?!\d)", text):
                    yield Span(match.start(), match.end(), PHONE)
        elif label in (NAME, ADDRESS):
            for part in re.split(r"[,\n]+" if label == ADDRESS else r"\s+", value):
                # "4 Elm Way" is also written "Elm Way".
                part = re.sub(r"^\s*(?:flat\s*)?\d+[a-z]?\b[\s,]*", "", part, flags=re.I).strip()
                if len(part) >= 2 and fold(part) not in _common_words():
                    yield from _find_loose(text, part, label)


def _label_for_known(value: str) -> str:
    if "@" in value:
        return EMAIL
    digits = sum(ch.isdigit() for ch in value)
    if digits >= 7 and digits >= len(re.sub(r"[\s()+\-.]", "", value)) - 1:
        return PHONE
    if POSTCODE_RE.search(value) or "," in value or "\n" in value or re.search(r"\d", value):
        return ADDRESS
    return NAME


def _find_loose(text: str, value: str, label: str) -> Iterator[Span]:
    """Occurrences of value ignoring case and spacing, as whole words."""
    pattern = r"\s+".join(re.escape(part) for part in value.split())
    for match in re.finditer(rf"(?<!\w){pattern}(?!\w)", text, re.I):
        yield Span(match.start(), match.end(), label)


def _pattern_spans(text: str) -> list[Span]:
    spans = [Span(m.start(), m.end(), EMAIL) for m in EMAIL_RE.finditer(text)]
    spans += [Span(m.start(), m.end(), LINK) for m in LINK_RE.finditer(text)]
    spans += _case_number_spans(text)
    spans += _phone_spans(text)
    spans += _address_spans(text)
    spans += _date_spans(text)
    spans += _school_spans(text)
    return spans


def _school_spans(text: str) -> list[Span]:
    """Schools by name, less any everyday words the match began with ("As Headteacher of")."""
    spans = []
    for match in SCHOOL_RE.finditer(text):
        start = match.start()
        for word in WORD_RE.finditer(match.group()):
            norm = fold(word.group())
            if norm in ("st", "saint") or (
                norm not in _common_words() and norm not in _not_names()
            ):
                break
            start = match.start() + word.end()
        name = text[start : match.end()].strip()
        if name and not re.fullmatch(SCHOOL_WORDS + r"(?:\s+(?:School|Academy))?", name):
            spans.append(Span(match.end() - len(name), match.end(), SCHOOL))
    return spans


def _date_spans(text: str) -> list[Span]:
    """Whole dates: a date of birth when a cue ("born", "dob") comes just before; without a
    cue, a date three or more years ago (more likely a birthday than an event the learning team
    needs), while a recent one ("court on 12/03/2024") stays: it says when, not who."""
    spans = []
    for match in FULL_DATE_RE.finditer(text):
        if not _real_date(match.group()):
            continue
        if BIRTH_CUE_RE.search(text, max(0, match.start() - 40), match.start()):
            spans.append(Span(match.start(), match.end(), DATE_OF_BIRTH))
        elif _year(match.group()) <= uk_today().year - OLD_DATE_YEARS:
            spans.append(Span(match.start(), match.end(), DATE))
    spans += [
        Span(m.start("value"), m.end("value"), DATE_OF_BIRTH)
        for m in BORN_MONTH_YEAR_RE.finditer(text)
    ]
    return spans


def _year(written: str) -> int:
    """The year of a whole date, 20xx for a two-digit year."""
    year = int(re.findall(r"\d+", written)[-1])
    return year + 2000 if year < 100 else year


def _real_date(written: str) -> bool:
    """14/03/2012 and 3/14/2012 are dates; 45/13/2012 and 1.5.10 as a version are not."""
    numbers = re.findall(r"\d+", written)
    if len(numbers) != 3 or not re.fullmatch(r"[\d/.-]+", written):
        return True
    first, second = int(numbers[0]), int(numbers[1])
    return (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31)


def _case_number_spans(text: str) -> list[Span]:
    spans = [Span(m.start(), m.end(), CASE_NUMBER) for m in HEARD_REFERENCE_RE.finditer(text)]
    spans += [Span(m.start(), m.end(), CASE_NUMBER) for m in NI_NUMBER_RE.finditer(text)]
    for match in MIXED_CODE_RE.finditer(text):
        if (
            not POSTCODE_RE.fullmatch(match.group())
            and sum(c.isdigit() for c in match.group()) >= 4
        ):
            spans.append(Span(match.start(), match.end(), CASE_NUMBER))
    for match in CASE_CUE_RE.finditer(text):
        if sum(c.isdigit() for c in match.group("value")) >= 3:
            spans.append(Span(match.start("value"), match.end("value"), CASE_NUMBER))
    for match in NHS_NUMBER_RE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits[0] != "0" and _nhs_checksum_ok(digits):
            spans.append(Span(match.start(), match.end(), CASE_NUMBER))
    for match in LONG_NUMBER_RE.finditer(text):
        if not _phone_like(match.group()):
            spans.append(Span(match.start(), match.end(), CASE_NUMBER))
    return spans


def _nhs_checksum_ok(digits: str) -> bool:
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _phone_spans(text: str) -> list[Span]:
    spans = [
        Span(m.start, m.end, PHONE)
        for m in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.VALID)
    ]
    for match in PHONE_FALLBACK_RE.finditer(text):
        raw = match.group()
        if _phone_like(raw):
            spans.append(Span(match.start(), match.end(), PHONE))
    return spans


def _phone_like(raw: str) -> bool:
    """10 to 13 digits starting as a UK number is written: 0..., +44..., 0044... or 7..."""
    digits = re.sub(r"\D", "", raw).removeprefix("00")
    starts_like_phone = raw.lstrip("(").startswith(("0", "+")) or digits.startswith("7")
    return 10 <= len(digits) <= 13 and starts_like_phone


def _address_spans(text: str) -> list[Span]:
    spans = [Span(m.start(), m.end(), ADDRESS) for m in POSTCODE_RE.finditer(text)]
    spans += [
        Span(m.start("value"), m.end("value"), ADDRESS) for m in ADDRESS_CUE_RE.finditer(text)
    ]
    for regex in (STREET_RE, WELSH_STREET_RE):
        for match in regex.finditer(text):
            words = match.groupdict().get("words") or ""
            if any(fold(word) in _common_words() for word in words.split()):
                continue
            tail = ADDRESS_TAIL_RE.match(text, match.end())
            end = tail.end() if tail and tail.group().startswith(",") else match.end()
            # A town written in lower case before the postcode belongs to the address too.
            postcode = TOWN_THEN_POSTCODE_RE.match(text, end)
            spans.append(Span(match.start(), postcode.end() if postcode else end, ADDRESS))
    return spans


def _tokens(text: str) -> list[_Token]:
    tokens = []
    line_start = 0
    for line in text.splitlines(keepends=True):
        words = list(WORD_RE.finditer(line))
        # "I" and "A" are capitalised in any sentence: they say nothing about the line.
        counted = [word.group() for word in words if len(word.group()) > 1]
        capitalised = sum(word[0].isupper() for word in counted)
        # A heading or subject line In Title Case says nothing about which words are names.
        title_case = len(counted) >= 4 and capitalised >= 0.6 * len(counted)
        for match in words:
            start = line_start + match.start()
            word = match.group()
            tokens.append(
                _Token(start, start + len(word), word, fold(word), _starts(text, start), title_case)
            )
        line_start += len(line)
    return tokens


def _starts(text: str, position: int) -> bool:
    """Whether a word at this position begins a sentence, line or quotation."""
    i = position - 1
    while i >= 0 and text[i] in OPENING_MARKS:
        i -= 1
    return i < 0 or text[i] in SENTENCE_ENDS


def _name_spans(text: str, taken: list[Span]) -> list[Span]:
    tokens = [t for t in _tokens(text) if not any(s.start <= t.start < s.end for s in taken)]
    index = {t.start: i for i, t in enumerate(tokens)}
    # "Customer Relations Officer" under a signature is a job, not a name.
    starts = [t.start for t in tokens]
    jobs = {
        i
        for m in ROLE_LINE_RE.finditer(text)
        for i in range(bisect_left(starts, m.start()), bisect_left(starts, m.end()))
    }
    chosen = {i for i, token in enumerate(tokens) if i not in jobs and _looks_like_name(token)}
    chosen |= _cued(text, tokens, index)
    chosen |= _sign_offs(text, tokens, index)
    chosen |= _above_a_role(text, tokens, index)
    chosen |= _last_line_name(text, tokens, index)
    chosen |= _said_at_sentence_start(tokens)
    chosen = _extend(text, tokens, chosen)
    # A name found once is a name wherever else it appears ("Priya Chaudhry" and
    # "Chaudhry & Co", "Sarah" and "sarah"), but a name that is also a word only where it is
    # capitalised: "Hope" the worker is not every "hope" in the text.
    word_names = _name_lists()[1]
    found = {tokens[i].norm for i in chosen if tokens[i].norm not in _common_words()}
    found_words = {tokens[i].norm for i in chosen if tokens[i].norm in word_names}
    chosen |= {
        i
        for i, token in enumerate(tokens)
        if (token.norm in found and token.norm not in word_names)
        or (token.norm in found_words and token.text[0].isupper() and not token.sentence_start)
    }
    return [Span(tokens[i].start, tokens[i].end, NAME) for i in chosen]


def _last_line_name(text: str, tokens: list[_Token], index: dict[int, int]) -> set[int]:
    """A message's last line when it is only a listed name or two, as a message is signed:
    "...with this.\nJo"."""
    lines = text.rstrip().rsplit("\n", 1)
    if len(lines) < 2:
        return set()
    start = len(lines[0]) + 1
    words = [t for t in tokens if t.start >= start]
    names = _name_lists()[0] | _name_lists()[1]
    if 0 < len(words) <= 2 and all(t.text[0].isupper() and t.norm in names for t in words):
        return {index[t.start] for t in words}
    return set()


def _above_a_role(text: str, tokens: list[_Token], index: dict[int, int]) -> set[int]:
    """A short line of capitalised words just above a line naming a job, as under an email:
    "Grace" above "Contact Centre Manager"."""
    chosen: set[int] = set()
    starts = [t.start for t in tokens]
    for match in ROLE_LINE_RE.finditer(text):
        above = text.rfind("\n", 0, max(0, match.start() - 1))
        first, last = bisect_left(starts, above + 1), bisect_left(starts, match.start())
        words = tokens[first:last] if last - first <= 3 else []
        if 0 < len(words) <= 3 and all(t.text[0].isupper() for t in words):
            chosen |= {index[t.start] for t in words if _is_name_word(t, any_case=False)}
    return chosen


def _said_at_sentence_start(tokens: list[_Token]) -> set[int]:
    """Names opening a sentence as its subject, whether they are also words or not listed at
    all: "Will said nothing", "Grace was lovely", "Faith from the contact centre", "Mo rang"
    (but not "Will you ring me", "Contact was cancelled")."""
    word_names = _name_lists()[1]
    return {
        i
        for i, token in enumerate(tokens[:-1])
        if token.sentence_start
        and token.text[0].isupper()
        and len(token.text) > 1
        and token.norm not in CAPITALISED_NOT_NAMES
        and token.norm not in _not_names()
        and (
            (token.norm in word_names and tokens[i + 1].norm in SUBJECT_FOLLOWERS)
            or (token.norm not in _common_words() and tokens[i + 1].norm in SAID_FOLLOWERS)
        )
    }


def _looks_like_name(token: _Token) -> bool:
    names, word_names = _name_lists()
    parts = token.norm.split("-")
    if parts[0] in _not_names():
        # Vietnamese, Somali-speaking, HHJ, Leeds
        return False
    listed = any(part in names for part in parts)
    listed_word = any(part in word_names for part in parts)
    common = token.norm in _common_words()
    capitalised = token.text[0].isupper()
    if len(token.text) > 1 and token.text.isupper():
        return listed and not common
    if listed and not common:
        return True
    if not capitalised or token.sentence_start or token.title_case_line or len(token.text) < 2:
        return False
    if common:
        # "Will" in mid-sentence is a person; "May" is a month.
        return listed_word and token.norm not in CAPITALISED_NOT_NAMES
    return True


def _is_name_word(token: _Token, *, any_case: bool) -> bool:
    """Whether a word just after a cue ("my son", "Mr", "my name is") is the name."""
    names, word_names = _name_lists()
    if len(token.text) < 2 or token.norm.split("-")[0] in _not_names():
        return False
    if token.text[0].isupper() and token.norm in word_names:
        return True
    if token.norm in _common_words():
        return False
    if token.text[0].isupper() or token.norm in names:
        return True
    # In lower case, "my husband controls", "the officer decided", "my kids love" are verbs:
    # names seldom end like verbs, and the listed ones that do (James, Lewis) are taken above.
    return any_case and not token.norm.endswith(VERB_ENDINGS)


def _cued(text: str, tokens: list[_Token], index: dict[int, int]) -> set[int]:
    chosen: set[int] = set()
    cues = ((STRONG_CUE_RE, True), (ROLE_CUE_RE, False), (WEAK_CUE_RE, False))
    for regex, any_case in cues:
        for match in regex.finditer(text):
            i = index.get(match.end())
            if i is not None and _is_particle(tokens, i):
                # "Ms Ní Chonaill": the name starts with its particle.
                chosen |= {i, i + 1}
            elif i is not None and _is_name_word(tokens[i], any_case=any_case):
                chosen.add(i)
    for regex, any_case in ((ROLE_AFTER_RE, True), (ROLE_APPOSITION_RE, False)):
        for match in regex.finditer(text):
            for word in WORD_RE.finditer(match.group("who")):
                i = index.get(match.start("who") + word.start())
                if i is not None and _is_name_word(tokens[i], any_case=any_case):
                    chosen.add(i)
    return chosen


def _sign_offs(text: str, tokens: list[_Token], index: dict[int, int]) -> set[int]:
    """The words after "Regards," on the same line, or on the next line if it is short."""
    chosen: set[int] = set()
    # Found by bisection, not by scanning every token: a message of 5,000 "x" lines (each a
    # sign-off) would otherwise cost 25 million comparisons.
    starts = [t.start for t in tokens]
    for match in SIGN_OFF_RE.finditer(text):
        rest_start = match.start("rest")
        if match.group("rest").strip():
            line = (rest_start, match.end("rest"))
        else:
            next_line = NEXT_LINE_RE.match(text, match.end())
            if not next_line:
                continue
            line = (next_line.start(1), next_line.end(1))
        words = tokens[bisect_left(starts, line[0]) : bisect_left(starts, line[1])]
        if 0 < len(words) <= 4:
            chosen |= {index[t.start] for t in words if _is_name_word(t, any_case=True)}
    return chosen


def _extend(text: str, tokens: list[_Token], chosen: set[int]) -> set[int]:
    """Grow each name over neighbouring capitalised words: surnames, double names, particles."""
    result = set(chosen)
    frontier = list(chosen)
    while frontier:
        i = frontier.pop()
        for j in (i - 1, i + 1):
            if j in result or not 0 <= j < len(tokens):
                continue
            left, right = sorted((tokens[i], tokens[j]), key=lambda t: t.start)
            if not re.fullmatch(r"[ \t]*\.?[ \t]*|-", text[left.end : right.start]):
                continue
            neighbour = tokens[j]
            if neighbour.norm in TITLE_WORDS or neighbour.norm in _not_names():
                continue
            capitalised = neighbour.text[0].isupper() and neighbour.norm not in _common_words()
            particle = _is_particle(tokens, j)
            if capitalised or particle:
                result.add(j)
                frontier.append(j)
    return result


def _is_particle(tokens: list[_Token], i: int) -> bool:
    """A particle ("ap", "van", "Ní", "Mac") with a capitalised word after it."""
    return (
        tokens[i].norm in NAME_PARTICLES and i + 1 < len(tokens) and tokens[i + 1].text[0].isupper()
    )


def _merge(spans: list[Span], text: str) -> list[Span]:
    """Overlapping spans become one; neighbouring spans with the same label too."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and (
            span.start < merged[-1].end
            or (
                span.label == merged[-1].label
                and not text[merged[-1].end : span.start].strip(" \t-")
            )
        ):
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end), _stronger(last, span).label)
        else:
            merged.append(span)
    return merged


def _stronger(a: Span, b: Span) -> Span:
    """The longer span names what was found ("01222 333444" is a phone, not its "333444")."""
    return min(a, b, key=lambda s: (s.start - s.end, PRIORITY.index(s.label)))


def _apply(text: str, spans: list[Span]) -> str:
    parts = []
    position = 0
    for span in spans:
        parts.append(text[position : span.start])
        parts.append(span.label)
        position = span.end
    parts.append(text[position:])
    return "".join(parts)
