"""Every model, imported so Alembic and the app see the whole schema."""

from app.models.attachments import Attachment
from app.models.audit_invitations import AuditInvitation
from app.models.complaints import (
    ComplaintOutcome,
    ComplaintStage,
    LearningPoint,
    NotProgressedReason,
)
from app.models.contacts import Contact, Team
from app.models.corrections import ThemeCorrection
from app.models.correspondence import (
    ComplimentCredit,
    ElectedMember,
    MemberEnquiry,
    OmbudsmanFinding,
    OmbudsmanReferral,
)
from app.models.enums import (
    ANALYST_ROLES,
    COMPLAINTS_ROLES,
    LEADERSHIP_ROLES,
    POPULATION_ROLES,
    SAFEGUARDING_ROLES,
    AlertSource,
    AlertStatus,
    Channel,
    ClassificationState,
    ContactRole,
    DeliveryStatus,
    Direction,
    FeedbackKind,
    FeedbackStatus,
    PreferredChannel,
    StaffRole,
)
from app.models.equality import EqualityResponse, ServicePopulation
from app.models.feedback import Classification, FeedbackItem, FeedbackTheme, Message
from app.models.operations import PeriodicRun, SchedulerBeat
from app.models.privacy import LegalHold, PrivacyRequest, RequestDecision, RequestKind
from app.models.remedies import (
    ComplaintCost,
    ComplaintRemedy,
    CostKind,
    RemedyKind,
    ReportNarrative,
)
from app.models.safeguarding import (
    AlertDecision,
    AlertOutcome,
    RotaKind,
    RotaShift,
    SafeguardingAlert,
    SafeguardingCorrection,
    SecondLook,
    SecondLookVerdict,
)
from app.models.staff import (
    AuditEvent,
    EnrolmentLink,
    SignInThrottle,
    StaffSession,
    StaffUser,
)

__all__ = [
    "ANALYST_ROLES",
    "COMPLAINTS_ROLES",
    "LEADERSHIP_ROLES",
    "POPULATION_ROLES",
    "SAFEGUARDING_ROLES",
    "AlertDecision",
    "AlertOutcome",
    "AlertSource",
    "AlertStatus",
    "Attachment",
    "AuditEvent",
    "AuditInvitation",
    "Channel",
    "Classification",
    "ClassificationState",
    "ComplaintCost",
    "ComplaintOutcome",
    "ComplaintRemedy",
    "ComplaintStage",
    "ComplimentCredit",
    "Contact",
    "ContactRole",
    "CostKind",
    "DeliveryStatus",
    "Direction",
    "ElectedMember",
    "EnrolmentLink",
    "EqualityResponse",
    "FeedbackItem",
    "FeedbackKind",
    "FeedbackStatus",
    "FeedbackTheme",
    "LearningPoint",
    "LegalHold",
    "MemberEnquiry",
    "Message",
    "NotProgressedReason",
    "OmbudsmanFinding",
    "OmbudsmanReferral",
    "PeriodicRun",
    "PreferredChannel",
    "PrivacyRequest",
    "RemedyKind",
    "ReportNarrative",
    "RequestDecision",
    "RequestKind",
    "RotaKind",
    "RotaShift",
    "SafeguardingAlert",
    "SafeguardingCorrection",
    "SchedulerBeat",
    "SecondLook",
    "SecondLookVerdict",
    "ServicePopulation",
    "SignInThrottle",
    "StaffRole",
    "StaffSession",
    "StaffUser",
    "Team",
    "ThemeCorrection",
]
