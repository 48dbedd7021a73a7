"""The annual and quarterly complaints report the regulations require, for any period, each
table beside the same dates a year before, as the board papers set it out.

Every count is made in the database (GROUP BY with CASE for the period and the bands); Python
only puts the grouped rows in order. Each query covers both periods at once, labelling rows by
the period their date falls in. `report_tables.COUNTING_RULES` says which date and which stage
each table counts; the page and the downloads print them.
"""

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Date,
    Integer,
    and_,
    bindparam,
    case,
    column,
    func,
    or_,
    select,
    tuple_,
    values,
)
from sqlalchemy import text as sql_text

from app.extensions import db
from app.models import (
    ComplaintCost,
    ComplaintOutcome,
    ComplaintRemedy,
    ComplaintStage,
    ComplimentCredit,
    Contact,
    FeedbackItem,
    FeedbackKind,
    FeedbackTheme,
    LearningPoint,
    MemberEnquiry,
    OmbudsmanReferral,
    StaffUser,
    Team,
)
from app.services import common
from app.services.classification import themes as classification_themes
from app.services.common import uk_date
from app.services.complaints import deadlines as wd
from app.services.complaints import regimes
from app.services.complaints import stages as complaint_stages
from app.services.feedback_list import first_inbound_text, has_live_alert
from app.services.redaction import quote, redact
from app.services.reports import equality, kept
from app.services.reports.months import Month
from app.services.reports.periods import Period
from app.services.reports.tables import (
    ActionPlanEntry,
    Advocacy,
    Comparison,
    Compliments,
    CountTable,
    Learning,
    LearningEntry,
    MemberCorrespondence,
    Quote,
    Report,
    ResponseTimes,
    StageOutcomes,
    StageTimeliness,
)

CURRENT = "current"
PREVIOUS = "previous"
# The same dates two years before: the papers set three years side by side.
EARLIER = "earlier"
NOT_RECORDED = "not_recorded"
AWAITING = "awaiting"
QUOTES = 5
QUOTE_CHARS = 400
# The newest learning points are listed in words; every one is counted.
LEARNING_LISTED = 50

STAGE_NAMES = {
    1: "Stage 1 (local resolution)",
    2: "Stage 2 (investigation)",
    3: "Stage 3 (review panel)",
}
OUTCOME_NAMES = {
    ComplaintOutcome.UPHELD.value: "Upheld",
    ComplaintOutcome.PARTIALLY_UPHELD.value: "Partially upheld",
    ComplaintOutcome.NOT_UPHELD.value: "Not upheld",
    ComplaintOutcome.WITHDRAWN.value: "Withdrawn",
    AWAITING: "No outcome yet",
}


def band_names(bounds: tuple[int, ...]) -> dict[str, str]:
    """The response-time bands for a regime's upper bounds, e.g. (10, 20): within 10 working
    days, 11 to 20, over 20; keyed as the SQL in `_response_times` labels them."""
    names = {f"within_{bounds[0]}": f"Within {bounds[0]} working days"}
    for low, high in itertools.pairwise(bounds):
        names[f"from_{low + 1}_to_{high}"] = f"{low + 1} to {high} working days"
    names[f"over_{bounds[-1]}"] = f"Over {bounds[-1]} working days"
    return names


def _band(taken: ColumnElement[int], bounds: tuple[int, ...]) -> ColumnElement[str]:
    """The band a number of working days falls in, counted in the database."""
    keys = list(band_names(bounds))
    return case(
        *((taken <= bound, key) for bound, key in zip(bounds, keys, strict=False)), else_=keys[-1]
    )


# How received, in the papers' words; staff record letters, calls, visits and complaints an
# advocate brings (see `complaints.offline`).
CHANNEL_NAMES = {
    "phone": "Phone",
    "letter": "Letter",
    "in_person": "In person",
    "advocate": "Through an advocate",
    "web_adult": "Online form",
    "web_child": "Children's online form",
    "web_audit": "Audit feedback form",
    "email": "Email",
    "sms": "Text message",
    "api": "Partner app (API)",
    NOT_RECORDED: "No message received",
}
ROLE_NAMES = {
    "child": "Child",
    "young_person": "Young person",
    "parent": "Parent",
    "carer": "Carer",
    "grandparent": "Grandparent",
    "relative": "Relative",
    "care_leaver": "Care leaver",
    "advocate": "Advocate",
    "professional": "Professional",
    "mp": "MP",
    "other": "Other",
    NOT_RECORDED: "Not recorded",
}
# The categories the Ombudsmen publish their decisions in; the first two of the older
# findings are kept for referrals recorded before.
FINDING_NAMES = {
    "upheld": "Upheld",
    "partly_upheld": "Partly upheld",
    "not_upheld": "Not upheld",
    "premature": "Premature (sent back to the council)",
    "outside_jurisdiction": "Outside jurisdiction",
    "closed_after_initial_enquiries": "Closed after initial enquiries",
    "settled_locally": "Settled locally",
    "withdrawn": "Withdrawn",
    "maladministration": "Maladministration",
    "discontinued": "Investigation discontinued",
    AWAITING: "No decision yet",
}
# Whose decisions they are: the ombudsman of the nation whose rules Heard runs.
OMBUDSMAN_NAMES = {
    "ENG": "Local Government and Social Care Ombudsman",
    "WLS": "Public Services Ombudsman for Wales",
    "SCT": "Scottish Public Services Ombudsman",
    "NIR": "Northern Ireland Public Services Ombudsman",
}
TIMELINESS_NAMES = {
    "in_time": "Within the timescale",
    "extended": "Within an agreed extension",
    "late": "After the timescale",
    AWAITING: "Not answered yet",
}
NOT_PROGRESSED_NAMES = {
    "resolved_at_stage_1": "Resolved after further work at Stage 1",
    "out_of_time": "Asked for after the time allowed",
    "legal_proceedings": "The matter is before a court",
    "outside_procedure": "Outside the complaints procedure",
    "withdrawn": "Withdrawn by the complainant",
    "other": "Another reason",
}
REMEDY_NAMES = {
    "apology": "Apology",
    "explanation": "Explanation",
    "action_taken": "Action taken",
    "financial_payment": "Financial payment",
    "service_change": "Change to the service",
}
EXPENDITURE_NAMES = {
    "independent_investigator": "Independent investigators (Stages 2 and 3)",
    "independent_person": "Independent persons (Stages 2 and 3)",
    "financial_payment": "Financial payments to complainants",
}
ADVOCACY_NAMES = {
    "requested": "Asked for an advocate on the children's form",
    "offered": "Offered an advocate",
    "taken_up": "Took up advocacy",
    "not_offered": "Not offered an advocate",
    NOT_RECORDED: "Not recorded whether an advocate was offered",
}
MEMBER_NAMES = {"mp": "MPs", "councillor": "Councillors"}
REPLY_NAMES = {
    "in_time": "Replied within 10 working days",
    "late": "Replied after 10 working days",
    AWAITING: "Not replied yet",
}
LEARNING_NAMES = {
    "points": "Learning points recorded",
    "with_action": "With an action",
    "actions_done": "Actions done",
    "actions_open": "Actions not done yet",
    "actions_overdue": "Actions past their due date and not done",
}


def report_for(start: date, end: date, nation: str | None = None) -> Report:
    """The report as `build_report` makes it, reused from the last build while the data have
    not changed since (see `kept`): the page's build serves the downloads made after it."""
    return kept.report_for(
        start, end, nation, lambda: build_report(start, end, nation), complaint_stages.today()
    )


def build_report(start: date, end: date, nation: str | None = None) -> Report:
    """The complaints report for the days from `start` to `end` (both included), beside the
    same dates a year before; `nation` is the UK nation whose bank holidays count."""
    period = Period(start, end)
    previous = period.year_before()
    dates = _Dates(period, previous, previous.year_before())
    nation = nation or common.nation()
    _tune_for_counting()
    stages, outcomes = _stages_and_outcomes(dates)
    stage_one = _StageOne.count(dates)
    response_times, timeliness = _answers(dates, nation)
    return Report(
        period=period,
        previous=previous,
        earlier=dates.earlier,
        first_record=_first_record(),
        nation=nation,
        stages=stages,
        teams=stage_one.teams,
        themes=_themes(dates),
        outcomes=outcomes,
        response_times=response_times,
        channels=stage_one.channels,
        complainants=stage_one.complainants,
        compliments=_compliments(dates),
        learning=_learning(dates),
        equality=equality.complainant_profile(start, end),
        ombudsman=_ombudsman(dates),
        members=_members(dates, nation),
        timeliness=timeliness,
        not_progressed=_not_progressed(dates),
        remedies=_remedies(dates),
        expenditure=_expenditure(dates),
        advocacy=stage_one.advocacy,
        action_plan=_action_plan(dates.period),
        ombudsman_name=OMBUDSMAN_NAMES.get(nation, OMBUDSMAN_NAMES["ENG"]),
    )


# Enough memory to group the three years' rows in memory rather than sorting them on disk.
COUNTING_WORK_MEM = "64MB"


def _tune_for_counting() -> None:
    """For the rest of this transaction: no JIT compiling (it cost more than each query saved:
    150 to 250 ms a statement at a million items), and memory to group in.
    PostgreSQL only; SET LOCAL ends with the transaction."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(sql_text("SET LOCAL jit = off"))
    db.session.execute(sql_text(f"SET LOCAL work_mem = '{COUNTING_WORK_MEM}'"))


@dataclass(frozen=True)
class _Dates:
    """The three periods, and SQL that sorts a row into one of them by a date or a moment."""

    period: Period
    previous: Period
    earlier: Period

    @property
    def first(self) -> date:
        return self.earlier.start

    def on(self, day: Any) -> tuple[ColumnElement[str], ColumnElement[bool]]:
        """Which period a date column falls in, and whether it falls in any."""
        inside = [day.between(p.start, p.end) for p in (self.period, self.previous, self.earlier)]
        which = case((inside[0], CURRENT), (inside[1], PREVIOUS), else_=EARLIER)
        return which, or_(*inside)

    def at(self, moment: Any) -> tuple[ColumnElement[str], ColumnElement[bool]]:
        """Which period a timestamp column falls in (UK days), and whether it falls in any."""
        inside = []
        for p in (self.period, self.previous, self.earlier):
            first, after = p.bounds()
            inside.append(and_(moment >= first, moment < after))
        which = case((inside[0], CURRENT), (inside[1], PREVIOUS), else_=EARLIER)
        return which, or_(*inside)


def _first_record() -> date | None:
    """The UK day of the first feedback Heard holds: periods ending before it have no data."""
    first = db.session.execute(select(func.min(FeedbackItem.created_at))).scalar_one()
    return uk_date(first) if first is not None else None


def _counts(rows: Iterable[Any]) -> dict[str, dict[str, int]]:
    """Grouped (period, key, count) rows as {key: {period: count}}; a NULL key is unrecorded."""
    counts: dict[str, dict[str, int]] = {}
    for which, key, n in rows:
        name = NOT_RECORDED if key is None else str(getattr(key, "value", key))
        slot = counts.setdefault(name, {})
        slot[which] = slot.get(which, 0) + n
    return counts


def _table(
    counts: Mapping[str, Mapping[str, int]],
    names: Mapping[str, str],
    every_name: bool = True,
    total: bool = True,
) -> CountTable:
    """Lines in the order of `names` (every one, or only those counted), then any keys the
    names do not know, by key."""
    keys = [k for k in names if every_name or k in counts]
    keys += sorted(k for k in counts if k not in names)
    rows = tuple(
        Comparison(
            key,
            names.get(key, key),
            counts.get(key, {}).get(CURRENT, 0),
            counts.get(key, {}).get(PREVIOUS, 0),
            counts.get(key, {}).get(EARLIER, 0),
        )
        for key in keys
    )
    summed = Comparison(
        "total",
        "Total",
        sum(r.current for r in rows),
        sum(r.previous for r in rows),
        sum(r.earlier for r in rows),
    )
    return CountTable(rows, summed if total else None)


def _stage_one(dates: _Dates) -> tuple[ColumnElement[str], ColumnElement[bool]]:
    which, inside = dates.on(ComplaintStage.received_on)
    return which, and_(ComplaintStage.stage == 1, inside)


def _stages_and_outcomes(dates: _Dates) -> tuple[CountTable, tuple[StageOutcomes, ...]]:
    which, inside = dates.on(ComplaintStage.received_on)
    query = (
        select(which, ComplaintStage.stage, ComplaintStage.outcome, func.count())
        .where(inside)
        .group_by(which, ComplaintStage.stage, ComplaintStage.outcome)
    )
    rows = db.session.execute(query).all()
    stages = _table(
        _counts((w, stage, n) for w, stage, _outcome, n in rows),
        {str(stage): name for stage, name in STAGE_NAMES.items()},
    )
    outcomes = tuple(
        StageOutcomes(
            stage,
            name,
            _table(
                _counts(
                    (w, AWAITING if outcome is None else outcome, n)
                    for w, s, outcome, n in rows
                    if s == stage
                ),
                OUTCOME_NAMES,
            ),
        )
        for stage, name in STAGE_NAMES.items()
    )
    return stages, outcomes


@dataclass(frozen=True)
class _StageOne:
    """The tables of Stage 1 complaints by what the complaint's item records: team, how
    received, who complained, advocacy. One pass over the Stage 1 rows of the three periods
    and their items, grouped once per table (GROUPING SETS), rather than a join per table."""

    teams: CountTable
    channels: CountTable
    complainants: CountTable
    advocacy: Advocacy

    @classmethod
    def count(cls, dates: _Dates) -> "_StageOne":
        which, inside = _stage_one(dates)
        team = func.coalesce(ComplaintStage.team_id, FeedbackItem.team_id)
        channel = FeedbackItem.received_via
        # The contact's role only where the form gave none (a few percent of complaints): a
        # probe of the contact's key for those, rather than hashing every contact.
        contact_role = (
            select(Contact.role).where(Contact.id == FeedbackItem.contact_id).scalar_subquery()
        )
        role = func.coalesce(FeedbackItem.submitter_role, contact_role)
        offered = FeedbackItem.advocacy_offered
        query = (
            select(
                which,
                team,
                channel,
                role,
                func.grouping(team),
                func.grouping(channel),
                func.grouping(role),
                func.count(),
                func.sum(case((FeedbackItem.advocate_requested.is_(True), 1), else_=0)),
                func.sum(case((offered.is_(True), 1), else_=0)),
                func.sum(case((FeedbackItem.advocacy_taken_up.is_(True), 1), else_=0)),
                func.sum(case((offered.is_(False), 1), else_=0)),
                func.sum(case((offered.is_(None), 1), else_=0)),
            )
            .join(FeedbackItem, FeedbackItem.id == ComplaintStage.feedback_item_id)
            .where(inside)
            .group_by(
                func.grouping_sets(
                    tuple_(which, team), tuple_(which, channel), tuple_(which, role), which
                )
            )
        )
        by: dict[str, list[tuple[str, Any, int]]] = {"team": [], "channel": [], "role": []}
        advocacy: dict[str, dict[str, int]] = {}
        complaints: dict[str, int] = {}
        for w, t, c, r, not_team, not_channel, not_role, n, *numbers in db.session.execute(query):
            if not not_team:
                by["team"].append((w, t, n))
            elif not not_channel:
                by["channel"].append((w, c, n))
            elif not not_role:
                by["role"].append((w, r, n))
            else:
                complaints[w] = n
                for key, number in zip(ADVOCACY_NAMES, numbers, strict=True):
                    advocacy.setdefault(key, {})[w] = int(number or 0)
        team_counts = _counts(by["team"])
        return cls(
            teams=_table(team_counts, _team_names(team_counts), every_name=False),
            channels=_table(_counts(by["channel"]), CHANNEL_NAMES, every_name=False),
            complainants=_table(_counts(by["role"]), ROLE_NAMES, every_name=False),
            advocacy=Advocacy(
                complaints=Comparison(
                    "complaints",
                    "Stage 1 complaints",
                    complaints.get(CURRENT, 0),
                    complaints.get(PREVIOUS, 0),
                    complaints.get(EARLIER, 0),
                ),
                rows=_table(advocacy, ADVOCACY_NAMES, total=False),
            ),
        )


def _team_names(counts: Mapping[str, Any]) -> dict[str, str]:
    """Names of the teams counted, by name, and "No team recorded" last."""
    ids = [int(key) for key in counts if key != NOT_RECORDED]
    named = db.session.execute(select(Team.id, Team.name).where(Team.id.in_(ids))).all()
    names = {str(team_id): name for team_id, name in sorted(named, key=lambda row: row[1])}
    return {**names, NOT_RECORDED: "No team recorded"}


def _themes(dates: _Dates) -> CountTable:
    which, inside = _stage_one(dates)
    query = (
        select(which, FeedbackTheme.theme, func.count())
        .join(FeedbackTheme, FeedbackTheme.feedback_item_id == ComplaintStage.feedback_item_id)
        .where(inside)
        .group_by(which, FeedbackTheme.theme)
    )
    counts = _counts(db.session.execute(query))
    return _table(counts, classification_themes.taxonomy_themes(), total=False)


def working_day_ordinals(first: date, last: date, nation: str) -> list[tuple[date, int]]:
    """Each day from `first` to `last` with the number of working days from `first` up to and
    including it: the working days after one day up to another are the difference."""
    ordinals = []
    count = 0
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        count += wd.is_working_day(day, nation)
        ordinals.append((day, count))
    return ordinals


def _answers(dates: _Dates, nation: str) -> tuple[ResponseTimes, tuple[StageTimeliness, ...]]:
    """Stage 1 responses by working days taken, and each stage's responses against its due
    date, from one pass over the stages of the three periods (GROUPING SETS)."""
    which, inside = dates.on(ComplaintStage.received_on)
    received, responded = _working_days(dates, nation, ComplaintStage.responded_on, inside)
    taken = responded.c.ordinal - received.c.ordinal
    bounds = regimes.current().response_bands
    answered_stage_one = and_(ComplaintStage.stage == 1, responded.c.ordinal.is_not(None))
    band = case((answered_stage_one, _band(taken, bounds)), else_=None)
    status = case(
        (ComplaintStage.responded_on.is_(None), AWAITING),
        (ComplaintStage.responded_on <= ComplaintStage.due_on, "in_time"),
        (
            and_(
                ComplaintStage.extended_due_on.is_not(None),
                ComplaintStage.responded_on <= ComplaintStage.extended_due_on,
            ),
            "extended",
        ),
        else_="late",
    )
    query = (
        select(
            which,
            ComplaintStage.stage,
            status,
            band,
            func.grouping(band),
            func.count(),
            func.sum(taken),
        )
        .outerjoin(received, received.c.day == ComplaintStage.received_on)
        .outerjoin(responded, responded.c.day == ComplaintStage.responded_on)
        .where(inside)
        .group_by(
            func.grouping_sets(tuple_(which, ComplaintStage.stage, status), tuple_(which, band))
        )
    )
    stage_rows, band_rows = [], []
    for w, stage, st, b, not_band, n, days in db.session.execute(query):
        if not_band:
            stage_rows.append((w, stage, st, n, days))
        elif b is not None:
            band_rows.append((w, b, n, days or 0))
    return _response_times(band_rows, stage_rows, bounds), _timeliness(stage_rows)


def _response_times(
    rows: list[tuple[str, str, int, int]],
    stage_rows: list[tuple[str, int, str, int, Any]],
    bounds: tuple[int, ...],
) -> ResponseTimes:
    awaiting = {w: n for w, stage, st, n, _days in stage_rows if stage == 1 and st == AWAITING}
    return ResponseTimes(
        bands=_table(_counts((w, b, n) for w, b, n, _days in rows), band_names(bounds)),
        average_current=_average(rows, CURRENT),
        average_previous=_average(rows, PREVIOUS),
        awaiting=Comparison(
            AWAITING,
            "Not answered yet",
            awaiting.get(CURRENT, 0),
            awaiting.get(PREVIOUS, 0),
            awaiting.get(EARLIER, 0),
        ),
        average_earlier=_average(rows, EARLIER),
    )


def _calendar_table(ordinals: list[tuple[date, int]]) -> Any:
    """The working-day calendar as a table in the query, so each response's working days are a
    join and a subtraction in the database rather than a count day by day per complaint.

    PostgreSQL takes it as two arrays; a VALUES list of a thousand rows would cost more to
    compile and send than the whole query takes to run."""
    if db.session.get_bind().dialect.name == "postgresql":
        days = bindparam("calendar_days", [d for d, _n in ordinals], type_=ARRAY(Date))
        numbers = bindparam("calendar_ordinals", [n for _d, n in ordinals], type_=ARRAY(Integer))
        return select(func.unnest(days).label("day"), func.unnest(numbers).label("ordinal")).cte(
            "working_day"
        )
    return (
        values(column("day", Date), column("ordinal", Integer), name="working_day")
        .data(ordinals)
        .cte("working_day")
    )


def _average(rows: Iterable[Any], which: str) -> float | None:
    answered = sum(n for w, _band, n, _days in rows if w == which)
    days = sum(total for w, _band, _n, total in rows if w == which)
    return days / answered if answered else None


def _compliments(dates: _Dates) -> Compliments:
    which, inside = dates.at(FeedbackItem.created_at)
    query = (
        select(which, ComplimentCredit.team_id, func.count())
        .select_from(FeedbackItem)
        .outerjoin(ComplimentCredit, ComplimentCredit.feedback_item_id == FeedbackItem.id)
        .where(FeedbackItem.kind == FeedbackKind.COMPLIMENT, inside)
        .group_by(which, ComplimentCredit.team_id)
    )
    counts = _counts(db.session.execute(query))
    names = {**_team_names(counts), NOT_RECORDED: "Not credited to a team"}
    return Compliments(_table(counts, names, every_name=False), _quotes(dates.period))


def _quotes(period: Period) -> tuple[Quote, ...]:
    """The newest compliments of the period, one per team, redacted and cut to a quote."""
    first, after = period.bounds()
    query = (
        select(
            FeedbackItem.id,
            Team.name,
            FeedbackItem.created_at,
            first_inbound_text(),
            ComplimentCredit.worker_name,
        )
        .add_columns(*_known_columns())
        .join(ComplimentCredit, ComplimentCredit.feedback_item_id == FeedbackItem.id)
        .join(Team, Team.id == ComplimentCredit.team_id)
        .outerjoin(Contact, Contact.id == FeedbackItem.contact_id)
        .where(
            FeedbackItem.kind == FeedbackKind.COMPLIMENT,
            FeedbackItem.created_at >= first,
            FeedbackItem.created_at < after,
            ~has_live_alert(),
        )
        .order_by(FeedbackItem.created_at.desc(), FeedbackItem.id.desc())
        .limit(QUOTES * 20)
    )
    quotes: dict[str, tuple[int, Quote]] = {}
    for item_id, team, received_at, text, *known in db.session.execute(query):
        if team not in quotes and (text or "").strip() and len(quotes) < QUOTES:
            quoted = quote(text, known=known, max_chars=QUOTE_CHARS)
            quotes[team] = (item_id, Quote(team, Month.of(received_at), quoted))
    themes = _theme_names({item_id for item_id, _ in quotes.values()})
    return tuple(replace(q, themes=themes.get(item_id, ())) for item_id, q in quotes.values())


def _theme_names(item_ids: set[int]) -> dict[int, tuple[str, ...]]:
    """The themes each item illustrates, by name, in the taxonomy's order."""
    if not item_ids:
        return {}
    names = classification_themes.taxonomy_themes()
    order = list(names)
    query = select(FeedbackTheme.feedback_item_id, FeedbackTheme.theme).where(
        FeedbackTheme.feedback_item_id.in_(item_ids)
    )
    found: dict[int, list[str]] = {}
    for item_id, theme in db.session.execute(query):
        if theme in names:
            found.setdefault(item_id, []).append(theme)
    return {
        item_id: tuple(names[t] for t in sorted(themes, key=order.index))
        for item_id, themes in found.items()
    }


def _known_columns() -> tuple[Any, ...]:
    """The sender's details that Heard holds, which redaction removes wherever they appear."""
    return (Contact.name, Contact.email, Contact.phone, Contact.phone_raw)


def _learning(dates: _Dates) -> Learning:
    which, inside = dates.at(LearningPoint.created_at)
    has_action = LearningPoint.action.is_not(None)
    not_done = and_(has_action, LearningPoint.done_on.is_(None))
    today = complaint_stages.today()
    overdue = {
        w: and_(not_done, LearningPoint.due_on < min(p.end, today))
        for w, p in ((CURRENT, dates.period), (PREVIOUS, dates.previous), (EARLIER, dates.earlier))
    }
    summary = select(
        which,
        func.count(),
        func.count(LearningPoint.action),
        func.sum(case((and_(has_action, LearningPoint.done_on.is_not(None)), 1), else_=0)),
        func.sum(case((not_done, 1), else_=0)),
        func.sum(
            case(
                (and_(which == CURRENT, overdue[CURRENT]), 1),
                (and_(which == PREVIOUS, overdue[PREVIOUS]), 1),
                (and_(which == EARLIER, overdue[EARLIER]), 1),
                else_=0,
            )
        ),
    ).where(inside)
    counts: dict[str, dict[str, int]] = {}
    for w, *numbers in db.session.execute(summary.group_by(which)):
        for key, n in zip(LEARNING_NAMES, numbers, strict=True):
            counts.setdefault(key, {})[w] = int(n or 0)
    by_team = select(which, LearningPoint.team_id, func.count()).where(inside)
    team_counts = _counts(db.session.execute(by_team.group_by(which, LearningPoint.team_id)))
    return Learning(
        summary=_table(counts, LEARNING_NAMES, total=False),
        by_team=_table(team_counts, _team_names(team_counts), every_name=False),
        entries=_learning_entries(dates.period),
    )


def _learning_entries(period: Period) -> tuple[LearningEntry, ...]:
    """The newest learning points of the period in words, redacted; none from an item with a
    safeguarding alert."""
    first, after = period.bounds()
    query = (
        select(LearningPoint, Team.name)
        .add_columns(*_known_columns())
        .join(FeedbackItem, FeedbackItem.id == LearningPoint.feedback_item_id)
        .outerjoin(Team, Team.id == LearningPoint.team_id)
        .outerjoin(Contact, Contact.id == FeedbackItem.contact_id)
        .where(LearningPoint.created_at >= first, LearningPoint.created_at < after)
        .where(~has_live_alert())
        .order_by(LearningPoint.created_at.desc(), LearningPoint.id.desc())
        .limit(LEARNING_LISTED)
    )
    names = classification_themes.taxonomy_themes()
    entries = []
    for point, team, *details in db.session.execute(query):
        known = [detail for detail in details if detail]
        entries.append(
            LearningEntry(
                recorded_on=uk_date(point.created_at),
                team=team or "No team recorded",
                themes=tuple(names.get(theme, theme) for theme in point.themes or []),
                lesson=redact(point.lesson, known=known),
                action=redact(point.action, known=known) if point.action else None,
                due_on=point.due_on,
                done_on=point.done_on,
            )
        )
    return tuple(entries)


def _ombudsman(dates: _Dates) -> CountTable:
    which, inside = dates.on(OmbudsmanReferral.referred_on)
    query = (
        select(which, OmbudsmanReferral.finding, func.count())
        .where(inside)
        .group_by(which, OmbudsmanReferral.finding)
    )
    counts = _counts(
        (w, AWAITING if finding is None else finding, n)
        for w, finding, n in db.session.execute(query)
    )
    return _table(counts, FINDING_NAMES)


def _members(dates: _Dates, nation: str) -> MemberCorrespondence:
    which, inside = dates.on(MemberEnquiry.received_on)
    reply = case(
        (MemberEnquiry.responded_on.is_(None), AWAITING),
        (MemberEnquiry.responded_on <= MemberEnquiry.due_on, "in_time"),
        else_="late",
    )
    query = (
        select(which, MemberEnquiry.member, reply, func.count())
        .where(inside)
        .group_by(which, MemberEnquiry.member, reply)
    )
    rows = db.session.execute(query).all()
    received, responded = _working_days(dates, nation, MemberEnquiry.responded_on, inside)
    taken = responded.c.ordinal - received.c.ordinal
    averages: dict[str, Any] = dict(
        db.session.execute(
            select(which, func.avg(taken))
            .join(received, received.c.day == MemberEnquiry.received_on)
            .join(responded, responded.c.day == MemberEnquiry.responded_on)
            .where(inside)
            .group_by(which)
        ).all()
    )
    return MemberCorrespondence(
        received=_table(_counts((w, member, n) for w, member, _r, n in rows), MEMBER_NAMES),
        replies=_table(_counts((w, r, n) for w, _member, r, n in rows), REPLY_NAMES),
        average_current=_float(averages.get(CURRENT)),
        average_previous=_float(averages.get(PREVIOUS)),
        average_earlier=_float(averages.get(EARLIER)),
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _working_days(
    dates: _Dates, nation: str, answered: Any, inside: ColumnElement[bool]
) -> tuple[Any, Any]:
    """The working-day calendar twice, to join on the day received and the day answered: it
    runs from the earlier period's start to the latest answer of the rows counted."""
    latest = db.session.execute(select(func.max(answered)).where(inside)).scalar_one()
    first = dates.first
    last = max(latest or first, dates.period.end)
    calendar = _calendar_table(working_day_ordinals(first, last, nation))
    return calendar.alias("received_day"), calendar.alias("answered_day")


def _timeliness(rows: list[tuple[str, int, str, int, Any]]) -> tuple[StageTimeliness, ...]:
    """Each stage's responses against its own due date and any extension, and the average
    working days taken."""
    result = []
    for stage, name in STAGE_NAMES.items():
        mine = [(w, st, n, days) for w, s, st, n, days in rows if s == stage]
        answered = [(w, st, n, days or 0) for w, st, n, days in mine if st != AWAITING]
        result.append(
            StageTimeliness(
                stage,
                name,
                _table(_counts((w, st, n) for w, st, n, _d in mine), TIMELINESS_NAMES),
                _average(answered, CURRENT),
                _average(answered, PREVIOUS),
                _average(answered, EARLIER),
            )
        )
    return tuple(result)


def _not_progressed(dates: _Dates) -> CountTable:
    which, inside = dates.on(ComplaintStage.next_stage_requested_on)
    query = (
        select(which, ComplaintStage.next_stage_declined, func.count())
        .where(inside, ComplaintStage.stage == 1, ComplaintStage.next_stage_declined.is_not(None))
        .group_by(which, ComplaintStage.next_stage_declined)
    )
    return _table(_counts(db.session.execute(query)), NOT_PROGRESSED_NAMES)


def _remedies(dates: _Dates) -> CountTable:
    which, inside = dates.on(ComplaintRemedy.recorded_on)
    query = (
        select(which, ComplaintRemedy.kind, func.count())
        .where(inside)
        .group_by(which, ComplaintRemedy.kind)
    )
    return _table(_counts(db.session.execute(query)), REMEDY_NAMES, total=False)


def _expenditure(dates: _Dates) -> CountTable:
    """Money, in pence: the independent people's costs and the payments made as remedies."""
    which, inside = dates.on(ComplaintCost.incurred_on)
    costs = select(which, ComplaintCost.kind, func.sum(ComplaintCost.amount_pence)).where(inside)
    paid_which, paid_inside = dates.on(ComplaintRemedy.recorded_on)
    payments = select(
        paid_which, ComplaintRemedy.kind, func.sum(ComplaintRemedy.amount_pence)
    ).where(paid_inside, ComplaintRemedy.amount_pence.is_not(None))
    rows = [
        *db.session.execute(costs.group_by(which, ComplaintCost.kind)),
        *db.session.execute(payments.group_by(paid_which, ComplaintRemedy.kind)),
    ]
    table = _table(_counts((w, kind, int(n or 0)) for w, kind, n in rows), EXPENDITURE_NAMES)
    return CountTable(table.rows, table.total, unit="pence")


def _action_plan(period: Period) -> tuple[ActionPlanEntry, ...]:
    """The actions from the period's learning points, oldest first, redacted; none from an
    item with a safeguarding alert."""
    first, after = period.bounds()
    query = (
        select(LearningPoint, Team.name, StaffUser.name)
        .add_columns(*_known_columns())
        .join(FeedbackItem, FeedbackItem.id == LearningPoint.feedback_item_id)
        .outerjoin(Team, Team.id == LearningPoint.team_id)
        .outerjoin(StaffUser, StaffUser.id == LearningPoint.owner_id)
        .outerjoin(Contact, Contact.id == FeedbackItem.contact_id)
        .where(LearningPoint.created_at >= first, LearningPoint.created_at < after)
        .where(LearningPoint.action.is_not(None), ~has_live_alert())
        .order_by(LearningPoint.created_at, LearningPoint.id)
        .limit(LEARNING_LISTED)
    )
    entries = []
    for point, team, owner, *details in db.session.execute(query):
        known = [detail for detail in details if detail]

        def clean(text: str | None, known: list[Any] = known) -> str | None:
            return redact(text, known=known) if text else None

        entries.append(
            ActionPlanEntry(
                team=team or "No team recorded",
                action=clean(point.action) or "",
                intended_outcome=clean(point.intended_outcome),
                owner=owner,
                due_on=point.due_on,
                done_on=point.done_on,
                update=clean(point.progress_update),
                updated_on=point.progress_updated_on,
            )
        )
    return tuple(entries)
