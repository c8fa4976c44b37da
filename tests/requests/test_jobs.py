"""Requests over time and at the end of an account: the daily job (reminder half-way, expiry,
idempotent), the profile hooks, and two simultaneous requests on PostgreSQL."""

import os
import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import leaving
from app.eligibility.members import active_mentorships_as_mentor
from app.errors_domain import DomainError
from app.extensions import db
from app.models import Mentorship, MentorshipRequest, OutboxEmail, User
from app.profiles import privacy
from app.profiles import services as profile_services
from app.requests import jobs, services
from tests.factories import (
    GOALS,
    active_mentorship,
    agree,
    ask,
    contact_id,
    mentor_profile,
    objective_id,
)
from tests.support import DEFAULT_PASSWORD, body_html, body_text, fresh, links_in

pytestmark = pytest.mark.usefixtures("restore_vocabularies")

START = datetime(2026, 3, 2, 9, 0)


def run_daily(runner) -> str:
    result = runner.invoke(args=["jobs", "daily"])
    assert result.exit_code == 0, result.output
    return result.output


def outbox_templates() -> list[str]:
    return db.session.scalars(select(OutboxEmail.template).order_by(OutboxEmail.id)).all()


def test_the_daily_job_reminds_once_then_expires_once(
    app, runner, clock_at, make_mentee, make_mentor, deliver_mail, mail_server
):
    clock_at(START)
    mentee, mentor = make_mentee(name="Emery Mentee"), make_mentor(name="Morgan Mentor")
    request = ask(mentee, mentor)
    first_nonce = request.nonce
    # 14 days after 2 March in Ontario: the end of 16 March there (midnight EDT: 04:00 UTC).
    assert request.expires_at == datetime(2026, 3, 17, 4, 0)
    assert request.answer_by == date(2026, 3, 16)
    deliver_mail()
    mail_server.clear()

    clock_at(START + timedelta(days=7, hours=9))  # before half-way (7 days 9.5 hours): nothing
    assert "expired: 0. Mentors reminded: 0." in run_daily(runner)

    clock_at(START + timedelta(days=7, hours=10))
    assert "expired: 0. Mentors reminded: 1." in run_daily(runner)
    assert "expired: 0. Mentors reminded: 0." in run_daily(runner)  # the same day, again
    clock_at(START + timedelta(days=10))
    assert "Mentors reminded: 0." in run_daily(runner)
    assert fresh(MentorshipRequest, request.id).reminder_sent_at == START + timedelta(
        days=7, hours=10
    )
    deliver_mail()
    (reminder,) = mail_server.to(mentor.email)
    assert reminder["Subject"] == "Reminder: Emery Mentee is waiting for your answer"
    assert "http://localhost/requests" in links_in(reminder)

    clock_at(START + timedelta(days=14, hours=2))  # 16 March, 07:00 in Ontario: still open
    assert "Mentorship requests expired: 0. Mentors reminded: 0." in run_daily(runner)
    clock_at(datetime(2026, 3, 17, 6, 0))  # 02:00 on 17 March in Ontario
    assert "Mentorship requests expired: 1. Mentors reminded: 0." in run_daily(runner)
    assert "Mentorship requests expired: 0. Mentors reminded: 0." in run_daily(runner)
    expired = fresh(MentorshipRequest, request.id)
    assert expired.status == MentorshipRequest.EXPIRED
    assert expired.nonce != first_nonce
    deliver_mail()
    (told,) = mail_server.to(mentee.email)
    assert told["Subject"] == "No answer from Morgan Mentor: try another mentor"
    assert "http://localhost/mentors" in links_in(told)
    assert "sent on 2 March" in body_text(told)
    assert len(mail_server.to(mentor.email)) == 1  # only the reminder
    assert outbox_templates().count("request_expired") == 1
    assert outbox_templates().count("request_reminder") == 1


def test_a_request_past_expiry_is_expired_without_a_late_reminder(
    app, runner, clock_at, make_mentee, make_mentor
):
    clock_at(START)
    request = ask(make_mentee(), make_mentor())
    clock_at(START + timedelta(days=20))
    assert "expired: 1. Mentors reminded: 0." in run_daily(runner)
    assert fresh(MentorshipRequest, request.id).reminder_sent_at is None
    assert "request_reminder" not in outbox_templates()


def test_answered_requests_are_left_alone(app, runner, clock_at, make_mentee, make_mentor):
    clock_at(START)
    mentee = make_mentee()
    withdrawn = ask(mentee, make_mentor(name="One"))
    services.withdraw_request(withdrawn, mentee)
    clock_at(START + timedelta(days=30))
    assert "expired: 0. Mentors reminded: 0." in run_daily(runner)
    assert fresh(MentorshipRequest, withdrawn.id).status == MentorshipRequest.WITHDRAWN


def test_the_expiry_follows_the_settings(app, clock_at, make_mentee, make_mentor):
    from app.program import get_settings

    clock_at(START)
    get_settings().request_expiry_days = 5
    db.session.commit()
    request = ask(make_mentee(), make_mentor())
    # The end of 7 March in Ontario (midnight EST: 05:00 UTC).
    assert request.expires_at == datetime(2026, 3, 8, 5, 0)
    assert jobs.reminder_due_at(request) == START + timedelta(days=2, hours=22)


def test_an_expired_request_cannot_be_accepted(app, clock_at, make_mentee, make_mentor):
    clock_at(START)
    mentor = make_mentor()
    request = ask(make_mentee(), mentor)
    clock_at(START + timedelta(days=15))
    jobs.run_request_jobs()
    with pytest.raises(DomainError, match="This request expired on 17 March without an answer"):
        services.accept_request(fresh(MentorshipRequest, request.id), mentor)


# --- the profile hooks ----------------------------------------------------------------------


def test_has_active_mentorship_as_mentor(app, make_mentee, make_mentor):
    mentor, mentee = make_mentor(), make_mentee()
    assert active_mentorships_as_mentor(mentor) == 0
    mentorship = active_mentorship(mentor, mentee)
    assert active_mentorships_as_mentor(mentor) == 1
    assert active_mentorships_as_mentor(mentee) == 0
    mentorship.status = Mentorship.COMPLETED
    db.session.commit()
    assert active_mentorships_as_mentor(mentor) == 0


def test_a_mentor_keeps_the_mentor_role_while_mentoring(app, make_mentee, make_mentor):
    from app.errors_domain import FieldErrors
    from app.profiles.services import ProfileChanges

    mentor = make_mentor()
    active_mentorship(mentor, make_mentee())
    with pytest.raises(FieldErrors) as caught:
        profile_services.save_profile(
            mentor,
            ProfileChanges(display_name="M", role="mentee", years_experience=12),
        )
    assert "keep the mentor role" in caught.value.errors["role"][0]


def test_is_matched_partner(app, make_mentee, make_mentor, make_member):
    mentor, mentee, other = make_mentor(), make_mentee(), make_member()
    assert not privacy.is_matched_partner(mentee, mentor)
    mentorship = active_mentorship(mentor, mentee)
    assert privacy.is_matched_partner(mentee, mentor)
    assert privacy.is_matched_partner(mentor, mentee)
    assert not privacy.is_matched_partner(other, mentor)
    assert not privacy.is_matched_partner(mentor, mentor)
    assert privacy.can_see_contact_details(mentee, mentor)
    mentorship.status = Mentorship.ENDED_EARLY
    db.session.commit()
    assert not privacy.is_matched_partner(mentee, mentor)


def test_deleting_an_account_closes_its_requests(
    app, make_mentee, make_mentor, make_member, deliver_mail, mail_server
):
    from app.models.profiles import BOTH

    leaver = agree(
        make_member(name="Lee Leaving", profile=mentor_profile(role=BOTH)), "mentor", "mentee"
    )
    their_mentor = make_mentor(name="Morgan Mentor")
    waiting_mentee = make_mentee(name="Emery Mentee")
    sent = ask(leaver, their_mentor)
    received = ask(waiting_mentee, leaver)
    answered_mentee = make_mentee(name="Answered Mentee")
    answered = ask(answered_mentee, leaver)
    services.decline_request(answered, leaver, "Sorry.")
    deliver_mail()
    mail_server.clear()

    leaving.delete_account(leaver, DEFAULT_PASSWORD)

    sent, received, answered = (fresh(MentorshipRequest, r.id) for r in (sent, received, answered))
    assert sent.status == MentorshipRequest.WITHDRAWN and sent.responded_at is not None
    assert received.status == MentorshipRequest.DECLINED
    # delete_account then erases the decline notes on the leaver's requests, this neutral one too.
    assert received.decline_note is None
    # Answered requests keep their status; the note the leaver wrote is erased with their data.
    assert answered.status == MentorshipRequest.DECLINED
    assert answered.decline_note is None
    deliver_mail()
    assert mail_server.to(their_mentor.email) == []  # no e-mail names the member who left
    (told,) = mail_server.to(waiting_mentee.email)
    assert told["Subject"] == "One of your mentor requests has closed"
    assert "no longer taking part" in body_text(told)
    assert "Lee Leaving" not in body_text(told) and "Lee Leaving" not in body_html(told)
    assert "http://localhost/mentors" in links_in(told)
    assert len(mail_server.messages) == 1


def test_deleting_an_account_ends_its_mentorships_and_tells_the_partners(
    app, make_mentee, make_mentor, make_member, deliver_mail, mail_server, clock_at
):
    clock_at(datetime(2026, 4, 10, 12, 0))
    from app.models.profiles import BOTH

    leaver = agree(
        make_member(name="Lee Leaving", profile=mentor_profile(role=BOTH, mentor_capacity=3)),
        "mentor",
        "mentee",
    )
    their_mentor, their_mentee = make_mentor(name="Morgan Mentor"), make_mentee(name="Emery")
    as_mentee = active_mentorship(their_mentor, leaver)
    as_mentor = active_mentorship(leaver, their_mentee)
    finished = active_mentorship(leaver, make_mentee(name="Done"))
    finished.status = Mentorship.COMPLETED
    db.session.commit()

    leaving.delete_account(leaver, DEFAULT_PASSWORD)

    for mentorship in (as_mentee, as_mentor):
        ended = fresh(Mentorship, mentorship.id)
        assert ended.status == Mentorship.ENDED_EARLY
        assert ended.ended_on == date(2026, 4, 10)
    assert fresh(Mentorship, finished.id).status == Mentorship.COMPLETED
    deliver_mail()
    (to_mentor,) = mail_server.to(their_mentor.email)
    (to_mentee,) = mail_server.to(their_mentee.email)
    assert to_mentor["Subject"] == "Your mentoring partner has left the program"
    assert "Lee Leaving has left" in body_text(to_mentor)
    assert "another mentor" not in body_text(to_mentor)
    assert "http://localhost/mentors" in links_in(to_mentee)
    assert len(mail_server.messages) == 2


# --- PostgreSQL: two simultaneous requests for the same pair ----------------------------------


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="concurrent transactions are tested on PostgreSQL (set TEST_DATABASE_URL)",
)
def test_two_simultaneous_requests_make_one(app, make_mentee, make_mentor):
    mentee_id, mentor_id = make_mentee().id, make_mentor(name="Morgan Mentor").id
    objective, method = int(objective_id()), int(contact_id())
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send():
        with app.app_context():
            try:
                mentee = db.session.get(User, mentee_id)
                mentor = db.session.get(User, mentor_id)
                barrier.wait(timeout=10)
                services.create_request(mentee, mentor, GOALS, [objective], method)
                outcomes.append("created")
            except DomainError as error:
                outcomes.append(error.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == [
        "You already have a request waiting with Morgan Mentor. You can follow it, or "
        "withdraw it, on your requests page.",
        "created",
    ]
    assert db.session.scalar(select(func.count(MentorshipRequest.id))) == 1
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == 1


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="concurrent transactions are tested on PostgreSQL (set TEST_DATABASE_URL)",
)
def test_two_mentors_accepting_the_same_mentee_at_once_make_one_mentorship(
    app, make_mentee, make_mentor
):
    mentee = make_mentee()
    requests = [ask(mentee, make_mentor(name=f"Mentor {n}")) for n in (1, 2)]
    ids = [(r.id, r.mentor_id) for r in requests]
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(request_id, mentor_id):
        with app.app_context():
            try:
                request = db.session.get(MentorshipRequest, request_id)
                mentor = db.session.get(User, mentor_id)
                barrier.wait(timeout=10)
                services.accept_request(request, mentor)
                outcomes.append("accepted")
            except DomainError as error:
                outcomes.append(error.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=pair) for pair in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("accepted") == 1, outcomes
    assert db.session.scalar(select(func.count(Mentorship.id))) == 1
    statuses = sorted(
        db.session.scalars(select(MentorshipRequest.status).order_by(MentorshipRequest.id))
    )
    assert statuses == [MentorshipRequest.ACCEPTED, MentorshipRequest.SUPERSEDED]
