"""What of a member others may see, and the member's own copy of their data."""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import (
    LoginSession,
    Mentorship,
    OutboxEmail,
    RoleAgreement,
    User,
)


def is_matched_partner(viewer: User, member: User) -> bool:
    """Whether the two are mentor and mentee (either way round) of an active mentorship."""
    if viewer is None or member is None or viewer.id is None or member.id is None:
        return False
    pair = {viewer.id, member.id}
    if len(pair) != 2:
        return False
    return (
        db.session.scalar(
            select(Mentorship.id)
            .where(
                Mentorship.status == Mentorship.ACTIVE,
                Mentorship.mentor_id.in_(pair),
                Mentorship.mentee_id.in_(pair),
            )
            .limit(1)
        )
        is not None
    )


def can_see_contact_details(viewer, member: User) -> bool:
    """Whether `viewer` may see `member`'s e-mail address and phone number: the member
    themself, the committee, and (once mentorships exist) their matched partner."""
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return False
    if viewer.id == member.id or viewer.is_committee:
        return True
    return is_matched_partner(viewer, member)


# Long, unguessable parts of links (sign-in and verification tokens) are left out of exports.
_LINK_TOKEN = re.compile(r"(https?://[^\s<>\"']*/)[A-Za-z0-9_\-.]{24,}")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _names(entries) -> list[str]:
    return [entry.name for entry in sorted(entries, key=lambda e: (e.position, e.name))]


def export_member_data(user: User) -> dict:
    """Everything Mentor Match holds about `user`, for "Download my data".

    The password hash and session ids are never included; links with tokens in copies of
    e-mails are shortened so the file can't be used to sign in.
    """
    profile = user.profile
    addresses = {user.email.lower()} | (
        {user.pending_email.lower()} if user.pending_email else set()
    )
    emails = db.session.scalars(
        select(OutboxEmail)
        .where(func.lower(OutboxEmail.recipient).in_(addresses))
        .order_by(OutboxEmail.created_at, OutboxEmail.id)
    ).all()
    sessions = db.session.scalars(
        select(LoginSession)
        .where(LoginSession.user_id == user.id)
        .order_by(LoginSession.created_at)
    ).all()
    agreements = db.session.scalars(
        select(RoleAgreement)
        .where(RoleAgreement.user_id == user.id)
        .order_by(RoleAgreement.agreed_at, RoleAgreement.id)
    ).all()
    return {
        "about": _("Everything Mentor Match holds about you, as of exported_at (UTC)."),
        "exported_at": _iso(clock.utcnow()),
        "account": {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "email_verified_at": _iso(user.email_verified_at),
            "pending_email": user.pending_email,
            "active": user.is_active_account,
            "committee_member": user.is_committee,
            "privacy_notice_version": user.privacy_notice_version,
            "privacy_accepted_at": _iso(user.privacy_accepted_at),
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "profile": None
        if profile is None
        else {
            "display_name": profile.display_name,
            "pronouns": profile.pronouns,
            "membership_number": profile.membership_number,
            "membership_expires_on": _iso(profile.membership_expires_on),
            "membership_verified_at": _iso(profile.membership_verified_at),
            "position": profile.position,
            "employer": profile.employer,
            "years_experience": profile.years_experience,
            "role": profile.role,
            "sectors": _names(profile.sectors),
            "expertise_areas": _names(profile.expertise_areas),
            "objectives": _names(profile.objectives),
            "region": profile.region.name if profile.region else None,
            "city": profile.city,
            "contact_methods": _names(profile.contact_methods),
            "phone": profile.phone,
            "languages": _names(profile.languages),
            "bio": profile.bio,
            "mentee_goals": profile.mentee_goals,
            "mentor_capacity": profile.mentor_capacity,
            "accepting_requests": profile.accepting_requests,
            "away_until": _iso(profile.away_until),
            "away_note": profile.away_note,
            "away_keeps_requests": profile.away_keeps_requests,
            "created_at": _iso(profile.created_at),
            "updated_at": _iso(profile.updated_at),
        },
        "role_agreements": [
            {"role": a.role, "version": a.version, "agreed_at": _iso(a.agreed_at)}
            for a in agreements
        ],
        "emails": [
            {
                "to": message.recipient,
                "subject": message.subject,
                "status": message.status,
                "created_at": _iso(message.created_at),
                "sent_at": _iso(message.sent_at),
                "text": _LINK_TOKEN.sub(r"\1[link removed]", message.body_text),
            }
            for message in emails
        ],
        "login_sessions": [
            {
                "created_at": _iso(s.created_at),
                "expires_at": _iso(s.expires_at),
                "remember_me": s.remember,
            }
            for s in sessions
        ],
    }
