"""What the public forms need from the rest of Heard: the teams to choose from, and the
response date a complaint's confirmation promises."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.models import FeedbackKind, Team
from app.services.deadlines import STAGE_1_WORKING_DAYS, add_working_days

# Working days are counted in the calendar of the people we serve, not in UTC.
UK_TIME = ZoneInfo("Europe/London")


def team_names() -> list[str]:
    """Every team's name, in alphabetical order, for the adults' form to offer."""
    return list(db.session.execute(select(Team.name).order_by(Team.name)).scalars())


def uk_date(moment: datetime) -> date:
    """The date it was in the UK at a moment, which is the day feedback counts as received."""
    return moment.astimezone(UK_TIME).date()


def stage_one_due(kind: FeedbackKind, today: date, calendar: str = "ENG") -> date | None:
    """The Stage 1 response date for a complaint received `today`; None for other kinds."""
    if kind != FeedbackKind.COMPLAINT:
        return None
    return add_working_days(today, STAGE_1_WORKING_DAYS, calendar)
