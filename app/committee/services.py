"""Committee operations: finding members, verifying memberships.

Each operation that changes something checks its rules, changes the models, records an audit
event in the same transaction (`app.committee.trail.record`) and commits. A broken rule raises
DomainError with a message for the committee; nothing is written then. The functions take the
acting committee member and `today` (the caller passes `clock.today()`) and never touch the
request.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from app import clock
from app.committee.audit import trail
from app.committee.members_admin import role_condition
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
from app.errors_domain import DomainError
from app.extensions import db
from app.models import AuditEvent, Profile, User

PER_PAGE = 50

# The member list's filter: value -> option text.
MEMBERSHIP_FILTERS = {
    UNVERIFIED: "Not verified yet",
    VERIFIED: "Verified",
    EXPIRED: "Expired",
    MISSING: "No membership number",
}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- the member list and a member's page ------------------------------------------------------


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
    (a `members_admin.ROLE_FILTERS` key; anything else means all), by name, 50 a page."""
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


def membership_counts(today: date) -> dict[str, int]:
    """How many members have each membership status."""
    counts = {}
    for status in MEMBERSHIP_STATUSES:
        counts[status] = db.session.scalar(
            select(func.count(User.id))
            .select_from(User)
            .outerjoin(Profile, Profile.user_id == User.id)
            .where(membership_status_condition(status, today))
        )
    return counts


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


# --- verifying one membership -----------------------------------------------------------------

# What `verify_membership` did.
NEWLY_VERIFIED = "verified"
EXPIRY_CHANGED = "expiry_changed"
UNCHANGED = "unchanged"


def verify_membership(actor: User, member: User, expires_on: date, today: date) -> str:
    """Mark `member`'s membership verified until `expires_on` (which may correct the date the
    member entered). Returns NEWLY_VERIFIED, EXPIRY_CHANGED, or UNCHANGED when it was already
    verified with that date (then nothing is written)."""
    profile = member.profile
    if profile is None or not (profile.membership_number or "").strip():
        raise DomainError(
            "This member has not entered a membership number yet, so there is nothing to "
            "verify. Ask them to add it to their profile."
        )
    if expires_on < today:
        raise DomainError(
            f"That date is in the past: a membership that expired on {expires_on.isoformat()} "
            "can't be verified. Check the date on the roster.",
            field="expires_on",
        )
    was_verified = profile.membership_verified_at is not None
    previous = profile.membership_expires_on
    if was_verified and previous == expires_on:
        return UNCHANGED
    profile.membership_expires_on = expires_on
    profile.membership_verified_at = clock.utcnow()
    profile.membership_verified_by_id = actor.id
    trail.record(
        actor,
        trail.MEMBERSHIP_VERIFIED,
        member,
        expires_on=expires_on,
        previous_expires_on=previous,
        via="member page",
    )
    db.session.commit()
    return EXPIRY_CHANGED if was_verified else NEWLY_VERIFIED


def revoke_membership(actor: User, member: User) -> None:
    """Withdraw the verification of `member`'s membership (the dates they entered stay)."""
    profile = member.profile
    if profile is None or profile.membership_verified_at is None:
        raise DomainError("This membership is not verified, so there is nothing to revoke.")
    trail.record(
        actor,
        trail.MEMBERSHIP_REVOKED,
        member,
        expires_on=profile.membership_expires_on,
        verified_at=profile.membership_verified_at,
    )
    profile.membership_verified_at = None
    profile.membership_verified_by_id = None
    db.session.commit()
