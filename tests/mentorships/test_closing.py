"""Closing a mentorship: complete, end early, extend, closing feedback, the
participation record, the freed mentor spot, the home page's next actions, and who may do what
on every route."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from app.clock import add_months
from app.errors_domain import DomainError, FieldErrors
from app.extensions import db
from app.main.services import next_actions
from app.mentorships import closing
from app.models import (
    CheckIn,
    ClosingFeedback,
    ContactMethod,
    Goal,
    Mentorship,
    MentorshipRequest,
    Objective,
    OutboxEmail,
    User,
)
from app.requests import services as request_services
from tests.factories import START, Pair, ask, at, vocab
from tests.support import FormClient, body_html, body_text, client_for, fresh, links_in

pytestmark = pytest.mark.usefixtures("restore_vocabularies")

SIX_MONTHS = add_months(START, 6)  # 5 July 2026
SHARED_SECRET = "shared-note-zebra-4711"
PRIVATE_SECRET = "private-note-okapi-0815"


def text_of(response) -> str:
    without_tags = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    import html

    return " ".join(html.unescape(without_tags).split())


def outbox_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(OutboxEmail.id)))


def feedback_data(pair: Pair, **overrides) -> dict:
    data = {f"score-{o.id}": "4" for o in pair.objectives}
    data.update({"would_recommend": "yes", "comment": "It helped me a lot."})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- completing ----------------------------------------------------------------------------


def test_completing_asks_for_confirmation_first(app, pair, clock_at):
    clock_at(at(SIX_MONTHS + timedelta(days=1)))
    forms = client_for(app, pair.mentor)
    closing_page = forms.get(pair.url("/close"))
    assert f'href="{pair.url("/complete")}"' in closing_page.get_data(as_text=True)
    step = forms.get(pair.url("/complete"))
    assert step.status_code == 200
    assert "Mark your mentorship with Emery Mentee completed?" in text_of(step)
    assert "Yes, mark it completed" in text_of(step) and "No, go back" in text_of(step)
    assert fresh(Mentorship, pair.id).is_active and outbox_count() == 0


def test_the_confirmation_step_refuses_what_completing_would(app, pair, clock_at):
    clock_at(at(SIX_MONTHS - timedelta(days=1)))
    response = client_for(app, pair.mentor).get(pair.url("/complete"))
    assert response.status_code == 409
    assert "can be marked completed once it has run six months" in text_of(response)


def test_completing_before_six_months_is_refused(app, pair, clock_at):
    clock_at(at(SIX_MONTHS - timedelta(days=1)))
    forms = client_for(app, pair.mentor)
    response = forms.post(pair.url("/complete"))
    assert response.status_code == 409
    assert "can be marked completed once it has run six months, from 5 July 2026" in text_of(
        response
    )
    assert "Nothing was changed" in text_of(response)
    assert fresh(Mentorship, pair.id).status == Mentorship.ACTIVE
    assert outbox_count() == 0


def test_completing_after_six_months_tells_the_partner(
    app, pair, clock_at, deliver_mail, mail_server
):
    clock_at(at(SIX_MONTHS))
    forms = client_for(app, pair.mentee)
    page = forms.get(pair.url("/close"))
    assert page.status_code == 200
    assert "Mark the mentorship completed" in text_of(page)
    assert "End the mentorship early" not in text_of(page)

    response = forms.post(pair.url("/complete"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(pair.url("/feedback"))
    done = fresh(Mentorship, pair.id)
    assert done.status == Mentorship.COMPLETED
    assert done.ended_on == SIX_MONTHS
    assert done.ended_by_id == pair.mentee.id

    deliver_mail()
    (told,) = mail_server.to(pair.mentor.email)
    assert told["Subject"] == "Emery Mentee marked your mentorship completed"
    assert f"http://localhost/mentorships/{pair.id}/feedback" in links_in(told)
    assert f"http://localhost/mentorships/{pair.id}/record" in links_in(told)
    (asked,) = mail_server.to(pair.mentee.email)
    assert asked["Subject"] == "Your feedback on your mentorship"
    assert f"http://localhost/mentorships/{pair.id}/feedback" in links_in(asked)

    # Closing twice: a clear message, nothing changes, no second e-mail.
    again = forms.post(pair.url("/complete"))
    assert again.status_code == 409
    assert "You already marked this mentorship completed on 5 July 2026." in text_of(again)
    partner = client_for(app, pair.mentor)
    other_side = partner.post(pair.url("/end-early"), {"reason": "schedule"})
    assert other_side.status_code == 409
    assert "Emery Mentee already marked this mentorship completed" in text_of(other_side)
    assert partner.post(pair.url("/extend"), {"months": "2"}).status_code == 409
    assert fresh(Mentorship, pair.id).ended_by_id == pair.mentee.id
    assert outbox_count() == 2


def test_completing_frees_the_mentors_spot(app, pair, clock_at, make_mentee):
    clock_at(at(SIX_MONTHS))
    mentor = fresh(User, pair.mentor.id)
    newcomer = make_mentee(name="Nova Newcomer")
    assert request_services.spots_left(mentor) == 0
    with pytest.raises(DomainError, match="already mentoring as many mentees"):
        request_services.check_may_request(newcomer, mentor)

    closing.complete(fresh(Mentorship, pair.id), mentor)

    assert request_services.spots_left(fresh(User, pair.mentor.id)) == 1
    request_services.check_may_request(newcomer, fresh(User, pair.mentor.id))  # no error
    request = ask(newcomer, fresh(User, pair.mentor.id))
    assert request.status == MentorshipRequest.PENDING


def test_ending_early_frees_the_spot_too(app, pair, clock_at):
    clock_at(at(START + timedelta(days=40)))
    assert request_services.spots_left(fresh(User, pair.mentor.id)) == 0
    closing.end_early(fresh(Mentorship, pair.id), pair.mentee, "schedule", None)
    assert request_services.spots_left(fresh(User, pair.mentor.id)) == 1


# --- ending early --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose why the mentorship is ending."),
        ({"reason": "bored"}, "Choose one of the options shown."),
        ({"reason": "schedule", "note": "x" * 1001}, "Use at most 1,000 characters"),
    ],
    ids=["no-reason", "tampered-reason", "long-note"],
)
def test_ending_early_needs_a_known_reason_and_a_short_note(app, pair, clock_at, data, message):
    clock_at(at(START + timedelta(days=60)))
    forms = client_for(app, pair.mentor)
    response = forms.post(pair.url("/end-early"), data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert "Please correct this" in text_of(response)
    unchanged = fresh(Mentorship, pair.id)
    assert unchanged.status == Mentorship.ACTIVE and unchanged.end_reason is None
    assert outbox_count() == 0


def test_the_service_refuses_a_tampered_reason_and_a_long_note(app, pair, clock_at):
    clock_at(at(START + timedelta(days=60)))
    with pytest.raises(FieldErrors) as caught:
        closing.end_early(fresh(Mentorship, pair.id), pair.mentor, "bored", "y" * 1001)
    assert set(caught.value.errors) == {"reason", "note"}
    assert fresh(Mentorship, pair.id).is_active


def test_ending_early_keeps_the_note_for_the_committee_only(
    app, pair, clock_at, deliver_mail, mail_server
):
    clock_at(at(START + timedelta(days=60)))
    forms = client_for(app, pair.mentor)
    page = forms.get(pair.url("/close"))
    assert "End the mentorship early" in text_of(page)
    assert "Mark the mentorship completed" not in text_of(page)
    note = "Our schedules never matched: committee-only-note-1234"
    # First the confirmation step: it shows the choices and carries them, and ends nothing.
    step = forms.post(pair.url("/end-early"), {"reason": "schedule", "note": note})
    assert step.status_code == 200
    assert "End your mentorship with Emery Mentee early?" in text_of(step)
    assert "Our schedules or time" in text_of(step) and note in text_of(step)
    assert 'name="confirmed" type="hidden" value="yes"' in step.get_data(as_text=True)
    assert fresh(Mentorship, pair.id).is_active and outbox_count() == 0
    response = forms.post(
        pair.url("/end-early"), {"reason": "schedule", "note": note, "confirmed": "yes"}
    )
    assert response.status_code == 302
    ended = fresh(Mentorship, pair.id)
    assert ended.status == Mentorship.ENDED_EARLY
    assert ended.end_reason == "schedule" and ended.end_note == note
    assert ended.ended_on == START + timedelta(days=60)
    deliver_mail()
    (told,) = mail_server.to(pair.mentee.email)
    assert told["Subject"] == "Morgan Mentor ended your mentorship"
    assert "committee-only-note-1234" not in body_text(told) + body_html(told)
    assert "schedules" not in body_text(told).lower()


def test_ending_early_after_six_months_is_refused(app, pair, clock_at):
    clock_at(at(SIX_MONTHS + timedelta(days=3)))
    forms = client_for(app, pair.mentor)
    response = forms.post(pair.url("/end-early"), {"reason": "schedule"})
    assert response.status_code == 409
    assert "mark it completed instead" in text_of(response)
    assert fresh(Mentorship, pair.id).is_active


# --- extending -----------------------------------------------------------------------------


@pytest.mark.parametrize("months", ["0", "7", "600", "-1", "abc", ""])
def test_an_absurd_extension_is_refused(app, pair, clock_at, months):
    clock_at(at(SIX_MONTHS))
    forms = client_for(app, pair.mentor)
    response = forms.post(pair.url("/extend"), {"months": months})
    assert response.status_code == 422
    assert "Choose one of the options shown." in text_of(
        response
    ) or "Choose a review date from 1 to 6 months from now." in text_of(response)
    assert fresh(Mentorship, pair.id).review_on is None


def test_the_service_refuses_an_absurd_extension(app, pair, clock_at):
    clock_at(at(SIX_MONTHS))
    for months in (0, 7, 120, -3, True, "3", None):
        with pytest.raises(FieldErrors):
            closing.extend(fresh(Mentorship, pair.id), pair.mentor, months)
    assert fresh(Mentorship, pair.id).review_on is None


def test_extending_before_six_months_is_refused(app, pair, clock_at):
    clock_at(at(START + timedelta(days=100)))
    forms = client_for(app, pair.mentor)
    response = forms.post(pair.url("/extend"), {"months": "2"})
    assert response.status_code == 409
    assert "once your mentorship reaches six months" in text_of(response)
    assert fresh(Mentorship, pair.id).review_on is None


def test_extending_sets_a_review_date_and_completing_stays_possible(
    app, pair, clock_at, deliver_mail, mail_server
):
    today = SIX_MONTHS + timedelta(days=2)
    clock_at(at(today))
    forms = client_for(app, pair.mentor)
    response = forms.post(pair.url("/extend"), {"months": "3"})
    assert response.status_code == 302
    assert fresh(Mentorship, pair.id).review_on == add_months(today, 3)
    page = forms.get(pair.url("/close"))
    assert "Next review 7 October 2026" in text_of(page)
    deliver_mail()
    (told,) = mail_server.to(pair.mentee.email)
    assert told["Subject"] == "Morgan Mentor extended your mentorship"
    assert "7 October 2026" in body_text(told)

    clock_at(at(today + timedelta(days=10)))  # long before the review date
    response = client_for(app, pair.mentee).post(pair.url("/complete"))
    assert response.status_code == 302
    assert fresh(Mentorship, pair.id).status == Mentorship.COMPLETED


# --- feedback ------------------------------------------------------------------------------


@pytest.fixture
def completed(pair, clock_at) -> Pair:
    clock_at(at(SIX_MONTHS))
    closing.complete(fresh(Mentorship, pair.id), pair.mentor)
    return pair


def test_feedback_waits_for_the_end(app, pair, clock_at):
    clock_at(at(START + timedelta(days=20)))
    forms = client_for(app, pair.mentee)
    for response in (forms.get(pair.url("/feedback")), forms.post(pair.url("/feedback"), {})):
        assert response.status_code == 409
        assert "once your mentorship is completed or has ended" in text_of(response)
    assert db.session.scalar(select(func.count(ClosingFeedback.id))) == 0


def test_feedback_is_given_once(app, completed):
    pair = completed
    forms = client_for(app, pair.mentee)
    page = forms.get(pair.url("/feedback"))
    assert page.status_code == 200
    for objective in pair.objectives:
        assert f"<legend>{objective.name}</legend>" in page.get_data(as_text=True)
    response = forms.post(pair.url("/feedback"), feedback_data(pair))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(pair.url("/record"))
    feedback = db.session.scalar(select(ClosingFeedback))
    assert feedback.user_id == pair.mentee.id and feedback.would_recommend is True
    assert feedback.comment == "It helped me a lot."
    assert sorted((s.objective_id, s.score) for s in feedback.scores) == sorted(
        (o.id, 4) for o in pair.objectives
    )
    again = forms.post(pair.url("/feedback"), feedback_data(pair, would_recommend="no"))
    assert again.status_code == 409
    assert "You already gave your feedback on 5 July 2026" in text_of(again)
    assert forms.get(pair.url("/feedback")).status_code == 409
    # The partner gives their own.
    mentor = client_for(app, pair.mentor)
    assert mentor.post(pair.url("/feedback"), feedback_data(pair)).status_code == 302
    assert db.session.scalar(select(func.count(ClosingFeedback.id))) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("score-out-of-range", "Choose a score from 1 to 5."),
        ("score-missing", "was met"),
        ("objective-not-agreed", "Score only the objectives of your agreement"),
        ("objective-not-a-number", "Score only the objectives of your agreement"),
        ("no-recommendation", "Choose yes or no."),
        ("tampered-recommendation", "Choose one of the options shown."),
        ("long-comment", "Use at most 2,000 characters"),
    ],
)
def test_bad_feedback_is_refused(app, completed, change, message):
    pair = completed
    first, second = pair.objectives
    data = feedback_data(pair)
    if change == "score-out-of-range":
        data[f"score-{first.id}"] = "6"
    elif change == "score-missing":
        del data[f"score-{second.id}"]
    elif change == "objective-not-agreed":
        other = vocab(Objective)[3]
        data[f"score-{other.id}"] = "5"
    elif change == "objective-not-a-number":
        data["score-abc"] = "5"
    elif change == "no-recommendation":
        del data["would_recommend"]
    elif change == "tampered-recommendation":
        data["would_recommend"] = "perhaps"
    elif change == "long-comment":
        data["comment"] = "c" * 2001
    forms = client_for(app, pair.mentee)
    response = forms.post(pair.url("/feedback"), data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert db.session.scalar(select(func.count(ClosingFeedback.id))) == 0


def test_feedback_after_ending_early(app, pair, clock_at):
    clock_at(at(START + timedelta(days=30)))
    closing.end_early(fresh(Mentorship, pair.id), pair.mentor, "not_a_fit", None)
    forms = client_for(app, pair.mentee)
    response = forms.post(pair.url("/feedback"), feedback_data(pair, would_recommend="no"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(pair.url("/close"))
    assert db.session.scalar(select(ClosingFeedback.would_recommend)) is False


def test_feedback_without_agreed_objectives(app, pair, clock_at):
    agreement = fresh(Mentorship, pair.id).agreement
    agreement.objectives = []
    db.session.commit()
    clock_at(at(SIX_MONTHS))
    closing.complete(fresh(Mentorship, pair.id), pair.mentor)
    forms = client_for(app, pair.mentor)
    assert "nothing to score" in text_of(forms.get(pair.url("/feedback")))
    response = forms.post(pair.url("/feedback"), {"would_recommend": "yes"})
    assert response.status_code == 302


# --- the participation record --------------------------------------------------------------


def test_the_record_shows_the_figures_and_never_a_note(app, pair, clock_at):
    first, second = pair.objectives
    email, video = vocab(ContactMethod)[:2]
    for day, minutes, author, objectives in (
        (START + timedelta(days=10), 60, pair.mentor, [first]),
        (START + timedelta(days=40), 45, pair.mentee, [first]),
        (START + timedelta(days=40), 30, pair.mentor, []),  # the same meeting: counts once
        (START + timedelta(days=80), 75, pair.mentee, []),
    ):
        db.session.add(
            CheckIn(
                mentorship_id=pair.id,
                author_id=author.id,
                met_on=day,
                method=email,
                minutes=minutes,
                objectives=objectives,
                shared_note=f"{SHARED_SECRET} {day}",
                private_note=f"{PRIVATE_SECRET} {day}",
                how_it_is_going=4,
            )
        )
    not_reached = vocab(Objective)[4]
    db.session.add_all(
        [
            Goal(mentorship_id=pair.id, text="Rewrite my CV", objective=second, done_at=at(START)),
            Goal(mentorship_id=pair.id, text="Not reached yet", objective=not_reached),
        ]
    )
    db.session.commit()
    clock_at(at(SIX_MONTHS + timedelta(days=1)))

    forms = client_for(app, pair.mentee)
    early = forms.get(pair.url("/record"))
    assert early.status_code == 409
    assert "ready once your mentorship is marked completed" in text_of(early)

    closing.complete(fresh(Mentorship, pair.id), pair.mentor)
    for user, role in ((pair.mentee, "mentee"), (pair.mentor, "mentor")):
        response = client_for(app, user).get(pair.url("/record"))
        assert response.status_code == 200
        page = text_of(response)
        assert f"{user.name} took part in the mentoring program as a {role}" in page
        assert "Mentor Morgan Mentor Mentee Emery Mentee" in page
        assert "Started 5 January 2026" in page and "Completed 6 July 2026" in page
        assert "Meetings 3" in page
        assert "Hours 3" in page  # 60 + 45 (longest of the day) + 75 minutes
        assert first.name in page and second.name in page
        assert "Rewrite my CV" in page
        assert not_reached.name not in page
        html = response.get_data(as_text=True)
        assert SHARED_SECRET not in html and PRIVATE_SECRET not in html
    assert video  # (a second method exists; not used)


def test_the_record_is_a_printable_certificate_offered_by_a_button(app, pair, clock_at):
    clock_at(at(SIX_MONTHS + timedelta(days=1)))
    closing.complete(fresh(Mentorship, pair.id), pair.mentor)
    forms = client_for(app, pair.mentee)
    mentorship_page = forms.get(pair.url("")).get_data(as_text=True)
    assert (
        f'<a class="button" href="/mentorships/{pair.id}/record">View and print your '
        "certificate</a>" in mentorship_page
    )
    response = forms.get(pair.url("/record"))
    html = response.get_data(as_text=True)
    assert '<link rel="stylesheet" href="/static/css/certificate.css">' in html
    assert 'style="' not in html and "<style" not in html
    page = text_of(response)
    assert "Ontario Library Association" in page
    assert "Certificate of participation" in page
    assert f"This certifies that {pair.mentee.name} took part in the mentoring program" in page
    assert "6 months, from 5 January 2026 to 6 July 2026, with Morgan Mentor as mentor" in page
    assert "Print or save as PDF" in page
    css = app.static_folder + "/css/certificate.css"
    with open(css, encoding="utf-8") as sheet:
        rules = sheet.read()
    assert "@media print" in rules and "@page" in rules


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2026-01-05", "2026-07-06", 6),
        ("2026-01-31", "2026-07-30", 5),
        ("2026-01-05", "2027-01-05", 12),
        ("2026-01-05", "2026-01-05", 0),
    ],
)
def test_whole_months_of_a_certificate(start, end, months):
    from datetime import date

    from app.mentorships.record import whole_months

    assert whole_months(date.fromisoformat(start), date.fromisoformat(end)) == months


def test_the_record_of_a_mentorship_that_ended_early_is_not_offered(app, pair, clock_at):
    clock_at(at(START + timedelta(days=30)))
    closing.end_early(fresh(Mentorship, pair.id), pair.mentor, "personal", None)
    assert client_for(app, pair.mentee).get(pair.url("/record")).status_code == 409


# --- who may do what -------------------------------------------------------------------------

ROUTES = [
    ("GET", "/close"),
    ("GET", "/complete"),
    ("POST", "/complete"),
    ("POST", "/end-early"),
    ("POST", "/extend"),
    ("GET", "/feedback"),
    ("POST", "/feedback"),
    ("GET", "/record"),
]


@pytest.mark.parametrize(("method", "tail"), ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(app, forms, completed, method, tail):
    url = completed.url(tail)
    response = forms.post(url) if method == "POST" else forms.get(url)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "tail"), ROUTES)
@pytest.mark.parametrize("who", ["other member", "committee"])
def test_outsiders_get_404(app, make_member, completed, method, tail, who):
    outsider = make_member(committee=who == "committee")
    forms = client_for(app, outsider)
    data = {"reason": "schedule", "months": "2", **feedback_data(completed)}
    response = (
        forms.post(completed.url(tail), data)
        if method == "POST"
        else forms.get(completed.url(tail))
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(ClosingFeedback.id))) == 0


@pytest.mark.parametrize(("method", "tail"), ROUTES)
def test_unknown_mentorships_are_404(app, pair, method, tail):
    forms = client_for(app, pair.mentor)
    url = f"/mentorships/{pair.id + 999}{tail}"
    response = forms.post(url) if method == "POST" else forms.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("tail", ["/complete", "/end-early", "/extend", "/feedback"])
def test_posts_need_the_csrf_token(app, pair, clock_at, tail):
    clock_at(at(SIX_MONTHS))
    if tail == "/feedback":
        closing.complete(fresh(Mentorship, pair.id), pair.mentor)
    client = client_for(app, pair.mentee).client
    response = client.post(pair.url(tail), data={"reason": "schedule", "months": "2"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(ClosingFeedback.id))) == 0
    assert fresh(Mentorship, pair.id).review_on is None


@pytest.mark.parametrize("tail", ["/complete", "/end-early", "/extend"])
def test_get_never_changes_state(app, pair, clock_at, tail):
    clock_at(at(SIX_MONTHS))
    forms = client_for(app, pair.mentor)
    # /complete answers a GET with its confirmation step; the others have no GET.
    assert forms.get(pair.url(tail)).status_code == (200 if tail == "/complete" else 405)
    assert fresh(Mentorship, pair.id).status == Mentorship.ACTIVE
    assert outbox_count() == 0


def test_participants_see_each_page(app, pair, clock_at):
    clock_at(at(START + timedelta(days=3)))
    for user in (pair.mentor, pair.mentee):
        forms = client_for(app, user)
        assert forms.get(pair.url("/close")).status_code == 200
        assert forms.get(pair.url("/feedback")).status_code == 409
        assert forms.get(pair.url("/record")).status_code == 409


def test_the_service_refuses_non_participants(app, pair, clock_at, make_member):
    clock_at(at(SIX_MONTHS))
    stranger = make_member()
    mentorship = fresh(Mentorship, pair.id)
    for call in (
        lambda: closing.complete(mentorship, stranger),
        lambda: closing.end_early(mentorship, stranger, "schedule", None),
        lambda: closing.extend(mentorship, stranger, 2),
        lambda: closing.give_feedback(mentorship, stranger, {}, True, None),
    ):
        with pytest.raises(DomainError, match="Only the mentor and the mentee"):
            call()
    assert fresh(Mentorship, pair.id).is_active


# --- the home page's next actions ------------------------------------------------------------


def home(forms: FormClient) -> str:
    response = forms.get("/")
    assert response.status_code == 200
    return text_of(response)


def test_next_actions_appear_and_disappear(app, pair, clock_at, make_mentee, make_mentor):
    # A pending request each way: the mentor has a decision, the other mentee waits.
    clock_at(at(START + timedelta(days=1)))
    other_mentor = make_mentor(name="Olive Other")
    waiting = make_mentee(name="Wendy Waiting")
    mentor = fresh(User, pair.mentor.id)
    mentor.profile.mentor_capacity = 2
    db.session.commit()
    request = ask(waiting, fresh(User, pair.mentor.id))
    mentor_home = client_for(app, pair.mentor)
    assert "1 mentee request waiting for your answer" in home(mentor_home)
    sent_request = ask(waiting, other_mentor)
    waiting_home = client_for(app, waiting)
    assert "2 requests you sent are waiting for a mentor's answer" in home(waiting_home)
    request_services.decline_request(fresh(MentorshipRequest, request.id), pair.mentor)
    request_services.withdraw_request(fresh(MentorshipRequest, sent_request.id), waiting)
    assert "waiting for your answer" not in home(mentor_home)
    assert "Waiting for you" not in home(waiting_home)

    # The partner changes the agreement: the mentee is asked to confirm.
    agreement = fresh(Mentorship, pair.id).agreement
    agreement.record_change(pair.mentor.id, at(START + timedelta(days=1)))
    db.session.commit()
    mentee_home = client_for(app, pair.mentee)
    assert "Confirm your agreement with Morgan Mentor" in home(mentee_home)
    assert "Confirm your agreement" not in home(mentor_home)
    agreement = fresh(Mentorship, pair.id).agreement
    agreement.confirm(pair.mentee.id, at(START + timedelta(days=1)))
    db.session.commit()
    assert "Confirm your agreement" not in home(mentee_home)

    # No check-in for more than 30 days.
    clock_at(at(START + timedelta(days=31)))
    mentor_home, mentee_home = client_for(app, pair.mentor), client_for(app, pair.mentee)
    assert "Check in with Emery Mentee" in home(mentor_home)
    assert "Check in with Morgan Mentor" in home(mentee_home)
    db.session.add(
        CheckIn(
            mentorship_id=pair.id,
            author_id=pair.mentee.id,
            met_on=START + timedelta(days=30),
            method=vocab(ContactMethod)[0],
            minutes=30,
            how_it_is_going=4,
        )
    )
    db.session.commit()
    assert "Check in with" not in home(mentor_home)

    # Six months: the decision; then feedback once it is completed.
    clock_at(at(SIX_MONTHS))
    mentor_home, mentee_home = client_for(app, pair.mentor), client_for(app, pair.mentee)
    page = home(mentor_home)
    assert "Complete or carry on your mentorship with Emery Mentee" in page
    closing.complete(fresh(Mentorship, pair.id), pair.mentor)
    page = home(mentor_home)
    assert "Complete or carry on" not in page
    assert "Give your feedback on your mentorship with Emery Mentee" in page
    assert "Give your feedback on your mentorship with Morgan Mentor" in home(mentee_home)
    closing.give_feedback(
        fresh(Mentorship, pair.id),
        fresh(User, pair.mentor.id),
        {str(o.id): 5 for o in pair.objectives},
        True,
        None,
    )
    assert "Give your feedback" not in home(mentor_home)
    assert "Give your feedback" in home(mentee_home)
    # The eligibility next steps stay on the page.
    assert "Your next steps" in home(mentor_home)


def test_next_actions_use_a_constant_number_of_queries(app, make_pair, make_mentor, make_mentee):
    def count_queries(user) -> int:
        statements = []

        def record(*args):
            statements.append(args[2])

        db.session.expire_all()
        user = db.session.get(User, user.id)
        from app.program import get_settings

        assert user.name and get_settings().checkin_reminder_days == 30  # loaded before counting
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            next_actions(user)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    mentor = make_mentor(name="Busy Mentor", mentor_capacity=9)
    make_pair(mentor=mentor, mentee=make_mentee(name="First"))
    count_queries(mentor)  # creates the settings row on first use
    one = count_queries(mentor)
    for number in range(4):
        make_pair(mentor=mentor, mentee=make_mentee(name=f"Mentee {number}"))
    ask(make_mentee(name="Asking"), fresh(User, mentor.id))
    assert count_queries(mentor) == one
    assert one <= 3
    assert len(next_actions(fresh(User, mentor.id)).check_ins_due) == 0
