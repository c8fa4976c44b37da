"""The cluster run's data: a fresh database, demo members, and the people and states that each
check needs, made with the app's own services (so their e-mails are in the outbox too); and the
questions the checks ask the database afterwards.

Everything here runs in an application context of the same configuration as the hosts.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, insert, select, update

from app import clock
from app.agreements import AGREEMENT_VERSIONS
from app.clock import add_months
from app.eligibility.sql import eligible_mentee_conditions, listed_mentor_conditions
from app.email.delivery import message_id
from app.extensions import db
from app.models import (
    Mentorship,
    MentorshipRequest,
    Objective,
    OutboxEmail,
    OutboxWorker,
    Profile,
    User,
)
from app.models.profiles import BOTH, MENTEE, MENTOR, RoleAgreement
from app.requests.rules import contact_methods_offered
from app.requests.services import accept_request, create_request
from app.seed import seed_members

MEMBERS = 1200
SEED = 16
MESSAGE = (
    "I am starting out in public libraries and would value your advice on building a career, "
    "on the skills to learn first, and on meeting people in the profession."
)


@dataclass
class Sizes:
    clients: int = 16
    mentees_per_client: int = 25
    race_requests: int = 20
    race_capacity: int = 3
    expiring_requests: int = 60  # past their expiry: the daily job expires them
    waiting_requests: int = 60  # half-way to expiry: the daily job reminds their mentors
    quiet_mentorships: int = 20  # no check-in for 40 days: the daily job reminds both


@dataclass
class Scenario:
    committee: list[str] = field(default_factory=list)  # one account per client
    pairs: list[tuple[int, str]] = field(default_factory=list)  # (mentorship id, mentor e-mail)
    mentee_pools: list[list[str]] = field(default_factory=list)  # per client
    race_mentor: str = ""
    race_mentor_id: int = 0
    race_request_ids: list[int] = field(default_factory=list)
    limited_account: str = ""
    expiring_ids: list[int] = field(default_factory=list)
    waiting_ids: list[int] = field(default_factory=list)
    quiet_ids: list[int] = field(default_factory=list)


def build(sizes: Sizes) -> Scenario:
    """Demo members, all able to take part, and the states each check starts from."""
    seed_members(MEMBERS, SEED)
    _everyone_eligible()
    mentors = _eligible(listed_mentor_conditions, MENTOR, MENTOR)
    mentees = _eligible(eligible_mentee_conditions, MENTEE, MENTEE)
    others = _eligible(eligible_mentee_conditions, MENTEE, BOTH)
    scenario = Scenario()
    take_mentor, take_mentee = _taker(mentors), _taker(mentees)

    committee = others[: sizes.clients]
    db.session.execute(update(User).where(User.id.in_(committee)).values(is_committee=True))
    db.session.commit()
    scenario.committee = _emails(committee)

    race_mentor = take_mentor(1)[0]
    db.session.execute(
        update(Profile)
        .where(Profile.user_id == race_mentor)
        .values(mentor_capacity=sizes.race_capacity)
    )
    for mentee in take_mentee(sizes.race_capacity - 1):
        _accept(_request(mentee, race_mentor))
    scenario.race_mentor_id = race_mentor
    scenario.race_mentor = _emails([race_mentor])[0]
    scenario.race_request_ids = [
        _request(mentee, race_mentor).id for mentee in take_mentee(sizes.race_requests)
    ]

    scenario.quiet_ids = [
        _accept(_request(mentee, mentor)).id
        for mentee, mentor in zip(
            take_mentee(sizes.quiet_mentorships), take_mentor(sizes.quiet_mentorships), strict=True
        )
    ]
    scenario.expiring_ids, scenario.waiting_ids = _daily_requests(sizes, take_mentee, take_mentor)
    _backdate(scenario)

    for mentee, mentor in zip(take_mentee(sizes.clients), take_mentor(sizes.clients), strict=True):
        mentorship = _accept(_request(mentee, mentor))
        scenario.pairs.append((mentorship.id, _emails([mentor])[0]))
    scenario.limited_account = _emails(take_mentee(1))[0]
    pool = _emails(take_mentee(sizes.clients * sizes.mentees_per_client))
    scenario.mentee_pools = [pool[i :: sizes.clients] for i in range(sizes.clients)]
    return scenario


def _taker(ids: list[int]):
    """take(n): the next n ids of the list, never the same id twice."""
    position = 0

    def take(count: int) -> list[int]:
        nonlocal position
        if position + count > len(ids):
            raise RuntimeError(f"the demo data has only {len(ids)} such members")
        chosen = ids[position : position + count]
        position += count
        return chosen

    return take


def _everyone_eligible() -> None:
    """The seed leaves some memberships unverified or expired and some agreements unconfirmed:
    here every member may take part in each role their profile has."""
    now = clock.utcnow()
    db.session.execute(
        update(Profile).values(
            membership_verified_at=now - timedelta(days=30),
            membership_expires_on=(now + timedelta(days=365)).date(),
            accepting_requests=True,
        )
    )
    db.session.execute(
        update(Profile).where(Profile.role.in_((MENTOR, BOTH))).values(mentor_capacity=4)
    )
    for role, roles in ((MENTOR, (MENTOR, BOTH)), (MENTEE, (MENTEE, BOTH))):
        agreed = select(RoleAgreement.user_id).where(
            RoleAgreement.role == role, RoleAgreement.version == AGREEMENT_VERSIONS[role]
        )
        missing = db.session.scalars(
            select(Profile.user_id).where(Profile.role.in_(roles), Profile.user_id.not_in(agreed))
        ).all()
        if missing:
            db.session.execute(
                insert(RoleAgreement),
                [
                    {
                        "user_id": i,
                        "role": role,
                        "version": AGREEMENT_VERSIONS[role],
                        "agreed_at": now,
                    }
                    for i in missing
                ],
            )
    db.session.commit()


def _eligible(conditions, role: str, profile_role: str) -> list[int]:
    today = clock.today()
    return list(
        db.session.scalars(
            select(User.id)
            .join(Profile, Profile.user_id == User.id)
            .where(*conditions(today, AGREEMENT_VERSIONS[role]), Profile.role == profile_role)
            .order_by(User.id)
        ).all()
    )


def _emails(ids: list[int]) -> list[str]:
    by_id = dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())
    return [by_id[i] for i in ids]


def _request(mentee_id: int, mentor_id: int) -> MentorshipRequest:
    mentee, mentor = db.session.get(User, mentee_id), db.session.get(User, mentor_id)
    objective = db.session.scalar(select(Objective.id).where(Objective.active).limit(1))
    method = contact_methods_offered(mentor)[0].id
    return create_request(mentee, mentor, MESSAGE, [objective], method)


def _accept(request: MentorshipRequest) -> Mentorship:
    return accept_request(request, request.mentor)


def _daily_requests(sizes: Sizes, take_mentee, take_mentor) -> tuple[list[int], list[int]]:
    """Three requests per mentee (the program's limit), to three different mentors."""
    total = sizes.expiring_requests + sizes.waiting_requests
    mentees = take_mentee(-(-total // 3))
    mentors = take_mentor(20)
    ids = []
    for index in range(total):
        mentee = mentees[index // 3]
        mentor = mentors[(index // 3 + index % 3) % len(mentors)]
        ids.append(_request(mentee, mentor).id)
    return ids[: sizes.expiring_requests], ids[sizes.expiring_requests :]


def _backdate(scenario: Scenario) -> None:
    now = clock.utcnow()
    db.session.execute(
        update(MentorshipRequest)
        .where(MentorshipRequest.id.in_(scenario.expiring_ids))
        .values(created_at=now - timedelta(days=15), expires_at=now - timedelta(days=1))
    )
    db.session.execute(
        update(MentorshipRequest)
        .where(MentorshipRequest.id.in_(scenario.waiting_ids))
        .values(created_at=now - timedelta(days=8), expires_at=now + timedelta(days=6))
    )
    started = clock.today() - timedelta(days=40)
    db.session.execute(
        update(Mentorship)
        .where(Mentorship.id.in_(scenario.quiet_ids))
        .values(started_on=started, minimum_end_on=add_months(started, 6))
    )
    db.session.commit()


# What the checks ask afterwards.


def last_outbox_id() -> int:
    return db.session.scalar(select(func.coalesce(func.max(OutboxEmail.id), 0)))


def outbox_by_status() -> dict[str, int]:
    return dict(
        db.session.execute(
            select(OutboxEmail.status, func.count(OutboxEmail.id)).group_by(OutboxEmail.status)
        ).all()
    )


def outbox_templates_after(first_id: int) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(OutboxEmail.template, func.count(OutboxEmail.id))
            .where(OutboxEmail.id > first_id)
            .group_by(OutboxEmail.template)
        ).all()
    )


def expected_message_ids() -> dict[str, int]:
    """The Message-ID of every outbox row, with its id."""
    rows = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()
    return {message_id(row): row.id for row in rows}


def claims_of(worker_name: str) -> list[str]:
    """The Message-IDs of the messages that a worker (by its name, host:pid) holds claimed."""
    rows = db.session.scalars(
        select(OutboxEmail)
        .join(OutboxWorker, OutboxWorker.id == OutboxEmail.claimed_by)
        .where(OutboxWorker.name == worker_name, OutboxEmail.status == OutboxEmail.SENDING)
    ).all()
    return [message_id(row) for row in rows]


def retried_messages() -> int:
    """Messages sent at a later attempt than their first (they met the outage)."""
    return db.session.scalar(
        select(func.count(OutboxEmail.id)).where(
            OutboxEmail.status == OutboxEmail.SENT, OutboxEmail.attempts > 1
        )
    )


def requests_in(ids: list[int], status: str) -> int:
    return db.session.scalar(
        select(func.count(MentorshipRequest.id)).where(
            MentorshipRequest.id.in_(ids), MentorshipRequest.status == status
        )
    )


def reminded_requests(ids: list[int]) -> int:
    return db.session.scalar(
        select(func.count(MentorshipRequest.id)).where(
            MentorshipRequest.id.in_(ids), MentorshipRequest.reminder_sent_at.is_not(None)
        )
    )


def reminded_mentorships(ids: list[int]) -> int:
    return db.session.scalar(
        select(func.count(Mentorship.id)).where(
            Mentorship.id.in_(ids), Mentorship.check_in_reminder_sent_on == clock.today()
        )
    )


def active_mentorships_of(mentor_id: int) -> int:
    return db.session.scalar(
        select(func.count(Mentorship.id)).where(
            Mentorship.mentor_id == mentor_id, Mentorship.status == Mentorship.ACTIVE
        )
    )


def counts() -> dict[str, int]:
    return {
        "members": db.session.scalar(select(func.count(User.id))),
        "requests": db.session.scalar(select(func.count(MentorshipRequest.id))),
        "mentorships": db.session.scalar(select(func.count(Mentorship.id))),
        "e-mails": last_outbox_id(),
    }
