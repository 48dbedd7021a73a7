"""Trends for the learning team: themes by month and quarter beside the year before, spikes,
audit scores from children and from adults, safeguarding alert volume and time to review, and
redacted example quotes.

Everything is counted in SQL (GROUP BY UK month, theme and team over `feedback_theme`); Python
only arranges the grouped numbers. Safeguarding alerts are shown as counts and times, never
their content, and quotes never come from an item with a live alert unless the reader may
review safeguarding.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import numpy as np
from scipy.stats import poisson
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
from app.services.common import uk_date
from app.services.feedback_list import first_inbound_text, has_live_alert
from app.services.redaction import quote
from app.services.reports.months import Month, Quarter, london_month, months_between

MONTHS_SHOWN = 12
QUARTERS_SHOWN = 4
# The spike rule: this month's count for a team and theme is unusual when it is above the
# 99th percentile of a Poisson distribution whose mean is the team's own monthly average for
# that theme over the previous 12 months (months with none count as 0)...
SPIKE_HISTORY_MONTHS = 12
SPIKE_PERCENTILE = 0.99
# ...and at least this many, so that a quiet theme going from 1 to 3 is not called a spike.
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
    previous: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def previous_total(self) -> int:
        return sum(self.previous)


@dataclass(frozen=True)
class ThemeTable:
    """Theme counts for a run of periods (months or quarters), with the year before each."""

    periods: tuple[Month | Quarter, ...]
    series: tuple[ThemeSeries, ...]
    # A period still under way: its count so far is not a whole period's.
    partial: tuple[bool, ...]


@dataclass(frozen=True)
class Spike:
    team_id: int
    team: str
    theme: str
    label: str
    count: int
    usual: float
    limit: int


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
class AlertMonth:
    month: Month
    raised: int
    reviewed: int
    median_minutes: float | None
    p90_minutes: float | None


@dataclass(frozen=True)
class Quote:
    received: date
    text: str


@dataclass(frozen=True)
class Trends:
    window: Window
    monthly: ThemeTable
    quarterly: ThemeTable
    spikes: tuple[Spike, ...]
    scores: tuple[ScoreSummary, ...]
    team_scores: tuple[TeamScores, ...]
    alerts: tuple[AlertMonth, ...]
    quotes: dict[str, tuple[Quote, ...]]


def current_month() -> Month:
    """The UK month it is now."""
    return Month.of(utcnow())


def build(filters: TrendFilters, month: Month, may_see_safeguarding: bool) -> Trends:
    """Every table on the trends page for the 12 months to `month`."""
    window = Window(month)
    monthly, quarterly = theme_tables(filters, window)
    return Trends(
        window=window,
        monthly=monthly,
        quarterly=quarterly,
        spikes=tuple(spikes(filters, month)),
        scores=audit_scores(filters, window),
        team_scores=team_audit_scores(filters, window),
        alerts=alert_review_times(filters, window),
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

    now = current_month()
    monthly = _table([(m, [m], m >= now) for m in window.months], tally)
    quarterly = _table(
        [(q, list(q.months), q.months[-1] >= now) for q in window.quarters],
        tally,
    )
    return monthly, quarterly


def _table(periods: list[tuple[Month | Quarter, list[Month], bool]], tally: Any) -> ThemeTable:
    series = []
    for theme, label in taxonomy_themes().items():
        series.append(
            ThemeSeries(
                theme=theme,
                label=label,
                counts=tuple(tally(theme, months) for _, months, _ in periods),
                previous=tuple(
                    tally(theme, [m.plus(-12) for m in months]) for _, months, _ in periods
                ),
            )
        )
    return ThemeTable(
        periods=tuple(period for period, _, _ in periods),
        series=tuple(series),
        partial=tuple(partial for _, _, partial in periods),
    )


def spike_limit(history: Sequence[int]) -> tuple[float, int]:
    """The usual monthly count (the mean) and the highest count still within the usual range
    (the 99th percentile of a Poisson distribution with that mean)."""
    usual = sum(history) / len(history) if history else 0.0
    limit = int(poisson.ppf(SPIKE_PERCENTILE, usual)) if usual > 0 else 0
    return usual, limit


def is_spike(count: int, history: Sequence[int]) -> bool:
    """Whether this month's count is beyond the usual range the history gives."""
    return count >= SPIKE_MIN_COUNT and count > spike_limit(history)[1]


def spikes(filters: TrendFilters, month: Month) -> list[Spike]:
    """Team and theme pairs whose count in `month` is a spike by the rule above."""
    first = month.plus(-SPIKE_HISTORY_MONTHS)
    key = london_month(FeedbackItem.created_at)
    query = (
        select(FeedbackItem.team_id, Team.name, key, FeedbackTheme.theme, func.count())
        .join(FeedbackTheme, FeedbackTheme.feedback_item_id == FeedbackItem.id)
        .join(Team, Team.id == FeedbackItem.team_id)
        .where(_between(FeedbackItem.created_at, first, month), *_conditions(filters))
        .group_by(FeedbackItem.team_id, Team.name, key, FeedbackTheme.theme)
    )
    counts: dict[tuple[int | None, str, str], dict[str, int]] = defaultdict(dict)
    for team_id, team, month_key, theme, n in db.session.execute(query):
        counts[(team_id, team, theme)][month_key] = n
    history_months = months_between(first, month.plus(-1))
    labels = taxonomy_themes()
    found = []
    for (team_id, team, theme), by_month in counts.items():
        if team_id is None:  # joined to a team, so never; said for the type checker
            continue
        count = by_month.get(month.key, 0)
        history = [by_month.get(m.key, 0) for m in history_months]
        if theme in labels and is_spike(count, history):
            usual, limit = spike_limit(history)
            found.append(Spike(team_id, team, theme, labels[theme], count, usual, limit))
    return sorted(found, key=lambda s: (s.team, list(labels).index(s.theme)))


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


def alert_review_times(filters: TrendFilters, window: Window) -> tuple[AlertMonth, ...]:
    """Alerts raised per month, how many have been reviewed, and the median and 90th
    percentile time from alert to review, in minutes."""
    key = london_month(SafeguardingAlert.created_at)
    query = (
        select(key, SafeguardingAlert.created_at, _reviewed_at())
        .join(FeedbackItem, FeedbackItem.id == SafeguardingAlert.feedback_item_id)
        .where(
            _between(SafeguardingAlert.created_at, window.months[0], window.month),
            *_conditions(filters),
        )
    )
    # Percentiles need the times themselves; there are tens of alerts a month, not thousands,
    # and PostgreSQL's percentile_cont has no SQLite twin for the embedded default.
    raised: dict[str, int] = defaultdict(int)
    minutes: dict[str, list[float]] = defaultdict(list)
    for month_key, created_at, reviewed_at in db.session.execute(query):
        raised[month_key] += 1
        if reviewed_at is not None:
            minutes[month_key].append((reviewed_at - created_at).total_seconds() / 60)
    result = []
    for month in window.months:
        times = minutes.get(month.key, [])
        median, p90 = np.percentile(times, [50, 90]).tolist() if times else (None, None)
        result.append(AlertMonth(month, raised.get(month.key, 0), len(times), median, p90))
    return tuple(result)


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
    quotes: dict[str, list[Quote]] = defaultdict(list)
    for theme, created_at, text, *known in db.session.execute(query):
        if (text or "").strip() and len(quotes[theme]) < QUOTES_PER_THEME:
            quoted = quote(text, known=known, max_chars=QUOTE_CHARS)
            quotes[theme].append(Quote(uk_date(created_at), quoted))
    return {theme: tuple(found) for theme, found in quotes.items()}
