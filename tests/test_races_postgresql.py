"""Races through the real HTTP stack on PostgreSQL: a threaded WSGI server on 127.0.0.1, real
sockets, cookies and CSRF tokens, many requests released at the same moment.

Whatever arrives together (twenty decisions on one mentor's requests from e-mailed links and
signed-in pages, withdrawals, the same link clicked twice, check-in edits and deletes, program
settings saved twice), every answer is a page that says what happened, never a 500, and the
database ends consistent: no mentor over capacity, one mentorship per accepted request, one
e-mail per decision.

SQLite serialises writers for the whole database, so these races only exist on PostgreSQL
(TEST_DATABASE_URL); CI runs the suite on both.
"""

import html
import logging
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app import clock
from app.extensions import db
from app.models import (
    CheckIn,
    ContactMethod,
    Mentorship,
    MentorshipRequest,
    OutboxEmail,
    ProgramSettings,
    User,
)
from app.requests.links import make_link_token
from app.requests.services import accept_request
from app.tokens import make_token
from tests.factories import agree, ask, mentee_profile, mentor_profile
from tests.support import DEFAULT_PASSWORD, csrf_token_from

pytestmark = pytest.mark.postgres_only

CAPACITY = 3
MENTEES = 12


@pytest.fixture(autouse=True)
def _postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("races between transactions are tested on PostgreSQL (TEST_DATABASE_URL)")


# --- a real server and browsers ---------------------------------------------------------------


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": False}  # a dozen sign-ins from one address in a second


@pytest.fixture
def server(app):
    """The app served by a threaded WSGI server on 127.0.0.1: (host, port)."""
    live = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=live.serve_forever, daemon=True)
    thread.start()
    yield live.server_address
    live.shutdown()
    thread.join(timeout=10)


@dataclass
class Answer:
    status: int
    location: str | None
    body: str

    @property
    def text(self) -> str:
        """The page's words: tags removed, entities decoded, white space collapsed."""
        return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", self.body)))


@dataclass
class Browser:
    """One visitor with its own cookies, over real HTTP; redirects are not followed."""

    address: tuple
    cookies: dict = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None) -> Answer:
        connection = HTTPConnection(*self.address, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Answer(
                response.status,
                response.getheader("Location"),
                response.read().decode("utf-8", "replace"),
            )
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Answer:
        return self.request("POST", path, form)

    def csrf_from(self, path: str) -> str:
        return csrf_token_from(self.get(path).body)

    def sign_in(self, email: str) -> "Browser":
        token = self.csrf_from("/auth/login")
        answer = self.post(
            "/auth/login", {"csrf_token": token, "email": email, "password": DEFAULT_PASSWORD}
        )
        assert answer.status == 302, answer.text[:500]
        return self


def at_the_same_moment(actions: list) -> tuple[list[Answer], float]:
    """Run every action in its own thread, released together; their answers in order, and
    the seconds from the release to the last answer."""
    barrier = threading.Barrier(len(actions) + 1, timeout=60)
    answers: list = [None] * len(actions)

    def run(index, action):
        barrier.wait()
        try:
            answers[index] = action()
        except Exception as error:  # noqa: BLE001  (reported by the assertions)
            answers[index] = error

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started
    assert all(isinstance(a, Answer) for a in answers), answers
    return answers, elapsed


def no_server_errors(answers: list[Answer]) -> None:
    failures = [(a.status, a.text[:300]) for a in answers if a.status >= 500]
    assert failures == []


# --- the world ---------------------------------------------------------------------------------


@pytest.fixture
def crowd(make_member):
    """A mentor with CAPACITY spots and MENTEES pending requests, one from each mentee."""
    mentor = agree(
        make_member(
            email="morgan@example.org",
            name="Morgan Mentor",
            profile=mentor_profile(mentor_capacity=CAPACITY),
        ),
        "mentor",
    )
    mentees, requests = [], []
    for number in range(MENTEES):
        mentee = agree(
            make_member(
                email=f"mentee{number}@example.org",
                name=f"Mentee {number}",
                profile=mentee_profile(),
            ),
            "mentee",
        )
        mentees.append(mentee)
        requests.append(ask(mentee, mentor))
    return mentor, mentees, requests


def fresh_requests() -> dict[int, MentorshipRequest]:
    db.session.expire_all()
    return {r.id: r for r in db.session.scalars(select(MentorshipRequest))}


DECISION_MAIL = re.compile(r"request-(accepted|declined|withdrawn|superseded):([0-9]+)")


def decision_mails() -> dict[int, list[str]]:
    """The decision e-mails in the outbox (to the mentee: accepted, declined; to the mentor:
    withdrawn, superseded), by request id."""
    db.session.expire_all()
    mails: dict[int, list[str]] = {}
    for key in db.session.scalars(select(OutboxEmail.dedupe_key)):
        found = DECISION_MAIL.fullmatch(key or "")
        if found:
            mails.setdefault(int(found.group(2)), []).append(found.group(1))
    return mails


def each_decision_mailed_once(requests: dict[int, MentorshipRequest]) -> None:
    mails = decision_mails()
    for request in requests.values():
        expected = [] if request.status == MentorshipRequest.PENDING else [request.status]
        assert mails.get(request.id, []) == expected, (request.id, request.status, mails)


# --- twenty decisions on one mentor's requests -------------------------------------------------


DECIDED = re.compile(
    r"You (already )?(accepted|declined) this request on"
    r"|withdrew this request"
    r"|This link is no longer valid"
    r"|already mentoring as many mentees as your profile allows"
    r"|Someone changed this at the same moment"
)


def test_twenty_concurrent_decisions_on_one_mentors_requests(server, crowd, capsys, caplog):
    """Twelve e-mailed links answered (accepts and declines, some declining the others or
    closing the mentor's list), the same links answered twice more, the mentor deciding on the
    requests page and mentees withdrawing, all released at the same moment: twenty POSTs."""
    mentor, mentees, requests = crowd
    tokens = [make_link_token(r) for r in requests]
    ids = [r.id for r in requests]
    emails = {r.id: m.email for r, m in zip(requests, mentees, strict=True)}
    mentor_id, mentor_email = mentor.id, mentor.email
    db.session.remove()

    actions, labels = [], []

    def link_decision(index: int, decision: str, **options):
        browser, path = Browser(server), f"/respond/{tokens[index]}"
        form = {"csrf_token": browser.csrf_from(path), decision: decision.title(), **options}
        actions.append(lambda: browser.post(path, form))
        labels.append(f"link {decision} #{index}")

    for index in range(MENTEES):
        decision = "accept" if index % 2 == 0 else "decline"
        options = {}
        if index % 4 == 1:
            options["decline_others"] = "y"
        if index % 6 == 3:
            options["stop_accepting"] = "y"
        link_decision(index, decision, **options)
    for index in (0, 1, 2, 3):  # the same links again, the other way
        link_decision(index, "decline" if index % 2 == 0 else "accept")

    signed_in_mentor = Browser(server).sign_in(mentor_email)
    page_token = signed_in_mentor.csrf_from("/requests")
    for index, action in ((4, "accept"), (5, "decline")):
        actions.append(
            lambda i=index, a=action: signed_in_mentor.post(
                f"/requests/{ids[i]}/{a}", {"csrf_token": page_token}
            )
        )
        labels.append(f"page {action} #{index}")
    for index in (6, 7):
        mentee = Browser(server).sign_in(emails[ids[index]])
        token = mentee.csrf_from("/requests")
        actions.append(
            lambda b=mentee, i=index, t=token: b.post(
                f"/requests/{ids[i]}/withdraw", {"csrf_token": t}
            )
        )
        labels.append(f"withdraw #{index}")
    assert len(actions) == 20

    caplog.set_level(logging.INFO, logger="app.concurrency")
    answers, elapsed = at_the_same_moment(actions)

    no_server_errors(answers)
    retries = sum("lost a race" in record.getMessage() for record in caplog.records)
    done = [a for a in answers if a.status in (302, 303)]
    refused = [a for a in answers if a.status == 409]
    assert len(done) + len(refused) == 20, [
        (label, a.status) for label, a in zip(labels, answers, strict=True)
    ]
    for answer in refused:
        assert DECIDED.search(answer.text), answer.text[:1000]

    requests_now = fresh_requests()
    accepted = [r for r in requests_now.values() if r.status == MentorshipRequest.ACCEPTED]
    active = db.session.scalar(
        select(func.count(Mentorship.id)).where(
            Mentorship.mentor_id == mentor_id, Mentorship.status == Mentorship.ACTIVE
        )
    )
    assert len(accepted) <= CAPACITY
    assert active == len(accepted)
    for request in accepted:
        assert (
            db.session.scalar(
                select(func.count(Mentorship.id)).where(Mentorship.request_id == request.id)
            )
            == 1
        )
    each_decision_mailed_once(requests_now)
    statuses = Counter(r.status for r in requests_now.values())
    with capsys.disabled():
        print(
            f"\n20 concurrent decisions: {len(done)} done, {len(refused)} refused with the "
            f"current state, 0 server errors, {retries} retries after a lost race, in "
            f"{elapsed:.2f} s; requests now "
            f"{dict(sorted(statuses.items()))}"
        )


def test_one_link_clicked_twenty_times_at_once_decides_once(server, crowd):
    mentor, mentees, requests = crowd
    path = f"/respond/{make_link_token(requests[0])}"
    request_id = requests[0].id
    db.session.remove()
    actions = []
    for number in range(20):
        browser = Browser(server)
        form = {"csrf_token": browser.csrf_from(path), "accept" if number % 2 else "decline": "x"}
        actions.append(lambda b=browser, f=form: b.post(path, f))

    answers, _ = at_the_same_moment(actions)

    no_server_errors(answers)
    assert sorted(a.status for a in answers) == [303] + [409] * 19
    for answer in answers:
        if answer.status == 409:
            assert DECIDED.search(answer.text), answer.text[:1000]
    requests_now = fresh_requests()
    assert requests_now[request_id].status in (
        MentorshipRequest.ACCEPTED,
        MentorshipRequest.DECLINED,
    )
    each_decision_mailed_once(requests_now)
    # The link now shows what happened, to anyone who opens it again.
    again = Browser(server).get(path)
    assert again.status == 200 and "this request on" in again.text


def test_opening_links_while_they_are_decided_never_fails(server, crowd):
    mentor, mentees, requests = crowd
    paths = [f"/respond/{make_link_token(r)}" for r in requests]
    db.session.remove()
    actions = []
    for index, path in enumerate(paths[:10]):
        browser = Browser(server)
        form = {"csrf_token": browser.csrf_from(path), "accept": "Accept", "decline_others": "y"}
        actions.append(lambda b=browser, p=path, f=form: b.post(p, f))
        other = paths[(index + 1) % len(paths)]
        actions.append(lambda p=other: Browser(server).get(p))

    answers, _ = at_the_same_moment(actions)

    no_server_errors(answers)
    assert {a.status for a in answers} <= {200, 303, 409}


def test_two_declines_that_also_decline_the_others_never_deadlock(
    server, make_member, caplog, capsys
):
    """A mentor's two decision links, each "Decline" with "also decline my other pending
    requests", pressed at the same moment, four times over (a new mentor each time): both
    take the mentor's profile first, as accepting does, so the second waits for the first
    instead of deadlocking. No 500, no deadlock to retry, every request declined and mailed
    once."""
    rounds = []
    for number in range(4):
        mentor = agree(
            make_member(
                email=f"decliner{number}@example.org", profile=mentor_profile(mentor_capacity=2)
            ),
            "mentor",
        )
        requests = [
            ask(
                agree(
                    make_member(
                        email=f"asker{number}-{index}@example.org", profile=mentee_profile()
                    ),
                    "mentee",
                ),
                mentor,
            )
            for index in range(4)
        ]
        rounds.append([make_link_token(r) for r in (requests[0], requests[-1])])
    db.session.remove()

    caplog.set_level(logging.INFO, logger="app.concurrency")
    outcomes = []
    for tokens in rounds:
        actions = []
        for token in tokens:
            browser, path = Browser(server), f"/respond/{token}"
            form = {
                "csrf_token": browser.csrf_from(path),
                "decline": "Decline",
                "decline_others": "y",
            }
            actions.append(lambda b=browser, p=path, f=form: b.post(p, f))
        answers, _ = at_the_same_moment(actions)
        no_server_errors(answers)
        outcomes.append(sorted(a.status for a in answers))

    deadlocks = [r.getMessage() for r in caplog.records if "lost a race" in r.getMessage()]
    assert deadlocks == []
    requests_now = fresh_requests()
    assert {r.status for r in requests_now.values()} == {MentorshipRequest.DECLINED}
    each_decision_mailed_once(requests_now)
    for statuses in outcomes:
        assert statuses in ([303, 303], [303, 409])
    with capsys.disabled():
        print(f"\n2 concurrent declines with the others, 4 rounds: answers {outcomes}, 0 deadlocks")


def test_one_recovery_code_sent_ten_times_at_once_signs_in_once(server, make_member):
    """Ten browsers past the password of one committee member send the same recovery code at
    the same moment: one is signed in, nine are told the code is used."""
    from app.auth.two_factor import _new_recovery_codes

    chair = make_member(email="guarded@example.org", committee=True)
    chair.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    code = _new_recovery_codes(chair)[0]
    db.session.commit()
    db.session.remove()
    actions = []
    for _ in range(10):
        browser = Browser(server)
        token = browser.csrf_from("/auth/login")
        answer = browser.post(
            "/auth/login",
            {"csrf_token": token, "email": "guarded@example.org", "password": DEFAULT_PASSWORD},
        )
        assert answer.location.endswith("/auth/login/code")
        form = {"csrf_token": browser.csrf_from("/auth/login/code"), "code": code}
        actions.append(lambda b=browser, f=form: b.post("/auth/login/code", f))

    answers, _ = at_the_same_moment(actions)

    no_server_errors(answers)
    assert sorted(a.status for a in answers) == [200] * 9 + [302]
    assert all("That code is not right" in a.text for a in answers if a.status == 200)


# --- a mentorship's check-ins, and the program settings -----------------------------------------


@pytest.fixture
def pair_with_check_in(crowd):
    mentor, mentees, requests = crowd
    mentorship = accept_request(requests[0], mentor)
    method = db.session.scalars(select(ContactMethod)).first()
    check_in = CheckIn(
        mentorship_id=mentorship.id,
        author_id=mentees[0].id,
        met_on=mentorship.started_on,
        method_id=method.id,
        minutes=30,
        how_it_is_going=4,
    )
    db.session.add(check_in)
    db.session.commit()
    return mentorship, mentees[0], check_in, method


def test_editing_and_deleting_one_check_in_at_once(server, pair_with_check_in):
    mentorship, mentee, check_in, method = pair_with_check_in
    base = f"/mentorships/{mentorship.id}/check-ins/{check_in.id}"
    met_on, method_id, check_in_id = mentorship.started_on.isoformat(), method.id, check_in.id
    mentee_email = mentee.email
    db.session.remove()
    browsers = [Browser(server).sign_in(mentee_email) for _ in range(4)]
    tokens = [browser.csrf_from(f"{base}/edit") for browser in browsers]
    actions = []
    for number in range(20):
        browser, token = browsers[number % 4], tokens[number % 4]
        if number % 5 == 4:
            actions.append(lambda b=browser, t=token: b.post(f"{base}/delete", {"csrf_token": t}))
            continue
        form = {
            "csrf_token": token,
            "check_in-met_on": met_on,
            "check_in-method": str(method_id),
            "check_in-minutes": str(10 + number),
            "check_in-how_it_is_going": "3",
            "check_in-shared_note": f"Edit number {number}",
        }
        actions.append(lambda b=browser, f=form: b.post(f"{base}/edit", f))

    answers, _ = at_the_same_moment(actions)

    no_server_errors(answers)
    assert {a.status for a in answers} <= {302, 404, 409}
    db.session.expire_all()
    assert db.session.get(CheckIn, check_in_id) is None  # a delete won, whatever the order


def test_saving_the_program_status_twenty_times_at_once(server, make_member):
    chair_email = make_member(email="chair@example.org", committee=True).email
    db.session.remove()
    actions = []
    for number in range(20):
        browser = Browser(server).sign_in(chair_email)
        token = browser.csrf_from("/committee/settings")
        status = ("open", "paused", "closed")[number % 3]
        form = {"csrf_token": token, "status": status, "notice": f"Notice {number}"}
        actions.append(lambda b=browser, f=form: b.post("/committee/settings/status", f))

    answers, _ = at_the_same_moment(actions)

    no_server_errors(answers)
    assert {a.status for a in answers} <= {302, 409}
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ProgramSettings.id))) == 1


def test_two_accounts_confirming_the_same_new_address_at_once(server, make_member):
    """Both asked to move to one address; their confirmation links are clicked together, ten
    times each: one account gets the address, the other is told it is taken."""

    ada = make_member(email="ada@example.org")
    bob = make_member(email="bob@example.org")
    for user in (ada, bob):
        user.pending_email = "shared@example.org"
    db.session.commit()
    paths = [
        "/auth/verify/" + make_token("verify-email", {"u": user.id, "e": "shared@example.org"})
        for user in (ada, bob)
    ]
    db.session.remove()
    actions = []
    for number in range(20):
        browser, path = Browser(server), paths[number % 2]
        form = {"csrf_token": browser.csrf_from(path)}
        actions.append(lambda b=browser, p=path, f=form: b.post(p, f))

    answers, _ = at_the_same_moment(actions)

    no_server_errors(answers)
    assert {a.status for a in answers} <= {200, 302}
    db.session.expire_all()
    owners = db.session.scalars(select(User).where(User.email == "shared@example.org")).all()
    assert len(owners) == 1
    assert (
        db.session.scalar(select(func.count(User.id)).where(User.pending_email.is_not(None))) == 0
    )


def test_planning_one_meeting_twelve_times_at_once(server, pair_with_check_in):
    """Saves of two different times, six of each, at once: each version of the invitation gets
    its own SEQUENCE, is sent once to each of the pair, and the last version is the one kept."""
    mentorship, mentee, _, method = pair_with_check_in
    path, mentorship_id = f"/mentorships/{mentorship.id}", mentorship.id
    day = (clock.today() + timedelta(days=7)).isoformat()
    mentee_email, method_id = mentee.email, method.id
    db.session.remove()
    browsers = [Browser(server).sign_in(mentee_email) for _ in range(4)]
    tokens = [browser.csrf_from(path) for browser in browsers]
    actions = []
    for number in range(12):
        form = {
            "csrf_token": tokens[number % 4],
            "next_meeting_on": day,
            "next_meeting_time": ("14:30", "16:00")[number % 2],
            "next_meeting_method": str(method_id),
        }
        actions.append(lambda b=browsers[number % 4], f=form: b.post(f"{path}/next-meeting", f))

    answers, _ = at_the_same_moment(actions)

    no_server_errors(answers)
    assert {a.status for a in answers} <= {302, 409}
    db.session.expire_all()
    agreement = db.session.get(Mentorship, mentorship_id).agreement
    keys = db.session.scalars(
        select(OutboxEmail.dedupe_key).where(OutboxEmail.template == "meeting_invitation")
    ).all()
    versions = Counter(key.rsplit(":", 1)[0] for key in keys)
    expected = {
        f"meeting:{mentorship_id}:1:{sequence}"
        for sequence in range(agreement.next_meeting_sequence + 1)
    }
    assert set(versions) == expected and set(versions.values()) == {2}, versions
    assert agreement.next_meeting_number == 1
    # The last version sent is the meeting as saved: no save changed it without sending it.
    last = db.session.scalars(
        select(OutboxEmail)
        .where(OutboxEmail.template == "meeting_invitation")
        .order_by(OutboxEmail.id.desc())
        .limit(1)
    ).one()
    assert f"SEQUENCE:{agreement.next_meeting_sequence}" in last.attachment_text
    assert f"T{agreement.next_meeting_time:%H%M}00" in last.attachment_text.split("DTSTART;")[1]
    print(f"{len(keys) // 2} versions; answers {Counter(a.status for a in answers)}")
