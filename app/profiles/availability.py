"""A mentor pauses and comes back: the operations of /profile/availability and of the daily job.

`go_away` starts a pause (out of the directory and best-fit results at once, no new requests,
the waiting requests declined kindly or kept open for the return); `come_back` ends it early
("I'm back now"); `bring_back_returning` is the daily job's part: mentors whose return day has
come are welcomed back once. Each commits its change, its e-mails (through the outbox) and its
audit event together, or raises a DomainError and changes nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update

from app import availability, clock
from app.committee.audit import trail
from app.concurrency import retry_on_conflict
from app.errors_domain import DomainError, FieldErrors
from app.extensions import db
from app.models import MentorshipRequest, Profile, User
from app.requests.mail import mail_welcome_back
from app.requests.services import (
    lock_profiles,
    pause_mentor,
    pending_received_by,
    record_away,
    update_if_pending,
)
from app.text import clean_text, format_day


@dataclass
class AwayOutcome:
    until: date
    declined: int = 0
    kept: int = 0


def _check_mentor(user: User) -> Profile:
    profile = user.profile
    if profile is None or not profile.is_mentor:
        raise DomainError(
            _("Only mentors can pause: your profile does not include the mentor role.")
        )
    return profile


@retry_on_conflict
def go_away(user: User, until: date | None, note, keep_requests: bool) -> AwayOutcome:
    """`user` (a mentor) is away until `until` with an optional `note` shown to mentees on
    their profile (at most AWAY_NOTE_MAX characters). Their pending requests stay open for
    their return (`keep_requests`) or are declined kindly. A mentor already away changes their
    return day and note; requests kept open before stay open. FieldErrors ("away_until",
    "away_note") for a day `return_day_problem` refuses or a note too long."""
    _check_mentor(user)
    text = clean_text(note)
    problems = {
        name: [message]
        for name, message in (
            ("away_until", availability.return_day_problem(until, clock.today())),
            ("away_note", availability.note_problem(text)),
        )
        if message
    }
    if problems:
        raise FieldErrors(problems)
    lock_profiles(user.id)
    declined, kept = pause_mentor(user, until, text, keep_requests, clock.utcnow())
    record_away(user, until, keep_requests, source="availability page", declined=declined)
    db.session.commit()
    return AwayOutcome(until, declined, kept)


def away_message(outcome: AwayOutcome) -> str:
    """What the mentor reads after pausing (in the page's language)."""
    sentences = [
        _(
            "You are away until %(day)s: you are out of the mentor directory and mentees "
            "can't send you requests until then.",
            day=format_day(outcome.until),
        )
    ]
    if outcome.declined:
        sentences.append(
            ngettext(
                "We declined your %(num)s waiting request kindly.",
                "We declined your %(num)s waiting requests kindly.",
                outcome.declined,
            )
        )
    if outcome.kept:
        sentences.append(
            ngettext(
                "Your %(num)s waiting request stays open for your return.",
                "Your %(num)s waiting requests stay open for your return.",
                outcome.kept,
            )
        )
    return " ".join(sentences)


def come_back(user: User) -> bool:
    """End `user`'s pause now ("I'm back now"): listed and taking requests again at once.
    False when they were not away (nothing changes)."""
    profile = _check_mentor(user)
    if not profile.away_on(clock.today()):
        return False
    until = profile.away_until
    profile.end_away()
    trail.record(user, trail.MENTOR_BACK, user, until=until, early=True)
    db.session.commit()
    return True


def bring_back_returning(today: date, now: datetime) -> int:
    """The daily job: every mentor whose return day is `today` or before comes back, with one
    "welcome back" e-mail listing the requests that waited for them. Safe to run twice: each
    return is claimed by a conditional UPDATE on the return day it clears (one run wins) and
    the e-mail has a dedupe key per mentor and return day. Commits each mentor on their own.
    How many came back."""
    returning = db.session.execute(
        select(Profile.user_id, Profile.away_until)
        .where(Profile.away_until.is_not(None), Profile.away_until <= today)
        .order_by(Profile.user_id)
    ).all()
    back = 0
    for user_id, until in returning:
        claimed = db.session.execute(
            update(Profile)
            .where(Profile.user_id == user_id, Profile.away_until == until)
            .values(away_until=None, away_note=None, away_keeps_requests=False)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            mentor = db.session.get(User, user_id)
            db.session.refresh(mentor.profile)
            waiting = pending_received_by(mentor)
            mail_welcome_back(mentor, until, waiting)
            # The welcome back lists them with fresh links: it is their one reminder.
            for request in waiting:
                update_if_pending(
                    request, MentorshipRequest.reminder_sent_at.is_(None), reminder_sent_at=now
                )
            trail.record(None, trail.MENTOR_BACK, mentor, until=until, early=False)
            back += 1
        db.session.commit()
    return back
