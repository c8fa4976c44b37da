"""The committee's dashboard: figures, charts and attention lists.

Every number is an SQL aggregate (COUNT / SUM / GROUP BY / subqueries, window functions for the
median), so a page costs the same small number of statements whether the program has ten
members or ten thousand; tests/test_committee_dashboard.py checks that.

Confidentiality (DESIGN.md section 3): the committee sees states, dates, counts and scores. The
queries here select the columns they show and never a note or a message: not the request's
message, not the decline note, not the check-ins' shared or private notes, not the agreement's
goals text, not the goals' text.

Two kinds of figure:
- "now": the state of the program today (members, pending requests, active mentorships...);
- "in the period": what happened between the filter's dates (an intake's, or chosen), or
  since the start when there is no filter.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, exists, func, or_, select, true
from sqlalchemy.orm import aliased

from app.agreements import AGREEMENT_VERSIONS
from app.committee import charts as svg_charts
from app.committee.charts import Point
from app.eligibility import MEMBERSHIP_STATUSES
from app.eligibility.sql import (
    active_mentorships_as_mentor,
    eligible_mentee_conditions,
    listed_mentor_conditions,
    membership_status_condition,
    verified_membership,
)
from app.extensions import db
from app.models import (
    CheckIn,
    CheckInObjective,
    Mentorship,
    MentorshipRequest,
    Objective,
    Profile,
    Region,
    Sector,
    User,
)
from app.models.profiles import (
    BOTH,
    MENTEE,
    MENTOR,
    profile_sectors,
)

# Attention thresholds (days).
PENDING_ATTENTION_DAYS = 7
OVERDUE_CHECK_IN_DAYS = 30
QUIET_MENTORSHIP_DAYS = 45
DASHBOARD_ROWS = 10  # rows of each attention list on the dashboard
PAGE_ROWS = 50  # rows per page of an attention list's own page
CHART_MONTHS = 12

# --- the period -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The dates the "in the period" figures count: `start` to `end`, both included (None:
    open). `intake` is the intake's name when the period is an intake's."""

    start: date | None = None
    end: date | None = None
    intake: str | None = None

    @property
    def is_all_time(self) -> bool:
        return self.start is None and self.end is None

    def days(self, column):
        """SQL: the date `column` falls in the period."""
        conditions = []
        if self.start is not None:
            conditions.append(column >= self.start)
        if self.end is not None:
            conditions.append(column <= self.end)
        return and_(true(), *conditions)

    def moments(self, column):
        """SQL: the (naive UTC) datetime `column` falls in the period."""
        conditions = []
        if self.start is not None:
            conditions.append(column >= datetime.combine(self.start, time.min))
        if self.end is not None:
            conditions.append(column < datetime.combine(self.end + timedelta(days=1), time.min))
        return and_(true(), *conditions)

    def describe(self) -> str:
        if self.intake:
            return f"the {self.intake} intake ({self._dates()})"
        if self.is_all_time:
            return "all time"
        return self._dates()

    def _dates(self) -> str:
        if self.start and self.end:
            return f"{self.start.isoformat()} to {self.end.isoformat()}"
        if self.start:
            return f"from {self.start.isoformat()}"
        return f"until {self.end.isoformat()}"


# --- figures --------------------------------------------------------------------------------


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


def _last_check_in_or_start():
    """SQL: the outer query's Mentorship's latest check-in date, or its start without one."""
    latest = (
        select(func.max(CheckIn.met_on))
        .where(CheckIn.mentorship_id == Mentorship.id)
        .scalar_subquery()
    )
    return func.coalesce(latest, Mentorship.started_on)


def month_bounds(today: date) -> tuple[date, date]:
    """The first day of `today`'s month and of the next month."""
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


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
                    _last_check_in_or_start() <= today - timedelta(days=OVERDUE_CHECK_IN_DAYS),
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


def _eligible_mentor_conditions(today: date) -> list:
    return [
        *listed_mentor_conditions(today, AGREEMENT_VERSIONS[MENTOR]),
        Profile.accepting_requests.is_(True),
    ]


def open_mentor_spots(today: date) -> int:
    """The sum, over eligible mentors accepting requests, of their capacity minus their active
    mentorships (never below 0 for one mentor)."""
    free = (Profile.mentor_capacity - active_mentorships_as_mentor(User.id)).label("free")
    per_mentor = (
        select(free)
        .select_from(User)
        .join(Profile, Profile.user_id == User.id)
        .where(*_eligible_mentor_conditions(today))
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


# --- charts ---------------------------------------------------------------------------------


def last_months(today: date, count: int = CHART_MONTHS) -> list[date]:
    """The first days of the last `count` months, oldest first, ending with `today`'s."""
    first = today.replace(day=1)
    months = [first]
    for _ in range(count - 1):
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return list(reversed(months))


def _month_label(day: date) -> str:
    return f"{day:%b %Y}"


def new_mentorships_per_month(today: date) -> list[Point]:
    """Mentorships started in each of the last 12 months (one statement)."""
    months = last_months(today)
    ends = [*months[1:], month_bounds(today)[1]]
    columns = [
        func.coalesce(
            func.sum(
                case(
                    (and_(Mentorship.started_on >= start, Mentorship.started_on < end), 1),
                    else_=0,
                )
            ),
            0,
        )
        for start, end in zip(months, ends, strict=True)
    ]
    row = db.session.execute(select(*columns).where(Mentorship.started_on >= months[0])).one()
    return [Point(_month_label(m), int(v)) for m, v in zip(months, row, strict=True)]


def active_per_month(today: date) -> list[Point]:
    """Mentorships active at the end of each of the last 12 months (today for this month):
    started by then and not ended by then (one statement)."""
    months = last_months(today)
    ends = [(m + timedelta(days=32)).replace(day=1) - timedelta(days=1) for m in months]
    ends[-1] = today
    columns = [
        func.coalesce(
            func.sum(
                case(
                    (
                        and_(
                            Mentorship.started_on <= end,
                            or_(Mentorship.ended_on.is_(None), Mentorship.ended_on > end),
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
            0,
        )
        for end in ends
    ]
    row = db.session.execute(
        select(*columns).where(
            Mentorship.started_on <= today,
            or_(Mentorship.ended_on.is_(None), Mentorship.ended_on > ends[0]),
        )
    ).one()
    return [Point(_month_label(m), int(v)) for m, v in zip(months, row, strict=True)]


def objectives_touched(period: Period) -> list[Point]:
    """How many check-ins in the period touched each objective (counts only, never notes).

    One statement: a count per active objective from the links alone, which carry their
    check-in's date (see `CheckInObjective`) and are indexed by objective and date."""
    touched = (
        select(func.count())
        .select_from(CheckInObjective)
        .where(CheckInObjective.objective_id == Objective.id, period.days(CheckInObjective.met_on))
        .correlate(Objective)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Objective.name, touched)
        .where(Objective.active.is_(True))
        .order_by(Objective.position, Objective.name)
    ).all()
    return [Point(name, int(n)) for name, n in rows]


def _per_entry(vocabulary, counts) -> list[Point]:
    """Every active entry of `vocabulary` with its count from `counts` (entry_id, n), 0 if none."""
    rows = db.session.execute(
        select(vocabulary.name, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.entry_id == vocabulary.id)
        .where(vocabulary.active.is_(True))
        .order_by(vocabulary.position, vocabulary.name)
    ).all()
    return [Point(name, int(n)) for name, n in rows]


def _current_mentees():
    return and_(User.is_active_account.is_(True), Profile.role.in_((MENTEE, BOTH)))


def mentees_by_sector() -> list[Point]:
    """Members with the mentee role, per library sector (a member may name two sectors)."""
    # An IN over the mentees (not a join) lets the planner start from the members rather than
    # walk the sector index and look each row up: about three times faster on SQLite.
    mentees = (
        select(Profile.user_id).join(User, User.id == Profile.user_id).where(_current_mentees())
    )
    counts = (
        select(profile_sectors.c.sector_id.label("entry_id"), func.count().label("n"))
        .where(profile_sectors.c.profile_id.in_(mentees))
        .group_by(profile_sectors.c.sector_id)
        .subquery()
    )
    return _per_entry(Sector, counts)


def mentees_by_region() -> list[Point]:
    """Members with the mentee role, per region."""
    active = select(User.id).where(User.is_active_account.is_(True))
    counts = (
        select(Profile.region_id.label("entry_id"), func.count().label("n"))
        .where(
            Profile.user_id.in_(active),
            Profile.role.in_((MENTEE, BOTH)),
            Profile.region_id.is_not(None),
        )
        .group_by(Profile.region_id)
        .subquery()
    )
    return _per_entry(Region, counts)


@dataclass
class Chart:
    id: str
    title: str
    unit: str
    kind: str  # "column" or "bar"
    points: list[Point]
    label_heading: str
    value_heading: str
    note: str = ""

    @property
    def total(self) -> int:
        return sum(p.value for p in self.points)

    @property
    def svg(self):
        """The chart's SVG markup (app.committee.charts)."""
        draw = svg_charts.column_chart if self.kind == "column" else svg_charts.bar_chart
        return draw(self.id, self.title, self.points, self.unit)


def charts(period: Period, today: date) -> list[Chart]:
    """The dashboard's charts, each with the data of its table (five statements)."""
    return [
        Chart(
            "chart-new-mentorships",
            "New mentorships per month, last 12 months",
            "mentorships",
            "column",
            new_mentorships_per_month(today),
            "Month",
            "New mentorships",
        ),
        Chart(
            "chart-active-mentorships",
            "Active mentorships at the end of each month",
            "active mentorships",
            "column",
            active_per_month(today),
            "Month",
            "Active mentorships",
            "This month: today.",
        ),
        Chart(
            "chart-objectives",
            f"Objectives touched in check-ins, {period.describe()}",
            "check-ins",
            "bar",
            objectives_touched(period),
            "Objective",
            "Check-ins",
            "A check-in may touch several objectives.",
        ),
        Chart(
            "chart-sectors",
            "Mentees by library sector",
            "mentees",
            "bar",
            mentees_by_sector(),
            "Sector",
            "Mentees",
            "Members with the mentee role now; a member may work in two sectors.",
        ),
        Chart(
            "chart-regions",
            "Mentees by region",
            "mentees",
            "bar",
            mentees_by_region(),
            "Region",
            "Mentees",
            "Members with the mentee role now.",
        ),
    ]


# --- attention lists ------------------------------------------------------------------------


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
    last = _last_check_in_or_start().label("last_contact")
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
                _last_check_in_or_start() <= today - timedelta(days=QUIET_MENTORSHIP_DAYS),
            )
            .order_by(last, Mentorship.id)
            .limit(limit)
            .offset(offset)
        )
    )


def waiting_mentees(today: date, now: datetime, limit: int, offset: int = 0) -> AttentionList:
    """Eligible mentees without an active mentorship whose requests wait, expired or were
    declined, the longest waiting (earliest such request) first."""
    R = MentorshipRequest

    def how_many(status):
        return func.sum(case((R.status == status, 1), else_=0)).label(status)

    # The requests are summed per mentee first, so that eligibility is checked only for the
    # mentees who asked, not for every member (a third faster on SQLite).
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
    return _listed(
        db.session.execute(
            select(
                User.id,
                User.name,
                asked.c.first_asked,
                asked.c.pending,
                asked.c.declined,
                asked.c.expired,
                func.count().over().label("total"),
            )
            .select_from(asked)
            .join(User, User.id == asked.c.mentee_id)
            .join(Profile, Profile.user_id == User.id)
            .where(
                *eligible_mentee_conditions(today, AGREEMENT_VERSIONS[MENTEE]),
                ~exists(
                    select(1).where(
                        Mentorship.mentee_id == User.id, Mentorship.status == Mentorship.ACTIVE
                    )
                ),
            )
            .order_by(asked.c.first_asked, User.id)
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
                func.sum(free).over().label("free_total"),  # = open_mentor_spots(today)
            )
            .join(Profile, Profile.user_id == User.id)
            .where(*_eligible_mentor_conditions(today), free > 0)
            .order_by(free.desc(), func.lower(User.name), User.id)
            .limit(limit)
            .offset(offset)
        )
    )


@dataclass(frozen=True)
class AttentionKind:
    """One attention list: its query (`today, now, limit, offset` -> AttentionList), the
    address of its own page, its heading and what to say when it is empty."""

    slug: str
    load: Callable[[date, datetime, int, int], AttentionList]
    title: str
    caption: str
    empty: str

    @property
    def field(self) -> str:
        return self.slug.replace("-", "_")


ATTENTION_KINDS = {
    kind.slug: kind
    for kind in (
        AttentionKind(
            "waiting-requests",
            waiting_requests,
            f"Requests waiting more than {PENDING_ATTENTION_DAYS} days",
            f"Requests waiting for the mentor's answer for more than {PENDING_ATTENTION_DAYS} "
            "days, oldest first",
            f"None: every request is answered within {PENDING_ATTENTION_DAYS} days.",
        ),
        AttentionKind(
            "quiet-mentorships",
            quiet_mentorships,
            f"Mentorships with no check-in for {QUIET_MENTORSHIP_DAYS} days",
            f"Active mentorships with no check-in for {QUIET_MENTORSHIP_DAYS} days, the "
            "quietest first",
            f"None: every active pair checked in within {QUIET_MENTORSHIP_DAYS} days.",
        ),
        AttentionKind(
            "waiting-mentees",
            waiting_mentees,
            "Mentees waiting longest for a match",
            "Eligible mentees without a mentorship whose requests wait, expired or were "
            "declined, longest waiting first",
            "None: no eligible mentee is waiting for a match.",
        ),
        AttentionKind(
            "mentors-with-spots",
            mentors_with_spots,
            "Mentors with free spots",
            "Eligible mentors accepting requests who have a free spot, most free spots first",
            "None: no eligible mentor has a free spot.",
        ),
    )
}


@dataclass
class Attention:
    waiting_requests: AttentionList
    quiet_mentorships: AttentionList
    waiting_mentees: AttentionList
    mentors_with_spots: AttentionList

    @property
    def open_spots(self) -> int:
        """The free spots of all eligible mentors (as `open_mentor_spots`)."""
        rows = self.mentors_with_spots.rows
        return int(rows[0].free_total) if rows else 0

    def by_kind(self) -> list[tuple[AttentionKind, AttentionList]]:
        """Each list with what describes it, in the dashboard's order."""
        return [(kind, getattr(self, kind.field)) for kind in ATTENTION_KINDS.values()]


def attention(today: date, now: datetime, limit: int | None = None) -> Attention:
    """The first `limit` (DASHBOARD_ROWS) rows of the four attention lists (four statements)."""
    limit = DASHBOARD_ROWS if limit is None else limit
    return Attention(
        **{kind.field: kind.load(today, now, limit, 0) for kind in ATTENTION_KINDS.values()}
    )
