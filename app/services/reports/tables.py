"""The tables of the complaints report, as typed rows, and the counting rules the page and the
downloads print beside them."""

from dataclasses import dataclass
from datetime import date

from app.services.reports.equality import FEWEST_SHOWN, EqualityTable
from app.services.reports.months import Month
from app.services.reports.periods import Period

COUNTING_RULES = (
    "Each table sets the chosen period beside the same dates a year before and two years "
    'before, with the change in percent from the year before; "no data" marks a period that '
    "ended before the first feedback Heard holds.",
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
    "is a reply within 10 working days. The average is of the working days from receipt to "
    "reply, for those answered.",
    "Timeliness at each stage compares the response date with the stage's due date: within "
    "the timescale, within an agreed extension, or after both; the average counts working "
    "days from the day the stage was received to the response.",
    "A request for Stage 2 that did not go ahead counts in the period in which it was made.",
    "Remedies count in the period in which they were recorded; payments are summed in pounds.",
    "Expenditure is what independent investigators and independent persons cost at Stages 2 "
    "and 3, by the date of the invoice or payment, with the financial payments made as "
    "remedies in the same period.",
    "Advocacy counts the Stage 1 complaints received in the period: whether the complainant "
    "asked for an advocate on the children's form, was offered one, and took one up.",
    "The action plan lists the actions from learning points recorded in the period, with "
    "what each should achieve and its latest update.",
    'Equality monitoring shows any number from 1 to 4 as "fewer than 5", and leaves out its '
    "share and its change, so that no child or family can be recognised.",
    "The child or young person a complaint is about is counted from what the adult who "
    "complained chose to tell us on the equality questions; children who complained "
    "themselves are counted with the complainants.",
    'The change in percent is from the year before; "new" means there were none the year '
    "before, and a dash that it cannot be said: nothing either year, the year before has no "
    "data, or a number is hidden as fewer than 5.",
)

NEW = "new"
# What the page prints where a change cannot be said: an en dash.
DASH = "\u2013"


def percent_change(
    now: float | None, before: float | None, known: bool = True, suppress: bool = False
) -> float | str | None:
    """The change from the year before as a fraction (0.5 is +50%), "new" when there were
    none before and some now, or None when it cannot be said: a figure is missing, the year
    before has no data (`known` False), both are 0, or (`suppress`, for monitoring) either
    count is hidden as fewer than 5, since a change in percent would give it away."""
    if not known or now is None or before is None:
        return None
    if suppress and (0 < now < FEWEST_SHOWN or 0 < before < FEWEST_SHOWN):
        return None
    if before == 0:
        return NEW if now else None
    return (now - before) / before


def change_words(change: float | str | None) -> str:
    """A change as the page, the PDF and the CSV files print it: "+12%", "new" or a dash."""
    if change is None:
        return DASH
    if isinstance(change, str):
        return change
    rounded = round(100 * change)
    # A change that rounds to nothing is "0%", not "-0%" or "+0%".
    return f"{rounded:+d}%" if rounded else "0%"


@dataclass(frozen=True)
class Comparison:
    """One line of a table: a count in the period and in the same dates a year before."""

    key: str
    label: str
    current: int
    previous: int
    # The same dates two years before.
    earlier: int = 0


@dataclass(frozen=True)
class CountTable:
    """Lines of counts; `total` is None where lines overlap and a total would mislead.
    `unit` is "count", or "pence" for money (shown in pounds)."""

    rows: tuple[Comparison, ...]
    total: Comparison | None
    unit: str = "count"


@dataclass(frozen=True)
class StageTimeliness:
    """Responses at one stage: within its timescale, within an extension, late, not yet; and
    the average working days from receipt to response."""

    stage: int
    label: str
    responses: CountTable
    average_current: float | None
    average_previous: float | None
    average_earlier: float | None = None


@dataclass(frozen=True)
class ActionPlanEntry:
    """One action of the action plan, as the board papers lay it out."""

    team: str
    action: str
    intended_outcome: str | None
    owner: str | None
    due_on: date | None
    done_on: date | None
    update: str | None
    updated_on: date | None


@dataclass(frozen=True)
class Advocacy:
    complaints: Comparison
    rows: CountTable


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
    average_earlier: float | None = None


@dataclass(frozen=True)
class Quote:
    """A redacted compliment with its team, the themes it illustrates and the month it came:
    never its day or reference, which would lead back to the person."""

    team: str
    month: Month
    text: str
    themes: tuple[str, ...] = ()


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
    average_current: float | None = None
    average_previous: float | None = None
    average_earlier: float | None = None


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
    timeliness: tuple[StageTimeliness, ...] = ()
    not_progressed: CountTable | None = None
    remedies: CountTable | None = None
    expenditure: CountTable | None = None
    advocacy: Advocacy | None = None
    action_plan: tuple[ActionPlanEntry, ...] = ()
    ombudsman_name: str = ""
    earlier: Period | None = None
    # The day of the first feedback Heard holds; a period that ended before it has no data.
    first_record: date | None = None
    notes: tuple[str, ...] = COUNTING_RULES

    def has_data(self, period: Period) -> bool:
        return self.first_record is not None and self.first_record <= period.end
