"""What happens once a safeguarding alert is raised, outside the classifier's transaction."""

from app.extensions import db
from app.models import SafeguardingAlert
from app.services.safeguarding import help_lines, rota


def follow_up(alert_id: int) -> None:
    """Tell the on-duty reviewer, then send the person who wrote the flagged message the help
    lines on the channel they used (text or email), unless they were sent them already."""
    rota.notify_new_alert(alert_id)
    alert = db.session.get(SafeguardingAlert, alert_id)
    if alert is None:
        return
    help_lines.send_to_the_writer(alert)
