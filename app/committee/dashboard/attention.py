"""The dashboard's attention lists: waiting requests, quiet mentorships, mentees waiting for a
match, mentors silent for two weeks, mentors with free spots. Each is one statement (its rows
and, by a window function, how many qualify in all), on the dashboard (its first rows) and
on its own page (a page at a time).

Confidentiality: what a pair writes to each other stays with the pair, so the lists show names,
states and dates, never a note or a message.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import LazyString, lazy_gettext
from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import aliased

from app.agreements import AGREEMENT_VERSIONS
from app.committee.dashboard.conditions import (
    CHECK_IN_OVERDUE_DAYS,
    eligible_mentor_conditions,
    last_check_in_or_start,
)
from app.eligibility.sql import active_mentorships_as_mentor, eligible_mentee_conditions
from app.extensions import db
from app.models import Mentorship, MentorshipRequest, Profile, User
from app.models.profiles import MENTEE

# Attention thresholds (days).
PENDING_ATTENTION_DAYS = 7
QUIET_MENTORSHIP_DAYS = CHECK_IN_OVERDUE_DAYS  # the figure "Check-ins overdue" counts these
SILENT_MENTOR_DAYS = 14
# How far back an unanswered request still counts: a mentor silent in spring is not listed in
# the autumn for it.
SILENT_LOOKBACK_DAYS = 60
DASHBOARD_ROWS = 10  # rows of each attention list on the dashboard
PAGE_ROWS = 50  # rows per page of an attention list's own page


@dataclass
class AttentionList:
    rows: list
    total: int  # all that qualify; `rows` shows some of them

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


def _listed(rows) -> AttentionList:
    rows = list(rows)
    return AttentionList(rows, rows[0].total if rows else 0)


def waiting_requests(today: date, now: datetime, limit: int, offset: int = 0) -> AttentionList:
    """Requests waiting for an answer for more than PENDING_ATTENTION_DAYS days, oldest first."""
    R = MentorshipRequest
    mentee, mentor = aliased(User), aliased(User)
    return _listed(
        db.session.execute(
            select(
                R.id,
                R.created_at,
                R.expires_at,
                R.reminder_sent_at,
                mentee.id.label("mentee_id"),
                mentee.name.label("mentee_name"),
                mentor.id.label("mentor_id"),
                mentor.name.label("mentor_name"),
                func.count().over().label("total"),
            )
            .join(mentee, mentee.id == R.mentee_id)
            .join(mentor, mentor.id == R.mentor_id)
            .where(
                R.status == R.PENDING,
                R.created_at <= now - timedelta(days=PENDING_ATTENTION_DAYS),
            )
            .order_by(R.created_at, R.id)
            .limit(limit)
            .offset(offset)
        )
    )


def quiet_mentorships(today: date, now: datetime, limit: int, offset: int = 0) -> AttentionList:
    """Active mentorships with no check-in for QUIET_MENTORSHIP_DAYS days (counting from the
    start when there is none), the quietest first."""
    mentee, mentor = aliased(User), aliased(User)
    last = last_check_in_or_start().label("last_contact")
    return _listed(
        db.session.execute(
            select(
                Mentorship.id,
                Mentorship.started_on,
                last,
                mentee.name.label("mentee_name"),
                mentor.name.label("mentor_name"),
                func.count().over().label("total"),
            )
            .join(mentee, mentee.id == Mentorship.mentee_id)
            .join(mentor, mentor.id == Mentorship.mentor_id)
            .where(
                Mentorship.status == Mentorship.ACTIVE,
                last_check_in_or_start() <= today - timedelta(days=QUIET_MENTORSHIP_DAYS),
            )
            .order_by(last, Mentorship.id)
            .limit(limit)
            .offset(offset)
        )
    )


def waiting_mentees(today: date, now: datetime, limit: int, offset: int = 0) -> AttentionList:
    """Eligible mentees without a mentor: no active mentorship and none completed, whether their
    requests wait, expired or were declined or they never sent one. The longest waiting first:
    since their first such request, or since they joined when they never asked."""
    R = MentorshipRequest

    def how_many(status):
        return func.sum(case((R.status == status, 1), else_=0)).label(status)

    asked = (
        select(
            R.mentee_id,
            func.min(R.created_at).label("first_asked"),
            how_many(R.PENDING),
            how_many(R.DECLINED),
            how_many(R.EXPIRED),
        )
        .where(R.status.in_((R.PENDING, R.EXPIRED, R.DECLINED)))
        .group_by(R.mentee_id)
        .subquery()
    )
    waiting_since = func.coalesce(asked.c.first_asked, User.created_at)
    return _listed(
        db.session.execute(
            select(
                User.id,
                User.name,
                asked.c.first_asked,
                waiting_since.label("waiting_since"),
                func.coalesce(asked.c.pending, 0).label("pending"),
                func.coalesce(asked.c.declined, 0).label("declined"),
                func.coalesce(asked.c.expired, 0).label("expired"),
                func.count().over().label("total"),
            )
            .select_from(User)
            .join(Profile, Profile.user_id == User.id)
            .outerjoin(asked, asked.c.mentee_id == User.id)
            .where(
                *eligible_mentee_conditions(today, AGREEMENT_VERSIONS[MENTEE]),
                ~exists(
                    select(1).where(
                        Mentorship.mentee_id == User.id,
                        Mentorship.status.in_((Mentorship.ACTIVE, Mentorship.COMPLETED)),
                    )
                ),
            )
            .order_by(waiting_since, User.id)
            .limit(limit)
            .offset(offset)
        )
    )


def mentors_with_spots(today: date, now: datetime, limit: int, offset: int = 0) -> AttentionList:
    """Eligible mentors accepting requests with a free spot, the most free spots first."""
    R = MentorshipRequest
    active = active_mentorships_as_mentor(User.id)
    free = Profile.mentor_capacity - active
    pending = (
        select(func.count(R.id))
        .where(R.mentor_id == User.id, R.status == R.PENDING)
        .scalar_subquery()
    )
    return _listed(
        db.session.execute(
            select(
                User.id,
                User.name,
                Profile.mentor_capacity.label("capacity"),
                active.label("active"),
                free.label("free"),
                pending.label("pending"),
                func.count().over().label("total"),
                func.sum(free).over().label("free_total"),  # = figures.open_mentor_spots(today)
            )
            .join(Profile, Profile.user_id == User.id)
            .where(*eligible_mentor_conditions(today), free > 0)
            .order_by(free.desc(), func.lower(User.name), User.id)
            .limit(limit)
            .offset(offset)
        )
    )


def silent_mentors(today: date, now: datetime, limit: int, offset: int = 0) -> AttentionList:
    """Mentors who have answered no request for SILENT_MENTOR_DAYS days while one waited on
    them that long: a request sent in the last SILENT_LOOKBACK_DAYS, more than
    SILENT_MENTOR_DAYS days ago, still waiting or expired without an answer (requests expire
    after 14 days by default, so counting only those still waiting would miss most). The
    longest silent first. A mentor who is away is left out: they told us when they are back."""
    R = MentorshipRequest
    silent_since = now - timedelta(days=SILENT_MENTOR_DAYS)
    answered_lately = exists(
        select(1).where(
            R.mentor_id == User.id,
            R.status.in_((R.ACCEPTED, R.DECLINED)),
            R.responded_at >= silent_since,
        )
    )
    unanswered = (
        select(
            R.mentor_id,
            func.min(R.created_at).label("oldest"),
            func.count(R.id).label("pending"),
        )
        .where(
            R.status.in_((R.PENDING, R.EXPIRED)),
            R.created_at >= now - timedelta(days=SILENT_LOOKBACK_DAYS),
        )
        .group_by(R.mentor_id)
        .having(func.min(R.created_at) < silent_since)
        .subquery()
    )
    return _listed(
        db.session.execute(
            select(
                User.id,
                User.name,
                unanswered.c.oldest,
                unanswered.c.pending,
                func.count().over().label("total"),
            )
            .join(unanswered, unanswered.c.mentor_id == User.id)
            .outerjoin(Profile, Profile.user_id == User.id)
            .where(
                ~answered_lately,
                or_(Profile.away_until.is_(None), Profile.away_until <= today),
            )
            .order_by(unanswered.c.oldest, User.id)
            .limit(limit)
            .offset(offset)
        )
    )


@dataclass(frozen=True)
class AttentionKind:
    """One attention list: its query (`today, now, limit, offset` -> AttentionList), the
    address of its own page, its heading and what to say when it is empty (lazy texts: they
    are written in the language of the page that shows them)."""

    slug: str
    load: Callable[[date, datetime, int, int], AttentionList]
    title: LazyString
    caption: LazyString
    empty: LazyString

    @property
    def field(self) -> str:
        return self.slug.replace("-", "_")


ATTENTION_KINDS = {
    kind.slug: kind
    for kind in (
        AttentionKind(
            "waiting-requests",
            waiting_requests,
            lazy_gettext("Requests waiting more than %(days)d days", days=PENDING_ATTENTION_DAYS),
            lazy_gettext(
                "Requests waiting for the mentor's answer for more than %(days)d days, oldest "
                "first",
                days=PENDING_ATTENTION_DAYS,
            ),
            lazy_gettext(
                "None: every request is answered within %(days)d days.", days=PENDING_ATTENTION_DAYS
            ),
        ),
        AttentionKind(
            "quiet-mentorships",
            quiet_mentorships,
            lazy_gettext(
                "Mentorships with no check-in for %(days)d days", days=QUIET_MENTORSHIP_DAYS
            ),
            lazy_gettext(
                "Active mentorships with no check-in for %(days)d days, the quietest first",
                days=QUIET_MENTORSHIP_DAYS,
            ),
            lazy_gettext(
                "None: every active pair checked in within %(days)d days.",
                days=QUIET_MENTORSHIP_DAYS,
            ),
        ),
        AttentionKind(
            "waiting-mentees",
            waiting_mentees,
            lazy_gettext("Mentees waiting longest for a match"),
            lazy_gettext(
                "Eligible mentees without a mentor, whether their requests wait, expired or were "
                "declined or they never sent one; longest waiting first (since their first "
                "request, or since they joined)"
            ),
            lazy_gettext("None: no eligible mentee is waiting for a match."),
        ),
        AttentionKind(
            "silent-mentors",
            silent_mentors,
            lazy_gettext("Mentors silent for %(days)d days", days=SILENT_MENTOR_DAYS),
            lazy_gettext(
                "Mentors who have answered no request for %(days)d days while one waited on "
                "them (still waiting, or expired without an answer; not counting mentors who "
                "are away), the longest silent first",
                days=SILENT_MENTOR_DAYS,
            ),
            lazy_gettext(
                "None: every mentor answered within %(days)d days, or is away.",
                days=SILENT_MENTOR_DAYS,
            ),
        ),
        AttentionKind(
            "mentors-with-spots",
            mentors_with_spots,
            lazy_gettext("Mentors with free spots"),
            lazy_gettext(
                "Eligible mentors accepting requests who have a free spot, most free spots first"
            ),
            lazy_gettext("None: no eligible mentor has a free spot."),
        ),
    )
}


@dataclass
class Attention:
    waiting_requests: AttentionList
    quiet_mentorships: AttentionList
    waiting_mentees: AttentionList
    silent_mentors: AttentionList
    mentors_with_spots: AttentionList

    @property
    def open_spots(self) -> int:
        """The free spots of all eligible mentors (as `figures.open_mentor_spots`)."""
        rows = self.mentors_with_spots.rows
        return int(rows[0].free_total) if rows else 0

    def by_kind(self) -> list[tuple[AttentionKind, AttentionList]]:
        """Each list with what describes it, in the dashboard's order."""
        return [(kind, getattr(self, kind.field)) for kind in ATTENTION_KINDS.values()]


def attention(today: date, now: datetime, limit: int | None = None) -> Attention:
    """The first `limit` (DASHBOARD_ROWS) rows of the five attention lists (five statements)."""
    limit = DASHBOARD_ROWS if limit is None else limit
    return Attention(
        **{kind.field: kind.load(today, now, limit, 0) for kind in ATTENTION_KINDS.values()}
    )
