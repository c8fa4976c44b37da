"""What the committee sees of its members: the member list (search, membership and role
filters, pages) and a member's page. States and dates, never notes or messages."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from app.eligibility import (
    EXPIRED,
    MEMBERSHIP_STATUSES,
    MISSING,
    UNVERIFIED,
    VERIFIED,
    membership_status,
    missing_profile_fields,
)
from app.eligibility.sql import membership_status_condition
from app.extensions import db
from app.models import AuditEvent, Profile, User
from app.models.profiles import BOTH, MENTEE, MENTOR

PER_PAGE = 50

# The member list's filter: value -> option text.
MEMBERSHIP_FILTERS = {
    UNVERIFIED: _l("Not verified yet"),
    VERIFIED: _l("Verified"),
    EXPIRED: _l("Expired"),
    MISSING: _l("No membership number"),
}

# The member list's role filter: value -> option text.
ROLE_FILTERS = {
    MENTOR: _l("Mentors only"),
    MENTEE: _l("Mentees only"),
    BOTH: _l("Mentor and mentee"),
    "committee": _l("Committee members"),
    "deactivated": _l("Deactivated accounts"),
}


def role_condition(role: str):
    """The SQL condition for a ROLE_FILTERS key (Profile outer-joined), or None for all."""
    if role in (MENTOR, MENTEE, BOTH):
        return Profile.role == role
    if role == "committee":
        return User.is_committee.is_(True)
    if role == "deactivated":
        return User.is_active_account.is_(False)
    return None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class MemberRow:
    user: User
    profile: Profile | None
    status: str

    @property
    def status_label(self) -> str:
        return MEMBERSHIP_STATUSES[self.status]


@dataclass
class MemberList:
    pagination: Pagination
    rows: list[MemberRow]


def list_members(
    search: str, membership: str, page: int, today: date, role: str = ""
) -> MemberList:
    """Members whose name, e-mail or membership number contains `search`, whose membership
    is `membership` (a MEMBERSHIP_FILTERS key; anything else means all) and who match `role`
    (a ROLE_FILTERS key; anything else means all), by name, 50 a page."""
    query = (
        select(User)
        .outerjoin(Profile, Profile.user_id == User.id)
        .options(contains_eager(User.profile))
        .order_by(func.lower(User.name), User.id)
    )
    search = (search or "").strip()
    if search:
        pattern = _like(search.lower())
        query = query.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(Profile.display_name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
                func.lower(Profile.membership_number).like(pattern, escape="\\"),
            )
        )
    if membership in MEMBERSHIP_FILTERS:
        query = query.where(membership_status_condition(membership, today))
    condition = role_condition(role)
    if condition is not None:
        query = query.where(condition)
    pagination = db.paginate(query, page=max(page, 1), per_page=PER_PAGE, error_out=False)
    rows = [
        MemberRow(user, user.profile, membership_status(user.profile, today))
        for user in pagination.items
    ]
    return MemberList(pagination, rows)


@dataclass
class MemberDetail:
    user: User
    profile: Profile | None
    status: str
    verified_by: User | None
    missing_profile_fields: list[str]
    events: list[AuditEvent] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return MEMBERSHIP_STATUSES[self.status]


def member_detail(user: User, today: date) -> MemberDetail:
    """What the committee sees of a member: states and dates, never notes or messages."""
    profile = user.profile
    verified_by = (
        db.session.get(User, profile.membership_verified_by_id)
        if profile is not None and profile.membership_verified_by_id
        else None
    )
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.target_type == "member", AuditEvent.target_id == user.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(20)
    ).all()
    return MemberDetail(
        user=user,
        profile=profile,
        status=membership_status(profile, today),
        verified_by=verified_by,
        missing_profile_fields=missing_profile_fields(profile),
        events=list(events),
    )
