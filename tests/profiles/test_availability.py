"""A mentor pauses ("away until <date>"): the page, the directory and the requests while away,
the waiting requests declined kindly or kept open, the daily job bringing them back once, "I'm
back now", bad return days, the data export and account deletion, the audit trail, and the
committee's list of mentors silent for 14 days."""

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app import leaving
from app.committee.audit import trail
from app.committee.dashboard import attention
from app.errors_domain import DomainError
from app.extensions import db
from app.models import MentorshipRequest, OutboxEmail, Profile
from app.models.profiles import MENTOR
from app.profiles import availability, privacy
from app.requests import services as requests
from app.requests.rules import check_may_request
from tests.factories import DEFAULT_PASSWORD, add_request, ask
from tests.support import (
    audit_events,
    body_text,
    client_for,
    fresh,
    links_in,
    listed_mentors,
    outbox,
    profile_of,
    text_of,
)

pytestmark = pytest.mark.usefixtures("restore_vocabularies")

NOW = datetime(2026, 12, 3, 10, 0)
TODAY = NOW.date()
BACK = date(2027, 3, 31)


@pytest.fixture
def away_setup(app, clock_at, make_mentor, make_mentee):
    """`mentor, (first, second)`: Morgan Mentor (in the directory) with two waiting requests."""
    clock_at(NOW)
    mentor = make_mentor("Morgan Mentor", directory=True)
    first = ask(make_mentee("Emery Mentee", directory=True), mentor)
    second = ask(make_mentee("Riley Mentee", directory=True), mentor)
    return mentor, (first, second)


def pause(app, mentor, **data):
    forms = client_for(app, mentor)
    page = forms.get("/profile/availability")
    assert page.status_code == 200
    return forms, forms.post("/profile/availability", data=data)


def snapshot() -> tuple:
    db.session.expire_all()
    profiles = db.session.execute(
        select(
            Profile.user_id, Profile.away_until, Profile.away_note, Profile.away_keeps_requests
        ).order_by(Profile.user_id)
    ).all()
    requests_ = db.session.execute(
        select(MentorshipRequest.id, MentorshipRequest.status, MentorshipRequest.expires_at)
    ).all()
    return profiles, requests_, len(outbox()), len(audit_events())


# --- the page -------------------------------------------------------------------------------


def test_the_page_is_for_mentors_only(app, client, away_setup, make_mentee):
    assert client.get("/profile/availability").status_code == 302  # sign in first
    mentee = client_for(app, make_mentee("Only Mentee"))
    assert mentee.get("/profile/availability").status_code == 404
    assert mentee.post("/profile/availability", data={"away_until": "2027-01-10"}).status_code == (
        404
    )
    assert mentee.post("/profile/availability", data={"back": "y"}).status_code == 404
    mentor, _ = away_setup
    page = client_for(app, mentor).get("/profile/availability")
    text = text_of(page)
    assert "Away until" in text and "For example, 2027-03-31." in text
    assert "You have 2 requests waiting for your answer" in text
    assert "Decline them kindly now" in text and "Keep them open until I'm back" in text
    assert 'type="date"' in page.get_data(as_text=True)


def test_pausing_declines_the_waiting_requests_kindly_and_leaves_the_directory(
    app, away_setup, mentee, deliver_mail, mail_server
):
    mentor, (first, second) = away_setup
    client, _ = mentee()
    assert "Morgan Mentor" in listed_mentors(client.get("/mentors"))
    deliver_mail()
    mail_server.clear()

    forms, response = pause(
        app, mentor, away_until="2027-03-31", away_note="On leave.", pending="decline"
    )
    assert response.status_code == 303
    page = text_of(forms.get("/profile/availability"))
    assert "You are away until 31 March 2027" in page
    assert "We declined your 2 waiting requests kindly." in page
    assert "Your note for mentees: On leave." in page

    profile = profile_of(mentor)
    assert (profile.away_until, profile.away_note, profile.away_keeps_requests) == (
        BACK,
        "On leave.",
        False,
    )
    for request in (first, second):
        assert fresh(MentorshipRequest, request.id).status == MentorshipRequest.DECLINED
    assert "Morgan Mentor" not in listed_mentors(client.get("/mentors"))  # at once
    assert client.get(f"/mentors/{mentor.id}").status_code == 404

    deliver_mail()
    for address in (first.mentee.email, second.mentee.email):
        (message,) = mail_server.to(address)
        assert message["Subject"] == "An answer from Morgan Mentor"
        assert "They are not able to take you on this time: they are away until 31 March" in (
            " ".join(body_text(message).split())
        )
    (event,) = audit_events(trail.MENTOR_AWAY)
    assert event.actor_id == mentor.id and event.target_id == mentor.id
    assert event.detail == {
        "until": "2027-03-31",
        "pending": "declined",
        "source": "availability page",
        "declined": 2,
    }


def test_kept_requests_stay_open_until_after_the_return(
    app, away_setup, mentee, make_mentee, deliver_mail, mail_server
):
    mentor, (first, second) = away_setup
    waiting_mentee = first.mentee
    deliver_mail()
    mail_server.clear()
    _, response = pause(app, mentor, away_until="2027-03-31", away_note="", pending="keep")
    assert response.status_code == 303
    kept = fresh(MentorshipRequest, first.id)
    assert kept.status == MentorshipRequest.PENDING
    assert kept.answer_by == date(2027, 4, 7)  # a week after the return day
    deliver_mail()
    (message,) = mail_server.to(waiting_mentee.email)
    assert message["Subject"] == "Morgan Mentor is away until 31 March 2027"
    text = " ".join(body_text(message).split())
    assert "keep your request open for their return" in text and "by 7 April 2027" in text
    assert profile_of(mentor).away_note is None

    # The mentee who waits sees the pause on the mentor's page; nobody can ask them now.
    client = client_for(app, waiting_mentee)
    assert "Morgan Mentor is away until 31 March 2027." in text_of(
        client.get(f"/mentors/{mentor.id}")
    )
    other_client, other = mentee()
    refused = other_client.get(f"/mentors/{mentor.id}/request")
    assert "Morgan Mentor is away until 31 March 2027 and takes no new requests until then." in (
        text_of(refused)
    )
    with pytest.raises(DomainError, match="is away until 31 March 2027"):
        check_may_request(other, mentor)


def test_the_note_is_shown_to_the_mentee_who_waits(app, away_setup):
    mentor, (first, _) = away_setup
    pause(app, mentor, away_until="2027-03-31", away_note="Back after my leave.", pending="keep")
    page = text_of(client_for(app, first.mentee).get(f"/mentors/{mentor.id}"))
    assert "Their note: Back after my leave." in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the day you will be back. For example, 2027-03-31."),
        ("2026-12-03", "The day you are back must be after today (2026-12-03)."),
        ("2026-11-30", "The day you are back must be after today (2026-12-03)."),
        ("2027-12-04", "Choose a day within a year, 2027-12-03 at the latest."),
        ("2099-01-01", "Choose a day within a year, 2027-12-03 at the latest."),
        ("31/03/2027", "Enter the day you will be back as year-month-day."),
        ("2027-02-30", "Enter the day you will be back as year-month-day."),
        ("next week", "Enter the day you will be back as year-month-day."),
        ("99999-01-01", "Enter the day you will be back as year-month-day."),
    ],
)
def test_bad_return_days_are_refused_and_change_nothing(app, away_setup, typed, message):
    mentor, _ = away_setup
    before = snapshot()
    _, response = pause(app, mentor, away_until=typed, away_note="Kept", pending="decline")
    assert response.status_code == 422
    text = text_of(response)
    assert message in text
    body = response.get_data(as_text=True)
    assert f'value="{typed}"' in body or not typed  # what was typed is kept
    assert re.search(r">\s*Kept</textarea>", body)
    assert snapshot() == before


def test_a_year_ahead_is_the_latest_return_day(app, away_setup):
    mentor, _ = away_setup
    _, response = pause(app, mentor, away_until="2027-12-03", pending="decline")
    assert response.status_code == 303
    assert profile_of(mentor).away_until == date(2027, 12, 3)


def test_other_bad_input_is_refused(app, away_setup):
    mentor, _ = away_setup
    before = snapshot()
    _, too_long = pause(app, mentor, away_until="2027-03-31", away_note="n" * 501, pending="keep")
    assert too_long.status_code == 422
    assert "Use at most 500 characters (you wrote 501)." in text_of(too_long)
    _, odd = pause(app, mentor, away_until="2027-03-31", pending="sometimes")
    assert odd.status_code == 422 and "Choose one of the options shown." in text_of(odd)
    forms = client_for(app, mentor)
    forms.client.get("/profile/availability")
    no_csrf = forms.client.post("/profile/availability", data={"away_until": "2027-03-31"})
    assert no_csrf.status_code == 400
    assert snapshot() == before


def test_the_service_checks_the_day_too(app, away_setup):
    mentor, _ = away_setup
    with pytest.raises(DomainError) as refused:
        availability.go_away(mentor, TODAY, None, False)
    assert refused.value.field == "away_until"
    with pytest.raises(DomainError, match="Only mentors can pause"):
        availability.go_away(ask_mentee(away_setup), BACK, None, False)


def ask_mentee(away_setup):
    _, (first, _) = away_setup
    return first.mentee


# --- coming back ----------------------------------------------------------------------------


def test_im_back_now_lists_the_mentor_again_at_once(app, away_setup, mentee):
    mentor, _ = away_setup
    forms, _ = pause(app, mentor, away_until="2027-03-31", pending="keep")
    client, _ = mentee()
    assert "Morgan Mentor" not in listed_mentors(client.get("/mentors"))
    page = forms.get("/profile/availability")
    assert "I'm back now" in text_of(page)
    back = forms.post("/profile/availability", data={"back": "y"})
    assert back.status_code == 303
    assert "Welcome back: you are in the mentor directory again." in text_of(
        forms.get("/profile/availability")
    )
    assert profile_of(mentor).away_until is None
    assert "Morgan Mentor" in listed_mentors(client.get("/mentors"))
    (event,) = audit_events(trail.MENTOR_BACK)
    assert event.detail == {"until": "2027-03-31", "early": True}
    again = forms.post("/profile/availability", data={"back": "y"})
    assert "You were not away: nothing changed." in text_of(forms.get(again.headers["Location"]))
    assert len(audit_events(trail.MENTOR_BACK)) == 1


def test_the_daily_job_brings_the_mentor_back_once_on_the_day(
    app, runner, clock_at, away_setup, mentee, deliver_mail, mail_server
):
    mentor, (first, second) = away_setup
    pause(app, mentor, away_until="2027-03-31", pending="keep")
    deliver_mail()
    mail_server.clear()

    clock_at(datetime(2027, 3, 30, 23, 0))  # the day before: still away
    assert "Mentors back from being away: 0." in runner.invoke(args=["jobs", "daily"]).output
    assert profile_of(mentor).away_until == BACK

    clock_at(datetime(2027, 3, 31, 6, 0))
    client, _ = mentee()
    # Listed again on the day even before the job runs: the directory compares the day.
    assert "Morgan Mentor" in listed_mentors(client.get("/mentors"))
    outputs = [runner.invoke(args=["jobs", "daily"]).output for _ in range(2)]
    assert "Mentors back from being away: 1." in outputs[0]
    assert "Mentors back from being away: 0." in outputs[1]
    assert profile_of(mentor).away_until is None
    assert len(outbox("availability_welcome_back")) == 1
    assert outbox("request_reminder") == []  # the welcome back is their reminder
    deliver_mail()
    (welcome,) = mail_server.to(mentor.email)
    assert welcome["Subject"] == "Welcome back to the OLA Mentoring Program"
    text = " ".join(body_text(welcome).split())
    assert "2 requests waited for your return" in text
    # Kept open to the end of 7 April in the program's time zone, seven days after the return.
    assert "Emery Mentee, please answer by 7 April:" in text
    links = [link for link in links_in(welcome) if "/respond/" in link]
    assert len(links) == 2
    fresh_link = client_for(app, mentor).client.get(links[0].removeprefix("http://localhost"))
    assert "Emery Mentee would like you as their mentor" in text_of(fresh_link)
    (event,) = audit_events(trail.MENTOR_BACK)
    assert event.actor_id is None and event.detail == {"until": "2027-03-31", "early": False}


def test_two_runs_at_once_welcome_the_mentor_once(app, clock_at, away_setup):
    mentor, _ = away_setup
    availability.go_away(mentor, BACK, None, True)
    clock_at(datetime(2027, 4, 2, 6, 0))  # the job missed a day: back anyway
    assert availability.bring_back_returning(date(2027, 4, 2), datetime(2027, 4, 2, 6, 0)) == 1
    assert availability.bring_back_returning(date(2027, 4, 2), datetime(2027, 4, 2, 6, 0)) == 0
    assert len(outbox("availability_welcome_back")) == 1


# --- personal data --------------------------------------------------------------------------


def test_the_export_has_the_pause_and_deletion_erases_it(app, away_setup):
    mentor, _ = away_setup
    availability.go_away(mentor, BACK, "My own words", True)
    data = privacy.export_member_data(fresh(type(mentor), mentor.id))
    assert {k: data["profile"][k] for k in ("away_until", "away_note", "away_keeps_requests")} == {
        "away_until": "2027-03-31",
        "away_note": "My own words",
        "away_keeps_requests": True,
    }
    leaving.delete_account(fresh(type(mentor), mentor.id), DEFAULT_PASSWORD)
    profile = profile_of(mentor)
    assert (profile.away_until, profile.away_note, profile.away_keeps_requests) == (
        None,
        None,
        False,
    )


# --- the committee's attention list ---------------------------------------------------------


def test_mentors_silent_for_14_days_are_on_the_attention_list(
    app, clock_at, make_mentor, make_mentee
):
    clock_at(NOW - timedelta(days=15))
    silent = make_mentor("Silent Mentor", directory=True)
    away = make_mentor("Away Mentor", directory=True)
    ask(make_mentee("First Mentee", directory=True), silent)
    ask(make_mentee("Second Mentee", directory=True), away)
    clock_at(NOW - timedelta(days=13))
    recent = make_mentor("Recent Mentor", directory=True)
    ask(make_mentee("Third Mentee", directory=True), recent)
    ask(make_mentee("Fourth Mentee", directory=True), silent)
    clock_at(NOW)
    availability.go_away(away, BACK, None, True)

    found = attention.silent_mentors(TODAY, NOW, 10)
    assert [(row.name, row.pending) for row in found.rows] == [("Silent Mentor", 2)]
    assert found.total == 1
    assert (NOW - found.rows[0].oldest).days == 15


def test_requests_that_expired_unanswered_count_until_the_mentor_answers_one(
    app, make_mentor, make_mentee
):
    R = MentorshipRequest
    mentee = make_mentee("Emery Mentee")
    expired = make_mentor("Expired Mentor")
    add_request(mentee, expired, R.EXPIRED, NOW - timedelta(days=20))
    answering = make_mentor("Answering Mentor")
    add_request(mentee, answering, R.EXPIRED, NOW - timedelta(days=30))
    add_request(mentee, answering, R.DECLINED, NOW - timedelta(days=9), NOW - timedelta(days=5))
    long_ago = make_mentor("Long Ago Mentor")
    add_request(
        mentee, long_ago, R.EXPIRED, NOW - timedelta(days=attention.SILENT_LOOKBACK_DAYS + 1)
    )

    found = attention.silent_mentors(TODAY, NOW, 10)
    assert [(row.name, row.pending) for row in found.rows] == [("Expired Mentor", 1)]


def test_the_attention_page_lists_silent_mentors(
    app, clock_at, committee, make_mentor, make_mentee
):
    clock_at(NOW - timedelta(days=20))
    silent = make_mentor("Silent Mentor", directory=True)
    ask(make_mentee("First Mentee", directory=True), silent)
    clock_at(NOW)
    forms, _ = committee
    page = text_of(forms.get("/committee/attention/silent-mentors"))
    assert "Mentors silent for 14 days" in page
    assert "Silent Mentor" in page and "20 days" in page
    assert "Mentors silent for 14 days (1)" in text_of(forms.get("/committee/"))


def test_everything_goes_through_the_outbox(app, away_setup):
    mentor, _ = away_setup
    before = db.session.scalar(select(db.func.count(OutboxEmail.id)))
    availability.go_away(mentor, BACK, None, False)
    assert db.session.scalar(select(db.func.count(OutboxEmail.id))) == before + 2
    assert requests.pending_received_by(mentor) == []
    assert MENTOR  # the role the page is for
