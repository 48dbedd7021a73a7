"""Invitations to give audit feedback when a case ends: a link with a single-use token."""

import hashlib
import secrets
from datetime import timedelta
from enum import StrEnum
from typing import Any, cast

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from app.database import utcnow
from app.extensions import db
from app.models import AuditInvitation, FeedbackItem
from app.services.common import Refusal


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
