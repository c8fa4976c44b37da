"""The dates the dashboard's "in the period" figures count (an intake's, or chosen), as SQL
conditions on a date or datetime column; and the months the figures and charts count by."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, true

from app import clock


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
        """SQL: the (naive UTC) datetime `column` falls on a program day of the period."""
        conditions = []
        if self.start is not None:
            conditions.append(column >= clock.start_of_day(self.start))
        if self.end is not None:
            conditions.append(column < clock.end_of_day(self.end))
        return and_(true(), *conditions)

    def describe(self) -> str:
        """The period in words, in the page's language (its days as YYYY-MM-DD, as on the
        committee's other pages)."""
        if self.intake:
            return _("the %(intake)s intake (%(dates)s)", intake=self.intake, dates=self._dates())
        if self.is_all_time:
            return _("all time")
        return self._dates()

    def _dates(self) -> str:
        if self.start and self.end:
            return _("%(start)s to %(end)s", start=self.start.isoformat(), end=self.end.isoformat())
        if self.start:
            return _("from %(start)s", start=self.start.isoformat())
        return _("until %(end)s", end=self.end.isoformat())


def intake_choice(intake) -> str:
    """An intake as a filter offers it: "Spring 2026 (2026-01-01 to 2026-03-31)"."""
    return _(
        "%(name)s (%(opens)s to %(closes)s)",
        name=intake.name,
        opens=intake.opens_on.isoformat(),
        closes=intake.closes_on.isoformat(),
    )


def month_bounds(today: date) -> tuple[date, date]:
    """The first day of `today`'s month and of the next month."""
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following
