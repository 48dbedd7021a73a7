"""What to tell someone at once, from what they wrote rather than the box they ticked.

The safeguarding rules (word lists, no model: a few milliseconds, always loaded) run inside the
request on every channel, so the first answer a person gets — the confirmation page, the text
back, the email acknowledgement, the API's response — already carries the help that fits. The
model still reads every message afterwards and raises the alert; this only decides what the
writer is told straight away.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.services.outbound import messages
from classifiers import rules

# The purpose of every message that carries help lines, so each thread is sent them once.
SAFETY_PURPOSE = "safety"
# Help lines go to a thread at most once in this long: enough to reach someone, and not a
# text every time they write about the same thing.
SAFETY_REPEAT_AFTER = timedelta(days=7)


class Audience(StrEnum):
    CHILD = "child"
    ADULT = "adult"


@dataclass(frozen=True)
class HelpLine:
    """A service someone can reach now. `tel` is what a phone dials; `url` a web address."""

    key: str
    name: object  # a lazy translation: rendered in the reader's language when shown
    when: object
    phone: str | None = None
    tel: str | None = None
    url: str | None = None


EMERGENCY = HelpLine(
    "emergency", _l("Emergency services"), _l("If someone is in danger right now."), "999", "999"
)
CHILDLINE = HelpLine(
    "childline",
    _l("Childline"),
    _l("Free, any time, day or night. It will not show on the phone bill."),
    "0800 1111",
    "08001111",
)
CHILDLINE_CHAT = HelpLine(
    "childline_chat",
    _l("Childline online chat"),
    _l("Talk to a Childline counsellor online, if talking out loud is hard."),
    url="https://www.childline.org.uk/get-support/1-2-1-counsellor-chat/",
)
NSPCC = HelpLine(
    "nspcc",
    _l("NSPCC helpline"),
    _l("For adults worried about a child. Free."),
    "0808 800 5000",
    "08088005000",
)
DOMESTIC_ABUSE = HelpLine(
    "domestic_abuse",
    _l("National Domestic Abuse Helpline"),
    _l("Free and confidential, 24 hours a day."),
    "0808 2000 247",
    "08082000247",
    "https://www.nationaldahelpline.org.uk/",
)
MENS_ADVICE = HelpLine(
    "mens_advice",
    _l("Men's Advice Line"),
    _l("For men experiencing domestic abuse. Free."),
    "0808 801 0327",
    "08088010327",
)
SAMARITANS = HelpLine(
    "samaritans",
    _l("Samaritans"),
    _l("If you are struggling or feel you cannot go on. Free, any time."),
    "116 123",
    "116123",
)

# Which lines fit which concern, for adults. Children are always given Childline. An adult
# who writes of being hit or controlled may be writing of their own partner as much as of a
# child, so violence and emotional abuse bring the domestic abuse line too.
_HARM_TO_A_CHILD = (NSPCC, CHILDLINE)
ADULT_LINES: dict[str, tuple[HelpLine, ...]] = {
    "physical_abuse": (DOMESTIC_ABUSE, *_HARM_TO_A_CHILD),
    "sexual_abuse": _HARM_TO_A_CHILD,
    "emotional_abuse": (DOMESTIC_ABUSE, *_HARM_TO_A_CHILD),
    "neglect": _HARM_TO_A_CHILD,
    "exploitation": _HARM_TO_A_CHILD,
    "unsafe_home": _HARM_TO_A_CHILD,
    "risk_ignored": _HARM_TO_A_CHILD,
    "domestic_abuse": (DOMESTIC_ABUSE, MENS_ADVICE, NSPCC),
    "self_harm": (SAMARITANS, CHILDLINE),
}
CHILD_LINES = (CHILDLINE, CHILDLINE_CHAT)


@dataclass(frozen=True)
class SafetyResponse:
    """What the words call for: whether they raise a concern, which kinds, and the lines."""

    concern: bool
    subtypes: tuple[str, ...]
    lines: tuple[HelpLine, ...]

    @property
    def line_keys(self) -> list[str]:
        return [line.key for line in self.lines]


def lines_for(subtypes: tuple[str, ...], audience: Audience) -> tuple[HelpLine, ...]:
    """The help lines for these concerns, emergency first, each once."""
    chosen: list[HelpLine] = [EMERGENCY]
    if audience == Audience.CHILD:
        chosen += CHILD_LINES
    else:
        for subtype in subtypes:
            chosen += ADULT_LINES.get(subtype, _HARM_TO_A_CHILD)
        if len(chosen) == 1:
            chosen += _HARM_TO_A_CHILD
    return tuple(dict.fromkeys(chosen))


def assess(text: str, audience: Audience) -> SafetyResponse:
    """Run the rules over what someone wrote and choose what to tell them now."""
    found = rules.check(text or "")
    if not found.flagged:
        return SafetyResponse(False, (), ())
    subtypes = tuple(found.subtypes)
    return SafetyResponse(True, subtypes, lines_for(subtypes, audience))


def restore(
    concern: bool, subtypes: list[str] | tuple[str, ...], audience: Audience
) -> SafetyResponse:
    """The response again, from what a receipt kept of it (no text is kept)."""
    if not concern:
        return SafetyResponse(False, (), ())
    kept = tuple(s for s in subtypes if isinstance(s, str))
    return SafetyResponse(True, kept, lines_for(kept, audience))


def help_lines_due(feedback_item_id: int, at: datetime) -> bool:
    """Whether this thread should be sent the help lines now: not if they went in the past
    week, by the rules at once or after the model's flag, on any channel."""
    return not messages.sent_on_thread(
        feedback_item_id, SAFETY_PURPOSE, since=at - SAFETY_REPEAT_AFTER
    )


def plain_lines(response: SafetyResponse) -> list[str]:
    """Each line as one sentence of plain text, for texts and emails."""
    out = []
    for line in response.lines:
        reach = line.phone or line.url or ""
        out.append(f"{line.name}: {reach}. {line.when}")
    return out


def sms_text(response: SafetyResponse, reference: str | None = None) -> str:
    """A short, discreet text with the lines that fit: it never repeats what was written."""
    parts = [_("Heard: thank you for telling us. If you or anyone is in danger now, call 999.")]
    keys = set(response.line_keys)
    parts.append(_("Childline is free, any time, for children and young people: 0800 1111."))
    if "domestic_abuse" in keys:
        parts.append(_("Domestic abuse helpline, free, 24 hours: 0808 2000 247."))
    if "samaritans" in keys:
        parts.append(_("Samaritans, free, any time: 116 123."))
    parts.append(_("A person will read your message soon."))
    if reference:
        parts.append(_("Your reference is %(reference)s.", reference=reference))
    parts.append(_("Text STOP to stop texts."))
    return " ".join(parts)


def email_lines(response: SafetyResponse) -> str:
    """The help lines as a paragraph for the top of an email."""
    header = _(
        "Thank you for telling us. If you, a child or anyone else is in danger right now, "
        "call 999. A person will read your email soon. You can also get help from:"
    )
    lines = [f"- {line}" for line in plain_lines(response)[1:]]
    return "\n".join([header, "", *lines])
