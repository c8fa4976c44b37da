"""The committee's view of one mentorship: the pair, its dates, the agreement's state, counts of
goals, and each check-in's date, minutes, method and score.

Confidentiality: what a pair writes to each other stays with the pair, so the committee sees states,
dates, counts and scores. The queries select the columns they show and never a check-in note (shared
or private), the agreement's goals text or a goal's text.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import (
    CheckIn,
    CheckInObjective,
    ContactMethod,
    Goal,
    Mentorship,
    MentorshipAgreement,
    Objective,
    User,
)


@dataclass
class CheckInRow:
    met_on: date
    minutes: int
    score: int
    score_label: str
    method: str
    logged_by: str  # "Mentor" or "Mentee", in the page's language
    objectives: list[str]


@dataclass
class MentorshipView:
    id: int
    status: str
    status_label: str
    started_on: date
    minimum_end_on: date
    ended_on: date | None
    mentor_id: int
    mentor_name: str
    mentee_id: int
    mentee_name: str
    request_id: int | None
    frequency: str | None
    agreement_exists: bool
    agreed_by_mentor_at: datetime | None
    agreed_by_mentee_at: datetime | None
    goals_total: int
    goals_done: int
    check_ins: list[CheckInRow]

    @property
    def check_in_minutes(self) -> int:
        return sum(c.minutes for c in self.check_ins)

    @property
    def last_check_in(self) -> date | None:
        return max((c.met_on for c in self.check_ins), default=None)

    @property
    def average_score(self) -> float | None:
        if not self.check_ins:
            return None
        return round(sum(c.score for c in self.check_ins) / len(self.check_ins), 1)


def mentorship_view(mentorship_id: int) -> MentorshipView | None:
    """What the committee sees of a mentorship: the pair, dates, agreement state, counts of
    goals, and each check-in's date, minutes, method and score. Never a note, the agreement's
    goals text or a goal's text (none of those columns is selected)."""
    mentee, mentor = aliased(User), aliased(User)
    A = MentorshipAgreement
    row = db.session.execute(
        select(
            Mentorship.id,
            Mentorship.status,
            Mentorship.started_on,
            Mentorship.minimum_end_on,
            Mentorship.ended_on,
            Mentorship.request_id,
            mentor.id.label("mentor_id"),
            mentor.name.label("mentor_name"),
            mentee.id.label("mentee_id"),
            mentee.name.label("mentee_name"),
            A.id.label("agreement_id"),
            A.meeting_frequency,
            A.confirmed_by_mentor_at,
            A.confirmed_by_mentee_at,
            select(func.count(Goal.id))
            .where(Goal.mentorship_id == Mentorship.id)
            .scalar_subquery()
            .label("goals_total"),
            select(func.count(Goal.id))
            .where(Goal.mentorship_id == Mentorship.id, Goal.done_at.is_not(None))
            .scalar_subquery()
            .label("goals_done"),
        )
        .join(mentee, mentee.id == Mentorship.mentee_id)
        .join(mentor, mentor.id == Mentorship.mentor_id)
        .outerjoin(A, A.mentorship_id == Mentorship.id)
        .where(Mentorship.id == mentorship_id)
    ).one_or_none()
    if row is None:
        return None
    check_in_rows = db.session.execute(
        select(
            CheckIn.id,
            CheckIn.met_on,
            CheckIn.minutes,
            CheckIn.how_it_is_going,
            CheckIn.author_id,
            ContactMethod.localized_name().label("method"),
        )
        .join(ContactMethod, ContactMethod.id == CheckIn.method_id)
        .where(CheckIn.mentorship_id == mentorship_id)
        .order_by(CheckIn.met_on.desc(), CheckIn.id.desc())
    ).all()
    touched: dict[int, list[str]] = {}
    for check_in_id, name in db.session.execute(
        select(CheckInObjective.check_in_id, Objective.localized_name())
        .join(Objective, Objective.id == CheckInObjective.objective_id)
        .join(CheckIn, CheckIn.id == CheckInObjective.check_in_id)
        .where(CheckIn.mentorship_id == mentorship_id)
        .order_by(Objective.position, Objective.name)
    ):
        touched.setdefault(check_in_id, []).append(name)
    return MentorshipView(
        id=row.id,
        status=row.status,
        status_label=Mentorship.STATUS_LABELS.get(row.status, row.status),
        started_on=row.started_on,
        minimum_end_on=row.minimum_end_on,
        ended_on=row.ended_on,
        mentor_id=row.mentor_id,
        mentor_name=row.mentor_name,
        mentee_id=row.mentee_id,
        mentee_name=row.mentee_name,
        request_id=row.request_id,
        frequency=MentorshipAgreement.FREQUENCIES.get(row.meeting_frequency or ""),
        agreement_exists=row.agreement_id is not None,
        agreed_by_mentor_at=row.confirmed_by_mentor_at,
        agreed_by_mentee_at=row.confirmed_by_mentee_at,
        goals_total=row.goals_total,
        goals_done=row.goals_done,
        check_ins=[
            CheckInRow(
                met_on=c.met_on,
                minutes=c.minutes,
                score=c.how_it_is_going,
                score_label=CheckIn.SCORES.get(c.how_it_is_going, ""),
                method=c.method,
                logged_by=_("Mentor") if c.author_id == row.mentor_id else _("Mentee"),
                objectives=touched.get(c.id, []),
            )
            for c in check_in_rows
        ],
    )
