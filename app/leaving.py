"""A member leaves: their account is deleted, which touches every area at once.

One operation above profiles, requests and mentorships: the member's pending requests close,
their active mentorships end early (each partner told kindly), their personal data and what
they wrote are erased, and the non-identifying counts the committee reports on are kept.
"""

import secrets

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from app import clock
from app.auth.passwords import verify_password
from app.concurrency import retry_on_conflict
from app.email import enqueue
from app.errors_domain import DomainError
from app.extensions import db
from app.i18n import member_locale
from app.mentorships import meetings
from app.models import CheckIn, LoginSession, Mentorship, MentorshipRequest, OutboxEmail, User
from app.models.mentorship import new_nonce
from app.phrases import N_
from app.profiles.services import LINE_LIMITS, LONG_TEXT_FIELDS
from app.requests.suggestions import directory_url
from app.text import display_name, format_day

# Kept in the database, in place of the name (shown as it is).
DELETED_NAME = "Deleted member"
# ".invalid" is reserved (RFC 2606): mail to it can never be delivered.
DELETED_EMAIL_DOMAIN = "invalid"


# What a mentee reads when a mentor's account was deleted while their request waited: kept as
# the request's decline note, in English, and marked so that a page may show it translated.
MENTOR_LEFT_NOTE = N_("This mentor is no longer taking part in the program.")


def is_deleted_account(user: User) -> bool:
    return user.email.endswith("@" + DELETED_EMAIL_DOMAIN) and not user.is_active_account


@retry_on_conflict
def delete_account(user: User, password: str) -> None:
    """Delete the member's personal data and close the account, after checking the password.

    Removed: name (now DELETED_NAME), e-mail address (a unique undeliverable placeholder),
    the password (no password can match), every text of the profile (display name, pronouns,
    membership number and dates, position, employer, city, phone, bio, goals), the languages
    and contact methods chosen, every sign-in session, every e-mail to the member that the
    outbox still holds (waiting or sent: their bodies name the member), and what the member
    wrote: the messages of their mentorship requests, their decline notes, and the shared
    and private notes of their check-ins.

    Kept, because it identifies nobody and the committee's reports count it: the account and
    profile rows, the role, years of experience, region, sectors, expertise areas and
    objectives, mentor capacity, and the role agreements (role, version, time).

    Pending requests are closed and active mentorships end early, their partners told.
    The route signs the browser out.
    """
    if not verify_password(user.password_hash, password or ""):
        raise DomainError(_("That is not your password."), field="password")
    if user.is_committee and not db.session.scalar(
        select(func.count(User.id)).where(
            User.is_committee, User.is_active_account, User.id != user.id
        )
    ):
        raise DomainError(
            _("You are the only committee member. Give another member the committee role first.")
        )
    _close_pending_requests(user)
    _end_active_mentorships(user)

    addresses = {user.email.lower()} | (
        {user.pending_email.lower()} if user.pending_email else set()
    )
    db.session.execute(delete(OutboxEmail).where(func.lower(OutboxEmail.recipient).in_(addresses)))
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    _erase_what_the_member_wrote(user)

    user.name = DELETED_NAME
    user.email = f"deleted-{user.id}@{DELETED_EMAIL_DOMAIN}"
    user.pending_email = None
    user.password_hash = "!deleted:" + secrets.token_hex(16)  # not a hash: matches nothing
    user.email_verified_at = None
    user.last_login_at = None
    user.is_active_account = False
    user.is_committee = False
    profile = user.profile
    if profile is not None:
        for name in (*LINE_LIMITS, *LONG_TEXT_FIELDS):
            setattr(profile, name, None)
        profile.membership_expires_on = None
        profile.membership_verified_at = None
        profile.membership_verified_by_id = None
        profile.languages = []
        profile.contact_methods = []
        profile.accepting_requests = False
        profile.end_away()  # the note is their words; the return day would bring them back
        profile.updated_at = clock.utcnow()
    db.session.commit()


def _close_pending_requests(user: User) -> None:
    """A member deletes their account: requests they sent and still wait are withdrawn (the
    mentors see it on their requests page; no e-mail names the member), requests they
    received and still wait are declined with a neutral note, and those mentees are told
    kindly, without the member's name, so they can ask someone else."""
    now = clock.utcnow()
    sent = db.session.scalars(
        select(MentorshipRequest).where(
            MentorshipRequest.mentee_id == user.id,
            MentorshipRequest.status == MentorshipRequest.PENDING,
        )
    ).all()
    for request in sent:
        request.status = MentorshipRequest.WITHDRAWN
        request.responded_at = now
        request.nonce = new_nonce()
    received = db.session.scalars(
        select(MentorshipRequest).where(
            MentorshipRequest.mentor_id == user.id,
            MentorshipRequest.status == MentorshipRequest.PENDING,
        )
    ).all()
    for request in received:
        request.status = MentorshipRequest.DECLINED
        request.responded_at = now
        request.nonce = new_nonce()
        request.decline_note = MENTOR_LEFT_NOTE
        locale = member_locale(request.mentee)
        with force_locale(locale):  # the day as the mentee reads it
            sent_on = format_day(request.created_at)
        enqueue(
            request.mentee.email,
            "request_mentor_left",
            _l("One of your mentor requests has closed"),
            dedupe_key=f"request-mentor-left:{request.id}",
            locale=locale,
            request=request,
            mentee_name=display_name(request.mentee),
            sent_on=sent_on,
            directory_url=directory_url(),
        )
    db.session.flush()


def _end_active_mentorships(user: User) -> None:
    """A member deletes their account: each of their active mentorships ends early and the
    partner is told by e-mail (the caller commits)."""
    mentorships = db.session.scalars(
        select(Mentorship).where(
            Mentorship.status == Mentorship.ACTIVE,
            (Mentorship.mentor_id == user.id) | (Mentorship.mentee_id == user.id),
        )
    ).all()
    today = clock.today()
    for mentorship in mentorships:
        mentorship.status = Mentorship.ENDED_EARLY
        mentorship.ended_on = today
        meetings.cancel_on_closing(mentorship, user)
        partner = mentorship.mentee if mentorship.mentor_id == user.id else mentorship.mentor
        locale = member_locale(partner)
        with force_locale(locale):  # the day as the partner reads it
            started_on = format_day(mentorship.started_on)
        enqueue(
            partner.email,
            "request_partner_left",
            _l("Your mentoring partner has left the program"),
            dedupe_key=f"mentorship-partner-left:{mentorship.id}",
            locale=locale,
            partner_name=display_name(partner),
            leaver_name=display_name(user),
            partner_was_mentor=mentorship.mentor_id == partner.id,
            started_on=started_on,
            directory_url=directory_url(),
        )
    db.session.flush()


def _erase_what_the_member_wrote(user: User) -> None:
    """Blank the texts the member wrote to others; the rows stay for the counts."""
    db.session.execute(
        update(MentorshipRequest).where(MentorshipRequest.mentee_id == user.id).values(message="")
    )
    db.session.execute(
        update(MentorshipRequest)
        .where(MentorshipRequest.mentor_id == user.id, MentorshipRequest.decline_note.is_not(None))
        .values(decline_note=None)
    )
    db.session.execute(
        update(CheckIn)
        .where(CheckIn.author_id == user.id)
        .values(shared_note=None, private_note=None)
    )
