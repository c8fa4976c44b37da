"""The daily job for requests: expiring unanswered requests and reminding mentors half-way."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select

from app import clock
from app.extensions import db
from app.models import MentorshipRequest, Profile
from app.requests.mail import mail_expired, mail_reminder
from app.requests.services import close_if_pending, update_if_pending


@dataclass
class ExpiryReport:
    reminded: int = 0
    expired: int = 0


def reminder_due_at(request: MentorshipRequest) -> datetime:
    """Half-way between sending and expiry: when the mentor gets one reminder."""
    return request.created_at + (request.expires_at - request.created_at) / 2


def run_request_jobs(now: datetime | None = None) -> ExpiryReport:
    """Expire pending requests past `expires_at` (the mentee is told, with a link to the
    directory) and remind mentors once, half-way, of requests still waiting.

    Safe to run again: each change is a conditional UPDATE on the state it leaves and each
    e-mail has a dedupe key, so a second run the same day sends nothing twice. Commits each
    request on its own, so one failure loses nothing else.
    """
    now = now or clock.utcnow()
    report = ExpiryReport()
    report.expired = _claim_and_mail(
        _pending_past_expiry(now),
        lambda request: close_if_pending(request, MentorshipRequest.EXPIRED, now),
        mail_expired,
    )
    report.reminded = _claim_and_mail(
        _due_for_reminder(now),
        lambda request: update_if_pending(
            request, MentorshipRequest.reminder_sent_at.is_(None), reminder_sent_at=now
        ),
        mail_reminder,
    )
    return report


def _claim_and_mail(
    requests: list[MentorshipRequest],
    claim: Callable[[MentorshipRequest], bool],
    mail: Callable[[MentorshipRequest], None],
) -> int:
    """For each request: `claim` it (a conditional UPDATE, True only for the run that changed
    it), and if claimed, `mail` about it; then commit that request alone. How many claimed."""
    claimed = 0
    for request in requests:
        if claim(request):
            db.session.refresh(request)
            mail(request)
            claimed += 1
        db.session.commit()
    return claimed


def _pending_past_expiry(now: datetime) -> list[MentorshipRequest]:
    return list(
        db.session.scalars(
            select(MentorshipRequest)
            .where(
                MentorshipRequest.status == MentorshipRequest.PENDING,
                MentorshipRequest.expires_at <= now,
            )
            .order_by(MentorshipRequest.id)
        ).all()
    )


def _due_for_reminder(now: datetime) -> list[MentorshipRequest]:
    """Pending, not expired, not reminded yet, and half-way (reminder_due_at) or further; not
    while the mentor is away (the welcome back on their return day lists what waits)."""
    away = exists(
        select(1).where(
            Profile.user_id == MentorshipRequest.mentor_id,
            Profile.away_until > clock.local_day(now),
        )
    )
    waiting = db.session.scalars(
        select(MentorshipRequest)
        .where(
            MentorshipRequest.status == MentorshipRequest.PENDING,
            MentorshipRequest.reminder_sent_at.is_(None),
            MentorshipRequest.expires_at > now,
            ~away,
        )
        .order_by(MentorshipRequest.id)
    ).all()
    return [request for request in waiting if reminder_due_at(request) <= now]
