"""Whether safeguarding notifications reach anyone: the facts the escalation sweep, the banner
on every staff page and /healthz all read.

A notification has reached someone once the provider took it (`sent`, then perhaps
`delivered`). It is failing once it was refused or bounced, or an attempt to send it failed and
it waits for a retry. An alert nobody has been reached about, while every notification sent
for it is failing, goes to the fallback chain; one nobody could be told about at all shows on
every staff page.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from app.extensions import db
from app.models import AlertStatus, DeliveryStatus, Message, SafeguardingAlert

PURPOSE = "safeguarding_alert"
REACHED = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED)
FINAL_FAILURES = (
    DeliveryStatus.REFUSED,
    DeliveryStatus.FAILED,
    DeliveryStatus.UNDELIVERED,
    DeliveryStatus.CANCELED,
    DeliveryStatus.OPTED_OUT,
)
# An alert this old that has reached nobody is shown on every staff page, even while its
# notifications may still be on their way.
GRACE = timedelta(minutes=1)


def _reached() -> ColumnElement[bool]:
    return Message.delivery_status.in_(REACHED)


def _failing() -> ColumnElement[bool]:
    return or_(
        Message.delivery_status.in_(FINAL_FAILURES),
        and_(Message.delivery_status == DeliveryStatus.PENDING, Message.send_attempts > 0),
    )


def _notification_of(
    alert_id: ColumnElement[int] | InstrumentedAttribute[int] | int,
) -> ColumnElement[bool]:
    return and_(Message.alert_id == alert_id, Message.purpose == PURPOSE)


def unreached_alert_ids(now: datetime) -> list[int]:
    """Open alerts notified at least once, not yet sent to the fallback chain, that reached
    nobody, and whose every notification is failing (or that had nobody to notify)."""
    alert = SafeguardingAlert
    query = (
        select(alert.id)
        .where(alert.status == AlertStatus.OPEN, alert.notified_level.is_not(None))
        .where(alert.fallback_notified_at.is_(None))
        .where(~exists().where(_notification_of(alert.id), _reached()))
        .where(~exists().where(_notification_of(alert.id), ~_failing()))
        .order_by(alert.created_at)
        .limit(500)
    )
    return list(db.session.execute(query).scalars())


def unreached(alert_id: int, now: datetime) -> bool:
    """Whether this alert reached nobody and every notification about it is failing."""
    return alert_id in set(unreached_alert_ids(now))


@dataclass(frozen=True)
class ChainStatus:
    """What a member of staff, or a monitor, must know about the chain to reviewers."""

    unreached_alerts: int
    failing_channels: tuple[str, ...]
    rota_gap_from: datetime | None

    @property
    def ok(self) -> bool:
        return not (self.unreached_alerts or self.failing_channels or self.rota_gap_from)


def unreached_alert_count(now: datetime) -> int:
    """Open alerts no notification has reached: at once when there was nobody to tell or
    every notification is failing, and after GRACE when they are still on their way."""
    alert = SafeguardingAlert
    hopeless = alert.notified_level.is_not(None) & ~exists().where(
        _notification_of(alert.id), ~_failing()
    )
    query = (
        select(func.count())
        .select_from(alert)
        .where(alert.status == AlertStatus.OPEN)
        .where(~exists().where(_notification_of(alert.id), _reached()))
        .where(or_(hopeless, alert.created_at <= now - GRACE))
    )
    return int(db.session.execute(query).scalar_one())


def failing_channels(now: datetime, within: timedelta = timedelta(days=7)) -> tuple[str, ...]:
    """The channels (sms, email) whose latest safeguarding notification is failing."""
    failing = []
    for channel in ("sms", "email"):
        latest = db.session.execute(
            select(Message.delivery_status, Message.send_attempts)
            .where(Message.purpose == PURPOSE, Message.channel == channel)
            .where(Message.received_at >= now - within)
            .order_by(Message.id.desc())
            .limit(1)
        ).first()
        if latest is not None and (
            latest.delivery_status in FINAL_FAILURES
            or (latest.delivery_status == DeliveryStatus.PENDING and latest.send_attempts > 0)
        ):
            failing.append(channel)
    return tuple(failing)
