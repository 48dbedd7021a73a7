"""What the public forms need from the rest of Heard: the teams to choose from, and the
response date a complaint's confirmation promises."""

from datetime import date, datetime

from sqlalchemy import select

from app.extensions import db
from app.models import FeedbackKind, Team
from app.services.common import uk_date
from app.services.complaints import receipt, regimes
from app.services.complaints.deadlines import add_working_days

__all__ = ["received_on", "stage_one_days", "stage_one_due", "team_names", "uk_date"]


def team_names() -> list[str]:
    """Every team's name, in alphabetical order, for the adults' form to offer."""
    return list(db.session.execute(select(Team.name).order_by(Team.name)).scalars())


def stage_one_due(kind: FeedbackKind, today: date, nation: str = "ENG") -> date | None:
    """The Stage 1 response date for a complaint received `today`; None for other kinds."""
    if kind != FeedbackKind.COMPLAINT:
        return None
    return add_working_days(today, stage_one_days(), nation)


def received_on(moment: datetime) -> date:
    """The day a complaint that arrived at `moment` counts as received (its clock's start)."""
    return receipt.clock_starts(moment)


def stage_one_days() -> int:
    """The working days the regime in force gives a first response."""
    return regimes.current().stage(1).working_days
