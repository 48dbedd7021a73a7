"""Invitations to give audit feedback when a case ends: a link with a single-use token,
issued by email or text for a closed case, one per case.

A closed case is a complaint whose every stage has had its response (closed on the date of
the last), or an item staff marked closed with no complaint stages (closed on the day it was
last changed). The unique case column keeps it to one invitation per case however many runs
issue them at once: the second insert waits for the first and then fails, and that run moves
on. The link is in the message sent (kept with it, as every message is); the invitation row
keeps only a hash of the token.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, cast

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Subquery, and_, case, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.database import utcnow
from app.extensions import db
from app.language import replying_in
from app.models import (
    AuditInvitation,
    ComplaintStage,
    FeedbackItem,
    FeedbackKind,
    FeedbackStatus,
    Message,
    StaffUser,
)
from app.services.common import Refusal, uk_date, uk_midnight
from app.services.feedback_list import has_live_alert
from app.services.outbound import messages, replies
from app.services.staff import audit_log
from app.services.staff.audit_log import Action

PURPOSE = "audit_invitation"
# The most cases one bulk run lists or invites; a longer period is run again, or in parts.
MAX_CASES = 2000
CHANNELS = ("email", "sms")


class TokenProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


class InvitationUnusable(Refusal):
    def __init__(self, problem: TokenProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_invitation(
    case_reference: str | None = None, team_id: int | None = None, contact_id: int | None = None
) -> tuple[AuditInvitation, str]:
    """Create an invitation and return it with its token (the token is not stored, only a hash)."""
    token = secrets.token_urlsafe(32)
    invitation = AuditInvitation(
        token_hash=_hash(token),
        case_reference=case_reference,
        team_id=team_id,
        contact_id=contact_id,
        expires_at=utcnow() + timedelta(days=current_app.config["AUDIT_TOKEN_DAYS"]),
    )
    db.session.add(invitation)
    return invitation, token


def find_usable(token: str) -> AuditInvitation:
    """The invitation for a token, or InvitationUnusable saying why it cannot be used."""
    invitation = db.session.execute(
        select(AuditInvitation).where(AuditInvitation.token_hash == _hash(token))
    ).scalar_one_or_none()
    if invitation is None:
        raise InvitationUnusable(TokenProblem.UNKNOWN)
    if invitation.used_at is not None:
        raise InvitationUnusable(TokenProblem.USED)
    if invitation.expires_at <= utcnow():
        raise InvitationUnusable(TokenProblem.EXPIRED)
    return invitation


def redeem(token: str, item: FeedbackItem) -> AuditInvitation:
    """Mark the invitation used by this feedback, inside the caller's transaction.

    The conditional UPDATE makes two simultaneous submissions of one link leave one winner.
    """
    invitation = find_usable(token)
    claimed = cast(
        CursorResult[Any],
        db.session.execute(
            update(AuditInvitation)
            .where(AuditInvitation.id == invitation.id, AuditInvitation.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    if claimed.rowcount != 1:
        raise InvitationUnusable(TokenProblem.USED)
    invitation.feedback_item = item
    item.case_reference = item.case_reference or invitation.case_reference
    item.team_id = item.team_id or invitation.team_id
    return invitation


class InvitationRefused(Refusal):
    """An invitation that cannot be issued; the message says why."""


@dataclass(frozen=True)
class ClosedCase:
    item: FeedbackItem
    closed_on: date
    invited: bool
    channels: list[str]  # how a link could go, the person's preferred channel first
    safeguarding: bool  # a live alert: no invitation, as a link could reach the wrong person


@dataclass(frozen=True)
class BulkSummary:
    issued: int = 0
    already: int = 0
    unreachable: int = 0
    held_back: int = 0  # safeguarding items


def _stage_summary() -> Subquery:
    open_stages = func.sum(case((ComplaintStage.responded_on.is_(None), 1), else_=0))
    return (
        select(
            ComplaintStage.feedback_item_id.label("item_id"),
            func.max(ComplaintStage.responded_on).label("last_response"),
            open_stages.label("open_stages"),
        )
        .group_by(ComplaintStage.feedback_item_id)
        .subquery()
    )


def _closed_between(summary: Subquery, start: date, end: date) -> ColumnElement[bool]:
    return or_(
        and_(summary.c.open_stages == 0, summary.c.last_response.between(start, end)),
        and_(
            summary.c.item_id.is_(None),
            FeedbackItem.status == FeedbackStatus.CLOSED,
            FeedbackItem.updated_at >= uk_midnight(start),
            FeedbackItem.updated_at < uk_midnight(end + timedelta(days=1)),
        ),
    )


def closed_cases(start: date, end: date, limit: int = MAX_CASES) -> list[ClosedCase]:
    """Cases closed from `start` to `end` (both included), oldest first, each with whether it
    has its invitation, in a fixed number of queries."""
    summary = _stage_summary()
    invited = select(AuditInvitation.id).where(AuditInvitation.case_item_id == FeedbackItem.id)
    query = (
        select(FeedbackItem, summary.c.last_response, invited.exists(), has_live_alert())
        .outerjoin(summary, summary.c.item_id == FeedbackItem.id)
        .options(joinedload(FeedbackItem.contact), joinedload(FeedbackItem.team))
        .where(FeedbackItem.kind != FeedbackKind.AUDIT, _closed_between(summary, start, end))
        .order_by(FeedbackItem.id)
        .limit(limit)
    )
    found = [
        ClosedCase(
            item,
            last or uk_date(item.updated_at),
            bool(done),
            replies.reply_channels(item),
            bool(alert),
        )
        for item, last, done, alert in db.session.execute(query).all()
    ]
    return sorted(found, key=lambda c: (c.closed_on, c.item.id))


def closed_case(item: FeedbackItem) -> ClosedCase | None:
    """The item as a closed case, or None while it is open."""
    summary = _stage_summary()
    query = (
        select(summary.c.last_response, summary.c.open_stages, has_live_alert())
        .select_from(FeedbackItem)
        .outerjoin(summary, summary.c.item_id == FeedbackItem.id)
        .where(FeedbackItem.id == item.id)
    )
    last, open_stages, alert = db.session.execute(query).one()
    if item.kind == FeedbackKind.AUDIT:
        return None
    if last is not None and open_stages == 0:
        closed_on = last
    elif open_stages is None and item.status == FeedbackStatus.CLOSED:
        closed_on = uk_date(item.updated_at)
    else:
        return None
    done = invitation_of(item) is not None
    return ClosedCase(item, closed_on, done, replies.reply_channels(item), bool(alert))


def invitation_of(item: FeedbackItem) -> AuditInvitation | None:
    """The invitation issued for this case, if there is one."""
    query = select(AuditInvitation).where(AuditInvitation.case_item_id == item.id)
    return db.session.execute(query).scalar_one_or_none()


def issue(
    closed: ClosedCase, channel: str, staff: StaffUser | None = None, ip: str | None = None
) -> Message | None:
    """Issue the case's one invitation by email or text, audited; None if another run issued
    it first. Refused for an open case, a channel the person cannot be reached on (opted
    out, no address) or a safeguarding item."""
    item = closed.item
    if closed.safeguarding:
        raise InvitationRefused(_("This case has a safeguarding alert: no link is sent"))
    if channel not in closed.channels:
        raise InvitationRefused(_("The person cannot be reached that way"))
    if closed.invited:
        return None
    invitation, token = create_invitation(item.case_reference, item.team_id, item.contact_id)
    invitation.case_item_id = item.id
    invitation.channel = channel
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return None
    contact = item.contact
    assert contact is not None
    address = contact.email if channel == "email" else contact.phone
    assert address is not None
    team = item.team.name if item.team is not None else None
    with replying_in(contact.language):  # in the person's language, Welsh or English
        text = invitation_text(link_for(token), team, channel)
        context = {"subject": str(_("How did we do?"))} if channel == "email" else None
    message = messages.new_outbound(channel, address, text, PURPOSE, item, context)
    db.session.flush()
    audit_log.record(
        Action.AUDIT_INVITATION_ISSUED,
        staff,
        "feedback_item",
        item.id,
        detail={"channel": channel, "invitation_id": invitation.id},
        ip_address=ip,
    )
    messages.enqueue_send(message.id)
    return message


def issue_for_period(start: date, end: date, staff: StaffUser | None = None) -> BulkSummary:
    """Invite every case closed in the period that has no invitation yet, by the person's
    preferred channel; safe to run twice, or twice at once."""
    issued = already = unreachable = held_back = 0
    for closed in closed_cases(start, end):
        if closed.invited:
            already += 1
        elif closed.safeguarding:
            held_back += 1
        elif not closed.channels:
            unreachable += 1
        elif issue(closed, closed.channels[0], staff) is None:
            already += 1
        else:
            issued += 1
    return BulkSummary(issued, already, unreachable, held_back)


def link_for(token: str) -> str:
    """The public address of an invitation's form."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/how-did-we-do/{token}"


def invitation_text(link: str, team: str | None, channel: str) -> str:
    """The invitation's words: which service it is about, the link, how long it works; never
    anything about the case itself."""
    days = current_app.config["AUDIT_TOKEN_DAYS"]
    service = team or _("our service")
    words: str = _(
        "Heard: your time with %(service)s has ended. Please tell us how we did: %(link)s "
        "The link works for %(days)d days.",
        service=service,
        link=link,
        days=days,
    )
    if channel == "sms":
        words += " " + _("Text STOP to stop texts.")
    return words
