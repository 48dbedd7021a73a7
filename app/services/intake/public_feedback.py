"""What the public forms need from the rest of Heard: the teams to choose from, and the
response date a complaint's confirmation promises."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import FeedbackKind, Team
from app.services.common import uk_date
from app.services.complaints.deadlines import STAGE_1_WORKING_DAYS, add_working_days

__all__ = ["stage_one_due", "team_names", "uk_date"]


def team_names() -> list[str]:
    """Every team's name, in alphabetical order, for the adults' form to offer."""
    return list(db.session.execute(select(Team.name).order_by(Team.name)).scalars())


def stage_one_due(kind: FeedbackKind, today: date, nation: str = "ENG") -> date | None:
    """The Stage 1 response date for a complaint received `today`; None for other kinds."""
    if kind != FeedbackKind.COMPLAINT:
        return None
    return add_working_days(today, STAGE_1_WORKING_DAYS, nation)
