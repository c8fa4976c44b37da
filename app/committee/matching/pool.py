"""Who a matching run works with, read from the database (reading only).

The mentees: members whom `app.eligibility` lets request a mentor (asked of the database by the
SQL twins), with no active mentorship and no request waiting for an answer. For an intake, only
those who joined after the previous intake closed and no later than its last day, and those
carried to it from an earlier run (`IntakeWaitlistEntry`). The mentors: members eligible to
mentor who accept requests and have an open spot: their capacity minus their active mentorships
minus the requests waiting for their answer.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from app import clock
from app.agreements import AGREEMENT_VERSIONS
from app.eligibility.sql import (
    active_mentorships_as_mentee,
    active_mentorships_as_mentor,
    eligible_mentee_conditions,
    listed_mentor_conditions,
    pending_requests_as_mentee,
    pending_requests_as_mentor,
    taking_requests,
)
from app.extensions import db
from app.matching import Member
from app.matching_criteria import DECLINED, ENDED_EARLY
from app.mentors.services import (
    MEMBER_FIELDS,
    REGION,
    Vocabularies,
    display_name_column,
    terms_of,
)
from app.models import Intake, IntakeWaitlistEntry, Mentorship, MentorshipRequest, Profile, User
from app.models.profiles import MENTEE, MENTOR


def open_spots_column() -> ColumnElement:
    """A mentor's open spots: capacity minus active mentorships minus pending requests."""
    return (
        Profile.mentor_capacity
        - active_mentorships_as_mentor(User.id)
        - pending_requests_as_mentor(User.id)
    )


def mentee_waiting_conditions(today: date) -> list[ColumnElement]:
    """An eligible mentee with no active mentorship and no request waiting (on `User` joined
    with its `Profile`)."""
    return [
        *eligible_mentee_conditions(today, AGREEMENT_VERSIONS[MENTEE]),
        active_mentorships_as_mentee(User.id) == 0,
        pending_requests_as_mentee(User.id) == 0,
    ]


def mentor_open_conditions(today: date) -> list[ColumnElement]:
    """An eligible mentor accepting requests and not away, with an open spot."""
    return [
        *listed_mentor_conditions(today, AGREEMENT_VERSIONS[MENTOR]),
        *taking_requests(today),
        open_spots_column() > 0,
    ]


def previous_intake(intake: Intake) -> Intake | None:
    """The intake that closed last before `intake` opened."""
    return db.session.scalar(
        select(Intake)
        .where(Intake.closes_on < intake.opens_on)
        .order_by(Intake.closes_on.desc())
        .limit(1)
    )


def following_intake(intake: Intake | None, today: date) -> Intake | None:
    """The intake after `intake` (the first to open after it opened); without one, the first
    intake that opens after `today`."""
    after = intake.opens_on if intake is not None else today
    return db.session.scalar(
        select(Intake).where(Intake.opens_on > after).order_by(Intake.opens_on).limit(1)
    )


def joined_window(intake: Intake) -> tuple[date | None, date]:
    """The days on which the members who belong to `intake` joined: after the previous
    intake's last day (None: from the start) up to `intake`'s last day."""
    previous = previous_intake(intake)
    return (previous.closes_on + timedelta(days=1) if previous else None), intake.closes_on


def _in_intake(intake: Intake) -> ColumnElement:
    start, end = joined_window(intake)
    joined = [User.created_at < clock.end_of_day(end)]
    if start is not None:
        joined.append(User.created_at >= clock.start_of_day(start))
    carried = exists(
        select(1).where(
            IntakeWaitlistEntry.intake_id == intake.id, IntakeWaitlistEntry.user_id == User.id
        )
    )
    return or_(and_(*joined), carried)


def mentee_conditions(today: date, intake: Intake | None) -> list[ColumnElement]:
    conditions = mentee_waiting_conditions(today)
    if intake is not None:
        conditions.append(_in_intake(intake))
    return conditions


@dataclass(frozen=True)
class PoolCounts:
    mentees: int
    mentors: int
    spots: int


def counts(today: date, intake: Intake | None) -> PoolCounts:
    """How many mentees and mentors (and open spots) a run would match now."""
    mentees = db.session.scalar(
        select(func.count(User.id))
        .join(Profile, Profile.user_id == User.id)
        .where(*mentee_conditions(today, intake))
    )
    spots = open_spots_column().label("spots")
    per_mentor = (
        select(spots)
        .select_from(User)
        .join(Profile, Profile.user_id == User.id)
        .where(*mentor_open_conditions(today))
        .subquery()
    )
    mentors, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(per_mentor.c.spots), 0))
    ).one()
    return PoolCounts(mentees=mentees, mentors=mentors, spots=total)


@dataclass
class Pool:
    """The members of a run, ordered by id: mentees, mentors with their open spots, and what
    happened before between pairs of them ((mentee id, mentor id) -> {DECLINED, ENDED_EARLY})."""

    mentees: list[Member]
    mentors: list[Member]
    spots: list[int]
    history: dict[tuple[int, int], set[str]]


def _member_columns() -> list[ColumnElement]:
    return [
        User.id,
        display_name_column().label("name"),
        Profile.employer,
        Profile.region_id,
        Profile.years_experience,
    ]


def _members(rows, vocab: Vocabularies) -> list[Member]:
    terms = terms_of([row.id for row in rows], vocab)
    return [
        Member(
            id=row.id,
            name=row.name,
            employer=row.employer,
            region=vocab.term(REGION, row.region_id),
            years_experience=row.years_experience,
            **{name: frozenset(terms[row.id][kind]) for kind, name in MEMBER_FIELDS.items()},
        )
        for row in rows
    ]


def load(today: date, intake: Intake | None, vocab: Vocabularies) -> Pool:
    """The pool a run matches now."""
    mentee_rows = db.session.execute(
        select(*_member_columns())
        .join(Profile, Profile.user_id == User.id)
        .where(*mentee_conditions(today, intake))
        .order_by(User.id)
    ).all()
    mentor_rows = db.session.execute(
        select(*_member_columns(), open_spots_column().label("spots"))
        .join(Profile, Profile.user_id == User.id)
        .where(*mentor_open_conditions(today))
        .order_by(User.id)
    ).all()
    mentees, mentors = _members(mentee_rows, vocab), _members(mentor_rows, vocab)
    return Pool(
        mentees=mentees,
        mentors=mentors,
        spots=[row.spots for row in mentor_rows],
        history=history({m.id for m in mentees}, {m.id for m in mentors}),
    )


def members(user_ids, vocab: Vocabularies) -> dict[int, Member]:
    """Some members as they are now, by id (whatever their eligibility)."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(*_member_columns())
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(User.id.in_(ids))
        .order_by(User.id)
    ).all()
    return {member.id: member for member in _members(rows, vocab)}


def history(mentee_ids: set[int], mentor_ids: set[int]) -> dict[tuple[int, int], set[str]]:
    """Conflicts of interest from the past among these members: a request the mentor declined,
    a mentorship that ended early."""
    found: dict[tuple[int, int], set[str]] = defaultdict(set)
    declined = select(MentorshipRequest.mentee_id, MentorshipRequest.mentor_id).where(
        MentorshipRequest.status == MentorshipRequest.DECLINED
    )
    ended = select(Mentorship.mentee_id, Mentorship.mentor_id).where(
        Mentorship.status == Mentorship.ENDED_EARLY
    )
    for kind, statement in ((DECLINED, declined), (ENDED_EARLY, ended)):
        for mentee_id, mentor_id in db.session.execute(statement):
            if mentee_id in mentee_ids and mentor_id in mentor_ids:
                found[(mentee_id, mentor_id)].add(kind)
    return dict(found)
