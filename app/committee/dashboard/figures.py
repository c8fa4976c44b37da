"""The committee's dashboard: its figures.

Every number, here and in the charts and the attention lists, is an SQL aggregate (COUNT / SUM /
GROUP BY / subqueries, window functions for the median), so a page costs the same small number
of statements whether the program has ten members or ten thousand;
tests/committee/test_dashboard.py checks that.

Confidentiality: what a pair writes to each other stays with the pair, so the committee sees states,
dates, counts and scores. The queries here select the columns they show and never a note or a
message: not the request's message, not the decline note, not the check-ins' shared or private
notes, not the agreement's goals text, not the goals' text.

Two kinds of figure:
- "now": the state of the program today (members, pending requests, active mentorships...);
- "in the period": what happened between the filter's dates (an intake's, or chosen), or
  since the start when there is no filter.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from app.committee.dashboard.conditions import (
    CHECK_IN_OVERDUE_DAYS,
    eligible_mentor_conditions,
    last_check_in_or_start,
)
from app.committee.dashboard.period import Period, month_bounds
from app.eligibility import MEMBERSHIP_STATUSES
from app.eligibility.sql import (
    active_mentorships_as_mentor,
    membership_status_condition,
    verified_membership,
)
from app.extensions import db
from app.models import Mentorship, MentorshipRequest, Profile, User
from app.models.profiles import BOTH, MENTEE, MENTOR


@dataclass
class Figures:
    # now
    membership_counts: dict[str, int] = field(default_factory=dict)  # as on the member list
    members: int = 0
    verified_members: int = 0
    mentors: int = 0
    mentees: int = 0
    open_spots: int = 0
    pending_requests: int = 0
    pending_median_days: float | None = None
    active_mentorships: int = 0
    overdue_check_ins: int = 0
    reaching_six_months: int = 0
    # in the period
    requests_sent: int = 0
    mentees_asked: int = 0
    mentees_matched: int = 0
    requests_answered: int = 0
    requests_declined: int = 0
    mentorships_started: int = 0
    completed: int = 0
    ended_early: int = 0

    @property
    def match_rate(self) -> float | None:
        """Mentees matched / mentees who asked, in the period (None: nobody asked)."""
        return self.mentees_matched / self.mentees_asked if self.mentees_asked else None

    @property
    def decline_rate(self) -> float | None:
        """Declined / answered (accepted or declined) requests, in the period."""
        return self.requests_declined / self.requests_answered if self.requests_answered else None


def _sum(condition):
    """SQL: how many rows meet `condition` (0 for none)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _distinct(condition, column):
    """SQL: how many distinct values `column` has among the rows meeting `condition`."""
    return func.count(func.distinct(case((condition, column), else_=None)))


def figures(period: Period, today: date, now: datetime, open_spots: int | None = None) -> Figures:
    """The dashboard's figures: three statements whatever the data size (one pass over the
    members, one over the requests, one over the mentorships, then the open spots and the
    median age of the waiting requests)."""
    first, following = month_bounds(today)
    R = MentorshipRequest
    active_user = User.is_active_account.is_(True)
    statuses = list(MEMBERSHIP_STATUSES)
    people = db.session.execute(
        select(
            _sum(active_user),
            _sum(and_(active_user, *verified_membership(today))),
            _sum(and_(active_user, Profile.role.in_((MENTOR, BOTH)))),
            _sum(and_(active_user, Profile.role.in_((MENTEE, BOTH)))),
            # The member list's statuses, over every account (as on the member list).
            *(_sum(membership_status_condition(status, today)) for status in statuses),
        )
        .select_from(User)
        .outerjoin(Profile, Profile.user_id == User.id)
    ).one()
    in_period = period.moments(R.created_at)
    answered_in_period = period.moments(R.responded_at)
    requests = db.session.execute(
        select(
            _sum(R.status == R.PENDING),
            _sum(in_period),
            _distinct(in_period, R.mentee_id),
            _distinct(and_(in_period, R.status == R.ACCEPTED), R.mentee_id),
            _sum(and_(answered_in_period, R.status.in_((R.ACCEPTED, R.DECLINED)))),
            _sum(and_(answered_in_period, R.status == R.DECLINED)),
        )
    ).one()
    active = Mentorship.status == Mentorship.ACTIVE
    # The latest check-in is looked up for active mentorships only (CASE evaluates lazily).
    overdue = case(
        (
            active,
            case(
                (
                    last_check_in_or_start() <= today - timedelta(days=CHECK_IN_OVERDUE_DAYS),
                    1,
                ),
                else_=0,
            ),
        ),
        else_=0,
    )
    pairs = db.session.execute(
        select(
            _sum(active),
            func.coalesce(func.sum(overdue), 0),
            _sum(
                and_(
                    active,
                    Mentorship.minimum_end_on >= first,
                    Mentorship.minimum_end_on < following,
                )
            ),
            _sum(period.days(Mentorship.started_on)),
            _sum(and_(Mentorship.status == Mentorship.COMPLETED, period.days(Mentorship.ended_on))),
            _sum(
                and_(Mentorship.status == Mentorship.ENDED_EARLY, period.days(Mentorship.ended_on))
            ),
        )
    ).one()
    return Figures(
        membership_counts={status: int(n) for status, n in zip(statuses, people[4:], strict=True)},
        members=int(people[0]),
        verified_members=int(people[1]),
        mentors=int(people[2]),
        mentees=int(people[3]),
        open_spots=open_mentor_spots(today) if open_spots is None else open_spots,
        pending_requests=int(requests[0]),
        pending_median_days=pending_median_days(now),
        active_mentorships=int(pairs[0]),
        overdue_check_ins=int(pairs[1]),
        reaching_six_months=int(pairs[2]),
        requests_sent=int(requests[1]),
        mentees_asked=requests[2],
        mentees_matched=requests[3],
        requests_answered=int(requests[4]),
        requests_declined=int(requests[5]),
        mentorships_started=int(pairs[3]),
        completed=int(pairs[4]),
        ended_early=int(pairs[5]),
    )


def open_mentor_spots(today: date) -> int:
    """The sum, over eligible mentors accepting requests, of their capacity minus their active
    mentorships (never below 0 for one mentor)."""
    free = (Profile.mentor_capacity - active_mentorships_as_mentor(User.id)).label("free")
    per_mentor = (
        select(free)
        .select_from(User)
        .join(Profile, Profile.user_id == User.id)
        .where(*eligible_mentor_conditions(today))
        .subquery()
    )
    return db.session.scalar(
        select(
            func.coalesce(func.sum(case((per_mentor.c.free > 0, per_mentor.c.free), else_=0)), 0)
        )
    )


def pending_median_days(now: datetime) -> float | None:
    """The median age, in days, of the requests waiting for an answer (None: none wait).

    One statement: the middle row (or the two middle rows) by creation time, found with window
    functions; their ages are averaged here."""
    R = MentorshipRequest
    ranked = (
        select(
            R.created_at.label("created_at"),
            func.row_number().over(order_by=(R.created_at, R.id)).label("position"),
            func.count().over().label("total"),
        )
        .where(R.status == R.PENDING)
        .subquery()
    )
    rows = db.session.scalars(
        select(ranked.c.created_at).where(
            or_(
                ranked.c.position == (ranked.c.total + 1) // 2,
                ranked.c.position == (ranked.c.total + 2) // 2,
            )
        )
    ).all()
    if not rows:
        return None
    ages = [(now - created_at).total_seconds() / 86400 for created_at in rows]
    return round(sum(ages) / len(ages), 1)
