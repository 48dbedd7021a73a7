"""The tables of the complaints report, as typed rows, and the counting rules the page and the
downloads print beside them."""

from dataclasses import dataclass
from datetime import date

from app.services.reports.equality import EqualityTable
from app.services.reports.months import Month
from app.services.reports.periods import Period

COUNTING_RULES = (
    "Each table sets the chosen period beside the same dates a year before.",
    "A complaint stage counts in the period in which that stage was received (its received "
    "date): Stage 1 on the day the complaint arrived, Stages 2 and 3 on the day the "
    "complainant asked to escalate.",
    "Teams, themes, how received and who complained count Stage 1 complaints received in the "
    "period. The team is the Stage 1 team, or the complaint's team if Stage 1 has none.",
    "A complaint with several themes counts once under each, so the themes add up to more "
    "than the complaints.",
    "Outcomes are those recorded so far for each stage received in the period; a stage still "
    "open is counted as having no outcome yet.",
    "Response times are for Stage 1 only, from the day received to the day of the response, "
    "in working days, in the bands of the complaint rules in force (the day received is not "
    "counted; weekends and bank holidays of the "
    "configured UK nation are left out). A withdrawal counts as the response. Stage 1 "
    "complaints not yet answered are counted apart.",
    "How received is the channel of the complaint's first message in; letters, phone calls, "
    "visits and complaints an advocate brings are those staff recorded.",
    "Who complained is the role the person gave on the form, or else their contact's role.",
    "Compliments count in the period in which they were received, under the team they are "
    "credited to. Quotes are the newest compliments of the period, at most one per team, with "
    "names, contact details and case numbers removed; items with a safeguarding alert are "
    "never quoted.",
    "Learning points count in the period in which they were recorded; an action is overdue "
    "if it is not done and was due before the end of the period (or before today, if the "
    "period has not ended).",
    "Equality monitoring counts the complainants whose complaints were received in the period "
    "and who chose to answer, beside the service-user population as configured.",
    "Ombudsman referrals count in the period in which they were referred, with the finding "
    "known today.",
    "MP and councillor enquiries count in the period in which they were received; the target "
    "is a reply within 10 working days.",
)


@dataclass(frozen=True)
class Comparison:
    """One line of a table: a count in the period and in the same dates a year before."""

    key: str
    label: str
    current: int
    previous: int


@dataclass(frozen=True)
class CountTable:
    """Lines of counts; `total` is None where lines overlap and a total would mislead."""

    rows: tuple[Comparison, ...]
    total: Comparison | None


@dataclass(frozen=True)
class StageOutcomes:
    stage: int
    label: str
    outcomes: CountTable


@dataclass(frozen=True)
class ResponseTimes:
    """Stage 1 responses by working days taken, and the average of those answered."""

    bands: CountTable
    average_current: float | None
    average_previous: float | None
    awaiting: Comparison


@dataclass(frozen=True)
class Quote:
    """A redacted compliment with its team and the month it came: never its day or reference,
    which would lead back to the person."""

    team: str
    month: Month
    text: str


@dataclass(frozen=True)
class Compliments:
    by_team: CountTable
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class LearningEntry:
    recorded_on: date
    team: str
    themes: tuple[str, ...]
    lesson: str
    action: str | None
    due_on: date | None
    done_on: date | None


@dataclass(frozen=True)
class Learning:
    summary: CountTable
    by_team: CountTable
    entries: tuple[LearningEntry, ...]


@dataclass(frozen=True)
class MemberCorrespondence:
    received: CountTable
    replies: CountTable


@dataclass(frozen=True)
class Report:
    period: Period
    previous: Period
    nation: str
    stages: CountTable
    teams: CountTable
    themes: CountTable
    outcomes: tuple[StageOutcomes, ...]
    response_times: ResponseTimes
    channels: CountTable
    complainants: CountTable
    compliments: Compliments
    learning: Learning
    equality: list[EqualityTable]
    ombudsman: CountTable
    members: MemberCorrespondence
    notes: tuple[str, ...] = COUNTING_RULES
