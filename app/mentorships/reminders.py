"""The daily job's mentorship part, run by `flask jobs daily`.

For every active mentorship (a paused or closed program does not stop active pairs):

- no check-in for more than `ProgramSettings.checkin_reminder_days` days (counted from the last
  meeting logged, or the start): both partners are reminded, at most every
  CHECK_IN_REMINDER_GAP days;
- at three months: one mid-point prompt to both;
- at the review date (six months on, or the date an extension set): the choice to complete or
  extend, once per review date.

Safe to run twice, also at the same moment: each reminder is a conditional UPDATE of the
mentorship's bookkeeping column on the state it leaves (only one run wins it), and each e-mail has
a dedupe key. Each mentorship is committed on its own, so one failure loses nothing else.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, or_, select, update

from app import clock
from app.clock import add_months
from app.email import absolute_url, enqueue
from app.extensions import db
from app.i18n import member_locale
from app.models import CheckIn, Mentorship
from app.program import get_settings
from app.text import display_name

CHECK_IN_REMINDER_GAP = timedelta(days=14)


@dataclass
class ReminderReport:
    check_in_reminders: int = 0  # mentorships whose pair were reminded to check in
    midpoint_prompts: int = 0
    review_prompts: int = 0


def last_met_on_column() -> ColumnElement:
    """The date of a mentorship's latest check-in (NULL: none yet), as a correlated subquery."""
    return (
        select(func.max(CheckIn.met_on))
        .where(CheckIn.mentorship_id == Mentorship.id)
        .correlate(Mentorship)
        .scalar_subquery()
    )


def check_in_due(started_on: date, last_met_on: date | None, today: date, days: int) -> bool:
    """No check-in for more than `days` days (counting from the start when there is none)."""
    return (today - max(started_on, last_met_on or started_on)).days > days


def run_mentorship_reminders(now: datetime | None = None) -> ReminderReport:
    """Send the reminders that are due today, a program day (see the module's doc)."""
    now = now or clock.utcnow()
    today = clock.local_day(now)
    days = get_settings().checkin_reminder_days
    report = ReminderReport()
    rows = db.session.execute(
        select(Mentorship.id, last_met_on_column())
        .where(Mentorship.status == Mentorship.ACTIVE)
        .order_by(Mentorship.id)
    ).all()
    for mentorship_id, last_met_on in rows:
        mentorship = db.session.get(Mentorship, mentorship_id)
        if mentorship is None or not mentorship.is_active:
            continue
        if check_in_due(mentorship.started_on, last_met_on, today, days) and _claim(
            mentorship,
            Mentorship.check_in_reminder_sent_on,
            today,
            or_(
                Mentorship.check_in_reminder_sent_on.is_(None),
                Mentorship.check_in_reminder_sent_on <= today - CHECK_IN_REMINDER_GAP,
            ),
        ):
            _mail_both(
                mentorship,
                "mentorship_reminder",
                _l("Time for a mentoring check-in?"),
                f"mentorship-reminder:{mentorship.id}:{today.isoformat()}",
                last_met_on=last_met_on,
                days=days,
            )
            report.check_in_reminders += 1
        midpoint = add_months(mentorship.started_on, Mentorship.MIDPOINT_MONTHS)
        if midpoint <= today < mentorship.minimum_end_on and _claim(
            mentorship,
            Mentorship.midpoint_prompt_sent_on,
            today,
            Mentorship.midpoint_prompt_sent_on.is_(None),
        ):
            _mail_both(
                mentorship,
                "mentorship_midpoint",
                _l("Half-way: a mid-point check-in for your mentorship"),
                f"mentorship-midpoint:{mentorship.id}",
                minimum_end_on=mentorship.minimum_end_on,
            )
            report.midpoint_prompts += 1
        review = mentorship.review_date
        if review <= today and _claim(
            mentorship,
            Mentorship.review_prompt_sent_for,
            review,
            or_(
                Mentorship.review_prompt_sent_for.is_(None),
                Mentorship.review_prompt_sent_for != review,
            ),
            Mentorship.review_on.is_(None)
            if mentorship.review_on is None
            else Mentorship.review_on == mentorship.review_on,
        ):
            _mail_both(
                mentorship,
                "mentorship_six_months",
                _l("Your mentorship: complete it, or carry on?"),
                f"mentorship-review:{mentorship.id}:{review.isoformat()}",
                review_on=review,
                extended=mentorship.review_on is not None,
            )
            report.review_prompts += 1
        db.session.commit()
    return report


def _claim(mentorship: Mentorship, column, value, *conditions) -> bool:
    """Set a bookkeeping column if the mentorship is still active and `conditions` hold (a
    conditional UPDATE: of two runs at once, only one claims it)."""
    result = db.session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship.id, Mentorship.status == Mentorship.ACTIVE, *conditions)
        .values({column.key: value})
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        db.session.refresh(mentorship)
        return True
    return False


def _mail_both(mentorship: Mentorship, template: str, subject, key: str, **context) -> None:
    """E-mail both of the pair, each in their own language (`subject` is lazy: it is
    translated for each)."""
    mentorship_url = absolute_url("mentorships.show", mentorship_id=mentorship.id)
    closing_url = absolute_url("mentorships.closing", mentorship_id=mentorship.id)
    for person, partner in (
        (mentorship.mentor, mentorship.mentee),
        (mentorship.mentee, mentorship.mentor),
    ):
        enqueue(
            person.email,
            template,
            subject,
            dedupe_key=f"{key}:{person.id}",
            name=display_name(person),
            partner_name=display_name(partner),
            mentorship_url=mentorship_url,
            closing_url=closing_url,
            locale=member_locale(person),
            **context,
        )
