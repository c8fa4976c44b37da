"""Builders of test data, shared by every test module (a pytest plugin, see conftest.py).

- vocabulary: `vocab`, `entry`, `entry_id`, `ids` read the vocabularies the migrations filled;
  `restore_vocabularies` undoes a test's changes to them (opt in with
  `pytestmark = pytest.mark.usefixtures("restore_vocabularies")`).
- agreements: `agree(user, *roles)` records confirmed role agreements.
- people: `make_member` (any member), `make_mentor` and `make_mentee` (eligible ones), `mentee`
  (a signed-in mentee), `people` (the committee tests' members), `signed_in`, `committee`; the
  profiles they get: `complete_profile`, `mentor_profile`, `mentee_profile`, `profile_fields`;
  the profile form a browser sends: `form_data`.
- pairs: requests (`ask` with GOALS, `add_request`, `pending`), mentorships (`active_mentorship`,
  `add_mentorship`, `make_pair` / `pair` with an agreement), check-ins (`add_check_in`), the
  close (`close`, `give`) and the pair's confidential texts (`plant_pair_secrets`).
- time: `fixed_time` stops the clock at NOW for a whole test (opt in with
  `pytestmark = pytest.mark.usefixtures("fixed_time")`); `at(day)` is noon on a day.

Two kinds of profile exist because the tests were written against them: `mentor_profile` and
`mentee_profile` (vocabulary entries as rows, no display name: the request and mentorship
tests), and `profile_fields(role)` (vocabularies by code, the display name set: the directory
and committee tests). `make_mentor` and `make_mentee` give the first, or the second with
`directory=True`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.agreements import AGREEMENT_VERSIONS
from app.auth.passwords import hash_password
from app.clock import add_months
from app.extensions import db
from app.models import (
    CheckIn,
    ClosingFeedback,
    ClosingFeedbackScore,
    ContactMethod,
    ExpertiseArea,
    Goal,
    Language,
    Mentorship,
    MentorshipAgreement,
    MentorshipRequest,
    Objective,
    Profile,
    Region,
    RoleAgreement,
    Sector,
    User,
)
from app.models.accounts import normalise_email
from app.models.profiles import MENTEE, MENTOR
from app.profiles import services as profile_services
from app.requests import services as request_services
from tests.support import DEFAULT_PASSWORD, FormClient, sign_in

# --- time -----------------------------------------------------------------------------------

# The committee tests' "now": the last day of November 2026, in the afternoon.
NOW = datetime(2026, 11, 30, 15, 0)
TODAY = NOW.date()


@pytest.fixture
def fixed_time(clock_at):
    """The clock stands at NOW for the whole test (a test may still move it on)."""
    clock_at(NOW)
    return NOW


def at(day: date, hour: int = 12) -> datetime:
    """`day` at `hour` o'clock: noon unless told."""
    return datetime.combine(day, time(hour))


# --- vocabulary -----------------------------------------------------------------------------


@pytest.fixture
def restore_vocabularies(app):
    """The vocabularies outlive each test (conftest keeps them): undo what a test changed."""
    models = [*profile_services.VOCABULARY_FIELDS.values(), Region]
    saved = {
        model: {row.id: (row.position, row.active) for row in db.session.scalars(select(model))}
        for model in models
    }
    yield
    db.session.rollback()
    for model, rows in saved.items():
        for entry in db.session.scalars(select(model)):
            entry.position, entry.active = rows[entry.id]
    db.session.commit()


def vocab(model, *codes) -> list:
    """The entries with these codes, in that order; without codes, the vocabulary's active
    entries in their order."""
    if not codes:
        return db.session.scalars(
            select(model).where(model.active).order_by(model.position, model.id)
        ).all()
    return [db.session.scalar(select(model).where(model.code == code)) for code in codes]


def entry(model, code):
    """The entry with this code; there must be one."""
    found = db.session.scalar(select(model).where(model.code == code))
    assert found is not None, f"no {model.__name__} {code}"
    return found


def entry_id(model, code) -> str:
    """The entry's id as a form sends it."""
    return str(entry(model, code).id)


def ids(model, *codes) -> list[str]:
    """The ids of the entries with these codes, as a form sends them."""
    return [str(found.id) for found in vocab(model, *codes)]


# --- agreements -----------------------------------------------------------------------------


def agree(user: User, *roles: str, version: str | None = None) -> User:
    """`user` confirmed the agreement of each role: the current version, or `version` (an old
    one, say). Confirming one again changes nothing; nothing checks the member's experience,
    so a test can make a mentor who agreed but may not mentor."""
    for role in roles:
        wanted = version or AGREEMENT_VERSIONS[role]
        confirmed = db.session.scalar(
            select(RoleAgreement.id).where(
                RoleAgreement.user_id == user.id,
                RoleAgreement.role == role,
                RoleAgreement.version == wanted,
            )
        )
        if confirmed is None:
            db.session.add(RoleAgreement(user_id=user.id, role=role, version=wanted))
    db.session.commit()
    return user


# --- profiles -------------------------------------------------------------------------------

_VOCABULARIES_BY_CODE = {
    "sectors": Sector,
    "expertise_areas": ExpertiseArea,
    "objectives": Objective,
    "contact_methods": ContactMethod,
    "languages": Language,
}


def complete_profile(**overrides) -> dict:
    """Profile columns for make_member(profile=...): complete and verified."""
    profile = {
        "display_name": "Ada Reader",
        "position": "Library Technician",
        "years_experience": 5,
        "role": MENTEE,
        "region": vocab(Region, "toronto")[0],
        "sectors": vocab(Sector, "public"),
        "contact_methods": vocab(ContactMethod, "email"),
        "membership_number": "OLA-1",
        "membership_expires_on": clock.today() + timedelta(days=300),
        "membership_verified_at": clock.utcnow(),
    }
    profile.update(overrides)
    return profile


def mentor_profile(**overrides) -> dict:
    """A complete profile of a mentor, without a display name."""
    values = {
        "display_name": None,
        "role": MENTOR,
        "years_experience": 12,
        "position": "Head of Reference",
        "employer": "Hamilton Public Library",
        "contact_methods": vocab(ContactMethod, "email", "video"),
        "mentor_capacity": 1,
        "accepting_requests": True,
    }
    values.update(overrides)
    return complete_profile(**values)


def mentee_profile(**overrides) -> dict:
    """A complete profile of a mentee, without a display name."""
    values = {
        "display_name": None,
        "role": MENTEE,
        "years_experience": 1,
        "position": "MLIS student",
        "employer": "Western University",
        "mentee_goals": "Find my first library job.",
    }
    values.update(overrides)
    return complete_profile(**values)


def profile_fields(role: str, **overrides) -> dict:
    """A complete, verified profile; vocabularies given as codes (sectors=("public",), ...)."""
    fields = {
        "position": "Reference Librarian",
        "employer": "Hamilton Public Library",
        "years_experience": 10 if role != MENTEE else 1,
        "role": role,
        "region": "toronto",
        "city": "Toronto",
        "bio": "I enjoy helping people start out.",
        "membership_number": "OLA-100",
        "membership_expires_on": clock.today() + timedelta(days=300),
        "membership_verified_at": clock.utcnow() - timedelta(days=3),
        "mentor_capacity": 2,
        "accepting_requests": True,
        "sectors": ("academic",),
        "contact_methods": ("email",),
        "languages": ("en",),
        "objectives": (),
        "expertise_areas": (),
    }
    fields.update(overrides)
    if isinstance(fields["region"], str):
        fields["region"] = entry(Region, fields["region"])
    for name, model in _VOCABULARIES_BY_CODE.items():
        fields[name] = [entry(model, code) for code in fields[name]]
    return fields


def form_data(**overrides) -> dict:
    """A complete, valid profile form as a browser sends it."""
    data = {
        "display_name": "Ada Reader",
        "pronouns": "she/her",
        "position": "Library Technician",
        "employer": "Toronto Public Library",
        "years_experience": "5",
        "role": MENTEE,
        "sectors": ids(Sector, "public", "academic"),
        "membership_number": "OLA-123456",
        "membership_expires_on": (clock.today() + timedelta(days=300)).isoformat(),
        "expertise_areas": ids(ExpertiseArea, "reference"),
        "objectives": ids(Objective, "career", "networking"),
        "region_id": ids(Region, "toronto")[0],
        "city": "Toronto",
        "contact_methods": ids(ContactMethod, "email", "video"),
        "phone": "416-555-0123",
        "languages": ids(Language, "en", "fr"),
        "bio": "I work at the reference desk.",
        "mentee_goals": "Interview practice.",
        "mentor_capacity": "2",
        "accepting_requests": "yes",
    }
    data.update(overrides)
    return data


# --- people ---------------------------------------------------------------------------------


@pytest.fixture
def make_member(app):
    """Create a member: `make_member(email=..., verified=True, committee=False, **profile)`."""
    counter = iter(range(1, 10_000))

    def make(
        email: str | None = None,
        name: str | None = None,
        password: str = DEFAULT_PASSWORD,
        verified: bool = True,
        committee: bool = False,
        active: bool = True,
        profile: dict | None = None,
    ) -> User:
        number = next(counter)
        now = clock.utcnow()
        user = User(
            email=normalise_email(email or f"member{number}@example.org"),
            name=name or f"Member {number}",
            password_hash=hash_password(password),
            email_verified_at=now if verified else None,
            is_committee=committee,
            is_active_account=active,
            privacy_notice_version=app.config["PRIVACY_NOTICE_VERSION"],
            privacy_accepted_at=now,
        )
        db.session.add(user)
        if profile is not None:
            db.session.add(Profile(user=user, **profile))
        db.session.commit()
        return user

    return make


def _participant_builder(make_member, role: str, default_name: str):
    """The builder of make_mentor (role MENTOR) and make_mentee (role MENTEE)."""

    def make(
        name=default_name, *, agreement=True, verified=True, active=True, directory=False, **profile
    ) -> User:
        if directory:
            role_of_profile = profile.pop("role", role)
            fields = {"display_name": name, **profile_fields(role_of_profile, **profile)}
        else:
            fields = (mentor_profile if role == MENTOR else mentee_profile)(**profile)
        user = make_member(name=name, verified=verified, active=active, profile=fields)
        if agreement:
            agree(user, role, version=None if agreement is True else agreement)
        return user

    return make


@pytest.fixture
def make_mentor(make_member):
    """An eligible mentor who confirmed the mentor's agreement: `make_mentor(name, **profile)`.

    The profile is `mentor_profile(**profile)`, or with `directory=True` the display name `name`
    and `profile_fields(role, **profile)` (role MENTOR unless given). Options that make the
    mentor ineligible: `agreement=False` (none) or an old version ("2000-01"), `verified=False`
    (the e-mail address), `active=False` (the account).
    """
    return _participant_builder(make_member, MENTOR, "Morgan Mentor")


@pytest.fixture
def make_mentee(make_member):
    """An eligible mentee who confirmed the mentee's agreement: `make_mentee(name, **profile)`,
    with the options of make_mentor (`mentee_profile`, or with `directory=True`
    `profile_fields(role)`, role MENTEE unless given)."""
    return _participant_builder(make_member, MENTEE, "Emery Mentee")


@pytest.fixture
def mentee(app, make_mentee):
    """`client, user = mentee(**profile)`: "Sam Mentee", signed in, who may request a mentor
    (`make_mentee(directory=True, **profile)`)."""

    def make(**profile):
        user = make_mentee("Sam Mentee", directory=True, **profile)
        client = app.test_client()
        sign_in(client, user.email)
        return client, user

    return make


@pytest.fixture
def people(make_mentor, make_mentee):
    """`people(name, role=MENTEE, **profile)`: an eligible mentor (role MENTOR) or mentee with
    a directory profile (`directory=True`), agreement confirmed."""

    def make(name, role=MENTEE, **profile):
        builder = make_mentor if role == MENTOR else make_mentee
        return builder(name, directory=True, role=role, **profile)

    return make


@pytest.fixture
def signed_in(app, make_member):
    """A test client signed in as a new member: `client, user = signed_in(**member_options)`."""

    def make(**options):
        user = make_member(**options)
        client = app.test_client()
        sign_in(client, user.email)
        return client, user

    return make


@pytest.fixture
def committee(signed_in):
    """A FormClient signed in as a committee member ("Chair Person"), and that member."""
    client, user = signed_in(committee=True, name="Chair Person")
    return FormClient(client), user


@pytest.fixture
def french_committee(committee):
    """The FormClient of `committee`, whose member chose French."""
    forms, chair = committee
    chair.locale = "fr"
    db.session.commit()
    return forms


# --- pairs: requests ------------------------------------------------------------------------

GOALS = "I would like to prepare for interviews at academic libraries and review my CV."
assert len(GOALS) >= 50  # the shortest message a request may have


def objective_id(code="job-search") -> str:
    return entry_id(Objective, code)


def contact_id(code="email") -> str:
    return entry_id(ContactMethod, code)


def ask(mentee, mentor, message=GOALS) -> MentorshipRequest:
    """Create a request through the service (the test's own session)."""
    return request_services.create_request(
        mentee, mentor, message, [int(objective_id())], int(contact_id())
    )


@pytest.fixture
def pending(make_mentee, make_mentor):
    """`request, mentee, mentor`: Emery Mentee's pending request to Morgan Mentor."""
    mentee, mentor = make_mentee(name="Emery Mentee"), make_mentor(name="Morgan Mentor")
    return ask(mentee, mentor), mentee, mentor


def add_request(mentee, mentor, status, created: datetime, responded=None, **values):
    """A request as stored, in any status, at any time (no rule checked, no e-mail)."""
    request = MentorshipRequest(
        mentee_id=mentee.id,
        mentor_id=mentor.id,
        message=values.pop("message", "A message of the mentee, long enough."),
        status=status,
        created_at=created,
        expires_at=created + timedelta(days=14),
        responded_at=responded,
        **values,
    )
    db.session.add(request)
    db.session.commit()
    return request


# --- pairs: mentorships ---------------------------------------------------------------------


def active_mentorship(mentor, mentee) -> Mentorship:
    """An active mentorship that started today."""
    today = clock.today()
    mentorship = Mentorship(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        status=Mentorship.ACTIVE,
        started_on=today,
        minimum_end_on=add_months(today, 6),
    )
    db.session.add(mentorship)
    db.session.commit()
    return mentorship


def add_mentorship(
    mentor, mentee, started: date, status=Mentorship.ACTIVE, ended=None, request=None
):
    """A mentorship as stored, in any status (its minimum end 184 days after the start)."""
    mentorship = Mentorship(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        request_id=request.id if request else None,
        status=status,
        started_on=started,
        minimum_end_on=started + timedelta(days=184),
        ended_on=ended,
    )
    db.session.add(mentorship)
    db.session.commit()
    return mentorship


def add_check_in(mentorship, met_on: date, objectives=(), minutes=60, score=4, **notes):
    """The mentee's check-in by e-mail; objectives by code."""
    check_in = CheckIn(
        mentorship_id=mentorship.id,
        author_id=mentorship.mentee_id,
        met_on=met_on,
        method_id=entry(ContactMethod, "email").id,
        minutes=minutes,
        how_it_is_going=score,
        objectives=[entry(Objective, code) for code in objectives],
        **notes,
    )
    db.session.add(check_in)
    db.session.commit()
    return check_in


def close(mentorship, status, ended: date, reason=None, note=None):
    mentorship.status, mentorship.ended_on = status, ended
    mentorship.end_reason, mentorship.end_note = reason, note
    db.session.commit()
    return mentorship


def give(mentorship, user, recommend, comment=None, **scores):
    """`user`'s closing feedback; scores by objective code (job_search for job-search)."""
    db.session.add(
        ClosingFeedback(
            mentorship_id=mentorship.id,
            user_id=user.id,
            would_recommend=recommend,
            comment=comment,
            created_at=NOW - timedelta(days=1),
            scores=[
                ClosingFeedbackScore(
                    objective_id=entry(Objective, code.replace("_", "-")).id, score=score
                )
                for code, score in scores.items()
            ],
        )
    )
    db.session.commit()


# The texts only the pair may read; no committee page may show them.
SECRETS = {
    "message": "SECRET-REQUEST-MESSAGE-4711",
    "decline": "SECRET-DECLINE-NOTE-4712",
    "shared": "SECRET-SHARED-NOTE-4713",
    "private": "SECRET-PRIVATE-NOTE-4714",
    "agreement": "SECRET-AGREEMENT-GOALS-4715",
    "goal": "SECRET-GOAL-TEXT-4716",
}


def plant_pair_secrets(mentorship, met_on: date) -> None:
    """The pair's own texts, as SECRETS: a check-in's shared and private notes, the agreement's
    goals text and a goal's text."""
    add_check_in(
        mentorship,
        met_on,
        ("career",),
        shared_note=SECRETS["shared"],
        private_note=SECRETS["private"],
    )
    db.session.add(
        MentorshipAgreement(mentorship_id=mentorship.id, goals_text=SECRETS["agreement"])
    )
    db.session.add(Goal(mentorship_id=mentorship.id, text=SECRETS["goal"]))
    db.session.commit()


# --- pairs: an agreed mentorship ------------------------------------------------------------

# When make_pair's mentorships start unless told: a Monday in January 2026.
START = date(2026, 1, 5)


@dataclass
class Pair:
    mentorship: Mentorship
    mentor: User
    mentee: User
    objectives: list[Objective]

    @property
    def id(self) -> int:
        return self.mentorship.id

    def url(self, tail: str = "") -> str:
        return f"/mentorships/{self.mentorship.id}{tail}"


@pytest.fixture
def make_pair(app, make_mentor, make_mentee, clock_at):
    """`make_pair(started_on=START, mentor=None, mentee=None)`: an active mentorship with an
    agreement (monthly, the first two objectives, the first contact method); the clock stands at
    noon on its first day. Morgan Mentor (one spot) and Emery Mentee unless given."""

    def make(started_on: date = START, mentor=None, mentee=None) -> Pair:
        clock_at(at(started_on))
        mentor = mentor or make_mentor(name="Morgan Mentor", mentor_capacity=1)
        mentee = mentee or make_mentee(name="Emery Mentee")
        mentorship = Mentorship(
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            status=Mentorship.ACTIVE,
            started_on=started_on,
            minimum_end_on=add_months(started_on, 6),
        )
        objectives = vocab(Objective)[:2]
        agreement = MentorshipAgreement(
            mentorship=mentorship,
            meeting_frequency="monthly",
            confidentiality_acknowledged=True,
            objectives=objectives,
            contact_methods=vocab(ContactMethod)[:1],
        )
        db.session.add_all([mentorship, agreement])
        db.session.commit()
        return Pair(mentorship, mentor, mentee, objectives)

    return make


@pytest.fixture
def pair(make_pair):
    """`make_pair()`: the pair of a test that needs one."""
    return make_pair()
