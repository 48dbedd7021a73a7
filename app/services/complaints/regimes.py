"""The complaint rules of each UK nation, as data: stages, timescales, extension caps, the
escalation window, who comes after the last stage, when reminders start and the report's
response-time bands. One regime is in force, chosen by the COMPLAINTS_REGIME setting; every
number the stages, forms, templates, reminders and reports use is read from it.

Which bank holidays count is a separate setting (NATION): a regime says how many working days,
the calendar says which days work.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from flask import current_app

from app.services.complaints import deadlines as wd


@dataclass(frozen=True)
class Extension:
    """How far a stage may be given more time, counted from the day it was received."""

    # None: the rules set no ceiling, only that the complainant is told why and until when.
    most_working_days: int | None
    # True: one extension, straight to the ceiling (no number to choose).
    once_to_the_most: bool = False


@dataclass(frozen=True)
class Panel:
    """A review panel stage: the panel meets within the stage's working days of the request,
    then its recommendations and the final response each have their own."""

    recommendations_working_days: int
    response_working_days: int


@dataclass(frozen=True)
class StageRule:
    number: int
    name: str
    # The response (or, for a panel, the meeting) is due this many working days after receipt.
    working_days: int
    extension: Extension | None = None
    panel: Panel | None = None


@dataclass(frozen=True)
class EscalationWindow:
    """How long after a response the complainant may ask for the next stage: working days,
    or calendar months where the rules count those."""

    working_days: int | None = None
    months: int | None = None

    def closes(self, responded_on: date, nation: str) -> date:
        """The last day a request to escalate may be made."""
        if self.working_days is not None:
            return wd.add_working_days(responded_on, self.working_days, nation)
        return _months_after(responded_on, self.months or 0)

    def words(self) -> str:
        """The window as the end of a sentence: "20 working days", "2 months"."""
        if self.working_days is not None:
            return f"{self.working_days} working days"
        return f"{self.months} month" + ("" if self.months == 1 else "s")


def _months_after(day: date, months: int) -> date:
    """The same day `months` calendar months later, or that month's last day if it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Regime:
    key: str
    name: str
    stages: tuple[StageRule, ...]
    escalation_window: EscalationWindow
    # Who a complainant turns to after the last stage.
    after_last_stage: str
    # Reminders start when a deadline is this many working days away (or fewer).
    reminder_within_working_days: int
    # Upper bounds, in working days, of the report's Stage 1 response-time bands; a last band
    # holds everything over the highest.
    response_bands: tuple[int, ...]

    def stage(self, number: int) -> StageRule:
        """The rule for one stage; a number the regime does not have is a programming error."""
        for rule in self.stages:
            if rule.number == number:
                return rule
        raise KeyError(f"{self.key} has no stage {number}")

    @property
    def last_stage(self) -> int:
        return self.stages[-1].number

    def has_stage(self, number: int) -> bool:
        return any(rule.number == number for rule in self.stages)


ENGLAND_CHILDREN = Regime(
    key="england-children",
    name="Children Act 1989 Representations Procedure (England) Regulations 2006",
    stages=(
        StageRule(1, "Local resolution", 10, Extension(20, once_to_the_most=True)),
        StageRule(2, "Investigation", 25, Extension(65)),
        StageRule(3, "Review panel", 30, panel=Panel(5, 15)),
    ),
    escalation_window=EscalationWindow(working_days=20),
    after_last_stage="the Local Government and Social Care Ombudsman",
    reminder_within_working_days=5,
    response_bands=(10, 20),
)

WALES_CHILDREN = Regime(
    key="wales-children",
    name="Social Services Complaints Procedure (Wales) Regulations 2014",
    stages=(
        # Extendable in exceptional circumstances by agreement: the rules set no ceiling.
        StageRule(1, "Local resolution", 10, Extension(None)),
        StageRule(2, "Formal investigation", 25, Extension(None)),
    ),
    # The regulations set no window for asking for a formal investigation; the English 20
    # working days is kept as the service's own.
    escalation_window=EscalationWindow(working_days=20),
    after_last_stage="the Public Services Ombudsman for Wales",
    reminder_within_working_days=5,
    response_bands=(10, 25),
)

SCOTLAND = Regime(
    key="scotland",
    name="SPSO model complaints handling procedure",
    stages=(
        StageRule(1, "Frontline resolution", 5, Extension(10, once_to_the_most=True)),
        # Longer only with clear reasons agreed by a senior manager: no ceiling.
        StageRule(2, "Investigation", 20, Extension(None)),
    ),
    # Two months from the frontline response (or six from the event, which Heard cannot know).
    escalation_window=EscalationWindow(months=2),
    after_last_stage="the Scottish Public Services Ombudsman",
    reminder_within_working_days=2,
    response_bands=(5, 10),
)

REGIMES = {r.key: r for r in (ENGLAND_CHILDREN, WALES_CHILDREN, SCOTLAND)}


def regime(key: str) -> Regime:
    """The regime with this key; an unknown key is a configuration error."""
    try:
        return REGIMES[key]
    except KeyError:
        raise ValueError(
            f"unknown COMPLAINTS_REGIME {key!r}; use one of {', '.join(REGIMES)}"
        ) from None


def current() -> Regime:
    """The regime in force, from the COMPLAINTS_REGIME setting."""
    return regime(str(current_app.config.get("COMPLAINTS_REGIME", ENGLAND_CHILDREN.key)))
