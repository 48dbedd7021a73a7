"""Correspondence the annual reports count beside complaints: MP and councillor enquiries and
their 10 working-day target, Ombudsman referrals and findings, and compliments credited to a
team or worker.

Every staff action writes an audit event, which also commits the change with it.
"""

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import select

from app.extensions import db
from app.models import (
    ComplimentCredit,
    ContactRole,
    ElectedMember,
    FeedbackItem,
    FeedbackKind,
    MemberEnquiry,
    OmbudsmanFinding,
    OmbudsmanReferral,
    StaffUser,
    Team,
)
from app.services.common import nation
from app.services.complaints import deadlines as wd
from app.services.complaints import stages as complaint_stages
from app.services.complaints.stages import MAX_REASON_CHARS, ComplaintRuleError
from app.services.staff import audit_log
from app.services.staff.audit_log import Action

MEMBER_RESPONSE_WORKING_DAYS = 10
MAX_OMBUDSMAN_REFERENCE_CHARS = 64
MAX_WORKER_NAME_CHARS = 200


@dataclass(frozen=True)
class Correspondence:
    """What an item page shows of the correspondence recorded against an item."""

    enquiry: MemberEnquiry | None
    referral: OmbudsmanReferral | None
    credit: ComplimentCredit | None
    suggested_member: ElectedMember | None
    # At triage, an uncredited compliment is suggested for the item's own team.
    suggested_team: Team | None = None


Row = TypeVar("Row", MemberEnquiry, OmbudsmanReferral, ComplimentCredit)


def _one(model: type[Row], item_id: int) -> Row | None:
    query = select(model).where(model.feedback_item_id == item_id)
    return db.session.execute(query).scalar_one_or_none()


def of(item: FeedbackItem) -> Correspondence:
    """The enquiry, referral and credit recorded for an item, if any."""
    credit = _one(ComplimentCredit, item.id)
    return Correspondence(
        enquiry=_one(MemberEnquiry, item.id),
        referral=_one(OmbudsmanReferral, item.id),
        credit=credit,
        suggested_member=suggested_member(item),
        suggested_team=None if credit else suggested_credit_team(item),
    )


def suggested_credit_team(item: FeedbackItem) -> Team | None:
    """The team to suggest crediting a compliment to: the item's own, while none is credited."""
    if item.kind != FeedbackKind.COMPLIMENT or item.team is None:
        return None
    return None if _one(ComplimentCredit, item.id) else item.team


def suggested_member(item: FeedbackItem) -> ElectedMember | None:
    """MP when the item says it came from an MP; councillors have no contact role of their own."""
    roles = {item.submitter_role, item.contact.role if item.contact else None}
    return ElectedMember.MP if ContactRole.MP in roles else None


def _past_date(value: date, earliest: date | None, what: str) -> None:
    if value > complaint_stages.today():
        raise ComplaintRuleError(f"The {what} cannot be in the future")
    if earliest is not None and value < earliest:
        raise ComplaintRuleError(f"The {what} cannot be before {earliest.day} {earliest:%B %Y}")


def _audit(
    action: Action,
    staff: StaffUser | None,
    object_type: str,
    row_id: int,
    item_id: int,
    ip: str | None,
    **detail: object,
) -> None:
    audit_log.record(
        action,
        staff,
        object_type,
        row_id,
        detail={"feedback_item_id": item_id, **detail},
        ip_address=ip,
    )


def record_member_enquiry(
    item: FeedbackItem,
    staff: StaffUser,
    member: ElectedMember,
    received_on: date,
    ip: str | None = None,
) -> MemberEnquiry:
    """Count an item as an MP's or councillor's enquiry and start its 10 working-day clock."""
    if _one(MemberEnquiry, item.id) is not None:
        raise ComplaintRuleError("This item is recorded as an enquiry already")
    _past_date(received_on, None, "date received")
    enquiry = MemberEnquiry(
        feedback_item_id=item.id,
        member=member,
        received_on=received_on,
        due_on=wd.add_working_days(received_on, MEMBER_RESPONSE_WORKING_DAYS, nation()),
    )
    db.session.add(enquiry)
    db.session.flush()
    _audit(
        Action.MEMBER_ENQUIRY_RECORDED,
        staff,
        "member_enquiry",
        enquiry.id,
        item.id,
        ip,
        member=member.value,
        due_on=enquiry.due_on.isoformat(),
    )
    return enquiry


def record_member_response(
    enquiry: MemberEnquiry, staff: StaffUser, responded_on: date, ip: str | None = None
) -> None:
    """Record the reply to an MP's or councillor's enquiry, and whether it met the target."""
    if enquiry.responded_on is not None:
        raise ComplaintRuleError("This enquiry has had its response already")
    _past_date(responded_on, enquiry.received_on, "response date")
    enquiry.responded_on = responded_on
    _audit(
        Action.MEMBER_ENQUIRY_RESPONDED,
        staff,
        "member_enquiry",
        enquiry.id,
        enquiry.feedback_item_id,
        ip,
        responded_on=responded_on.isoformat(),
        on_time=responded_on <= enquiry.due_on,
    )


def member_days_left(enquiry: MemberEnquiry, on: date | None = None) -> int:
    """Working days until the enquiry's reply is due; negative once it has passed."""
    return wd.working_days_until(on or complaint_stages.today(), enquiry.due_on, nation())


def _clean(value: str | None, most: int, one_line: bool = False) -> str | None:
    text = " ".join((value or "").split()) if one_line else (value or "").strip()
    if len(text) > most:
        raise ComplaintRuleError(f"Keep it to {most} characters or fewer")
    return text or None


def save_ombudsman_referral(
    item: FeedbackItem,
    staff: StaffUser,
    referred_on: date,
    reference: str | None,
    finding: OmbudsmanFinding | None,
    finding_on: date | None,
    remedy: str | None,
    ip: str | None = None,
) -> OmbudsmanReferral:
    """Record a complaint's referral to the Ombudsman, and its finding once there is one."""
    if item.kind != FeedbackKind.COMPLAINT:
        raise ComplaintRuleError("Only a complaint can be referred to the Ombudsman")
    _past_date(referred_on, None, "referral date")
    if (finding is None) != (finding_on is None):
        raise ComplaintRuleError("Give the finding and the date of the finding together")
    if finding_on is not None:
        _past_date(finding_on, referred_on, "date of the finding")
    remedy_text = _clean(remedy, MAX_REASON_CHARS)
    if remedy_text is not None and finding is None:
        raise ComplaintRuleError("Record the finding that the remedy belongs to")
    referral = _one(OmbudsmanReferral, item.id) or OmbudsmanReferral(feedback_item_id=item.id)
    referral.referred_on = referred_on
    referral.ombudsman_reference = _clean(reference, MAX_OMBUDSMAN_REFERENCE_CHARS, one_line=True)
    referral.finding = finding
    referral.finding_on = finding_on
    referral.remedy = remedy_text
    db.session.add(referral)
    db.session.flush()
    _audit(
        Action.OMBUDSMAN_REFERRAL_SAVED,
        staff,
        "ombudsman_referral",
        referral.id,
        item.id,
        ip,
        referred_on=referred_on.isoformat(),
        finding=finding.value if finding else None,
    )
    return referral


def credit_compliment(
    item: FeedbackItem,
    staff: StaffUser | None,
    team: Team,
    worker_name: str | None = None,
    ip: str | None = None,
    *,
    suggested: bool = False,
) -> ComplimentCredit:
    """Credit a compliment to a team, and to a worker by name if the compliment names one.
    `staff` is None only for the demo loader; `suggested` records a one-click confirmation."""
    if item.kind != FeedbackKind.COMPLIMENT:
        raise ComplaintRuleError("Only a compliment can be credited")
    credit = _one(ComplimentCredit, item.id) or ComplimentCredit(feedback_item_id=item.id)
    credit.team_id = team.id
    credit.worker_name = _clean(worker_name, MAX_WORKER_NAME_CHARS, one_line=True)
    db.session.add(credit)
    db.session.flush()
    _audit(
        Action.COMPLIMENT_CREDITED,
        staff,
        "compliment_credit",
        credit.id,
        item.id,
        ip,
        team_id=team.id,
        worker_named=credit.worker_name is not None,
        confirmed_suggestion=suggested,
    )
    return credit


def confirm_suggested_credit(
    item: FeedbackItem, staff: StaffUser | None, ip: str | None = None
) -> ComplimentCredit:
    """Credit a compliment to the team suggested at triage, in one click."""
    team = suggested_credit_team(item)
    if team is None:
        raise ComplaintRuleError("There is no suggested team to confirm: choose a team")
    return credit_compliment(item, staff, team, None, ip, suggested=True)


def load_enquiry(enquiry_id: int) -> MemberEnquiry | None:
    """One MP or councillor enquiry by id."""
    return db.session.get(MemberEnquiry, enquiry_id)


def enquiry_owner(enquiry: MemberEnquiry) -> StaffUser | None:
    """Who answers an enquiry: the manager of the item's latest complaint stage, if it has one."""
    stages = complaint_stages.stages_of(enquiry.feedback_item)
    return stages[-1].manager if stages else None


def open_enquiries() -> list[MemberEnquiry]:
    """Every MP and councillor enquiry still waiting for its response."""
    query = select(MemberEnquiry).where(MemberEnquiry.responded_on.is_(None))
    return list(db.session.execute(query.order_by(MemberEnquiry.id)).scalars())
