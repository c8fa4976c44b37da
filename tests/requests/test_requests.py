"""Mentorship requests: asking a mentor (every rule), the /requests page, withdraw / accept /
decline with authorisation, e-mail through the real SMTP server, add_months."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.clock import add_months
from app.eligibility.members import active_mentorships_as_mentor
from app.errors_domain import DomainError
from app.extensions import db
from app.models import (
    ContactMethod,
    Mentorship,
    MentorshipRequest,
    OutboxEmail,
    ProgramSettings,
)
from app.models.profiles import BOTH, MENTEE, MENTOR
from app.profiles import privacy
from app.requests import rules, services
from app.text import format_day
from tests.factories import (
    GOALS,
    active_mentorship,
    agree,
    ask,
    contact_id,
    mentee_profile,
    mentor_profile,
    objective_id,
    vocab,
)
from tests.support import FormClient, body_html, body_text, client_for, fresh, links_in, text_of

pytestmark = pytest.mark.usefixtures("restore_vocabularies")


# --- helpers --------------------------------------------------------------------------------


@pytest.fixture
def mentee_client(app, make_mentee):
    """A client signed in as an eligible mentee: `client, mentee = mentee_client()`."""

    def make(**profile):
        mentee = make_mentee(**profile)
        return client_for(app, mentee), mentee

    return make


def form(**overrides) -> dict:
    data = {"message": GOALS, "objectives": [objective_id()], "contact_method": contact_id()}
    data.update(overrides)
    return data


def count_requests() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(MentorshipRequest.id)))


def set_program(status: str) -> None:
    from app.program import get_settings

    settings = get_settings()
    settings.status = status
    db.session.commit()


# --- add_months -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 3, 3), 6, date(2026, 9, 3)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 7, 1), 6, date(2027, 1, 1)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 31), 12, date(2027, 1, 31)),
        (date(2026, 5, 31), -3, date(2026, 2, 28)),
    ],
)
def test_add_months_clamps_the_day(start, months, expected):
    assert add_months(start, months) == expected


# --- the request form -----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, make_mentor):
    mentor = make_mentor()
    for response in (
        client.get(f"/mentors/{mentor.id}/request"),
        client.get("/requests"),
    ):
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


def test_the_form_shows_the_mentor_and_the_fields(app, mentee_client, make_mentor):
    mentor = make_mentor(
        name="Morgan Mentor", bio="Twenty years at the reference desk.", display_name="Morgan M."
    )
    forms, _ = mentee_client()
    response = forms.get(f"/mentors/{mentor.id}/request")
    assert response.status_code == 200
    page = text_of(response)
    assert "Ask Morgan M. to be your mentor" in page
    assert "Head of Reference, Hamilton Public Library" in page
    assert "Twenty years at the reference desk." in page
    assert '<label for="message">Your message to the mentor</label>' in response.get_data(
        as_text=True
    )
    raw = response.get_data(as_text=True)
    assert "<legend>What you would like help with</legend>" in raw
    assert "<legend>How you would like to meet</legend>" in raw
    # Only the ways this mentor offers.
    assert "Video call" in page and "E-mail" in page
    assert "Face-to-face" not in page


def test_a_request_is_sent_and_the_mentor_is_mailed(
    app, mentee_client, make_mentor, deliver_mail, mail_server
):
    mentor = make_mentor(name="Morgan Mentor")
    forms, mentee = mentee_client(name="Emery Mentee")
    before = clock.utcnow()
    response = forms.post(f"/mentors/{mentor.id}/request", form(message=f"   {GOALS}   "))
    assert response.status_code == 302
    assert response.headers["Location"] == "/requests"

    request = db.session.scalar(select(MentorshipRequest))
    assert request.status == MentorshipRequest.PENDING
    assert request.message == GOALS  # trimmed
    assert [o.code for o in request.objectives] == ["job-search"]
    assert request.preferred_contact_method.code == "email"
    assert request.mentee_id == mentee.id and request.mentor_id == mentor.id
    # At the end of the 14th day in program time after the day it was sent.
    assert request.answer_by == clock.local_day(before) + timedelta(days=14)
    assert request.expires_at == clock.end_of_day(request.answer_by)

    page = text_of(forms.get("/requests"))
    assert "Your request is on its way to Morgan Mentor" in page
    assert f"They have until {format_day(request.answer_by)} to answer" in page
    assert "Waiting for an answer" in page

    deliver_mail()
    (message,) = mail_server.to(mentor.email)
    assert message["Subject"] == "Emery Mentee would like you as their mentor"
    text = body_text(message)
    for expected in (
        "Hello Morgan Mentor",
        GOALS,
        "Position: MLIS student, Western University",
        "Library experience: 1 year",
        "Region: Toronto",
        "Sectors: Public libraries",
        "Goals: Find my first library job.",
        "Job search strategies and resume or CV review",
        "meet by: E-mail",
        "sign in and open your requests",
    ):
        assert expected in text, expected
    assert "http://localhost/requests" in links_in(message)
    assert 'href="http://localhost/requests"' in body_html(message)


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("", "Write at least 50 characters about your goals (you wrote 0)."),
        ("   " + "x" * 49 + "   ", "Write at least 50 characters about your goals (you wrote 49)."),
        ("x" * 2001, "Use at most 2,000 characters (you wrote 2,001)."),
    ],
)
def test_the_message_length_is_checked(mentee_client, make_mentor, message, error):
    mentor = make_mentor()
    forms, _ = mentee_client()
    response = forms.post(f"/mentors/{mentor.id}/request", form(message=message))
    assert response.status_code == 422
    assert error in text_of(response)
    assert count_requests() == 0


def test_the_message_length_counts_after_stripping_in_the_service(make_mentee, make_mentor):
    mentee, mentor = make_mentee(), make_mentor()
    with pytest.raises(DomainError) as caught:
        ask(mentee, mentor, message="\n  " + "y" * 49 + " \n")
    assert caught.value.field == "message"
    request = ask(mentee, mentor, message="  " + "y" * 50 + "  ")
    assert request.message == "y" * 50
    other = make_mentor(name="Second Mentor")
    with pytest.raises(DomainError):
        ask(mentee, other, message="z" * 2001)
    assert len(ask(mentee, other, message="z" * 2000).message) == 2000


def test_at_least_one_objective_and_a_contact_method(mentee_client, make_mentor):
    mentor = make_mentor()
    forms, _ = mentee_client()
    data = form()
    del data["objectives"], data["contact_method"]
    response = forms.post(f"/mentors/{mentor.id}/request", data)
    assert response.status_code == 422
    page = text_of(response)
    assert "Choose at least one objective." in page
    assert "Choose how you would like to meet." in page
    assert count_requests() == 0


@pytest.mark.parametrize(
    "tampered",
    [
        {"objectives": ["99999"]},
        {"objectives": ["abc"]},
        {"objectives": ["1.5"]},
        {"contact_method": "99999"},
        {"contact_method": "in-person"},
        {"contact_method": "<b>"},
    ],
)
def test_tampered_choices_are_field_errors(mentee_client, make_mentor, tampered):
    mentor = make_mentor()
    forms, _ = mentee_client()
    response = forms.post(f"/mentors/{mentor.id}/request", form(**tampered))
    assert response.status_code == 422
    assert "Choose from the options shown." in text_of(response)
    assert count_requests() == 0


def test_a_contact_method_the_mentor_does_not_offer_is_refused(mentee_client, make_mentor):
    mentor = make_mentor(contact_methods=vocab(ContactMethod, "video"))
    forms, _ = mentee_client()
    response = forms.post(
        f"/mentors/{mentor.id}/request", form(contact_method=contact_id("in-person"))
    )
    assert response.status_code == 422
    assert "Choose from the options shown." in text_of(response)
    assert count_requests() == 0


def test_the_service_refuses_tampered_ids_too(make_mentee, make_mentor):
    mentee, mentor = make_mentee(), make_mentor(contact_methods=vocab(ContactMethod, "video"))
    with pytest.raises(DomainError) as caught:
        services.create_request(mentee, mentor, GOALS, [99999], int(contact_id("video")))
    assert caught.value.field == "objectives"
    with pytest.raises(DomainError) as caught:
        services.create_request(mentee, mentor, GOALS, [int(objective_id())], int(contact_id()))
    assert caught.value.field == "contact_method"
    assert count_requests() == 0


def test_unknown_mentor_ids_are_404(mentee_client):
    forms, _ = mentee_client()
    assert forms.get("/mentors/99999/request").status_code == 404
    assert forms.post("/mentors/99999/request", form()).status_code == 404
    assert forms.get("/mentors/abc/request").status_code == 404


def test_html_in_the_message_is_escaped_on_pages_and_in_the_email(
    app, mentee_client, make_mentor, deliver_mail, mail_server
):
    mentor = make_mentor()
    forms, _ = mentee_client()
    script = '<script>alert("x")</script><b onmouseover="steal()">bold</b> ' + GOALS
    assert forms.post(f"/mentors/{mentor.id}/request", form(message=script)).status_code == 302
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    for page in (forms.get("/requests"), client_for(app, mentor).get("/requests")):
        raw = page.get_data(as_text=True)
        assert escaped in raw
        assert "<script>alert" not in raw and "<b onmouseover" not in raw
    deliver_mail()
    (message,) = mail_server.to(mentor.email)
    assert escaped in body_html(message)
    assert "<script>" not in body_html(message)
    assert script in body_text(message)  # plain text is never interpreted


# --- the rules, each with its own message ----------------------------------------------------


def post_expecting(forms, mentor, message, status=409):
    response = forms.post(f"/mentors/{mentor.id}/request", form())
    assert response.status_code == status, response.get_data(as_text=True)
    assert message in text_of(response)
    return response


def test_one_open_request_per_pair(mentee_client, make_mentor):
    mentor = make_mentor(name="Morgan Mentor")
    forms, _ = mentee_client()
    assert forms.post(f"/mentors/{mentor.id}/request", form()).status_code == 302
    post_expecting(forms, mentor, "You already have a request waiting with Morgan Mentor.")
    assert count_requests() == 1
    page = text_of(forms.get(f"/mentors/{mentor.id}/request"))
    assert "You already have a request waiting with Morgan Mentor." in page
    assert "Send request" not in page


def test_a_concurrent_duplicate_gets_the_same_message(make_mentee, make_mentor, monkeypatch):
    """The partial unique index catches what the check could not see (a request committed by
    another transaction between the check and the insert)."""
    mentee, mentor = make_mentee(), make_mentor(name="Morgan Mentor")
    ask(mentee, mentor)
    monkeypatch.setattr(rules, "open_request_between", lambda *args: None)
    with pytest.raises(DomainError) as caught:
        ask(mentee, mentor)
    assert "You already have a request waiting with Morgan Mentor." in caught.value.message
    assert count_requests() == 1
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == 1


def test_a_new_request_after_the_first_was_answered(make_mentee, make_mentor):
    mentee, mentor = make_mentee(), make_mentor()
    first = ask(mentee, mentor)
    services.withdraw_request(first, mentee)
    second = ask(mentee, mentor)
    assert second.is_pending and count_requests() == 2


def test_at_most_n_pending_requests(mentee_client, make_mentor):
    forms, mentee = mentee_client()
    for number in range(3):
        ask(mentee, make_mentor(name=f"Mentor {number}"))
    post_expecting(forms, make_mentor(name="Fourth"), "You have 3 requests waiting for an answer")
    assert count_requests() == 3


def test_the_pending_limit_follows_the_settings(mentee_client, make_mentor):
    from app.program import get_settings

    get_settings().max_pending_requests_per_mentee = 1
    db.session.commit()
    forms, mentee = mentee_client()
    ask(mentee, make_mentor(name="First"))
    post_expecting(forms, make_mentor(name="Second"), "You have 1 request waiting for an answer")


def test_at_most_m_active_mentorships(mentee_client, make_mentor):
    forms, mentee = mentee_client()
    active_mentorship(make_mentor(name="Current"), mentee)
    post_expecting(forms, make_mentor(name="Another"), "You already have a mentor.")


@pytest.mark.parametrize("status", [ProgramSettings.PAUSED, ProgramSettings.CLOSED])
def test_only_while_the_program_is_open(mentee_client, make_mentor, status):
    mentor = make_mentor()
    forms, _ = mentee_client()
    set_program(status)
    word = "paused" if status == ProgramSettings.PAUSED else "closed"
    page = text_of(forms.get(f"/mentors/{mentor.id}/request"))
    assert f"The online program is {word}" in page or f"The program is {word}" in page
    assert "Send request" not in page
    post_expecting(forms, mentor, "new requests are not being taken")
    assert count_requests() == 0


def test_the_committees_notice_is_shown_when_paused(mentee_client, make_mentor):
    from app.program import get_settings

    mentor = make_mentor()
    forms, _ = mentee_client()
    settings = get_settings()
    settings.status, settings.notice = ProgramSettings.PAUSED, "Back with the fall intake."
    db.session.commit()
    post_expecting(forms, mentor, "Back with the fall intake.")


def test_only_during_an_intake_when_the_committee_says_so(mentee_client, make_mentor):
    from datetime import timedelta

    from app import clock
    from app.models import Intake
    from app.program import get_settings

    mentor = make_mentor()
    forms, _ = mentee_client()
    settings = get_settings()
    settings.requests_only_during_intake = True
    today = clock.today()
    intake = Intake(
        name="Winter intake",
        opens_on=today + timedelta(days=10),
        closes_on=today + timedelta(days=30),
    )
    db.session.add(intake)
    db.session.commit()
    post_expecting(forms, mentor, "The next one, Winter intake, opens on")
    assert count_requests() == 0

    intake.opens_on = today - timedelta(days=1)
    db.session.commit()
    assert forms.post(f"/mentors/{mentor.id}/request", form()).status_code == 302
    assert count_requests() == 1


def test_no_request_to_oneself(app, make_member):
    both = make_member(profile=mentor_profile(role=BOTH))
    agree(both, MENTOR, MENTEE)
    forms = client_for(app, both)
    post_expecting(forms, both, "You can't send a request to yourself.")
    assert count_requests() == 0


def test_a_full_mentor(mentee_client, make_mentor, make_mentee):
    mentor = make_mentor(name="Morgan Mentor", mentor_capacity=1)
    active_mentorship(mentor, make_mentee(name="Someone Else"))
    forms, _ = mentee_client()
    post_expecting(forms, mentor, "Morgan Mentor is already mentoring as many mentees")
    assert count_requests() == 0


def test_a_mentor_with_a_spot_left(mentee_client, make_mentor, make_mentee):
    mentor = make_mentor(mentor_capacity=2)
    active_mentorship(mentor, make_mentee(name="Someone Else"))
    forms, _ = mentee_client()
    assert forms.post(f"/mentors/{mentor.id}/request", form()).status_code == 302


def test_a_mentor_not_accepting_requests(mentee_client, make_mentor):
    mentor = make_mentor(name="Morgan Mentor", accepting_requests=False)
    forms, _ = mentee_client()
    post_expecting(forms, mentor, "Morgan Mentor is not accepting new requests for now.")
    assert count_requests() == 0


@pytest.mark.parametrize(
    "problem",
    [
        {"agreement": False},
        {"membership_expires_on": date(2020, 1, 1)},
        {"membership_verified_at": None},
        {"role": MENTEE},
    ],
)
def test_an_ineligible_mentor(mentee_client, make_mentor, problem):
    mentor = make_mentor(name="Morgan Mentor", **problem)
    forms, _ = mentee_client()
    response = post_expecting(forms, mentor, "Morgan Mentor can't take mentees at the moment.")
    # An ineligible member's profile is not shown.
    assert "Head of Reference" not in text_of(response)
    assert count_requests() == 0


@pytest.mark.parametrize(
    ("problem", "reason"),
    [
        ({"agreement": False}, "Read and confirm what is expected of a mentee."),
        ({"membership_verified_at": None}, "has not verified your membership yet"),
        ({"role": MENTOR, "years_experience": 5}, "does not include the mentee role"),
    ],
)
def test_an_ineligible_mentee(mentee_client, make_mentor, problem, reason):
    mentor = make_mentor()
    forms, _ = mentee_client(**problem)
    page = forms.get(f"/mentors/{mentor.id}/request")
    assert "Before you can request a mentor" in text_of(page)
    assert reason in text_of(page)
    post_expecting(forms, mentor, reason)
    assert count_requests() == 0


def test_an_unverified_email_makes_a_mentee_ineligible(app, make_member, make_mentor):
    mentee = agree(make_member(verified=False, profile=mentee_profile()), MENTEE)
    forms = client_for(app, mentee)
    post_expecting(forms, make_mentor(), "Confirm your e-mail address")


# --- /requests ------------------------------------------------------------------------------


def test_the_requests_page_lists_both_sides(app, make_mentee, make_member, make_mentor):
    both = agree(make_member(name="Bo Both", profile=mentor_profile(role=BOTH)), MENTOR, MENTEE)
    mentor = make_mentor(name="Morgan Mentor")
    old_mentee = make_mentee(name="Early Mentee")
    new_mentee = make_mentee(name="Late Mentee")
    ask(both, mentor)
    first = ask(old_mentee, both)
    services.decline_request(first, both, "Try Morgan.")
    ask(new_mentee, make_mentor(name="Other Mentor"))
    second = ask(new_mentee, both)
    page = text_of(client_for(app, both).get("/requests"))
    sent, received = page.split("Requests you received")
    assert "Requests you sent" in sent and "To Morgan Mentor" in sent
    # Pending first, then the answered ones.
    assert received.index("From Late Mentee") < received.index("From Early Mentee")
    assert "Declined" in received and "Your note: Try Morgan." in received
    assert "MLIS student, Western University" in received  # the mentee's summary
    assert second.message in received


def test_the_requests_page_of_a_member_without_requests(app, make_mentee):
    forms = client_for(app, make_mentee())
    page = text_of(forms.get("/requests"))
    assert "You have not asked a mentor yet." in page
    assert "Requests you received" not in page


def test_requests_are_private_to_the_pair(app, make_mentee, make_mentor, make_member):
    mentee, mentor = make_mentee(), make_mentor()
    request = ask(mentee, mentor, message="Private goals, " + GOALS)
    outsider = client_for(app, make_member(profile=mentee_profile()))
    assert "Private goals" not in text_of(outsider.get("/requests"))
    assert request.message in text_of(client_for(app, mentee).get("/requests"))


# --- withdraw -------------------------------------------------------------------------------


def test_withdraw_authorisation(app, client, pending, make_member):
    request, mentee, mentor = pending
    path = f"/requests/{request.id}/withdraw"
    anonymous = FormClient(client).post(path)
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    other = make_member(profile=mentee_profile())
    assert client_for(app, other).post(path).status_code == 404
    assert client_for(app, mentor).post(path).status_code == 404
    assert client_for(app, mentee).post("/requests/99999/withdraw").status_code == 404
    assert fresh(MentorshipRequest, request.id).is_pending
    response = client_for(app, mentee).post(path)
    assert response.status_code == 302 and response.headers["Location"] == "/requests"
    assert fresh(MentorshipRequest, request.id).status == MentorshipRequest.WITHDRAWN


def test_withdraw_needs_csrf(app, pending):
    request, mentee, _ = pending
    response = client_for(app, mentee).client.post(f"/requests/{request.id}/withdraw")
    assert response.status_code == 400
    assert fresh(MentorshipRequest, request.id).is_pending


def test_withdraw_without_javascript(app, pending, deliver_mail, mail_server):
    request, mentee, mentor = pending
    forms = client_for(app, mentee)
    forms.post(f"/requests/{request.id}/withdraw")
    page = text_of(forms.get("/requests"))
    assert "You withdrew your request to Morgan Mentor." in page
    assert "Withdrawn" in page
    withdrawn = fresh(MentorshipRequest, request.id)
    assert withdrawn.nonce != request.nonce or withdrawn.responded_at is not None
    deliver_mail()
    messages = mail_server.to(mentor.email)
    assert [m["Subject"] for m in messages] == [
        "Emery Mentee would like you as their mentor",
        "Emery Mentee withdrew their request",
    ]
    # Again: nothing changes, and the page says when it happened.
    forms.post(f"/requests/{request.id}/withdraw")
    assert f"You already withdrew this request on {format_day(withdrawn.responded_at)}." in text_of(
        forms.get("/requests")
    )


def test_withdraw_with_htmx_answers_the_card(app, pending):
    request, mentee, _ = pending
    forms = client_for(app, mentee)
    nonce = request.nonce
    response = forms.post(f"/requests/{request.id}/withdraw", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert "Withdrawn" in body and "data-focus-after-swap" in body
    assert 'hx-swap-oob="innerHTML:#flash-messages"' in body
    assert "You withdrew your request to Morgan Mentor." in body
    assert ">Withdraw<" not in body  # no button any more
    assert fresh(MentorshipRequest, request.id).nonce != nonce


# --- accept ---------------------------------------------------------------------------------


def test_accept_authorisation(app, client, pending, make_member):
    request, mentee, mentor = pending
    path = f"/requests/{request.id}/accept"
    anonymous = FormClient(client).post(path)
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    assert client_for(app, make_member(profile=mentee_profile())).post(path).status_code == 404
    assert client_for(app, mentee).post(path).status_code == 404
    assert fresh(MentorshipRequest, request.id).is_pending
    assert db.session.scalar(select(func.count(Mentorship.id))) == 0


def test_accept_creates_a_mentorship_and_supersedes_the_others(
    app, pending, make_mentor, deliver_mail, mail_server, clock_at
):
    clock_at(datetime(2026, 8, 31, 15, 0))
    request, mentee, mentor = pending
    others = [make_mentor(name=f"Other Mentor {n}") for n in (1, 2)]
    other_requests = [ask(mentee, other) for other in others]
    deliver_mail()
    mail_server.clear()
    nonce = request.nonce

    forms = client_for(app, mentor)
    response = forms.post(f"/requests/{request.id}/accept")
    assert response.status_code == 302
    assert "You accepted Emery Mentee's request." in text_of(forms.get("/requests"))

    accepted = fresh(MentorshipRequest, request.id)
    assert accepted.status == MentorshipRequest.ACCEPTED
    assert accepted.nonce != nonce and accepted.responded_at is not None
    (mentorship,) = db.session.scalars(select(Mentorship)).all()
    assert (mentorship.mentor_id, mentorship.mentee_id) == (mentor.id, mentee.id)
    assert mentorship.request_id == request.id and mentorship.is_active
    assert mentorship.started_on == date(2026, 8, 31)
    assert mentorship.minimum_end_on == date(2027, 2, 28)
    for other in other_requests:
        assert fresh(MentorshipRequest, other.id).status == MentorshipRequest.SUPERSEDED

    deliver_mail()
    (accepted_mail,) = mail_server.to(mentee.email)
    assert accepted_mail["Subject"] == "Morgan Mentor accepted your request"
    assert "28 February 2027" in body_text(accepted_mail)
    for other in others:
        (closed,) = mail_server.to(other.email)
        assert "Emery Mentee has been matched with another mentor" in body_text(closed)
    assert active_mentorships_as_mentor(mentor) == 1
    assert privacy.is_matched_partner(mentee, mentor)


def test_a_second_accept_changes_nothing(app, pending, clock_at, deliver_mail, mail_server):
    clock_at(datetime(2026, 3, 3, 10, 0))
    request, mentee, mentor = pending
    forms = client_for(app, mentor)
    forms.post(f"/requests/{request.id}/accept")
    nonce = fresh(MentorshipRequest, request.id).nonce
    clock_at(datetime(2026, 3, 3, 16, 0))
    forms.post(f"/requests/{request.id}/accept")
    assert "You already accepted this request on 3 March." in text_of(forms.get("/requests"))
    assert db.session.scalar(select(func.count(Mentorship.id))) == 1
    assert fresh(MentorshipRequest, request.id).nonce == nonce
    with pytest.raises(DomainError, match="already accepted this request on 3 March"):
        services.accept_request(fresh(MentorshipRequest, request.id), mentor)
    with pytest.raises(DomainError, match="You already accepted"):
        services.decline_request(fresh(MentorshipRequest, request.id), mentor, "late")
    deliver_mail()
    assert len(mail_server.to(mentee.email)) == 1


def test_accept_rechecks_the_mentors_spots(app, make_mentee, make_mentor):
    mentor = make_mentor(name="Morgan Mentor", mentor_capacity=1)
    first, second = make_mentee(name="First"), make_mentee(name="Second")
    request_1, request_2 = ask(first, mentor), ask(second, mentor)
    services.accept_request(request_1, mentor)
    with pytest.raises(DomainError, match="already mentoring as many mentees"):
        services.accept_request(fresh(MentorshipRequest, request_2.id), mentor)
    assert fresh(MentorshipRequest, request_2.id).is_pending
    assert db.session.scalar(select(func.count(Mentorship.id))) == 1


def test_accept_rechecks_the_mentees_limit(app, make_mentee, make_mentor):
    from app.program import get_settings

    mentee = make_mentee(name="Emery Mentee")
    mentor_1, mentor_2 = make_mentor(name="One"), make_mentor(name="Two")
    request_1 = ask(mentee, mentor_1)
    request_2 = ask(mentee, mentor_2)
    active_mentorship(make_mentor(name="Elsewhere"), mentee)  # e.g. matched by the committee
    with pytest.raises(DomainError, match="Emery Mentee already has a mentor"):
        services.accept_request(request_1, mentor_1)
    assert fresh(MentorshipRequest, request_1.id).is_pending
    # With a higher limit the mentee keeps their other pending requests.
    get_settings().max_active_mentorships_per_mentee = 3
    db.session.commit()
    services.accept_request(fresh(MentorshipRequest, request_1.id), mentor_1)
    assert fresh(MentorshipRequest, request_2.id).is_pending


def test_accept_rechecks_the_mentors_eligibility(app, pending):
    request, _, mentor = pending
    mentor.profile.membership_expires_on = date(2020, 1, 1)
    db.session.commit()
    with pytest.raises(DomainError, match="can't take a mentee"):
        services.accept_request(request, mentor)
    assert fresh(MentorshipRequest, request.id).is_pending


def test_only_the_mentor_may_answer_in_the_service(pending):
    request, mentee, _ = pending
    with pytest.raises(DomainError):
        services.accept_request(request, mentee)
    with pytest.raises(DomainError):
        services.decline_request(request, mentee)
    with pytest.raises(DomainError):
        services.withdraw_request(request, request.mentor)
    assert fresh(MentorshipRequest, request.id).is_pending


# --- decline --------------------------------------------------------------------------------


def test_decline_authorisation(app, client, pending, make_member):
    request, mentee, _ = pending
    path = f"/requests/{request.id}/decline"
    anonymous = FormClient(client).post(path)
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    assert client_for(app, make_member(profile=mentee_profile())).post(path).status_code == 404
    assert client_for(app, mentee).post(path).status_code == 404
    assert fresh(MentorshipRequest, request.id).is_pending


def test_decline_with_a_note(app, pending, deliver_mail, mail_server):
    request, mentee, mentor = pending
    forms = client_for(app, mentor)
    note = "I'm away this term. <b>Try</b> the reference <script>x()</script> group."
    response = forms.post(f"/requests/{request.id}/decline", {"note": f"  {note}  "})
    assert response.status_code == 302
    page = forms.get("/requests")
    assert "You declined Emery Mentee's request." in text_of(page)
    assert "&lt;script&gt;x()&lt;/script&gt;" in page.get_data(as_text=True)
    declined = fresh(MentorshipRequest, request.id)
    assert declined.status == MentorshipRequest.DECLINED and declined.decline_note == note
    assert "Their note: " + note in text_of(client_for(app, mentee).get("/requests"))
    deliver_mail()
    (message,) = mail_server.to(mentee.email)
    assert message["Subject"] == "An answer from Morgan Mentor"
    assert note in body_text(message)
    assert "&lt;script&gt;x()&lt;/script&gt;" in body_html(message)
    assert "<script>" not in body_html(message)
    assert "http://localhost/mentors" in links_in(message)


def test_decline_without_a_note(app, pending, deliver_mail, mail_server):
    request, mentee, mentor = pending
    client_for(app, mentor).post(f"/requests/{request.id}/decline", {"note": "   "})
    assert fresh(MentorshipRequest, request.id).decline_note is None
    deliver_mail()
    assert "Their note" not in body_text(mail_server.to(mentee.email)[0])


def test_an_over_long_note_is_refused(app, pending):
    request, _, mentor = pending
    forms = client_for(app, mentor)
    response = forms.post(f"/requests/{request.id}/decline", {"note": "n" * 1001})
    assert response.status_code == 422
    assert "Use at most 1,000 characters (you wrote 1,001)." in text_of(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert fresh(MentorshipRequest, request.id).is_pending
    with pytest.raises(DomainError) as caught:
        services.decline_request(request, mentor, "n" * 1001)
    assert caught.value.field == "note"


def test_declining_a_withdrawn_request(app, pending):
    request, mentee, mentor = pending
    services.withdraw_request(request, mentee)
    forms = client_for(app, mentor)
    forms.post(f"/requests/{request.id}/decline", {"note": ""})
    assert "Emery Mentee withdrew this request on" in text_of(forms.get("/requests"))
    assert fresh(MentorshipRequest, request.id).status == MentorshipRequest.WITHDRAWN
