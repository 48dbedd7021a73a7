"""Who owns a new complaint from the moment it is received: a default owner per team, chosen
by managers, named in the acknowledgement and set as the Stage 1 manager when it opens."""

from sqlalchemy import select

from app.extensions import db
from app.models import COMPLAINTS_ROLES, StaffUser, Team
from app.services.common import Refusal
from app.services.staff import audit_log
from app.services.staff.audit_log import Action


class OwnerRefused(Refusal):
    """A default owner who cannot own complaints."""


def may_own(user: StaffUser | None) -> bool:
    """Whether someone may own complaints: an active complaints officer, manager or admin."""
    return user is not None and user.active and user.role in COMPLAINTS_ROLES


def default_owner(team: Team | None) -> StaffUser | None:
    """The team's default owner, if they may still own complaints (an account deactivated or
    moved to another role since is passed over, not named to a complainant)."""
    if team is None or team.default_owner_id is None:
        return None
    owner = db.session.get(StaffUser, team.default_owner_id)
    return owner if may_own(owner) else None


def teams_with_owners() -> list[tuple[Team, StaffUser | None]]:
    """Every team with its default owner (as chosen, whether or not they still may own), by
    name, in one query."""
    query = (
        select(Team, StaffUser)
        .outerjoin(StaffUser, StaffUser.id == Team.default_owner_id)
        .order_by(Team.name)
    )
    return [(team, owner) for team, owner in db.session.execute(query).all()]


def set_default_owner(
    team: Team, owner: StaffUser | None, staff: StaffUser, ip: str | None = None
) -> None:
    """Choose (or clear) a team's default owner; audited, and committed with the audit event."""
    if owner is not None and not may_own(owner):
        raise OwnerRefused("Choose an active complaints officer or manager")
    before = team.default_owner_id
    team.default_owner_id = owner.id if owner is not None else None
    audit_log.record(
        Action.TEAM_DEFAULT_OWNER_SET,
        staff,
        "team",
        team.id,
        detail={"before": before, "after": team.default_owner_id},
        ip_address=ip,
    )
