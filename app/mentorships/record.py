"""The participation record of a completed mentorship: a certificate a participant can print
or save as a PDF, and keep or show (e.g. for professional development hours).

Names, dates, how often and how long the pair met, and the objectives they covered (from their
check-ins and the goals they reached). Never a note: neither shared nor private check-in notes,
nor the agreement's text, nor anything said to the committee.

The record holds raw values (dates, counts, minutes); its text properties write them in the
language of the page that shows it, the holder's ("6 months", "6 mois"; "1.5" hours, "1,5").
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import format_decimal, ngettext

from app.mentorships import services
from app.models import Mentorship, User
from app.text import display_name


@dataclass
class ParticipationRecord:
    holder_name: str
    holder_role: str  # "mentor" or "mentee"
    partner_name: str
    mentor_name: str
    mentee_name: str
    started_on: date
    ended_on: date
    meetings: int
    minutes: int
    objectives: list[str]
    goals_reached: list[str]
    months: int  # whole months from start to completion, for "a mentorship of 7 months"

    @property
    def duration_text(self) -> str:
        return ngettext("%(num)d month", "%(num)d months", self.months)

    @property
    def hours_text(self) -> str:
        """The hours met, to a tenth: "3", "1.5" ("1,5" in French)."""
        return format_decimal(round(self.minutes / 60, 1), "#,##0.#")


def whole_months(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end` (5 January to 6 July: 6)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(0, months - (1 if end.day < start.day else 0))


def participation_record(mentorship: Mentorship, viewer: User) -> ParticipationRecord | None:
    """The record as `viewer` (one of the pair) keeps it; None unless the mentorship was
    completed. Meetings and hours follow the mentorship page's rule (`services.progress`: a
    day both logged counts once, at its longest length)."""
    if mentorship.status != Mentorship.COMPLETED or not mentorship.involves(viewer.id):
        return None
    progress = services.progress(mentorship)
    covered = {}
    for check_in in mentorship.check_ins:
        for objective in check_in.objectives:
            covered[objective.id] = objective
    done_goals = [goal for goal in mentorship.goals if goal.is_done]
    for goal in done_goals:
        if goal.objective is not None:
            covered[goal.objective.id] = goal.objective
    partner = services.partner_of(mentorship, viewer)
    ended_on = mentorship.ended_on or mentorship.minimum_end_on
    return ParticipationRecord(
        holder_name=display_name(viewer),
        holder_role=services.role_of(mentorship, viewer),
        partner_name=display_name(partner),
        mentor_name=display_name(mentorship.mentor),
        mentee_name=display_name(mentorship.mentee),
        started_on=mentorship.started_on,
        ended_on=ended_on,
        meetings=progress.meetings,
        minutes=progress.minutes,
        objectives=[o.name for o in sorted(covered.values(), key=lambda o: (o.position, o.name))],
        goals_reached=[goal.text for goal in done_goals],
        months=whole_months(mentorship.started_on, ended_on),
    )
