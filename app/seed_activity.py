"""The program's life for `flask seed-demo`: requests waiting and answered, mentorships active,
completed and ended early, with their agreements, goals, check-ins and closing feedback.

So that a new database shows every page with something on it: the committee's dashboard, its
attention lists and exports, the pair's workspace, the six-month decision and the feedback.
Everything is dated in the past relative to now and chosen by the same seed as the members.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import clock
from app.extensions import db
from app.models import ContactMethod, Objective, Profile, User
from app.models.mentorship import (
    CheckIn,
    ClosingFeedback,
    ClosingFeedbackScore,
    Goal,
    MentorshipAgreement,
    MentorshipRequest,
)
from app.models.profiles import BOTH, MENTEE, MENTOR
from app.program import get_settings
from app.requests.services import start_mentorship

REQUEST_MESSAGES = [
    "I am finishing my MLIS and would value advice on my first professional job search.",
    "I work in circulation and want to move into reference: could we talk about the path?",
    "I am changing careers from teaching and would like to learn how libraries hire.",
    "Your work in {employer} is the kind of library I hope to work in. Would you mentor me?",
]
DECLINE_NOTES = [
    "My schedule is full until the spring; please ask me again at the next intake.",
    "I think a mentor in academic libraries would suit your goals better.",
]
GOALS = [
    "Review my resume and cover letter",
    "Practise a panel interview",
    "Meet two people working in special libraries",
    "Choose a professional development course",
    "Join an association committee",
]
SHARED_NOTES = [
    "We went through the resume line by line; next time the cover letter.",
    "Practised three interview questions; the STAR answers are getting sharper.",
    "Talked about which conferences are worth it in a first year.",
    "Looked at two job postings together and what they really ask for.",
]
FEEDBACK_COMMENTS = [
    "Six months went quickly: the interview practice made the difference.",
    "A generous mentor; meeting monthly was the right rhythm for us.",
    "We had less time than we hoped, but the advice was good.",
]


@dataclass
class ActivitySummary:
    requests: int = 0
    mentorships: dict[str, int] = field(default_factory=dict)
    check_ins: int = 0


@dataclass
class _Member:
    user: User
    profile: Profile
    active: int = 0  # mentorships it mentors now

    @property
    def spots(self) -> int:
        return self.profile.mentor_capacity - self.active


# The activity needs a few dozen people; with 10,000 demo members it takes them from the first.
ACTIVE_MEMBERS = 200


def _members(user_ids: list[int], today) -> list[_Member]:
    profiles = db.session.scalars(
        select(Profile)
        .options(joinedload(Profile.user))
        .where(Profile.user_id.in_(user_ids[:ACTIVE_MEMBERS]))
        .order_by(Profile.user_id)
    )
    return [_Member(p.user, p) for p in profiles if p.membership_active_on(today)]


def seed_activity(user_ids: list[int], seed: int) -> ActivitySummary:
    """Requests and mentorships among the members `user_ids` (the first three the demo
    committee member, mentor and mentee when they are among them). One commit."""
    rng = random.Random(seed * 7919 + 1)
    now = clock.utcnow()
    today = now.date()
    members = _members(user_ids, today)
    by_email = {m.user.email: m for m in members}
    mentors = [m for m in members if m.profile.role in (MENTOR, BOTH)]
    mentees = [m for m in members if m.profile.role in (MENTEE, BOTH)]
    objectives = db.session.scalars(select(Objective).order_by(Objective.id)).all()
    methods = db.session.scalars(select(ContactMethod).order_by(ContactMethod.id)).all()
    expiry = timedelta(days=get_settings().request_expiry_days)
    summary = ActivitySummary()
    busy: set[int] = set()  # mentees with an active mentorship or a pending request

    def request(mentee, mentor, days_ago, status, note=None):
        created = now - timedelta(days=days_ago, hours=rng.randint(1, 10))
        answered = status != MentorshipRequest.PENDING
        row = MentorshipRequest(
            mentee_id=mentee.user.id,
            mentor_id=mentor.user.id,
            message=rng.choice(REQUEST_MESSAGES).format(employer=mentor.profile.employer),
            objectives=rng.sample(objectives, 2),
            preferred_contact_method=rng.choice(mentor.profile.contact_methods or methods),
            status=status,
            created_at=created,
            expires_at=created + expiry,
            responded_at=created + timedelta(days=rng.randint(1, 4)) if answered else None,
            decline_note=note,
        )
        db.session.add(row)
        db.session.flush()
        summary.requests += 1
        return row

    def mentorship(mentee, mentor, days_ago, status=None, ended_days_ago=None, meetings=3):
        started = now - timedelta(days=days_ago)
        accepted = request(mentee, mentor, days_ago + 3, MentorshipRequest.ACCEPTED)
        pair = start_mentorship(mentor.user, mentee.user, started, accepted)
        _agreement(rng, pair, started, objectives, mentor.profile.contact_methods or methods)
        _goals(rng, pair, started, mentee.user.id)
        ended_on = today - timedelta(days=ended_days_ago) if ended_days_ago is not None else None
        last_day = ended_on or today
        for number in range(meetings):
            met_on = started.date() + (last_day - started.date()) * (number + 1) / (meetings + 1)
            _check_in(rng, pair, met_on, rng.choice([mentor, mentee]).user.id, methods)
            summary.check_ins += 1
        if status is None:
            mentor.active += 1
            busy.add(mentee.user.id)
            kind = "active"
        else:
            pair.status, pair.ended_on = status, ended_on
            pair.ended_by_id = rng.choice([mentor, mentee]).user.id
            if status == pair.ENDED_EARLY:
                pair.end_reason = "schedule"
            for person in (mentee, mentor)[: 2 if status == pair.COMPLETED else 1]:
                _feedback(rng, pair, person.user.id, ended_on)
            kind = status
        summary.mentorships[kind] = summary.mentorships.get(kind, 0) + 1
        return pair

    def free_mentee(exclude_id):
        for member in mentees:
            if member.user.id not in busy and member.user.id != exclude_id:
                return member
        return None

    def mentor_with_spot():
        for member in mentors:
            if member.spots > 0 and member.profile.accepting_requests:
                return member
        return None

    rng.shuffle(mentors)
    rng.shuffle(mentees)
    mentor_demo = by_email.get("mentor@example.org")
    mentee_demo = by_email.get("mentee@example.org")
    committee_demo = by_email.get("committee@example.org")
    if mentor_demo and mentee_demo:
        pair = mentorship(mentee_demo, mentor_demo, days_ago=75, meetings=3)
        pair.agreement.next_meeting_on = today + timedelta(days=9)
        pair.agreement.next_meeting_time = time(18, 0)
    if committee_demo:
        # The committee member mentored someone through six months already.
        past = free_mentee(committee_demo.user.id)
        if past:
            busy.add(past.user.id)
            mentorship(past, committee_demo, 250, ended_days_ago=30, status="completed", meetings=6)
    # Active pairs: one past its six months (time to decide), one gone quiet, two on their way.
    for days_ago, meetings in ((200, 6), (110, 1), (40, 2), (20, 1)):
        mentor = mentor_with_spot()
        mentee = mentor and free_mentee(mentor.user.id)
        if mentor and mentee:
            mentorship(mentee, mentor, days_ago, meetings=meetings)
    for status, days_ago, ended in (("completed", 230, 20), ("ended_early", 120, 35)):
        mentor = rng.choice(mentors) if mentors else None
        mentee = mentor and free_mentee(mentor.user.id)
        if mentor and mentee:
            busy.add(mentee.user.id)
            mentorship(mentee, mentor, days_ago, status=status, ended_days_ago=ended, meetings=3)
    # Requests: waiting (one for the demo mentor, one close to expiring), answered, withdrawn.
    waiting = [(mentor_demo, 2), (None, 4), (None, max(expiry.days - 2, 1)), (None, 1)]
    for mentor, days_ago in waiting:
        mentor = mentor if mentor and mentor.spots > 0 else mentor_with_spot()
        mentee = mentor and free_mentee(mentor.user.id)
        if mentor and mentee:
            request(mentee, mentor, days_ago, MentorshipRequest.PENDING)
            busy.add(mentee.user.id)
    answered = [
        (MentorshipRequest.DECLINED, DECLINE_NOTES[0]),
        (MentorshipRequest.DECLINED, DECLINE_NOTES[1]),
        (MentorshipRequest.WITHDRAWN, None),
        (MentorshipRequest.EXPIRED, None),
    ]
    for status, note in answered:
        mentor = rng.choice(mentors) if mentors else None
        mentee = mentor and free_mentee(mentor.user.id)
        if mentor and mentee:
            request(mentee, mentor, rng.randint(20, 60), status, note)
            busy.add(mentee.user.id)
    db.session.commit()
    return summary


def _agreement(rng, pair, started: datetime, objectives, methods) -> None:
    confirmed = started + timedelta(days=rng.randint(3, 10))
    pair.agreement = MentorshipAgreement(
        meeting_frequency=rng.choice(
            [MentorshipAgreement.MONTHLY, MentorshipAgreement.EVERY_TWO_WEEKS]
        ),
        goals_text="Get ready for a first professional post: resume, interviews, contacts.",
        confidentiality_acknowledged=True,
        contact_methods=rng.sample(list(methods), min(2, len(methods))),
        objectives=rng.sample(list(objectives), 2),
        confirmed_by_mentor_at=confirmed,
        confirmed_by_mentee_at=confirmed,
        created_at=started,
        updated_at=confirmed,
        updated_by_id=pair.mentee_id,
    )


def _goals(rng, pair, started: datetime, author_id: int) -> None:
    for number, text in enumerate(rng.sample(GOALS, 3)):
        done = number == 0
        pair.goals.append(
            Goal(
                text=text,
                created_by_id=author_id,
                created_at=started + timedelta(days=5, minutes=number),
                done_at=started + timedelta(days=40) if done else None,
            )
        )


def _check_in(rng, pair, met_on, author_id: int, methods) -> None:
    moment = datetime.combine(met_on, time(17, 30))
    pair.check_ins.append(
        CheckIn(
            author_id=author_id,
            met_on=met_on,
            method=rng.choice(list(methods)),
            minutes=rng.choice([30, 45, 60, 90]),
            shared_note=rng.choice(SHARED_NOTES),
            how_it_is_going=rng.choice([3, 4, 4, 5, 5]),
            objectives=pair.agreement.objectives[:1],
            created_at=moment,
            updated_at=moment,
        )
    )


def _feedback(rng, pair, user_id: int, ended_on) -> None:
    moment = datetime.combine(ended_on, time(12, 0)) + timedelta(days=rng.randint(1, 5))
    feedback = ClosingFeedback(
        mentorship_id=pair.id,
        user_id=user_id,
        would_recommend=rng.random() < 0.85,
        comment=rng.choice(FEEDBACK_COMMENTS),
        created_at=min(moment, clock.utcnow()),
    )
    feedback.scores = [
        ClosingFeedbackScore(objective_id=objective.id, score=rng.randint(3, 5))
        for objective in pair.agreement.objectives
    ]
    db.session.add(feedback)
