"""Jobs run when a safeguarding alert is raised."""

from rq import Retry

from app.jobs import job
from app.services.safeguarding import follow_up, misses, rota


@job("urgent", retry=Retry(max=5, interval=[5, 30, 60, 300, 900]), timeout=60)
def alert_raised(alert_id: int) -> None:
    """Follow up a newly raised alert by id."""
    follow_up.follow_up(alert_id)


@job("urgent", timeout=120)
def escalate_alerts() -> None:
    """Escalate alerts nobody acknowledged in time, and notify any nobody was told about."""
    rota.escalate_overdue()


@job("periodic", timeout=300)
def draw_second_look_sample() -> None:
    """Draw this week's sample of unflagged messages for reviewers to read again."""
    misses.draw_weekly_sample()
