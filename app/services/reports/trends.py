"""Trends for the learning team: themes by month and quarter beside the year before, spikes,
audit scores from children and from adults, safeguarding alert volume and time to review, and
redacted example quotes.

Everything is counted in SQL (GROUP BY UK month, theme and team over `feedback_theme`); Python
only arranges the grouped numbers. Safeguarding alerts are shown as counts and times, never
their content, and quotes never come from an item with a live alert unless the reader may
review safeguarding.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select

from app.database import utcnow
from app.extensions import db
from app.models import (
    Channel,
    Contact,
    ContactRole,
    FeedbackItem,
    FeedbackKind,
    FeedbackTheme,
    SafeguardingAlert,
    Team,
)
from app.services.classification.themes import taxonomy_themes
from app.services.feedback_list import first_inbound_text, has_live_alert
from app.services.redaction import quote
from app.services.reports.months import Month, Quarter, london_month, months_between

MONTHS_SHOWN = 12
QUARTERS_SHOWN = 4
# The spike rules look only at months the team existed (from the month of its first feedback),
# up to 12 months before the month judged; with fewer than 6 such months a team is too new.
SPIKE_HISTORY_MONTHS = 12
SPIKE_MIN_HISTORY = 6
# One month: the count is one a team's usual month (a Poisson distribution whose mean is the
# team's average for the theme) reaches less than once in 50 months. 2 a month becoming 6 is
# flagged (P(X >= 6) = 0.017 for a mean of 2).
SPIKE_TAIL = 0.02
# A sustained rise: a one-sided CUSUM of the months since the middle of the history against
# the average of the months before it, in standard deviations, with the textbook allowance of
# half a deviation a month and a decision level of 5 deviations. On simulated steady series it
# flags about 3 months in 100; a doubling over six months is caught 7 times in 10 from 5 a
# month (tests/services/reports/test_spikes.py has the constructed series).
CUSUM_ALLOWANCE = 0.5
CUSUM_LIMIT = 5.0
# ...and at least this many this month, so that a quiet theme going from 1 to 3 is not a spike.
SPIKE_MIN_COUNT = 5
QUOTES_PER_THEME = 3
QUOTE_CHARS = 300
SCORES = (1, 2, 3, 4, 5)

# Audit scores are split by who answered, as the papers report them. Care leavers (up to 25)
# answer about the care they had as children, so they are counted with children and young
# people. "Someone else" and SMS survey answers (whose sender's role Heard does not know) are
# shown on their own rather than guessed into either group.
CHILD_ROLES = (ContactRole.CHILD, ContactRole.YOUNG_PERSON, ContactRole.CARE_LEAVER)
ADULT_ROLES = (
    ContactRole.PARENT,
    ContactRole.CARER,
    ContactRole.GRANDPARENT,
    ContactRole.RELATIVE,
    ContactRole.ADVOCATE,
    ContactRole.PROFESSIONAL,
    ContactRole.MP,
)


class ScoreGroup(StrEnum):
    CHILDREN = "children"
    ADULTS = "adults"
    NOT_SAID = "not_said"


@dataclass(frozen=True)
class TrendFilters:
    """Which feedback to count; None means any."""

    team_id: int | None = None
    channel: Channel | None = None
    kind: FeedbackKind | None = None
    role: ContactRole | None = None


@dataclass(frozen=True)
class Window:
    """The months shown: the 12 months up to and including `month`, and the financial
    quarters up to and including the one `month` is in."""

    month: Month

    @property
    def months(self) -> list[Month]:
        return months_between(self.month.plus(1 - MONTHS_SHOWN), self.month)

    @property
    def quarters(self) -> list[Quarter]:
        last = self.month.financial_quarter()
        return [last.plus(i - QUARTERS_SHOWN + 1) for i in range(QUARTERS_SHOWN)]

    @property
    def first(self) -> Month:
        """The earliest month any table shows, this year."""
        return min(self.months[0], self.quarters[0].months[0])


@dataclass(frozen=True)
class ThemeSeries:
    theme: str
    label: str
    counts: tuple[int, ...]
    # None for a period a year before that Heard does not hold data for, in whole or in part.
    previous: tuple[int | None, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def previous_total(self) -> int | None:
        """The year before's total, or None unless Heard has data for all of it."""
        if any(n is None for n in self.previous):
            return None
        return sum(n for n in self.previous if n is not None)


@dataclass(frozen=True)
class ThemeTable:
    """Theme counts for a run of periods (months or quarters), with the year before each."""

    periods: tuple[Month | Quarter, ...]
    series: tuple[ThemeSeries, ...]
    # A period still under way: its count so far is not a whole period's.
    partial: tuple[bool, ...]


class SpikeKind(StrEnum):
    ONE_MONTH = "one_month"
    SUSTAINED = "sustained"


@dataclass(frozen=True)
class Spike:
    team_id: int
    team: str
    theme: str
    label: str
    count: int
    usual: float
    limit: int
    kind: SpikeKind = SpikeKind.ONE_MONTH


@dataclass(frozen=True)
class SpikeReport:
    """What the spike rules flag in a month, and the teams with too little history to judge:
    (team name, the month of its first feedback)."""

    spikes: tuple[Spike, ...]
    too_new: tuple[tuple[str, Month], ...]


@dataclass(frozen=True)
class ScoreSummary:
    group: ScoreGroup
    distribution: tuple[int, ...]
    previous_distribution: tuple[int, ...]

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def average(self) -> float | None:
        return _average(self.distribution)

    @property
    def previous_count(self) -> int:
        return sum(self.previous_distribution)

    @property
    def previous_average(self) -> float | None:
        return _average(self.previous_distribution)


@dataclass(frozen=True)
class TeamScores:
    team: str
    # For each group: (answers, average score).
    groups: dict[ScoreGroup, tuple[int, float]]


@dataclass(frozen=True)
class ReviewTimes:
    """How quickly the alerts of a period were reviewed, counting those never reviewed.

    The median and 90th percentile are the times within which half and 9 in 10 of all the
    alerts raised were reviewed; an alert not yet reviewed counts as slower than every reviewed
    one, so while fewer than half have been reviewed there is no median (None)."""

    raised: int
    reviewed: int
    median_minutes: float | None
    p90_minutes: float | None
    # How long the longest-waiting alert not yet reviewed has been open, in whole days.
    oldest_open_days: int | None

    @property
    def unreviewed(self) -> int:
        return self.raised - self.reviewed


@dataclass(frozen=True)
class AlertMonth:
    month: Month
    times: ReviewTimes


@dataclass(frozen=True)
class Quote:
    """A redacted quote with the theme it illustrates and the month it came: never its
    reference or its day, which would lead back to the person."""

    theme: str
    month: Month
    text: str


@dataclass(frozen=True)
class Trends:
    window: Window
    monthly: ThemeTable
    quarterly: ThemeTable
    spikes: SpikeReport
    scores: tuple[ScoreSummary, ...]
    team_scores: tuple[TeamScores, ...]
    alerts: tuple[AlertMonth, ...]
    alert_year: ReviewTimes
    quotes: dict[str, tuple[Quote, ...]]


def current_month() -> Month:
    """The UK month it is now."""
    return Month.of(utcnow())


def build(filters: TrendFilters, month: Month, may_see_safeguarding: bool) -> Trends:
    """Every table on the trends page for the 12 months to `month`."""
    window = Window(month)
    monthly, quarterly = theme_tables(filters, window)
    alerts, year = alert_review_times(filters, window)
    return Trends(
        window=window,
        monthly=monthly,
        quarterly=quarterly,
        spikes=spikes(filters, month),
        scores=audit_scores(filters, window),
        team_scores=team_audit_scores(filters, window),
        alerts=alerts,
        alert_year=year,
        quotes=theme_quotes(filters, window, may_see_safeguarding),
    )


def _conditions(filters: TrendFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.team_id is not None:
        conditions.append(FeedbackItem.team_id == filters.team_id)
    if filters.kind is not None:
        conditions.append(FeedbackItem.kind == filters.kind)
    if filters.role is not None:
        conditions.append(FeedbackItem.submitter_role == filters.role)
    if filters.channel is not None:
        conditions.append(FeedbackItem.received_via == filters.channel)
    return conditions


def _between(column: Any, first: Month, last: Month) -> ColumnElement[bool]:
    """A timestamp column within the UK months first to last, both included."""
    return and_(column >= first.starts_at(), column < last.plus(1).starts_at())


def theme_tables(filters: TrendFilters, window: Window) -> tuple[ThemeTable, ThemeTable]:
    """Themes by month and by financial quarter, each beside the same period a year before."""
    first, last = window.first.plus(-12), window.month
    month = london_month(FeedbackItem.created_at)
    query = (
        select(month, FeedbackTheme.theme, func.count())
        .join(FeedbackTheme, FeedbackTheme.feedback_item_id == FeedbackItem.id)
        .where(_between(FeedbackItem.created_at, first, last), *_conditions(filters))
        .group_by(month, FeedbackTheme.theme)
    )
    counts: dict[tuple[str, str], int] = {}
    for key, theme, n in db.session.execute(query):
        counts[(key, theme)] = n

    def tally(theme: str, months: Iterable[Month]) -> int:
        return sum(counts.get((m.key, theme), 0) for m in months)

    start = data_start()

    def tally_before(theme: str, months: Iterable[Month]) -> int | None:
        earlier = [m.plus(-12) for m in months]
        if start is None or earlier[0] < start:
            return None
        return tally(theme, earlier)

    now = current_month()
    monthly = _table([(m, [m], m >= now) for m in window.months], tally, tally_before)
    quarterly = _table(
        [(q, list(q.months), q.months[-1] >= now) for q in window.quarters],
        tally,
        tally_before,
    )
    return monthly, quarterly


def data_start() -> Month | None:
    """The UK month of the first feedback Heard holds (any team, any kind): before it, a count
    of 0 would mean "no data", not "none received"."""
    first = db.session.execute(select(func.min(FeedbackItem.created_at))).scalar()
    return Month.of(first) if first is not None else None


def _table(
    periods: list[tuple[Month | Quarter, list[Month], bool]], tally: Any, tally_before: Any
) -> ThemeTable:
    series = []
    for theme, label in taxonomy_themes().items():
        series.append(
            ThemeSeries(
                theme=theme,
                label=label,
                counts=tuple(tally(theme, months) for _, months, _ in periods),
                previous=tuple(tally_before(theme, months) for _, months, _ in periods),
            )
        )
    return ThemeTable(
        periods=tuple(period for period, _, _ in periods),
        series=tuple(series),
        partial=tuple(partial for _, _, partial in periods),
    )


def spike_limit(history: Sequence[int]) -> tuple[float, int]:
    """The usual monthly count (the mean) and the highest count still within the usual range
    (the count a usual month exceeds less than once in 50, by a Poisson distribution)."""
    # Imported here, not at the top: scipy.stats costs every web process tens of MiB.
    from scipy.stats import poisson

    usual = sum(history) / len(history) if history else 0.0
    limit = int(poisson.ppf(1 - SPIKE_TAIL, usual)) if usual > 0 else 0
    return usual, limit


def is_spike(count: int, history: Sequence[int]) -> bool:
    """Whether this month's count alone is beyond the usual range the history gives."""
    return count >= SPIKE_MIN_COUNT and count > spike_limit(history)[1]


def rise_score(count: int, history: Sequence[int]) -> float:
    """The one-sided CUSUM at this month: how far, in standard deviations less an allowance a
    month, the months since the middle of the history have run above the months before."""
    series = [*history, count]
    earlier = series[: len(history) // 2]
    # At least one a month: against a baseline of none, any single item would be a rise.
    usual = max(sum(earlier) / len(earlier), 1.0) if earlier else 1.0
    spread = math.sqrt(usual)
    total = 0.0
    for n in series[len(earlier) :]:
        total = max(0.0, total + (n - usual) / spread - CUSUM_ALLOWANCE)
    return total


def is_sustained_rise(count: int, history: Sequence[int]) -> bool:
    """Whether the recent months together are above the team's earlier usual month."""
    return count >= SPIKE_MIN_COUNT and rise_score(count, history) > CUSUM_LIMIT


def judge(count: int, history: Sequence[int]) -> SpikeKind | None:
    """Which rule, if any, flags this month; None too when the history is under 6 months."""
    if len(history) < SPIKE_MIN_HISTORY:
        return None
    if is_spike(count, history):
        return SpikeKind.ONE_MONTH
    if is_sustained_rise(count, history):
        return SpikeKind.SUSTAINED
    return None


def _team_first_months(filters: TrendFilters) -> dict[int, Month]:
    """The UK month of each team's first feedback of any kind: when it began to exist here."""
    query = select(FeedbackItem.team_id, func.min(FeedbackItem.created_at)).where(
        FeedbackItem.team_id.is_not(None)
    )
    if filters.team_id is not None:
        query = query.where(FeedbackItem.team_id == filters.team_id)
    firsts: dict[int, Month] = {}
    for team_id, first in db.session.execute(query.group_by(FeedbackItem.team_id)):
        if team_id is not None and first is not None:
            firsts[team_id] = Month.of(first)
    return firsts


def spikes(filters: TrendFilters, month: Month) -> SpikeReport:
    """Team and theme pairs flagged in `month` by either rule, and the teams too new to judge."""
    first = month.plus(-SPIKE_HISTORY_MONTHS)
    key = london_month(FeedbackItem.created_at)
    query = (
        select(FeedbackItem.team_id, key, FeedbackTheme.theme, func.count())
        .join(FeedbackTheme, FeedbackTheme.feedback_item_id == FeedbackItem.id)
        .where(_between(FeedbackItem.created_at, first, month), *_conditions(filters))
        .group_by(FeedbackItem.team_id, key, FeedbackTheme.theme)
    )
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for team_id, month_key, theme, n in db.session.execute(query):
        if team_id is not None:
            counts[(team_id, theme)][month_key] = n
    starts = _team_first_months(filters)
    names = {team_id: name for team_id, name in db.session.execute(select(Team.id, Team.name))}
    labels = taxonomy_themes()
    found = []
    for (team_id, theme), by_month in counts.items():
        existed = max(first, starts.get(team_id, month))
        history = [by_month.get(m.key, 0) for m in months_between(existed, month.plus(-1))]
        count = by_month.get(month.key, 0)
        kind = judge(count, history) if theme in labels else None
        if kind is not None:
            usual, limit = spike_limit(history)
            found.append(
                Spike(team_id, names[team_id], theme, labels[theme], count, usual, limit, kind)
            )
    too_new = sorted(
        (names[team_id], start)
        for team_id, start in starts.items()
        if month.plus(-SPIKE_MIN_HISTORY) < start <= month
    )
    return SpikeReport(
        tuple(sorted(found, key=lambda s: (s.team, list(labels).index(s.theme)))),
        tuple(too_new),
    )


def _score_group() -> ColumnElement[str]:
    role = FeedbackItem.submitter_role
    return case(
        (role.in_(CHILD_ROLES), ScoreGroup.CHILDREN.value),
        (role.in_(ADULT_ROLES), ScoreGroup.ADULTS.value),
        else_=ScoreGroup.NOT_SAID.value,
    )


def _audit_conditions(filters: TrendFilters) -> list[ColumnElement[bool]]:
    # Who answered is the split itself, and audit is the kind, so only team and channel apply.
    narrowed = TrendFilters(team_id=filters.team_id, channel=filters.channel)
    return [
        FeedbackItem.kind == FeedbackKind.AUDIT,
        FeedbackItem.score.between(1, 5),
        *_conditions(narrowed),
    ]


def audit_scores(filters: TrendFilters, window: Window) -> tuple[ScoreSummary, ...]:
    """How many answers gave each score 1-5, per group, this 12 months and the 12 before."""
    first, last = window.months[0], window.month
    group = _score_group()
    this_year = FeedbackItem.created_at >= first.starts_at()
    query = (
        select(group, this_year, FeedbackItem.score, func.count())
        .where(
            _between(FeedbackItem.created_at, first.plus(-12), last), *_audit_conditions(filters)
        )
        .group_by(group, this_year, FeedbackItem.score)
    )
    counts: dict[tuple[str, bool, int | None], int] = {}
    for which, current, score, n in db.session.execute(query):
        counts[(which, bool(current), score)] = n
    return tuple(
        ScoreSummary(
            group=g,
            distribution=tuple(counts.get((g.value, True, s), 0) for s in SCORES),
            previous_distribution=tuple(counts.get((g.value, False, s), 0) for s in SCORES),
        )
        for g in ScoreGroup
    )


def team_audit_scores(filters: TrendFilters, window: Window) -> tuple[TeamScores, ...]:
    """Per team, each group's answers and average score over the 12 months."""
    group = _score_group()
    query = (
        select(Team.name, group, func.count(), func.avg(FeedbackItem.score))
        .join(Team, Team.id == FeedbackItem.team_id)
        .where(
            _between(FeedbackItem.created_at, window.months[0], window.month),
            *_audit_conditions(filters),
        )
        .group_by(Team.name, group)
        .order_by(Team.name)
    )
    teams: dict[str, dict[ScoreGroup, tuple[int, float]]] = {}
    for team, which, n, average in db.session.execute(query):
        teams.setdefault(team, {})[ScoreGroup(which)] = (n, float(average))
    return tuple(TeamScores(team, groups) for team, groups in teams.items())


def _average(distribution: Sequence[int]) -> float | None:
    answers = sum(distribution)
    if not answers:
        return None
    return sum(score * n for score, n in zip(SCORES, distribution, strict=True)) / answers


def _reviewed_at() -> ColumnElement[datetime]:
    """When a person first acted on the alert: acknowledged it, or closed it outright."""
    acknowledged, closed = SafeguardingAlert.acknowledged_at, SafeguardingAlert.closed_at
    return case(
        (acknowledged.is_(None), closed),
        (closed.is_(None), acknowledged),
        (acknowledged < closed, acknowledged),
        else_=closed,
    )


def within(share: float, reviewed_minutes: Sequence[float], raised: int) -> float | None:
    """The time within which `share` of all `raised` alerts were reviewed (nearest rank): None
    when fewer than that share have been reviewed at all."""
    rank = math.ceil(share * raised)
    ordered = sorted(reviewed_minutes)
    return ordered[rank - 1] if 0 < rank <= len(ordered) else None


def review_times(
    raised: int, reviewed_minutes: Sequence[float], open_since: Sequence[datetime]
) -> ReviewTimes:
    """The figures for one period from the review times and when each unreviewed alert came."""
    now = utcnow()
    return ReviewTimes(
        raised=raised,
        reviewed=len(reviewed_minutes),
        median_minutes=within(0.5, reviewed_minutes, raised),
        p90_minutes=within(0.9, reviewed_minutes, raised),
        oldest_open_days=max(((now - since).days for since in open_since), default=None),
    )


def alert_review_times(
    filters: TrendFilters, window: Window
) -> tuple[tuple[AlertMonth, ...], ReviewTimes]:
    """Per month and over the 12 months: alerts raised, how many reviewed, and the median and
    90th percentile time from alert to review in minutes, counting alerts not yet reviewed."""
    key = london_month(SafeguardingAlert.created_at)
    query = (
        select(key, SafeguardingAlert.created_at, _reviewed_at())
        .join(FeedbackItem, FeedbackItem.id == SafeguardingAlert.feedback_item_id)
        .where(
            _between(SafeguardingAlert.created_at, window.months[0], window.month),
            *_conditions(filters),
        )
    )
    # The percentiles need the times themselves; there are tens of alerts a month, not
    # thousands, and PostgreSQL's percentile_cont has no SQLite twin for the embedded default.
    raised: dict[str, int] = defaultdict(int)
    minutes: dict[str, list[float]] = defaultdict(list)
    waiting: dict[str, list[datetime]] = defaultdict(list)
    for month_key, created_at, reviewed_at in db.session.execute(query):
        raised[month_key] += 1
        if reviewed_at is None:
            waiting[month_key].append(created_at)
        else:
            minutes[month_key].append((reviewed_at - created_at).total_seconds() / 60)
    months = []
    for month in window.months:
        times = review_times(raised[month.key], minutes[month.key], waiting[month.key])
        months.append(AlertMonth(month, times))
    year = review_times(
        sum(raised.values()),
        [m for times in minutes.values() for m in times],
        [w for times in waiting.values() for w in times],
    )
    return tuple(months), year


def theme_quotes(
    filters: TrendFilters, window: Window, may_see_safeguarding: bool
) -> dict[str, tuple[Quote, ...]]:
    """The newest few things people wrote under each theme in the 12 months, redacted."""
    conditions = [
        _between(FeedbackItem.created_at, window.months[0], window.month),
        *_conditions(filters),
    ]
    if not may_see_safeguarding:
        conditions.append(~has_live_alert())
    rank = (
        func.row_number()
        .over(
            partition_by=FeedbackTheme.theme,
            order_by=(FeedbackItem.created_at.desc(), FeedbackItem.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(FeedbackTheme.theme, FeedbackItem.id, rank)
        .join(FeedbackTheme, FeedbackTheme.feedback_item_id == FeedbackItem.id)
        .where(*conditions)
        .subquery()
    )
    # A few spare per theme, in case the newest have no words (an audit score on its own).
    query = (
        select(
            ranked.c.theme,
            FeedbackItem.created_at,
            first_inbound_text(),
            FeedbackItem.case_reference,
            Contact.name,
            Contact.email,
            Contact.phone,
            Contact.phone_raw,
            Contact.postal_address,
        )
        .join(FeedbackItem, FeedbackItem.id == ranked.c.id)
        .outerjoin(Contact, Contact.id == FeedbackItem.contact_id)
        .where(ranked.c.rank <= QUOTES_PER_THEME * 3)
        .order_by(ranked.c.theme, ranked.c.rank)
    )
    labels = taxonomy_themes()
    quotes: dict[str, list[Quote]] = defaultdict(list)
    for theme, created_at, text, *known in db.session.execute(query):
        if (text or "").strip() and len(quotes[theme]) < QUOTES_PER_THEME:
            quoted = quote(text, known=known, max_chars=QUOTE_CHARS)
            quotes[theme].append(Quote(labels.get(theme, theme), Month.of(created_at), quoted))
    return {theme: tuple(found) for theme, found in quotes.items()}
