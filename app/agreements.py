"""Role agreements: the expectations of a mentor and of a mentee, which every member confirms
before taking part in that role, and again when the text changes in substance."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.concurrency import retry_on_conflict
from app.eligibility import TOO_LITTLE_EXPERIENCE, roles_open_to
from app.errors_domain import DomainError
from app.extensions import db
from app.models import RoleAgreement, User
from app.models.profiles import MENTEE, MENTOR

# Raise a role's version when its text (templates/profiles/_agreement_<role>.html) changes in
# substance: every member of that role is asked to read and confirm it again.
AGREEMENT_VERSIONS = {MENTOR: "2026-11", MENTEE: "2026-11"}
AGREEMENT_ROLES = (MENTEE, MENTOR)


def latest_agreement(user: User, role: str) -> RoleAgreement | None:
    """The member's most recent confirmation of `role`'s expectations (any version)."""
    return db.session.scalar(
        select(RoleAgreement)
        .where(RoleAgreement.user_id == user.id, RoleAgreement.role == role)
        .order_by(RoleAgreement.agreed_at.desc(), RoleAgreement.id.desc())
        .limit(1)
    )


def _current_agreement(user: User, role: str) -> RoleAgreement | None:
    return db.session.scalar(
        select(RoleAgreement).where(
            RoleAgreement.user_id == user.id,
            RoleAgreement.role == role,
            RoleAgreement.version == AGREEMENT_VERSIONS[role],
        )
    )


def has_current_agreement(user: User, role: str) -> bool:
    """Whether `user` confirmed the current text of `role`'s expectations ("mentor"/"mentee")."""
    if role not in AGREEMENT_VERSIONS or user is None or user.id is None:
        return False
    return _current_agreement(user, role) is not None


@dataclass
class AgreementState:
    """A member and one role's expectations: their latest confirmation, and whether it is of
    the current text."""

    role: str
    version: str
    latest: RoleAgreement | None
    current: bool


def agreement_state(user: User, role: str) -> AgreementState:
    return AgreementState(
        role=role,
        version=AGREEMENT_VERSIONS[role],
        latest=latest_agreement(user, role),
        current=has_current_agreement(user, role),
    )


def may_confirm_agreement(user: User, role: str) -> bool:
    """Anyone may confirm the mentee's expectations; the mentor's need enough experience."""
    if role != MENTOR:
        return role in AGREEMENT_ROLES
    return MENTOR in roles_open_to(user.profile.years_experience if user.profile else None)


@retry_on_conflict
def confirm_agreement(user: User, role: str) -> RoleAgreement:
    """Record that `user` read and accepts the current expectations of `role`.

    Confirming again changes nothing. The mentor's expectations can only be confirmed with
    enough experience to be a mentor.
    """
    if role not in AGREEMENT_ROLES:
        raise DomainError(_("Choose the mentor or the mentee agreement."))
    if not may_confirm_agreement(user, role):
        raise DomainError(TOO_LITTLE_EXPERIENCE)
    existing = _current_agreement(user, role)
    if existing is not None:
        return existing
    agreement = RoleAgreement(
        user_id=user.id, role=role, version=AGREEMENT_VERSIONS[role], agreed_at=clock.utcnow()
    )
    db.session.add(agreement)
    db.session.commit()
    return agreement
