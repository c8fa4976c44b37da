"""`flask seed-demo`: realistic, repeatable demo members, fast enough for 10,000."""

import contextvars
import time

import pytest
from sqlalchemy import func, select

from app import clock
from app.agreements import has_current_agreement
from app.auth.passwords import verify_password
from app.eligibility import mentee_reasons, mentor_reasons
from app.extensions import db
from app.models import Profile, Region, Sector, User
from app.models.profiles import BOTH, MENTEE, MENTOR, MENTOR_MIN_YEARS
from app.seed import CITIES_BY_REGION, DEMO_PASSWORD, EMPLOYERS_BY_SECTOR
from tests.support import VOCABULARY_TABLES, sign_in

ONTARIO_CITIES = {city for cities in CITIES_BY_REGION.values() for city in cities}
EMPLOYERS = {employer for employers in EMPLOYERS_BY_SECTOR.values() for employer in employers}


def flask_command(app, *args):
    """Run a `flask` command as the command line would: in its own application context."""

    def run():
        with app.app_context():
            return app.test_cli_runner().invoke(args=list(args))

    return contextvars.Context().run(run)


def members() -> int:
    return db.session.scalar(select(func.count(User.id)))


def empty_database() -> None:
    db.session.remove()
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in VOCABULARY_TABLES:
            db.session.execute(table.delete())
    db.session.commit()


def people() -> list[tuple]:
    rows = db.session.execute(
        select(User.name, User.email, Profile.city, Profile.role, Profile.years_experience)
        .join(Profile, Profile.user_id == User.id)
        .order_by(User.id)
    )
    return [tuple(row) for row in rows]


def test_fifty_realistic_members_with_complete_profiles(app):
    result = flask_command(app, "seed-demo", "--members", "50", "--seed", "7")
    assert result.exit_code == 0, result.output
    assert "Created 50 demo members" in result.output

    users = db.session.scalars(select(User).order_by(User.id)).all()
    assert len(users) == 50
    for user in users:
        profile = user.profile
        assert profile is not None, user.email
        assert user.email.endswith("@example.org") and user.email.isascii()
        assert user.email_verified_at is not None
        assert profile.city in ONTARIO_CITIES
        assert profile.region is not None
        assert profile.employer in EMPLOYERS
        assert profile.position and profile.bio and profile.membership_number
        assert profile.sectors and profile.contact_methods and profile.languages
        assert profile.objectives and profile.expertise_areas
        assert profile.role in (MENTEE, MENTOR, BOTH)
        if profile.years_experience < MENTOR_MIN_YEARS:
            assert profile.role == MENTEE, "under three years: mentee only"

    roles = {user.profile.role for user in users}
    assert {MENTEE, MENTOR} <= roles
    regions = {user.profile.region_id for user in users}
    assert len(regions) >= 4, "members come from across the province"
    sectors = db.session.scalars(
        select(Sector.code).join(Profile.sectors).group_by(Sector.code)
    ).all()
    assert len(sectors) >= 4
    assert len({user.name for user in users}) >= 40, "names vary"
    assert len({user.email for user in users}) == 50
    membership_numbers = {user.profile.membership_number for user in users}
    assert len(membership_numbers) == 50
    assert db.session.scalar(select(func.count(Region.id))) == 8


def test_the_same_seed_gives_the_same_members(app):
    assert flask_command(app, "seed-demo", "--members", "50", "--seed", "7").exit_code == 0
    first = people()
    empty_database()
    assert flask_command(app, "seed-demo", "--members", "50", "--seed", "7").exit_code == 0
    assert people() == first
    empty_database()
    assert flask_command(app, "seed-demo", "--members", "50", "--seed", "8").exit_code == 0
    assert people() != first, "another seed, other members"


def test_the_demo_accounts_can_sign_in(app):
    assert flask_command(app, "seed-demo", "--members", "20").exit_code == 0
    accounts = {
        user.email: user
        for user in db.session.scalars(
            select(User).where(User.email.endswith("@example.org"), User.name.contains(" "))
        )
    }
    committee = accounts["committee@example.org"]
    mentor = accounts["mentor@example.org"]
    mentee = accounts["mentee@example.org"]
    assert committee.is_committee
    assert not mentor.is_committee and not mentee.is_committee
    assert db.session.scalar(select(func.count(User.id)).where(User.is_committee)) == 1
    assert mentor.profile.role == MENTOR and mentor.profile.years_experience >= 3
    assert mentor.profile.accepting_requests
    assert mentee.profile.role == MENTEE
    for user in (committee, mentor, mentee):
        assert verify_password(user.password_hash, DEMO_PASSWORD)
        assert user.profile.membership_verified_at is not None
        sign_in(app.test_client(), user.email, DEMO_PASSWORD)


def test_the_demo_mentor_and_mentee_can_take_part_at_once(app):
    assert flask_command(app, "seed-demo", "--members", "20").exit_code == 0
    mentor = db.session.scalar(select(User).where(User.email == "mentor@example.org"))
    mentee = db.session.scalar(select(User).where(User.email == "mentee@example.org"))
    today = clock.today()
    assert mentor_reasons(mentor, today, has_current_agreement(mentor, MENTOR)) == []
    assert mentee_reasons(mentee, today, has_current_agreement(mentee, MENTEE)) == []


def test_a_database_with_members_is_refused_without_force(app, make_member):
    make_member(email="real.member@example.org")
    result = flask_command(app, "seed-demo", "--members", "10")
    assert result.exit_code != 0
    assert "already has 1 members" in result.output and "--force" in result.output
    assert members() == 1


def test_force_adds_members_without_reusing_addresses(app):
    assert flask_command(app, "seed-demo", "--members", "50", "--seed", "7").exit_code == 0
    result = flask_command(app, "seed-demo", "--members", "50", "--seed", "7", "--force")
    assert result.exit_code == 0, result.output
    assert "demo accounts already exist" in result.output
    emails = db.session.scalars(select(User.email)).all()
    assert len(emails) == 100
    assert len(set(emails)) == 100
    assert db.session.scalar(select(func.count(User.id)).where(User.is_committee)) == 1, (
        "the demo committee account is not made twice"
    )
    assert db.session.scalar(select(func.count(Profile.user_id))) == 100


def test_if_empty_does_nothing_when_there_are_members(app, make_member):
    make_member()
    result = flask_command(app, "seed-demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "not loaded" in result.output
    assert members() == 1


def test_if_empty_loads_an_empty_database(app):
    result = flask_command(app, "seed-demo", "--if-empty", "--members", "12")
    assert result.exit_code == 0, result.output
    assert members() == 12


def test_new_accounts_can_be_added_after_seeding(app, make_member):
    """The database numbers the seeded rows, so its sequences (PostgreSQL) stay in step."""
    assert flask_command(app, "seed-demo", "--members", "30").exit_code == 0
    user = make_member(email="after.seeding@example.org")
    assert user.id > db.session.scalar(select(func.max(User.id)).where(User.email != user.email))


def test_ten_thousand_members_take_well_under_a_minute(app, capsys):
    started = time.perf_counter()
    result = flask_command(app, "seed-demo", "--members", "10000", "--seed", "3")
    seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert members() == 10_000
    assert db.session.scalar(select(func.count(Profile.user_id))) == 10_000
    with capsys.disabled():
        print(f"\n  seed-demo: 10,000 members in {seconds:.1f} s ({db.engine.dialect.name})")
    assert seconds < 30, f"10,000 members took {seconds:.1f} s"


@pytest.mark.parametrize("count", ["0", "-5"])
def test_a_member_count_below_one_is_refused(app, count):
    result = flask_command(app, "seed-demo", "--members", count)
    assert result.exit_code != 0
    assert "at least 1" in result.output


def test_employer_and_city_agree(app):
    from app.seed import EMPLOYER_CITIES, REGION_OF_CITY

    assert flask_command(app, "seed-demo", "--members", "80").exit_code == 0
    profiles = db.session.scalars(select(Profile)).all()
    for profile in profiles:
        if profile.employer in EMPLOYER_CITIES:
            assert profile.city == EMPLOYER_CITIES[profile.employer], profile.employer
        assert profile.region.code == REGION_OF_CITY[profile.city]


def test_the_demo_has_requests_mentorships_check_ins_and_feedback(app):
    from app.models import ClosingFeedback, Mentorship, MentorshipRequest

    result = flask_command(app, "seed-demo")
    assert result.exit_code == 0, result.output
    assert "Added " in result.output and "check-ins" in result.output

    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    for status in ("active", "completed", "ended_early"):
        assert count(Mentorship, Mentorship.status == status) >= 1, status
    for status in ("pending", "accepted", "declined", "withdrawn", "expired"):
        assert count(MentorshipRequest, MentorshipRequest.status == status) >= 1, status
    assert count(ClosingFeedback) >= 2
    pairs = db.session.scalars(select(Mentorship)).all()
    today = clock.today()
    for pair in pairs:
        assert pair.agreement.is_confirmed_by_both and pair.goals and pair.check_ins
        assert all(check_in.met_on <= today for check_in in pair.check_ins)
        assert pair.mentor.profile.role in (MENTOR, BOTH)
        assert pair.mentee.profile.role in (MENTEE, BOTH)
    active = [pair for pair in pairs if pair.status == "active"]
    assert len({pair.mentee_id for pair in active}) == len(active), "one mentor per mentee"
    for mentor_id in {pair.mentor_id for pair in active}:
        mentor = db.session.get(User, mentor_id)
        assert sum(p.mentor_id == mentor_id for p in active) <= mentor.profile.mentor_capacity
    assert any(pair.minimum_end_on <= today for pair in active), "one is past six months"
    demo = db.session.scalar(select(User).where(User.email == "mentee@example.org"))
    mine = next(pair for pair in active if pair.mentee_id == demo.id)
    assert mine.mentor.email == "mentor@example.org"
    assert mine.agreement.next_meeting_on > today


def test_no_activity_seeds_members_only(app):
    from app.models import Mentorship, MentorshipRequest

    assert flask_command(app, "seed-demo", "--no-activity").exit_code == 0
    assert db.session.scalar(select(func.count(Mentorship.id))) == 0
    assert db.session.scalar(select(func.count(MentorshipRequest.id))) == 0
