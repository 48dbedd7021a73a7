"""What happens once a safeguarding alert is raised, outside the classifier's transaction."""

from app.extensions import db
from app.models import SafeguardingAlert
from app.services import sms


def follow_up(alert_id: int) -> None:
    """Send the person who wrote the flagged message the safety lines, on their channel."""
    alert = db.session.get(SafeguardingAlert, alert_id)
    if alert is None:
        return
    sms.send_safety_reply(alert)
