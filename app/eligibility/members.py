"""The eligibility rules asked about one stored member: their role agreements and mentorships
are read from the database, then `app.eligibility` decides."""

from datetime import date

from sqlalchemy import func, select

from app import clock
from app.agreements import has_current_agreement
from app.eligibility import mentee_reasons, mentor_reasons
from app.extensions import db
from app.models import Mentorship, User
from app.models.profiles import MENTEE, MENTOR


def mentor_is_eligible(mentor: User, today: date | None = None) -> bool:
    """Whether `mentor` may be listed as a mentor and accept a request."""
    today = today or clock.today()
    return not mentor_reasons(mentor, today, has_current_agreement(mentor, MENTOR))


def mentee_reasons_now(mentee: User, today: date | None = None):
    """Why `mentee` may not request a mentor today (empty: they may)."""
    today = today or clock.today()
    return mentee_reasons(mentee, today, has_current_agreement(mentee, MENTEE))


def active_mentorships_as_mentor(user: User) -> int:
    """How many mentees `user` mentors right now (the spots of their capacity used)."""
    if user is None or user.id is None:
        return 0
    return db.session.scalar(
        select(func.count(Mentorship.id)).where(
            Mentorship.mentor_id == user.id, Mentorship.status == Mentorship.ACTIVE
        )
    )


def active_mentorships_as_mentee(user: User) -> int:
    """How many mentors `user` has right now."""
    return db.session.scalar(
        select(func.count(Mentorship.id)).where(
            Mentorship.mentee_id == user.id, Mentorship.status == Mentorship.ACTIVE
        )
    )
