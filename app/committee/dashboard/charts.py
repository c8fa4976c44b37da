"""The dashboard's charts: the data of each (SQL aggregates, a statement or so each) with its
title and table headings; `app.committee.dashboard.svg` draws them.

The counts are plain numbers; every word (titles, headings, month names, the description a
screen reader hears) is written when the page is, in the page's language."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select

from app.committee.dashboard import svg as svg_charts
from app.committee.dashboard.period import Period, month_bounds
from app.committee.dashboard.svg import Point
from app.extensions import db
from app.models import CheckInObjective, Mentorship, Objective, Profile, Region, Sector, User
from app.models.profiles import BOTH, MENTEE, profile_sectors

CHART_MONTHS = 12


def last_months(today: date, count: int = CHART_MONTHS) -> list[date]:
    """The first days of the last `count` months, oldest first, ending with `today`'s."""
    first = today.replace(day=1)
    months = [first]
    for _month in range(count - 1):
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return list(reversed(months))


def _month_point(day: date, value: int) -> Point:
    """A month's bar: "March 2026" in the table, "Mar 2026" under its column ("mars 2026")."""
    return Point(format_date(day, "MMMM y"), value, short=format_date(day, "MMM y"))


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
    return [_month_point(m, int(v)) for m, v in zip(months, row, strict=True)]


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
    return [_month_point(m, int(v)) for m, v in zip(months, row, strict=True)]


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
        select(Objective.localized_name(), touched)
        .where(Objective.active.is_(True))
        .order_by(Objective.position, Objective.name)
    ).all()
    return [Point(name, int(n)) for name, n in rows]


def _per_entry(vocabulary, counts) -> list[Point]:
    """Every active entry of `vocabulary` with its count from `counts` (entry_id, n), 0 if none."""
    rows = db.session.execute(
        select(vocabulary.localized_name(), func.coalesce(counts.c.n, 0))
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


def describe(points: list[Point], count: Callable[[int], str]) -> str:
    """The chart's data in one sentence: "January 2026: 3 mentorships; February 2026: 0
    mentorships." (`count` writes a value with its unit)."""
    if not points:
        return _("No data.")
    items = (_("%(label)s: %(count)s", label=p.label, count=count(p.value)) for p in points)
    return "; ".join(items) + "."


@dataclass
class Chart:
    id: str
    title: str
    count: Callable[[int], str]  # a value with its unit: "3 mentorships"
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
        """The chart's SVG markup (app.committee.dashboard.svg)."""
        draw = svg_charts.column_chart if self.kind == "column" else svg_charts.bar_chart
        desc = describe(self.points, self.count)
        return draw(self.id, self.title, self.points, desc, format_decimal)


def _mentorships(n: int) -> str:
    return ngettext("%(count)s mentorship", "%(count)s mentorships", n, count=format_decimal(n))


def _active_mentorships(n: int) -> str:
    return ngettext(
        "%(count)s active mentorship", "%(count)s active mentorships", n, count=format_decimal(n)
    )


def _check_ins(n: int) -> str:
    return ngettext("%(count)s check-in", "%(count)s check-ins", n, count=format_decimal(n))


def _mentees(n: int) -> str:
    return ngettext("%(count)s mentee", "%(count)s mentees", n, count=format_decimal(n))


def charts(period: Period, today: date) -> list[Chart]:
    """The dashboard's charts, each with the data of its table (five statements)."""
    return [
        Chart(
            "chart-new-mentorships",
            _("New mentorships per month, last 12 months"),
            _mentorships,
            "column",
            new_mentorships_per_month(today),
            _("Month"),
            _("New mentorships"),
        ),
        Chart(
            "chart-active-mentorships",
            _("Active mentorships at the end of each month"),
            _active_mentorships,
            "column",
            active_per_month(today),
            _("Month"),
            _("Active mentorships"),
            _("This month: today."),
        ),
        Chart(
            "chart-objectives",
            _("Objectives touched in check-ins, %(period)s", period=period.describe()),
            _check_ins,
            "bar",
            objectives_touched(period),
            _("Objective"),
            _("Check-ins"),
            _("A check-in may touch several objectives."),
        ),
        Chart(
            "chart-sectors",
            _("Mentees by library sector"),
            _mentees,
            "bar",
            mentees_by_sector(),
            _("Sector"),
            _("Mentees"),
            _("Members with the mentee role now; a member may work in two sectors."),
        ),
        Chart(
            "chart-regions",
            _("Mentees by region"),
            _mentees,
            "bar",
            mentees_by_region(),
            _("Region"),
            _("Mentees"),
            _("Members with the mentee role now."),
        ),
    ]
