"""Committee operations on a member's membership: verifying it, revoking the verification.

Each operation that changes something checks its rules, changes the models, records an audit
event in the same transaction (`app.committee.audit.trail.record`) and commits. A broken rule
raises DomainError with a message for the committee; nothing is written then. The functions
take the acting committee member and `today` (the caller passes `clock.today()`) and never
touch the request.
"""

from datetime import date

from flask_babel import gettext as _

from app import clock
from app.auth.welcome import enqueue_membership_verified
from app.committee.audit import trail
from app.errors_domain import DomainError
from app.extensions import db
from app.models import User

# What `verify_membership` did.
NEWLY_VERIFIED = "verified"
EXPIRY_CHANGED = "expiry_changed"
UNCHANGED = "unchanged"


def verify_membership(actor: User, member: User, expires_on: date, today: date) -> str:
    """Mark `member`'s membership verified until `expires_on` (which may correct the date the
    member entered), and tell them the first time (`enqueue_membership_verified`). Returns
    NEWLY_VERIFIED, EXPIRY_CHANGED, or UNCHANGED when it was already verified with that date
    (then nothing is written)."""
    profile = member.profile
    if profile is None or not (profile.membership_number or "").strip():
        raise DomainError(
            _(
                "This member has not entered a membership number yet, so there is nothing to "
                "verify. Ask them to add it to their profile."
            )
        )
    if expires_on < today:
        raise DomainError(
            _(
                "That date is in the past: a membership that expired on %(day)s can't be "
                "verified. Check the date on the roster.",
                day=expires_on.isoformat(),
            ),
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
    enqueue_membership_verified(member)
    db.session.commit()
    return EXPIRY_CHANGED if was_verified else NEWLY_VERIFIED


def revoke_membership(actor: User, member: User) -> None:
    """Withdraw the verification of `member`'s membership (the dates they entered stay)."""
    profile = member.profile
    if profile is None or profile.membership_verified_at is None:
        raise DomainError(_("This membership is not verified, so there is nothing to revoke."))
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
