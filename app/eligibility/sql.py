"""The eligibility rules asked of the database.

The mentor directory, the committee's figures and its lists ask about thousands of members at
once, so they ask the database the same questions `app.eligibility` answers for one member.
Each function here names its Python twin; a rule added there needs its condition here (the
tests compare each pair on a table of cases). Conditions are on `User` joined with its
`Profile`, unless a docstring says otherwise.
"""

from datetime import date

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from app.eligibility import EXPIRED, MISSING, UNVERIFIED, VERIFIED
from app.models.accounts import User
from app.models.mentorship import Mentorship, MentorshipRequest
from app.models.profiles import (
    BOTH,
    MENTEE,
    MENTOR,
    MENTOR_MIN_YEARS,
    Profile,
    RoleAgreement,
    profile_contact_methods,
    profile_sectors,
)


def _filled(column) -> ColumnElement:
    return and_(column.is_not(None), column != "")


def agreed(role: str, version: str) -> ColumnElement:
    """The outer query's `User` confirmed `role`'s expectations at `version`."""
    return exists(
        select(1).where(
            RoleAgreement.user_id == User.id,
            RoleAgreement.role == role,
            RoleAgreement.version == version,
        )
    )


def verified_membership(today: date) -> list[ColumnElement]:
    """`membership_reasons(profile, today) == []`: a number, not expired on `today`, verified
    (as "Verified" on the committee's member list). Conditions on `Profile` alone."""
    return [
        _filled(Profile.membership_number),
        Profile.membership_expires_on.is_not(None),
        Profile.membership_expires_on >= today,
        Profile.membership_verified_at.is_not(None),
    ]


def participation_conditions(today: date) -> list[ColumnElement]:
    """`participation_reasons(user, today) == []`."""
    return [
        # an active account with a verified e-mail address...
        User.is_active_account.is_(True),
        User.email_verified_at.is_not(None),
        # ... missing_profile_fields: REQUIRED_PROFILE_FIELDS, a sector, a contact method ...
        _filled(Profile.position),
        Profile.years_experience.is_not(None),
        _filled(Profile.role),
        Profile.region_id.is_not(None),
        exists(select(1).where(profile_sectors.c.profile_id == Profile.user_id)),
        exists(select(1).where(profile_contact_methods.c.profile_id == Profile.user_id)),
        # ... and membership_reasons.
        *verified_membership(today),
    ]


def listed_mentor_conditions(today: date, agreement_version: str) -> list[ColumnElement]:
    """`mentor_reasons(user, today, agreement_current) == []`, `agreement_current` meaning a
    RoleAgreement for the mentor role at `agreement_version` (`app.agreements`)."""
    return [
        *participation_conditions(today),
        Profile.role.in_((MENTOR, BOTH)),
        Profile.years_experience >= MENTOR_MIN_YEARS,
        agreed(MENTOR, agreement_version),
    ]


def taking_requests(today: date) -> list[ColumnElement]:
    """`Profile.takes_requests_on(today)`: accepting requests and not away on `today` (their
    return day has come, or they never left). Conditions on `Profile` alone."""
    return [
        Profile.accepting_requests.is_(True),
        or_(Profile.away_until.is_(None), Profile.away_until <= today),
    ]


def eligible_mentee_conditions(today: date, agreement_version: str) -> list[ColumnElement]:
    """`mentee_reasons(user, today, agreement_current) == []`, `agreement_current` meaning a
    RoleAgreement for the mentee role at `agreement_version` (`app.agreements`)."""
    return [
        *participation_conditions(today),
        Profile.role.in_((MENTEE, BOTH)),
        agreed(MENTEE, agreement_version),
    ]


def membership_status_condition(status: str, today: date) -> ColumnElement:
    """`membership_status(profile, today) == status`, with `Profile` outer-joined."""
    has_number = and_(
        Profile.membership_number.is_not(None), func.trim(Profile.membership_number) != ""
    )
    expired = Profile.membership_expires_on < today
    not_expired = or_(
        Profile.membership_expires_on.is_(None), Profile.membership_expires_on >= today
    )
    if status == MISSING:
        return ~has_number | Profile.user_id.is_(None)
    if status == EXPIRED:
        return and_(has_number, expired)
    if status == VERIFIED:
        return and_(
            has_number,
            Profile.membership_verified_at.is_not(None),
            Profile.membership_expires_on >= today,
        )
    if status == UNVERIFIED:
        return and_(
            has_number,
            not_expired,
            or_(Profile.membership_verified_at.is_(None), Profile.membership_expires_on.is_(None)),
        )
    raise ValueError(status)


def active_mentorships_as_mentor(mentor_id) -> ColumnElement:
    """The number of active mentorships whose mentor is `mentor_id` (a column of the outer
    query, e.g. `User.id` or `Profile.user_id`): the spots a mentor's capacity has used."""
    return (
        select(func.count(Mentorship.id))
        .where(Mentorship.mentor_id == mentor_id, Mentorship.status == Mentorship.ACTIVE)
        .scalar_subquery()
    )


def pending_requests_as_mentor(mentor_id) -> ColumnElement:
    """The number of requests waiting for `mentor_id`'s answer (a column of the outer query):
    spots of their capacity that an answer may still take."""
    return (
        select(func.count(MentorshipRequest.id))
        .where(
            MentorshipRequest.mentor_id == mentor_id,
            MentorshipRequest.status == MentorshipRequest.PENDING,
        )
        .scalar_subquery()
    )


def active_mentorships_as_mentee(mentee_id) -> ColumnElement:
    """The number of active mentorships whose mentee is `mentee_id` (a column of the outer
    query). Its Python twin is `app.eligibility.members.active_mentorships_as_mentee`."""
    return (
        select(func.count(Mentorship.id))
        .where(Mentorship.mentee_id == mentee_id, Mentorship.status == Mentorship.ACTIVE)
        .scalar_subquery()
    )


def pending_requests_as_mentee(mentee_id) -> ColumnElement:
    """The number of requests `mentee_id` (a column of the outer query) sent that wait for an
    answer. Its Python twin is `app.requests.rules.pending_requests_sent`."""
    return (
        select(func.count(MentorshipRequest.id))
        .where(
            MentorshipRequest.mentee_id == mentee_id,
            MentorshipRequest.status == MentorshipRequest.PENDING,
        )
        .scalar_subquery()
    )
