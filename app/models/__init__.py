"""All models, imported here so that Alembic and the app see every table."""

from app.models.accounts import LoginSession, RecoveryCode, User
from app.models.audit import AuditEvent, RosterImport
from app.models.limits import RateLimitCounter
from app.models.matching import (
    IntakeWaitlistEntry,
    MatchingExclusion,
    MatchingPair,
    MatchingPoolEntry,
    MatchingRun,
)
from app.models.mentorship import (
    CheckIn,
    CheckInObjective,
    ClosingFeedback,
    ClosingFeedbackScore,
    Goal,
    Mentorship,
    MentorshipAgreement,
    MentorshipPreference,
    MentorshipRequest,
)
from app.models.outbox import OutboxEmail, OutboxWorker
from app.models.profiles import (
    ContactMethod,
    ExpertiseArea,
    Language,
    Objective,
    Profile,
    Region,
    RoleAgreement,
    Sector,
)
from app.models.program import Intake, ProgramSettings

__all__ = [
    "AuditEvent",
    "CheckIn",
    "CheckInObjective",
    "ClosingFeedback",
    "ClosingFeedbackScore",
    "ContactMethod",
    "ExpertiseArea",
    "Goal",
    "Intake",
    "IntakeWaitlistEntry",
    "Language",
    "LoginSession",
    "MatchingExclusion",
    "MatchingPair",
    "MatchingPoolEntry",
    "MatchingRun",
    "Mentorship",
    "MentorshipAgreement",
    "MentorshipPreference",
    "MentorshipRequest",
    "Objective",
    "OutboxEmail",
    "OutboxWorker",
    "Profile",
    "ProgramSettings",
    "RateLimitCounter",
    "RecoveryCode",
    "Region",
    "RoleAgreement",
    "RosterImport",
    "Sector",
    "User",
]
