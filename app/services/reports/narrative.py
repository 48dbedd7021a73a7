"""The words around the figures: an executive summary, an introduction and a conclusion,
written by the learning team for one report period and kept with it.

The text holds placeholders such as {complaints}, filled with the report's figures each time
it is shown, so the words stay right when late records change the numbers. Until someone
writes their own, a plain draft built from the same placeholders stands in.
"""

import re
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import ReportNarrative, StaffUser
from app.services.common import Refusal
from app.services.reports.periods import Period
from app.services.reports.tables import Report
from app.services.staff import audit_log
from app.services.staff.audit_log import Action

MAX_CHARS = 10_000
PLACEHOLDER = re.compile(r"\{([a-z_0-9]+)\}")

DRAFT_SUMMARY = (
    "In {period}, {organisation} received {complaints} complaints at Stage 1 "
    "({complaints_before} in the same months a year before), {stage_2} at Stage 2 and "
    "{stage_3} at Stage 3. {within_timescale} of Stage 1 responses were sent within the "
    "timescale, and {upheld} of the Stage 1 complaints answered were upheld in full or in "
    "part. Independent investigators and persons cost {investigation_costs}, and "
    "{payments} was paid to complainants. We received {compliments} compliments."
)
DRAFT_INTRODUCTION = (
    "This report describes the complaints, representations and compliments about children's "
    "social care that {organisation} received from {period}, as the regulations require, and "
    "what was learned from them. Each table sets the period beside the same months a year "
    "before."
)
DRAFT_CONCLUSION = (
    "{open_actions} actions from learning points remain open. The action plan in this report "
    "says what each should achieve; the board will receive an update each quarter."
)
PLACEHOLDER_HELP = {
    "organisation": "the organisation's name",
    "period": "the dates of the report",
    "previous_period": "the same dates a year before",
    "complaints": "Stage 1 complaints received",
    "complaints_before": "Stage 1 complaints received the year before",
    "stage_2": "Stage 2 complaints received",
    "stage_3": "Stage 3 complaints received",
    "within_timescale": "share of Stage 1 responses within the timescale",
    "upheld": "share of Stage 1 complaints answered that were upheld in full or in part",
    "compliments": "compliments received",
    "investigation_costs": "cost of independent investigators and persons",
    "payments": "financial payments to complainants",
    "open_actions": "actions not done yet",
}


class NarrativeError(Refusal):
    """Text that cannot be kept; the message says why."""


@dataclass(frozen=True)
class Narrative:
    executive_summary: str
    introduction: str
    conclusion: str


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "no"


def _pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def figures(report: Report, organisation: str) -> dict[str, str]:
    """Every placeholder's value for this report."""
    stages = {row.key: row for row in report.stages.rows}
    stage_one = report.timeliness[0].responses if report.timeliness else None
    timely = {row.key: row.current for row in stage_one.rows} if stage_one else {}
    answered = sum(n for key, n in timely.items() if key != "awaiting")
    outcomes = {row.key: row.current for row in report.outcomes[0].outcomes.rows}
    decided = sum(n for key, n in outcomes.items() if key != "awaiting")
    money = {row.key: row.current for row in report.expenditure.rows} if report.expenditure else {}
    learning = {row.key: row.current for row in report.learning.summary.rows}
    return {
        "organisation": organisation,
        "period": report.period.label,
        "previous_period": report.previous.label,
        "complaints": str(stages["1"].current),
        "complaints_before": str(stages["1"].previous),
        "stage_2": str(stages["2"].current),
        "stage_3": str(stages["3"].current),
        "within_timescale": _percent(timely.get("in_time", 0), answered),
        "upheld": _percent(
            outcomes.get("upheld", 0) + outcomes.get("partially_upheld", 0), decided
        ),
        "compliments": str(report.compliments.by_team.total.current)
        if report.compliments.by_team.total
        else "0",
        "investigation_costs": _pounds(
            money.get("independent_investigator", 0) + money.get("independent_person", 0)
        ),
        "payments": _pounds(money.get("financial_payment", 0)),
        "open_actions": str(learning.get("actions_open", 0)),
    }


def fill(text: str, values: dict[str, str]) -> str:
    """The text with each known {placeholder} replaced; anything else left as written."""
    return PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), text)


def saved(period: Period) -> ReportNarrative | None:
    return db.session.scalars(
        select(ReportNarrative).where(
            ReportNarrative.period_start == period.start, ReportNarrative.period_end == period.end
        )
    ).first()


def texts(period: Period) -> Narrative:
    """The words as written for the period, placeholders unfilled; the draft where none."""
    kept = saved(period)
    return Narrative(
        executive_summary=(kept and kept.executive_summary) or DRAFT_SUMMARY,
        introduction=(kept and kept.introduction) or DRAFT_INTRODUCTION,
        conclusion=(kept and kept.conclusion) or DRAFT_CONCLUSION,
    )


def for_report(report: Report, organisation: str) -> Narrative:
    """The period's words with the report's figures in them."""
    values = figures(report, organisation)
    words = texts(report.period)
    return Narrative(
        executive_summary=fill(words.executive_summary, values),
        introduction=fill(words.introduction, values),
        conclusion=fill(words.conclusion, values),
    )


def save(
    period: Period,
    staff: StaffUser,
    executive_summary: str | None,
    introduction: str | None,
    conclusion: str | None,
    ip: str | None = None,
) -> ReportNarrative:
    """Keep the words for the period (an empty part goes back to the draft); audited."""
    parts = [(text or "").strip() or None for text in (executive_summary, introduction, conclusion)]
    if any(part and len(part) > MAX_CHARS for part in parts):
        raise NarrativeError(f"Keep each part to {MAX_CHARS:,} characters or fewer")
    kept = saved(period) or ReportNarrative(period_start=period.start, period_end=period.end)
    kept.executive_summary, kept.introduction, kept.conclusion = parts
    kept.updated_by_id = staff.id
    db.session.add(kept)
    db.session.flush()
    audit_log.record(
        Action.REPORT_TEXT_SAVED,
        staff,
        "report_narrative",
        kept.id,
        detail={"start": period.start.isoformat(), "end": period.end.isoformat()},
        ip_address=ip,
    )
    return kept
