"""Who is on duty for safeguarding, how soon an alert must be reviewed, and telling them.

A new alert is sent to the first reviewer on duty. If nobody acknowledges it by its review
target, it goes to the next reviewer on the rota and to every manager, and again every
SAFEGUARDING_ESCALATE_EVERY_MINUTES until someone acknowledges it.
The notifications carry a link and nothing else: no words from the message, no names.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, or_, select

from app.database import utcnow
from app.extensions import db
from app.models import (
    LEADERSHIP_ROLES,
    SAFEGUARDING_ROLES,
    AlertStatus,
    RotaKind,
    RotaShift,
    SafeguardingAlert,
    StaffRole,
    StaffUser,
)
from app.services.common import UK_TIME, nation
from app.services.complaints.deadlines import is_working_day
from app.services.outbound import messages as outbound_messages
from app.services.safeguarding import notifications
from channels.sms import normalise_number

log = logging.getLogger(__name__)

OFFICE_OPENS = time(9, 0)
OFFICE_CLOSES = time(17, 0)
PURPOSE = "safeguarding_alert"
# An alert whose first notification job never ran (queue down) is picked up by the sweep after this.
UNNOTIFIED_GRACE = timedelta(minutes=2)


def in_office_hours(at: datetime) -> bool:
    """Monday to Friday, 9am to 5pm in England, bank holidays excepted."""
    local = at.astimezone(UK_TIME)
    return is_working_day(local.date(), nation()) and OFFICE_OPENS <= local.time() < OFFICE_CLOSES


def rota_kind(at: datetime) -> RotaKind:
    """Which rota covers this moment."""
    return RotaKind.DAY if in_office_hours(at) else RotaKind.OUT_OF_HOURS


def review_target(received_at: datetime) -> datetime:
    """When an alert about a message received then must have been looked at."""
    config = current_app.config
    if in_office_hours(received_at):
        minutes = config["SAFEGUARDING_TARGET_MINUTES_DAY"]
    else:
        minutes = config["SAFEGUARDING_TARGET_MINUTES_OUT_OF_HOURS"]
    return received_at + timedelta(minutes=minutes)


def received_at(alert: SafeguardingAlert) -> datetime:
    """When the flagged message arrived; a manual flag counts from when it was raised."""
    return alert.message.received_at if alert.message else alert.created_at


@dataclass(frozen=True)
class Recipient:
    """Someone to tell: a member of staff, or a fallback contact from the configuration."""

    staff_user_id: int | None
    email: str | None
    phone: str | None


def on_duty(at: datetime) -> list[Recipient]:
    """The reviewers on duty at a moment, first to call first: the rota of that kind, or any
    shift at all if that rota has a gap."""
    query = (
        select(RotaShift)
        .join(StaffUser)
        .where(RotaShift.starts_at <= at, RotaShift.ends_at > at, StaffUser.active.is_(True))
        .order_by(RotaShift.order, RotaShift.starts_at, RotaShift.id)
    )
    shifts = list(db.session.execute(query).scalars())
    kind = rota_kind(at)
    matching = [shift for shift in shifts if shift.kind == kind] or shifts
    seen: set[int] = set()
    recipients = []
    for shift in matching:
        if shift.staff_user_id not in seen:
            seen.add(shift.staff_user_id)
            phone = shift.phone or shift.staff_user.phone
            recipients.append(Recipient(shift.staff_user_id, shift.staff_user.email, phone))
    return recipients


def _staff_with_roles(*roles: StaffRole) -> list[Recipient]:
    query = (
        select(StaffUser)
        .where(StaffUser.role.in_(roles), StaffUser.active.is_(True))
        .order_by(StaffUser.id)
    )
    return [Recipient(u.id, u.email, u.phone) for u in db.session.execute(query).scalars()]


def managers() -> list[Recipient]:
    """Every active manager, by email and, where they gave a mobile number, by text."""
    return _staff_with_roles(StaffRole.MANAGER)


def fallback_contacts() -> list[Recipient]:
    """The named contacts in SAFEGUARDING_FALLBACK_CONTACTS: email addresses and numbers."""
    contacts = []
    for entry in current_app.config["SAFEGUARDING_FALLBACK_CONTACTS"].split(","):
        entry = entry.strip()
        if not entry:
            continue
        if "@" in entry:
            contacts.append(Recipient(None, entry, None))
        elif (number := normalise_number(entry).e164) is not None:
            contacts.append(Recipient(None, None, number))
    return contacts


def fallback_chain() -> list[Recipient]:
    """Who is told when the rota has nobody or no notification got through: the named
    fallback contacts, then every manager and admin, by text and email."""
    return fallback_contacts() + _staff_with_roles(*LEADERSHIP_ROLES)


def recipients_for(level: int, at: datetime) -> list[Recipient]:
    """Level 0 is the first reviewer on duty; each escalation the next one and the managers.
    With nobody on duty, the whole fallback chain at once."""
    reviewers = on_duty(at)
    if not reviewers:
        return _distinct(fallback_chain())
    chosen = [reviewers[level % len(reviewers)]]
    if level > 0:
        chosen += managers()
    return _distinct(chosen)


def _distinct(people: list[Recipient]) -> list[Recipient]:
    """Each person once (a manager on the rota is not told twice), in order."""
    seen: set[tuple[int | None, str | None, str | None]] = set()
    out = []
    for person in people:
        key = (
            (person.staff_user_id, None, None)
            if person.staff_user_id
            else (None, person.email, person.phone)
        )
        if key not in seen:
            seen.add(key)
            out.append(person)
    return out


def notification_text(alert_id: int) -> str:
    """The whole notification: a link to sign in and read it, nothing from the message."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"A safeguarding alert needs review: {base}/staff/safeguarding/{alert_id}"


def _notify(
    alert: SafeguardingAlert, level: int, at: datetime, people: list[Recipient] | None = None
) -> int:
    """Queue an SMS and an email to each person for this level; returns how many were queued."""
    text = notification_text(alert.id)
    context = {"subject": "Safeguarding alert needs review", "alert_id": alert.id, "level": level}
    messages = []
    for person in recipients_for(level, at) if people is None else people:
        for channel, address in (("sms", person.phone), ("email", person.email)):
            if address:
                message = outbound_messages.new_outbound(
                    channel, address, text, PURPOSE, None, context
                )
                message.alert_id = alert.id
                messages.append(message)
    alert.notified_level = level
    alert.next_escalation_at = _next_escalation(alert, at)
    db.session.commit()
    for message in messages:
        outbound_messages.enqueue_send(message.id)
    if not messages:
        log.error(
            "safeguarding alert %s: nobody to notify (no rota, no fallback contact, no manager "
            "or admin); it shows on every staff page until someone is",
            alert.id,
        )
    return len(messages)


def _next_escalation(alert: SafeguardingAlert, at: datetime) -> datetime:
    target = review_target(received_at(alert))
    if target > at:
        return target
    return at + timedelta(minutes=current_app.config["SAFEGUARDING_ESCALATE_EVERY_MINUTES"])


def _locked(alert_id: int) -> SafeguardingAlert | None:
    return db.session.execute(
        select(SafeguardingAlert).where(SafeguardingAlert.id == alert_id).with_for_update()
    ).scalar_one_or_none()


def notify_new_alert(alert_id: int, at: datetime | None = None) -> int:
    """Tell the on-duty reviewer about a new alert, once. Returns how many messages were queued."""
    alert = _locked(alert_id)
    if alert is None or alert.notified_level is not None or alert.status != AlertStatus.OPEN:
        db.session.rollback()
        return 0
    return _notify(alert, 0, at or utcnow())


def _due(now: datetime) -> ColumnElement[bool]:
    """Open alerts past their time, or never notified although raised a while ago."""
    return (SafeguardingAlert.status == AlertStatus.OPEN) & or_(
        SafeguardingAlert.next_escalation_at <= now,
        (SafeguardingAlert.notified_level.is_(None))
        & (SafeguardingAlert.created_at <= now - UNNOTIFIED_GRACE),
    )


def escalate_overdue(now: datetime | None = None) -> list[int]:
    """Notify anew every open alert past its time: the next reviewer and the managers, or the
    first reviewer if nobody was ever told; and the fallback chain, once, for any alert whose
    notifications all failed. Returns the ids of the alerts notified.

    Safe when two runs overlap: each alert is locked and looked at again before anyone is
    told, so a second run finds it no longer due and moves on."""
    now = now or utcnow()
    due_ids = db.session.execute(
        select(SafeguardingAlert.id)
        .where(_due(now))
        .order_by(SafeguardingAlert.created_at)
        .limit(500)
    ).scalars()
    unreached_ids = notifications.unreached_alert_ids(now)
    notified = []
    for alert_id in dict.fromkeys([*due_ids, *unreached_ids]):
        alert = _locked(alert_id)
        if alert is None:
            db.session.rollback()
            continue
        if db.session.execute(select(_due(now)).where(SafeguardingAlert.id == alert_id)).scalar():
            level = 0 if alert.notified_level is None else alert.notified_level + 1
            _notify(alert, level, now)
        elif alert.fallback_notified_at is None and notifications.unreached(alert.id, now):
            alert.fallback_notified_at = now
            _notify(alert, alert.notified_level or 0, now, fallback_chain())
        else:
            db.session.rollback()
            continue
        notified.append(alert_id)
    return notified


# Nobody on the rota at any moment in this long ahead shows on every staff page.
ROTA_HORIZON = timedelta(hours=24)


def first_gap(now: datetime, horizon: timedelta = ROTA_HORIZON) -> datetime | None:
    """The first moment from now, within the horizon, when no active reviewer is on duty."""
    end = now + horizon
    query = (
        select(RotaShift.starts_at, RotaShift.ends_at)
        .join(StaffUser)
        .where(RotaShift.ends_at > now, RotaShift.starts_at < end, StaffUser.active.is_(True))
        .order_by(RotaShift.starts_at)
    )
    covered_until = now
    for starts_at, ends_at in db.session.execute(query):
        if starts_at > covered_until:
            return covered_until
        covered_until = max(covered_until, ends_at)
        if covered_until >= end:
            return None
    return covered_until if covered_until < end else None


def chain_status(now: datetime | None = None) -> notifications.ChainStatus:
    """Whether a new alert would reach a person: alerts that reached nobody, channels whose
    notifications are failing, and the first gap in the rota in the next day."""
    now = now or utcnow()
    return notifications.ChainStatus(
        unreached_alerts=notifications.unreached_alert_count(now),
        failing_channels=notifications.failing_channels(now),
        rota_gap_from=first_gap(now),
    )


def set_shift(
    staff_user_id: int,
    starts_at: datetime,
    ends_at: datetime,
    kind: RotaKind,
    order: int = 0,
    phone: str | None = None,
) -> RotaShift:
    """Add a shift to the rota and commit."""
    shift = RotaShift(
        staff_user_id=staff_user_id,
        starts_at=starts_at,
        ends_at=ends_at,
        kind=kind,
        order=order,
        phone=phone,
    )
    db.session.add(shift)
    db.session.commit()
    return shift


def remove_shift(shift_id: int) -> bool:
    """Take a shift off the rota; False if there was no such shift."""
    shift = db.session.get(RotaShift, shift_id)
    if shift is None:
        return False
    db.session.delete(shift)
    db.session.commit()
    return True


def upcoming_shifts(now: datetime | None = None) -> list[RotaShift]:
    """Shifts not yet over, soonest first."""
    query = (
        select(RotaShift)
        .where(RotaShift.ends_at > (now or utcnow()))
        .order_by(RotaShift.starts_at, RotaShift.order, RotaShift.id)
        .limit(500)
    )
    return list(db.session.execute(query).scalars())


def reviewers() -> list[StaffUser]:
    """Accounts that may be put on the rota."""
    roles = SAFEGUARDING_ROLES
    query = (
        select(StaffUser)
        .where(StaffUser.role.in_(roles), StaffUser.active)
        .order_by(StaffUser.name)
    )
    return list(db.session.execute(query).scalars())
