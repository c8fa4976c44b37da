"""Decision links (/respond/<token>): GET shows, POST acts; spent, expired, tampered and
wrong-purpose links; introductions; declines with suggestions; full mentors; capacity under
concurrency (PostgreSQL); tokens kept out of the logs."""

import logging
import os
import re
import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.committee.audit import trail
from app.errors_domain import DomainError
from app.extensions import db
from app.models import Mentorship, MentorshipRequest, OutboxEmail, Profile, User
from app.models.mentorship import new_nonce
from app.requests import jobs, services
from app.requests.links import make_link_token
from app.respond.redaction import TokenRedactingFilter, install, redact
from app.tokens import make_token
from tests.factories import GOALS, ask
from tests.support import (
    audit_events,
    body_html,
    body_text,
    csrf_token_from,
    fresh,
    links_in,
    sign_in,
    text_of,
)

pytestmark = pytest.mark.usefixtures("restore_vocabularies")

on_postgresql = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="concurrent transactions are tested on PostgreSQL (set TEST_DATABASE_URL)",
)


# --- helpers --------------------------------------------------------------------------------


def path_of(request: MentorshipRequest) -> str:
    return f"/respond/{make_link_token(request)}"


def post_decision(client, path: str, decision="accept", **data):
    """Open the page (for its CSRF token) and press a button, as a browser does."""
    page = client.get(path)
    form = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), decision: decision.title()}
    form.update(data)
    return client.post(path, data=form)


def checked_choices(response) -> list[str]:
    """The answers checked on a decision page."""
    return re.findall(
        r'<input type="radio" name="choice" id="[^"]*" value="(\w+)" checked>',
        response.get_data(as_text=True),
    )


def snapshot() -> tuple:
    """Everything a decision could change."""
    db.session.expire_all()
    requests = db.session.execute(
        select(
            MentorshipRequest.id,
            MentorshipRequest.status,
            MentorshipRequest.nonce,
            MentorshipRequest.responded_at,
            MentorshipRequest.decline_note,
        ).order_by(MentorshipRequest.id)
    ).all()
    mentorships = db.session.scalar(select(func.count(Mentorship.id)))
    outbox = db.session.execute(
        select(OutboxEmail.id, OutboxEmail.template).order_by(OutboxEmail.id)
    ).all()
    accepting = db.session.scalars(
        select(Profile.accepting_requests).order_by(Profile.user_id)
    ).all()
    return requests, mentorships, outbox, accepting


def mentorships() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Mentorship.id)))


# --- the link in the e-mail -----------------------------------------------------------------


def test_the_request_email_carries_the_decision_link(
    app, client, pending, deliver_mail, mail_server
):
    request, _, mentor = pending
    deliver_mail()
    (message,) = mail_server.to(mentor.email)
    links = [link for link in links_in(message) if "/respond/" in link]
    assert len(links) == 2  # Accept and Decline: the same page, each with its answer chosen
    accept, decline = links
    assert accept.startswith("http://localhost/respond/") and accept.endswith("?choice=accept")
    assert decline == accept.removesuffix("?choice=accept") + "?choice=decline"
    html, text = body_html(message), body_text(message)
    for link, label in ((accept, "Accept"), (decline, "Decline")):
        # A large button in the HTML part (a padded link in a table cell), the link in the text.
        button = re.search(rf'<a href="{re.escape(link)}" style="([^"]*)">{label}</a>', html)
        assert button and "padding: 14px 28px" in button.group(1), label
        assert f"{label}: {link}" in text
    assert html.count('role="presentation"') == 2
    for link, checked in ((accept, "accept"), (decline, "decline")):
        response = client.get(link.removeprefix("http://localhost"))
        assert response.status_code == 200
        assert "Emery Mentee would like you as their mentor" in text_of(response)
        assert checked_choices(response) == [checked]


def test_the_token_is_bound_to_the_request_and_its_nonce(app, pending):
    request, _, _ = pending
    from app.tokens import read_token

    payload = read_token("respond-to-request", make_link_token(request), timedelta(days=1))
    assert payload == {"r": request.id, "n": request.nonce}


# --- GET shows, and changes nothing ---------------------------------------------------------


def test_get_and_head_change_nothing(app, client, pending, make_mentee):
    request, mentee, mentor = pending
    ask(make_mentee(name="Second Mentee"), mentor)
    path = path_of(request)
    before = snapshot()
    for _ in range(2):
        page = client.get(path)
        assert page.status_code == 200
        assert client.head(path).status_code == 200
    assert snapshot() == before
    text = text_of(page)
    for expected in (
        "Emery Mentee would like you as their mentor",
        "This request was sent to Morgan Mentor",
        "Position MLIS student, Western University",
        "Goals Find my first library job.",
        GOALS,
        "Help with Job search strategies",
        "Meeting by E-mail",
        "I'm not taking new mentees for now",
        "Also decline my other 1 pending request",
        "Note to the mentee (optional)",
    ):
        assert expected in text, expected
    body = page.get_data(as_text=True)
    assert re.search(r'<input[^>]*type="submit"[^>]*value="Send my answer"', body)
    assert re.search(r'<input type="radio" name="choice" id="choice" value="accept">', body)
    assert re.search(r'<input type="radio" name="choice" id="choice-1" value="decline">', body)
    assert checked_choices(page) == []  # opened without a choice: none is assumed
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    assert "<script>" not in body.split("</main>")[0].split("<main")[1]


def test_the_message_is_escaped(app, client, make_mentee, make_mentor):
    mentor = make_mentor()
    request = ask(make_mentee(), mentor, message=GOALS + " <script>alert(1)</script>")
    body = client.get(path_of(request)).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body


def test_someone_else_signed_in_sees_whose_request_it_is(app, pending, make_member):
    request, _, _ = pending
    other = make_member(name="Olive Other")
    client = app.test_client()
    sign_in(client, other.email)
    text = text_of(client.get(path_of(request)))
    assert "You are signed in as Olive Other, but this request is for Morgan Mentor." in text
    response = post_decision(client, path_of(request), "accept")
    assert response.status_code == 303
    assert fresh(MentorshipRequest, request.id).status == MentorshipRequest.ACCEPTED


# --- POST accepts ---------------------------------------------------------------------------


def test_accept_introduces_both_and_a_second_post_changes_nothing(
    app, client, pending, make_mentor, deliver_mail, mail_server, clock_at
):
    clock_at(datetime(2026, 3, 3, 10, 0))
    request, mentee, mentor = pending
    deliver_mail()
    mail_server.clear()
    path = path_of(request)
    page = client.get(path)
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post(path, data={"csrf_token": token, "accept": "Accept", "note": "Hi!"})
    assert response.status_code == 303 and response.headers["Location"] == path
    confirmation = text_of(client.get(path))
    assert "You accepted Emery Mentee's request. We introduced you to each other by e-mail" in (
        confirmation
    )
    assert "You accepted this request on 3 March." in confirmation
    (mentorship,) = db.session.scalars(select(Mentorship)).all()
    assert (mentorship.mentor_id, mentorship.mentee_id) == (mentor.id, mentee.id)
    assert str(mentorship.started_on) == "2026-03-03"
    assert str(mentorship.minimum_end_on) == "2026-09-03"
    assert f"/mentorships/{mentorship.id}" in client.get(path).get_data(as_text=True)

    deliver_mail()
    (to_mentee,) = mail_server.to(mentee.email)
    (to_mentor,) = mail_server.to(mentor.email)
    assert to_mentee["Subject"] == "Morgan Mentor accepted your request"
    assert to_mentor["Subject"] == "Meet your mentee, Emery Mentee"
    mentee_text, mentor_text = (body_text(m).replace("\r\n", "\n") for m in (to_mentee, to_mentor))
    for expected in (
        "Name: Morgan Mentor",
        f"E-mail: {mentor.email}",
        "Ways to meet they offer: E-mail, Video call",
        "Their note to you:\nHi!",
        "and that you would like to write by e-mail. Write to them",
    ):
        assert expected in mentee_text, expected
    for expected in (
        "Name: Emery Mentee",
        f"E-mail: {mentee.email}",
        "They would like to write by e-mail.",
    ):
        assert expected in mentor_text, expected
    for text in (mentee_text, mentor_text):
        for expected in (
            "From their profile: Find my first library job.",
            GOALS,
            "Help with: Job search strategies",
            "Agree how often you meet",
            "confidential",
            "not responsible for finding a job, for personal counselling, or for daily job advice",
            "until 3 September",
            f"http://localhost/mentorships/{mentorship.id}",
        ):
            assert expected in text, expected
    assert f'href="http://localhost/mentorships/{mentorship.id}"' in body_html(to_mentor)
    mail_server.clear()

    # The same form again: already answered; no second mentorship, no e-mail.
    clock_at(datetime(2026, 3, 4, 9, 0))
    again = client.post(path, data={"csrf_token": token, "accept": "Accept"})
    assert again.status_code == 409
    text = text_of(again)
    assert "This request has already been answered. You accepted this request on 3 March." in text
    assert mentorships() == 1
    deliver_mail()
    assert mail_server.messages == []


def test_post_without_csrf_is_refused(app, client, pending):
    request, _, _ = pending
    before = snapshot()
    response = client.post(path_of(request), data={"accept": "Accept"})
    assert response.status_code == 400
    assert snapshot() == before


def test_post_without_a_button_changes_nothing(app, client, pending):
    request, _, _ = pending
    path = path_of(request)
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    before = snapshot()
    assert client.post(path, data={"csrf_token": token}).status_code == 400
    too_long = client.post(path, data={"csrf_token": token, "decline": "x", "note": "n" * 1001})
    assert too_long.status_code == 422
    assert "Use at most 1,000 characters (you wrote 1,001)." in text_of(too_long)
    assert snapshot() == before


def test_a_post_with_both_buttons_is_refused_and_changes_nothing(app, client, pending):
    request, _, _ = pending
    path = path_of(request)
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    before = snapshot()
    both = client.post(path, data={"csrf_token": token, "accept": "Accept", "decline": "Decline"})
    assert both.status_code == 400
    assert "Choose one answer: Accept or Decline." in text_of(both)
    assert snapshot() == before


def test_accepting_supersedes_the_mentees_other_requests(
    app, client, pending, make_mentor, deliver_mail, mail_server
):
    request, mentee, mentor = pending
    others = [make_mentor(name=f"Other Mentor {n}") for n in (1, 2)]
    other_requests = [ask(mentee, other) for other in others]
    deliver_mail()
    mail_server.clear()
    assert post_decision(client, path_of(request), "accept").status_code == 303
    for other in other_requests:
        assert fresh(MentorshipRequest, other.id).status == MentorshipRequest.SUPERSEDED
    deliver_mail()
    for other in others:
        (closed,) = mail_server.to(other.email)
        assert "Emery Mentee has been matched with another mentor" in body_text(closed)
    # The other mentors' links now tell what happened.
    text = text_of(client.get(path_of(fresh(MentorshipRequest, other_requests[0].id))))
    assert "Request closed" in text and "Emery Mentee is now working with another mentor" in text


# --- spent, expired and invalid links -------------------------------------------------------


def test_an_expired_link_is_refused(app, client, pending, clock_at):
    clock_at(datetime(2026, 3, 3, 10, 0))
    request, _, _ = pending
    request.created_at = clock.utcnow()
    request.expires_at = clock.utcnow() + timedelta(days=14)
    db.session.commit()
    path = path_of(request)
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    clock_at(datetime(2026, 3, 17, 10, 1))
    before = snapshot()
    page = client.get(path)
    assert page.status_code == 200
    assert "This request expired on 17 March." in text_of(page)
    assert "Sign in and open your requests" in text_of(page)
    response = client.post(path, data={"csrf_token": token, "accept": "Accept"})
    assert response.status_code == 409
    assert snapshot() == before
    # Past the token's own age too (the settings' 14 days), the page still says what happened.
    clock_at(datetime(2026, 4, 30, 10, 0))
    assert "This request expired on 17 March." in text_of(client.get(path))


def test_a_request_past_expiry_cannot_be_accepted_in_the_service(app, pending, clock_at):
    request, _, mentor = pending
    clock_at(request.expires_at + timedelta(minutes=1))
    with pytest.raises(DomainError, match="This request expired on"):
        services.accept_request(request, mentor)
    assert mentorships() == 0


@pytest.mark.parametrize(
    "make_bad",
    [
        pytest.param(lambda r: make_link_token(r)[:-3] + "abc", id="tampered"),
        pytest.param(lambda r: make_link_token(r) + "x", id="appended"),
        pytest.param(lambda r: "not-a-token", id="garbage"),
        pytest.param(
            lambda r: make_token("reset-password", {"r": r.id, "n": r.nonce}), id="reset-token"
        ),
        pytest.param(
            lambda r: make_token("verify-email", {"r": r.id, "n": r.nonce}), id="verify-token"
        ),
        pytest.param(
            lambda r: make_token("respond-to-request", {"r": r.id, "n": new_nonce()}),
            id="other-nonce",
        ),
        pytest.param(
            lambda r: make_token("respond-to-request", {"r": 99999, "n": r.nonce}),
            id="unknown-request",
        ),
        pytest.param(
            lambda r: make_token("respond-to-request", {"r": str(r.id), "n": r.nonce}),
            id="malformed-payload",
        ),
    ],
)
def test_invalid_links_are_refused(app, client, pending, make_bad):
    request, _, _ = pending
    good = path_of(request)
    csrf = csrf_token_from(client.get(good).get_data(as_text=True))
    path = f"/respond/{make_bad(request)}"
    before = snapshot()
    page = client.get(path)
    assert page.status_code == 404
    assert "This link is not valid" in text_of(page)
    assert "Sign in and open your requests" in text_of(page)
    response = client.post(path, data={"csrf_token": csrf, "accept": "Accept"})
    assert response.status_code == 409
    assert "Nothing was changed" in text_of(response)
    assert snapshot() == before


def test_a_token_for_another_request_acts_on_nothing_else(app, client, make_mentee, make_mentor):
    mentor = make_mentor()
    first, second = ask(make_mentee(name="First"), mentor), ask(make_mentee(name="Second"), mentor)
    # A token naming the second request with the first's nonce.
    token = make_token("respond-to-request", {"r": second.id, "n": first.nonce})
    assert client.get(f"/respond/{token}").status_code == 404
    assert fresh(MentorshipRequest, first.id).is_pending
    assert fresh(MentorshipRequest, second.id).is_pending


def test_a_link_whose_nonce_changed_is_refused_even_mid_post(app, client, pending):
    request, _, _ = pending
    path = path_of(request)
    csrf = csrf_token_from(client.get(path).get_data(as_text=True))
    request.nonce = new_nonce()  # e.g. a new link was sent
    db.session.commit()
    response = client.post(path, data={"csrf_token": csrf, "accept": "Accept"})
    assert response.status_code == 409
    assert "This link is not valid" in text_of(response)
    assert fresh(MentorshipRequest, request.id).is_pending and mentorships() == 0


def test_the_service_checks_the_nonce_atomically(app, pending):
    request, _, mentor = pending
    with pytest.raises(DomainError, match="This link is no longer valid"):
        services.accept_request(request, mentor, expected_nonce="stale")
    assert fresh(MentorshipRequest, request.id).is_pending and mentorships() == 0


@pytest.mark.parametrize(
    ("act", "expected"),
    [
        ("withdraw", "Emery Mentee withdrew this request on"),
        ("decline", "You declined this request on"),
        ("expire", "This request expired on"),
    ],
)
def test_spent_links_tell_what_happened(app, client, pending, act, expected):
    request, mentee, mentor = pending
    path = path_of(request)
    csrf = csrf_token_from(client.get(path).get_data(as_text=True))
    if act == "withdraw":
        services.withdraw_request(request, mentee)
    elif act == "decline":
        services.decline_request(request, mentor)
    else:
        jobs.run_request_jobs(request.expires_at + timedelta(minutes=1))
    before = snapshot()
    page = client.get(path)
    assert page.status_code == 200 and expected in text_of(page)
    response = client.post(path, data={"csrf_token": csrf, "accept": "Accept"})
    assert response.status_code == 409
    assert expected in text_of(response)
    assert snapshot() == before


# --- POST declines --------------------------------------------------------------------------


def test_decline_mails_the_mentee_with_suggestions(
    app, client, pending, make_mentor, deliver_mail, mail_server
):
    request, mentee, mentor = pending
    suggested = [make_mentor(name=f"Suggested {n}") for n in (1, 2, 3, 4)]
    asked_before = make_mentor(name="Asked Before")
    services.decline_request(ask(mentee, asked_before), asked_before)
    make_mentor(name="Full Mentor", mentor_capacity=0)
    deliver_mail()
    mail_server.clear()
    note = "I'm away this term. <b>Try</b> the reference group."
    response = post_decision(client, path_of(request), "decline", note=note)
    assert response.status_code == 303
    assert "You declined Emery Mentee's request." in text_of(
        client.get(response.headers["Location"])
    )
    declined = fresh(MentorshipRequest, request.id)
    assert declined.status == MentorshipRequest.DECLINED and declined.decline_note == note
    assert mentorships() == 0
    assert services.spots_left(mentor) == 1
    deliver_mail()
    (message,) = mail_server.to(mentee.email)
    text = body_text(message)
    assert message["Subject"] == "An answer from Morgan Mentor"
    assert note in text and "&lt;b&gt;Try&lt;/b&gt;" in body_html(message)
    names = re.findall(r"^- (.+?)(?:,|:)", text, flags=re.MULTILINE)
    assert len(names) == 3
    assert set(names) <= {m.name for m in suggested}
    for absent in ("Morgan Mentor", "Asked Before", "Full Mentor"):
        assert absent not in names
    linked = [int(x) for x in re.findall(r"http://localhost/mentors/(\d+)", text)]
    assert len(linked) == 3 and set(linked) <= {m.id for m in suggested}
    assert "http://localhost/mentors\n" in text.replace("\r\n", "\n")  # all mentors


def test_not_taking_new_mentees_declines_the_others_when_asked(
    app, client, pending, make_mentee, deliver_mail, mail_server
):
    request, _, mentor = pending
    others = [ask(make_mentee(name=f"Waiting {n}"), mentor) for n in (1, 2)]
    deliver_mail()
    mail_server.clear()
    response = post_decision(
        client, path_of(request), "decline", stop_accepting="y", decline_others="y"
    )
    assert response.status_code == 303
    assert fresh(User, mentor.id).profile.accepting_requests is False
    for other in others:
        assert fresh(MentorshipRequest, other.id).status == MentorshipRequest.DECLINED
    deliver_mail()
    for other in others:
        (message,) = mail_server.to(other.mentee.email)
        assert "they are not taking new mentees for now" in body_text(message)
    assert len(mail_server.messages) == 3


def test_not_taking_new_mentees_alone_keeps_the_others(app, client, pending, make_mentee):
    request, _, mentor = pending
    other = ask(make_mentee(name="Waiting"), mentor)
    post_decision(client, path_of(request), "decline", stop_accepting="y")
    assert fresh(User, mentor.id).profile.accepting_requests is False
    assert fresh(MentorshipRequest, other.id).is_pending


# --- full mentors ---------------------------------------------------------------------------


def test_a_full_mentor_sees_it_and_declines_the_rest_in_one_step(
    app, client, make_mentee, make_mentor
):
    mentor = make_mentor(name="Morgan Mentor", mentor_capacity=1)
    first = ask(make_mentee(name="First"), mentor)
    waiting = [ask(make_mentee(name=f"Waiting {n}"), mentor) for n in (1, 2)]
    services.accept_request(first, mentor)
    path = path_of(fresh(MentorshipRequest, waiting[0].id))
    page = client.get(path)
    text, body = text_of(page), page.get_data(as_text=True)
    assert "You are full." in text and "your other 1 pending request" in text
    assert 'value="Accept"' not in body
    assert re.search(
        r'<input[^>]*checked[^>]*name="decline_others"|name="decline_others"[^>]*checked', body
    )
    # The directory no longer lists them.
    viewer_client = app.test_client()
    sign_in(viewer_client, make_mentee(name="Looking").email)
    assert "Morgan Mentor" not in text_of(viewer_client.get("/mentors"))
    # Accept is refused, clearly, and nothing changes.
    csrf = csrf_token_from(body)
    before = snapshot()
    refused = client.post(path, data={"csrf_token": csrf, "accept": "Accept"})
    assert refused.status_code == 409
    assert "already mentoring as many mentees as your profile allows" in text_of(refused)
    assert snapshot() == before
    # One step declines this one and the rest.
    response = client.post(
        path, data={"csrf_token": csrf, "decline": "Decline", "decline_others": "y"}
    )
    assert response.status_code == 303
    for request in waiting:
        assert fresh(MentorshipRequest, request.id).status == MentorshipRequest.DECLINED
    assert mentorships() == 1


# --- capacity under concurrency -------------------------------------------------------------


@on_postgresql
def test_twenty_concurrent_accepts_for_the_last_spot_make_one_mentorship(
    app, make_mentee, make_mentor
):
    mentor = make_mentor(name="Morgan Mentor", mentor_capacity=1)
    requests = [ask(make_mentee(name=f"Mentee {n}"), mentor) for n in range(20)]
    tokens = [make_link_token(r) for r in requests]
    db.session.remove()
    barrier = threading.Barrier(len(tokens))
    outcomes: list[str] = []
    from app.respond.services import decide

    def accept(token):
        with app.app_context():
            try:
                barrier.wait(timeout=20)
                outcome = decide(token, "accept")
                outcomes.append("accepted" if outcome.done else outcome.error)
            except Exception as error:  # noqa: BLE001  (reported below)
                outcomes.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 20, outcomes
    assert outcomes.count("accepted") == 1, outcomes
    refused = [o for o in outcomes if o != "accepted"]
    assert all("already mentoring as many mentees" in o for o in refused), refused
    assert mentorships() == 1
    statuses = db.session.scalars(select(MentorshipRequest.status)).all()
    assert sorted(statuses).count(MentorshipRequest.ACCEPTED) == 1
    assert statuses.count(MentorshipRequest.PENDING) == 19


# --- tokens never reach the logs ------------------------------------------------------------


def test_redact_rewrites_token_paths():
    token = "eyJyIjoxLCJuIjoiYWJjIn0.aBcDeF.sIgNaTuRe-_"
    assert (
        redact(f'"GET /respond/{token} HTTP/1.1" 200 -') == '"GET /respond/[token] HTTP/1.1" 200 -'
    )
    assert redact(f"/auth/verify/{token}?x=1") == "/auth/verify/[token]?x=1"
    assert redact(f"/auth/reset/{token}") == "/auth/reset/[token]"
    assert redact("/requests/12/accept") == "/requests/12/accept"
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, "%s", (f"/respond/{token}",), None
    )
    assert TokenRedactingFilter().filter(record)
    assert token not in record.getMessage()
    # gunicorn's access log: a format with a dict of atoms.
    atoms = {"r": f"GET /respond/{token} HTTP/1.1", "s": "200"}
    access = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(r)s %(s)s", None, None
    )
    access.args = atoms
    assert TokenRedactingFilter().filter(access)
    assert access.getMessage() == "GET /respond/[token] HTTP/1.1 200"


def test_tokens_never_appear_in_the_server_logs(app, pending, caplog):
    """A real server (werkzeug's, with its request log) and an unexpected error's log."""
    from werkzeug.serving import make_server

    request, _, _ = pending
    token = make_link_token(request)
    install()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        import urllib.request

        with caplog.at_level(logging.INFO):
            with urllib.request.urlopen(
                f"http://127.0.0.1:{server.server_port}/respond/{token}"
            ) as r:
                assert r.status == 200
            logging.getLogger("app.errors").error("Unhandled error on GET /respond/%s", token)
            logging.getLogger("werkzeug").info("GET /auth/reset/%s", token)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    messages = [record.getMessage() for record in caplog.records]
    assert any("/respond/[token]" in m for m in messages), messages
    assert any('"GET /respond/[token] HTTP/1.1" 200' in m for m in messages), messages
    assert not any(token in m for m in messages)


# --- the page as the new e-mail opens it: one answer chosen, "not taking new mentees" ---------


def answer(client, path: str, **data):
    """Open the page (for its CSRF token), choose, and press "Send my answer"."""
    page = client.get(path)
    form = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), "send": "Send my answer"}
    form.update(data)
    return client.post(path, data=form)


def test_the_chosen_answer_is_sent_with_the_one_button(app, client, pending):
    request, _, mentor = pending
    response = answer(client, path_of(request), choice="decline", note="Not this time.")
    assert response.status_code == 303
    declined = fresh(MentorshipRequest, request.id)
    assert declined.status == MentorshipRequest.DECLINED and declined.decline_note == (
        "Not this time."
    )
    assert fresh(User, mentor.id).profile.accepting_requests is True  # "still taking"


def test_no_answer_chosen_or_an_unknown_one_changes_nothing(app, client, pending):
    request, _, _ = pending
    path = path_of(request)
    before = snapshot()
    none = answer(client, path)
    assert none.status_code == 400
    assert "Choose your answer: Accept or Decline." in text_of(none)
    odd = answer(client, path, choice="maybe")
    assert odd.status_code == 422 and "Choose one of the options shown." in text_of(odd)
    against = answer(client, path, choice="decline", accept="Accept")  # an old page's button
    assert against.status_code == 400
    assert "Choose one answer: Accept or Decline." in text_of(against)
    assert snapshot() == before


def test_an_unknown_choice_in_the_link_preselects_nothing(app, client, pending):
    request, _, _ = pending
    assert checked_choices(client.get(path_of(request) + "?choice=both")) == []


def test_im_full_from_the_decision_page(app, client, pending, make_mentee):
    request, _, mentor = pending
    other = ask(make_mentee(name="Waiting"), mentor)
    response = answer(client, path_of(request), choice="decline", pause="full")
    assert response.status_code == 303
    assert fresh(User, mentor.id).profile.accepting_requests is False
    assert fresh(MentorshipRequest, other.id).is_pending


def test_away_from_the_decision_page_keeps_the_others_open(
    app, client, pending, make_mentee, clock_at, deliver_mail, mail_server
):
    clock_at(datetime(2026, 12, 3, 10, 0))
    request, _, mentor = pending
    other = ask(make_mentee(name="Waiting"), mentor)
    deliver_mail()
    mail_server.clear()
    response = answer(
        client, path_of(request), choice="decline", pause="away", away_until="2027-02-01"
    )
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert "You are away until 1 February 2027" in page
    profile = fresh(User, mentor.id).profile
    assert profile.away_until == date(2027, 2, 1) and profile.away_keeps_requests is True
    assert profile.accepting_requests is True  # away, not full: back by themselves
    assert fresh(MentorshipRequest, other.id).is_pending
    deliver_mail()
    (declined,) = mail_server.to(request.mentee.email)
    assert "they are away until 1 February 2027" in " ".join(body_text(declined).split())
    (held,) = mail_server.to(other.mentee.email)
    assert held["Subject"] == "Morgan Mentor is away until 1 February 2027"
    (event,) = audit_events(trail.MENTOR_AWAY)
    assert event.detail == {"until": "2027-02-01", "pending": "kept open", "source": "decline"}


def test_away_and_decline_the_others(app, client, pending, make_mentee, clock_at):
    clock_at(datetime(2026, 12, 3, 10, 0))
    request, _, mentor = pending
    other = ask(make_mentee(name="Waiting"), mentor)
    response = answer(
        client,
        path_of(request),
        choice="decline",
        pause="away",
        away_until="2027-02-01",
        decline_others="y",
    )
    assert response.status_code == 303
    assert fresh(MentorshipRequest, other.id).status == MentorshipRequest.DECLINED
    assert fresh(User, mentor.id).profile.away_keeps_requests is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"choice": "decline", "away_until": ""}, "Enter the day you will be back."),
        ({"choice": "decline", "away_until": "2026-12-03"}, "must be after today (2026-12-03)"),
        ({"choice": "decline", "away_until": "2028-01-01"}, "Choose a day within a year"),
        ({"choice": "decline", "away_until": "1/2/2027"}, "as year-month-day"),
        ({"choice": "accept", "away_until": "2027-02-01"}, "accepting starts a mentorship"),
    ],
)
def test_a_bad_away_day_on_the_decision_page_changes_nothing(
    app, client, pending, clock_at, data, message
):
    clock_at(datetime(2026, 12, 3, 10, 0))
    request, _, _ = pending
    before = snapshot()
    response = answer(client, path_of(request), pause="away", **data)
    assert response.status_code == 422
    assert message in text_of(response)
    body = response.get_data(as_text=True)
    assert f'value="{data["away_until"]}"' in body or not data["away_until"]
    assert f'value="{data["choice"]}" checked' in body  # the answer chosen is kept
    assert snapshot() == before


def test_a_full_mentor_is_offered_decline_only_whatever_the_link_chose(
    app, client, make_mentee, make_mentor
):
    mentor = make_mentor(name="Full Mentor", mentor_capacity=1)
    first = ask(make_mentee(name="First"), mentor)
    waiting = ask(make_mentee(name="Second"), mentor)
    services.accept_request(first, mentor)
    page = client.get(path_of(fresh(MentorshipRequest, waiting.id)) + "?choice=accept")
    body = page.get_data(as_text=True)
    assert 'value="accept"' not in body
    assert checked_choices(page) == ["decline"]
    refused = answer(client, path_of(fresh(MentorshipRequest, waiting.id)), choice="accept")
    assert refused.status_code == 409  # the rule says why, and the page offers Decline only
    assert "already mentoring as many mentees as your profile allows" in text_of(refused)
    assert checked_choices(refused) == []
    assert fresh(MentorshipRequest, waiting.id).is_pending
