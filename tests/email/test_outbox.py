"""The e-mail outbox, with a real SMTP server on loopback.

Messages are written in the caller's transaction, rendered from templates/email/ with a text and
an HTML part and absolute links; the deliverer sends each exactly once, keeps what it could not
send with a back-off, fails what the server refuses for good, and is safe with two workers.
"""

import re
import socket
import threading
import time
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, func, select, update

from app.email import Attachment, absolute_url, delivery, enqueue
from app.email.delivery import (
    FIRST_RETRY,
    LONGEST_RETRY,
    MAX_ATTEMPTS,
    STALE_CLAIM,
    Worker,
    deliver_due,
    retry_delay,
    run_worker,
)
from app.extensions import db
from app.models import OutboxEmail, OutboxWorker
from tests.support import body_html, body_text, free_port, links_in

T0 = datetime(2026, 12, 1, 9, 0)
SUBJECT = "Your Mentor Match password was changed"
DEV_MAILBOX = {"MAIL_BACKEND": "dev", "DEV_MAILBOX": True}
# The deliverer's SELECT of candidates (the only one ordered by id).
CANDIDATES_SQL = "ORDER BY outbox_emails.id"


# --- helpers --------------------------------------------------------------------------------


def enqueue_for(user, subject: str = SUBJECT, **options) -> OutboxEmail:
    message = enqueue(user.email, "password_changed", subject, user=user, **options)
    db.session.commit()
    return message


def outbox() -> list[OutboxEmail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


def the_row(message_id: int) -> OutboxEmail:
    db.session.expire_all()
    return db.session.get(OutboxEmail, message_id)


def recipients(mail_server) -> list[str]:
    return [address for rcpts, _ in mail_server.received for address in rcpts]


def in_threads(app, count: int, target, timeout: float = 30):
    """Run `target()` in `count` threads at once, each in its own application context."""
    start = threading.Barrier(count, timeout=10)
    results, errors = [None] * count, []

    def work(index):
        try:
            with app.app_context():
                start.wait()
                results[index] = target()
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a delivery pass hung"
    assert not errors, errors
    return results


class Background:
    """One delivery pass in a thread with its own application context."""

    def __init__(self, app, **options):
        self.report, self.error = None, None
        self.thread = threading.Thread(target=self._run, args=(app, options))

    def _run(self, app, options):
        try:
            with app.app_context():
                self.report = deliver_due(**options)
        except BaseException as error:
            self.error = error

    def start(self):
        self.started = time.monotonic()
        self.thread.start()
        return self

    def finished_within(self, seconds: float) -> bool:
        self.thread.join(seconds)
        return not self.thread.is_alive()


@pytest.fixture
def members(make_member):
    def make(count: int):
        return [make_member(email=f"reader{i}@example.org") for i in range(count)]

    return make


# --- enqueue ---------------------------------------------------------------------------------


def test_rolled_back_enqueue_leaves_nothing(app, make_member):
    user = make_member()
    enqueue(user.email, "password_changed", SUBJECT, user=user)
    db.session.flush()  # even once written to the database
    db.session.rollback()

    assert outbox() == []


def test_committed_enqueue_is_pending_with_a_text_and_an_html_part(app, make_member, clock_at):
    app.config["BASE_URL"] = "https://mentoring.example.org/"
    clock_at(T0)
    user = make_member(name="Zoë <b>O'Brien</b> & Co")

    enqueue_for(user)

    [message] = outbox()
    assert (message.recipient, message.subject, message.template) == (
        user.email,
        SUBJECT,
        "password_changed",
    )
    assert (message.status, message.attempts, message.sent_at) == ("pending", 0, None)
    assert message.created_at == T0
    assert message.next_attempt_at == T0  # due at once, on the application's clock
    # The text part is plain text: nothing escaped.
    assert "Hello Zoë <b>O'Brien</b> & Co," in message.body_text
    assert "reset your password now at https://mentoring.example.org/auth/reset" in (
        message.body_text
    )
    # The HTML part is a document from email/_base.html, with the name escaped.
    assert message.body_html.startswith("<!doctype html>")
    assert f"<title>{SUBJECT}</title>" in message.body_html
    assert "Hello Zoë &lt;b&gt;O&#39;Brien&lt;/b&gt; &amp; Co," in message.body_html
    assert "<b>O'Brien" not in message.body_html
    assert '<a href="https://mentoring.example.org/auth/reset">' in message.body_html
    # Every link is absolute, from BASE_URL.
    text_links = re.findall(r"https?://\S+", message.body_text)
    html_links = re.findall(r'href="([^"]*)"', message.body_html)
    assert text_links and html_links
    for link in text_links + html_links:
        assert re.match(r"https://mentoring\.example\.org(/|$)", link), link


def test_links_come_from_base_url_never_from_the_request(app, make_member):
    app.config["BASE_URL"] = "https://mentoring.example.org/portal/"
    user = make_member()

    # Outside any request (a CLI command, a scheduled job) ...
    assert absolute_url("auth.reset_request") == "https://mentoring.example.org/portal/auth/reset"
    # ... and in a request whose Host header says something else.
    with app.test_request_context("/", base_url="http://attacker.example"):
        assert absolute_url("auth.login") == "https://mentoring.example.org/portal/auth/login"
        enqueue_for(user)

    [message] = outbox()
    assert "attacker" not in message.body_text + message.body_html
    assert "https://mentoring.example.org/portal/auth/reset" in message.body_text


def test_a_dedupe_key_enqueues_once(app, make_member, mail_server, deliver_mail):
    user = make_member()
    key = f"reminder:{user.id}:2026-12-01"

    assert enqueue(user.email, "password_changed", SUBJECT, dedupe_key=key, user=user)
    assert enqueue(user.email, "password_changed", SUBJECT, dedupe_key=key, user=user) is None
    db.session.commit()
    assert enqueue(user.email, "password_changed", SUBJECT, dedupe_key=key, user=user) is None
    db.session.commit()

    assert [m.dedupe_key for m in outbox()] == [key]
    enqueue_for(user, dedupe_key=f"reminder:{user.id}:2026-12-02")
    assert len(outbox()) == 2
    assert deliver_mail().sent == 2
    assert recipients(mail_server) == [user.email, user.email]


def test_an_attachment_is_kept_on_the_row_and_sent_with_its_type(
    app, make_member, mail_server, deliver_mail
):
    user = make_member()
    text = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Rencontre café\r\nEND:VCALENDAR\r\n"
    attachment = Attachment("meeting.ics", "text/calendar; method=REQUEST; charset=UTF-8", text)
    enqueue(user.email, "password_changed", SUBJECT, attachment=attachment, user=user)
    enqueue_for(user)
    db.session.commit()
    assert [m.attachment_name for m in outbox()] == ["meeting.ics", None]
    assert deliver_mail().sent == 2
    with_file, without = mail_server.messages
    [part] = list(with_file.iter_attachments())
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST" and part.get_filename() == "meeting.ics"
    assert part.get_content() == text
    assert body_text(with_file) and body_html(with_file)  # the message itself is unchanged
    assert list(without.iter_attachments()) == []


def test_losing_a_dedupe_race_keeps_the_callers_transaction(app, make_member):
    """Another transaction enqueues the same key between our check and our insert: enqueue
    returns None and the caller's transaction can still go on and commit."""
    user = make_member(name="Before")
    key = f"reminder:{user.id}:2026-12-03"
    raced = []

    def competitor_enqueues_first(session, flush_context, instances):
        if raced or not any(isinstance(obj, OutboxEmail) for obj in session.new):
            return
        raced.append(True)
        with db.engine.begin() as other:
            other.execute(
                OutboxEmail.__table__.insert().values(
                    recipient=user.email,
                    subject=SUBJECT,
                    body_text="x",
                    body_html="x",
                    template="password_changed",
                    dedupe_key=key,
                    status=OutboxEmail.PENDING,
                    attempts=0,
                    next_attempt_at=datetime(2026, 1, 1),
                    created_at=datetime(2026, 1, 1),
                )
            )

    event.listen(db.session(), "before_flush", competitor_enqueues_first)
    assert enqueue(user.email, "password_changed", SUBJECT, dedupe_key=key, user=user) is None
    assert raced, "the competing insert ran between the check and the insert"
    user.name = "After"
    db.session.commit()

    db.session.expire_all()
    assert user.name == "After"
    assert [m.dedupe_key for m in outbox()] == [key]


# --- delivery --------------------------------------------------------------------------------


def test_pending_messages_are_delivered_exactly_once(
    app, members, mail_server, deliver_mail, clock_at
):
    clock_at(T0)
    ada, bob = members(2)
    enqueue_for(ada)
    enqueue_for(bob)

    report = deliver_mail()

    assert (report.sent, report.retried, report.failed, report.errors) == (2, 0, 0, [])
    assert sorted(recipients(mail_server)) == sorted([ada.email, bob.email])
    for user in (ada, bob):
        [mail] = mail_server.to(user.email)
        assert mail["Subject"] == SUBJECT
        assert mail["To"] == user.email
        assert mail["From"] == app.config["MAIL_DEFAULT_SENDER"]
        assert mail["Message-ID"] and mail["Date"]
        types = [part.get_content_type() for part in mail.walk()]
        assert "multipart/alternative" in types and types.count("text/html") == 1
        assert f"Hello {user.name}," in body_text(mail)
        assert f"<p>Hello {user.name},</p>" in body_html(mail)
        assert links_in(mail) and all(
            link.startswith(app.config["BASE_URL"]) for link in links_in(mail)
        )
    for message in outbox():
        assert (message.status, message.sent_at, message.attempts) == ("sent", T0, 1)
        assert message.last_error is None

    clock_at.advance(timedelta(days=2))
    again = deliver_mail()

    assert (again.sent, again.retried, again.failed) == (0, 0, 0)
    assert len(mail_server.received) == 2


def test_server_down_keeps_the_message_and_backs_off(
    app, make_member, mail_server, deliver_mail, clock_at
):
    clock_at(T0)
    message_id = enqueue_for(make_member()).id
    app.config["MAIL_PORT"] = free_port()  # nothing listens there

    report = deliver_mail()

    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    message = the_row(message_id)
    assert (message.status, message.attempts, message.claimed_at) == ("pending", 1, None)
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at == T0 + retry_delay(1) > T0
    assert report.errors and "ConnectionRefusedError" in report.errors[0]

    # The server is back, but the message is not due yet.
    app.config["MAIL_PORT"] = mail_server.port
    clock_at(message.next_attempt_at - timedelta(seconds=1))
    assert deliver_mail().sent == 0
    assert mail_server.received == []

    clock_at(message.next_attempt_at)
    assert deliver_mail().sent == 1
    assert deliver_mail().sent == 0
    clock_at.advance(timedelta(days=1))
    assert deliver_mail().sent == 0
    assert len(mail_server.received) == 1
    message = the_row(message_id)
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, None)


def test_a_long_outage_loses_nothing(app, make_member, mail_server, deliver_mail, clock_at):
    """Connection failures back off up to LONGEST_RETRY but never make a message failed."""
    clock_at(T0)
    message_id = enqueue_for(make_member()).id
    app.config["MAIL_PORT"] = free_port()

    for attempt in range(1, MAX_ATTEMPTS + 4):
        assert deliver_mail().retried == 1
        message = the_row(message_id)
        assert (message.status, message.attempts) == ("pending", attempt)
        assert message.next_attempt_at - clock_at.current == retry_delay(attempt)
        clock_at(message.next_attempt_at)
    assert retry_delay(message.attempts) == LONGEST_RETRY

    app.config["MAIL_PORT"] = mail_server.port
    assert deliver_mail().sent == 1
    assert the_row(message_id).status == "sent"
    assert len(mail_server.received) == 1


def test_retry_delay_doubles_up_to_the_longest():
    delays = [retry_delay(attempts) for attempts in range(1, 16)]

    assert delays[:5] == [FIRST_RETRY * factor for factor in (1, 2, 4, 8, 16)]
    assert delays[0] == timedelta(minutes=1)
    assert all(a < b or b == LONGEST_RETRY for a, b in zip(delays, delays[1:], strict=False))
    assert max(delays) == delays[-1] == LONGEST_RETRY
    assert retry_delay(0) == FIRST_RETRY


def test_a_4xx_reply_is_retried_with_growing_back_off_then_fails(
    app, make_member, mail_server, deliver_mail, clock_at
):
    clock_at(T0)
    message_id = enqueue_for(make_member()).id
    mail_server.reply = "451 4.3.0 try later"
    gaps = []

    for attempt in range(1, MAX_ATTEMPTS):
        report = deliver_mail()
        assert (report.sent, report.retried, report.failed) == (0, 1, 0)
        message = the_row(message_id)
        assert (message.status, message.attempts) == ("pending", attempt)
        assert message.last_error == "451 4.3.0 try later"
        gaps.append(message.next_attempt_at - clock_at.current)
        # Not a second earlier.
        clock_at(message.next_attempt_at - timedelta(seconds=1))
        assert deliver_mail().retried == 0
        clock_at(message.next_attempt_at)

    assert gaps == [retry_delay(n) for n in range(1, MAX_ATTEMPTS)]
    assert all(a < b for a, b in zip(gaps, gaps[1:], strict=False))

    report = deliver_mail()  # the last attempt
    assert (report.sent, report.retried, report.failed) == (0, 0, 1)
    message = the_row(message_id)
    assert (message.status, message.attempts) == ("failed", MAX_ATTEMPTS)
    assert message.last_error == "451 4.3.0 try later"

    mail_server.reply = "250 OK"
    clock_at.advance(timedelta(days=7))
    assert deliver_mail().sent == 0
    assert len(mail_server.received) == MAX_ATTEMPTS
    assert the_row(message_id).status == "failed"


def test_a_5xx_reply_fails_at_once(app, make_member, mail_server, deliver_mail, clock_at):
    clock_at(T0)
    message_id = enqueue_for(make_member()).id
    mail_server.reply = "550 5.1.1 no such user"

    report = deliver_mail()

    assert (report.sent, report.retried, report.failed) == (0, 0, 1)
    message = the_row(message_id)
    assert (message.status, message.attempts) == ("failed", 1)
    assert message.last_error == "550 5.1.1 no such user"
    assert "550 5.1.1 no such user" in report.errors[0]

    mail_server.reply = "250 OK"
    clock_at.advance(timedelta(days=7))
    assert deliver_mail().sent == 0
    assert len(mail_server.received) == 1


class RefusingHandler:
    """Refuses some recipients at RCPT: nobody@ for good, busy@ for now."""

    def __init__(self):
        self.received: list[list[str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("busy@"):
            return "450 4.2.1 mailbox busy"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def refusing_server(app):
    handler = RefusingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config["MAIL_PORT"] = controller.port
    yield handler
    controller.stop()


def test_a_refused_recipient_does_not_hold_up_the_others(
    app, make_member, refusing_server, deliver_mail, clock_at
):
    clock_at(T0)
    ids = [
        enqueue_for(make_member(email=email)).id
        for email in (
            "first@example.org",
            "nobody@example.org",
            "busy@example.org",
            "last@example.org",
        )
    ]

    report = deliver_mail()

    assert (report.sent, report.retried, report.failed) == (2, 1, 1)
    assert refusing_server.received == [["first@example.org"], ["last@example.org"]]
    first, nobody, busy, last = (the_row(i) for i in ids)
    assert (first.status, last.status) == ("sent", "sent")
    assert (nobody.status, nobody.last_error) == ("failed", "550 5.1.1 no such mailbox")
    assert (busy.status, busy.last_error) == ("pending", "450 4.2.1 mailbox busy")
    assert busy.next_attempt_at == T0 + retry_delay(1)


def test_a_message_that_cannot_be_sent_fails_without_stopping_the_others(
    app, members, mail_server, deliver_mail, clock_at
):
    clock_at(T0)
    ada, bob = members(2)
    bad_id = enqueue_for(ada, subject="Hello\nBcc: everyone@example.org").id
    good_id = enqueue_for(bob).id

    report = deliver_mail()

    assert (report.sent, report.retried, report.failed) == (1, 0, 1)
    bad = the_row(bad_id)
    assert (bad.status, bad.attempts) == ("failed", 1)
    assert bad.last_error.startswith("BadHeaderError")
    assert the_row(good_id).status == "sent"
    assert recipients(mail_server) == [bob.email]


def test_a_connection_closed_mid_batch_costs_the_others_nothing(
    app, members, mail_server, deliver_mail, clock_at
):
    clock_at(T0)
    ids = [enqueue_for(user).id for user in members(3)]
    mail_server.reply = "421 4.3.2 closing the channel"  # the server hangs up after the first

    report = deliver_mail()

    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    first, *others = (the_row(i) for i in ids)
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.last_error == "421 4.3.2 closing the channel"
    for message in others:
        assert (message.status, message.attempts, message.claimed_at) == ("pending", 0, None)
        assert message.next_attempt_at <= T0

    mail_server.reply = "250 OK"
    assert deliver_mail().sent == 2  # at once, the first one is still backing off
    clock_at.advance(retry_delay(1))
    assert deliver_mail().sent == 1
    assert [m.status for m in outbox()] == ["sent"] * 3
    assert len(mail_server.received) == 4  # the refused copy, then each message once


def test_mail_timeout_is_used(app, make_member, mail_server, clock_at):
    """A server that accepts the connection but never says hello does not hang the pass."""
    clock_at(T0)
    message_id = enqueue_for(make_member()).id
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel accepts connections; nothing ever answers
        app.config.update(MAIL_PORT=silent.getsockname()[1], MAIL_TIMEOUT=0.5)
        delivery = Background(app).start()
        in_time = delivery.finished_within(3)  # the testing default is 5 s
    # Closing the listening socket resets a connection that is still waiting.
    assert delivery.finished_within(10)
    assert in_time, "the pass did not give up after MAIL_TIMEOUT"
    assert delivery.error is None, delivery.error
    assert delivery.report.retried == 1
    message = the_row(message_id)
    assert (message.status, message.attempts) == ("pending", 1)
    assert "timed out" in message.last_error


# --- development backend -----------------------------------------------------------------


@pytest.mark.parametrize("app_overrides", [DEV_MAILBOX])
def test_dev_backend_keeps_mail_in_the_outbox_readable_at_dev_mailbox(
    app, make_member, client, runner, mail_server, deliver_mail
):
    user = make_member(name='Eve <script>alert("x")</script>')
    message_id = enqueue_for(user).id

    assert deliver_mail().sent == 0
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert "mail stays in the outbox" in result.stdout
    assert mail_server.received == []
    assert [(m.status, m.attempts) for m in outbox()] == [("pending", 0)]

    listing = client.get("/dev/mailbox")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert user.email in page and SUBJECT in page
    assert f'href="/dev/mailbox/{message_id}"' in page

    shown = client.get(f"/dev/mailbox/{message_id}")
    assert shown.status_code == 200
    page = shown.get_data(as_text=True)
    assert SUBJECT in page and user.email in page
    assert "Hello Eve &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;," in page
    assert "<script>alert" not in page
    link = app.config["BASE_URL"] + "/auth/reset"
    assert f'<a href="{link}">{link}</a>' in page  # addresses are clickable
    assert client.get(f"/dev/mailbox/{message_id + 1}").status_code == 404

    # The HTML part too, framed by the page, sandboxed, under a policy of its own.
    assert f'<iframe class="mail-html" sandbox src="/dev/mailbox/{message_id}/html"' in page
    html = client.get(f"/dev/mailbox/{message_id}/html")
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert html.get_data(as_text=True) == outbox()[0].body_html
    policy = html.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "frame-ancestors 'self'" in policy and html.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "<script>alert" not in html.get_data(as_text=True)
    assert client.get(f"/dev/mailbox/{message_id + 1}/html").status_code == 404


def test_dev_mailbox_is_not_found_unless_enabled(app, make_member, client):
    assert app.config["DEV_MAILBOX"] is False
    message_id = enqueue_for(make_member()).id

    assert client.get("/dev/mailbox").status_code == 404
    assert client.get(f"/dev/mailbox/{message_id}").status_code == 404
    assert client.get(f"/dev/mailbox/{message_id}/html").status_code == 404


# --- several workers -----------------------------------------------------------------------


def test_a_claim_left_by_a_dead_worker_is_offered_again(
    app, members, mail_server, deliver_mail, clock_at
):
    clock_at(T0)
    fresh, stale = (enqueue_for(user) for user in members(2))
    fresh.status = stale.status = OutboxEmail.SENDING
    fresh.claimed_at = T0 - STALE_CLAIM + timedelta(seconds=1)  # its worker may still be at it
    stale.claimed_at = T0 - STALE_CLAIM
    db.session.commit()

    report = deliver_mail()

    assert report.sent == 1
    assert recipients(mail_server) == [stale.recipient]
    assert the_row(stale.id).status == "sent"
    assert the_row(fresh.id).status == "sending"

    clock_at.advance(timedelta(seconds=1))
    assert deliver_mail().sent == 1
    assert recipients(mail_server) == [stale.recipient, fresh.recipient]


@pytest.mark.parametrize(
    ("before", "meanwhile"),
    [
        pytest.param(
            {"status": "sending", "claimed_at": T0 - STALE_CLAIM},
            {"status": "sent", "sent_at": T0},
            id="a stale claim finishes after all",
        ),
        pytest.param(
            {},
            {"attempts": 1, "next_attempt_at": T0 + retry_delay(1), "last_error": "451 later"},
            id="another worker tried and backed off",
        ),
        pytest.param(
            {},
            {"status": "sending", "claimed_at": T0},
            id="another worker claimed it",
        ),
    ],
)
def test_a_claim_checks_again_that_the_message_is_due(
    app, make_member, mail_server, deliver_mail, clock_at, before, meanwhile
):
    """Between the deliverer's SELECT and its claim, another worker changes the row."""
    clock_at(T0)
    message_id = enqueue_for(make_member()).id
    if before:
        db.session.execute(update(OutboxEmail).where(OutboxEmail.id == message_id).values(**before))
        db.session.commit()
    fired = []

    def meanwhile_another_worker(conn, cursor, statement, parameters, context, executemany):
        if CANDIDATES_SQL in statement and not fired:
            fired.append(statement)
            conn.execute(
                update(OutboxEmail).where(OutboxEmail.id == message_id).values(**meanwhile)
            )

    event.listen(db.engine, "after_cursor_execute", meanwhile_another_worker)
    try:
        report = deliver_mail()
    finally:
        event.remove(db.engine, "after_cursor_execute", meanwhile_another_worker)

    assert fired
    assert (report.sent, report.retried, report.failed) == (0, 0, 0)
    assert mail_server.received == []


MESSAGES = 30


def test_two_workers_at_once_send_each_message_once(app, members, mail_server, clock_at):
    clock_at(T0)
    users = members(MESSAGES)
    for user in users:
        enqueue_for(user)

    reports = in_threads(app, 2, lambda: deliver_due(batch_size=4))

    assert sum(report.sent for report in reports) == MESSAGES
    assert sorted(recipients(mail_server)) == sorted(user.email for user in users)
    assert [m.status for m in outbox()] == ["sent"] * MESSAGES


def test_two_workers_that_select_the_same_rows_send_each_once(app, members, mail_server, clock_at):
    """Both workers read the candidates before either claims one: the worst interleaving."""
    clock_at(T0)
    users = members(MESSAGES)
    for user in users:
        enqueue_for(user)
    both_selected = threading.Barrier(2, timeout=10)
    local = threading.local()

    def wait_for_the_other(conn, cursor, statement, parameters, context, executemany):
        if CANDIDATES_SQL in statement and not getattr(local, "waited", False):
            local.waited = True
            both_selected.wait()

    both_registered = threading.Barrier(2, timeout=10)

    def registered_then_deliver():
        # Both workers exist before either selects: on SQLite a worker registering (a write)
        # waits for the other's SELECT, which waits here for the first.
        worker = Worker().register()
        both_registered.wait()
        try:
            return deliver_due(batch_size=MESSAGES, worker=worker)
        finally:
            worker.retire()

    event.listen(db.engine, "after_cursor_execute", wait_for_the_other)
    try:
        reports = in_threads(app, 2, registered_then_deliver)
    finally:
        event.remove(db.engine, "after_cursor_execute", wait_for_the_other)

    assert sorted(report.sent for report in reports) == [0, MESSAGES]
    assert sorted(recipients(mail_server)) == sorted(user.email for user in users)
    assert [m.status for m in outbox()] == ["sent"] * MESSAGES


@pytest.mark.postgres_only
def test_postgresql_skips_rows_another_worker_holds(app, members, mail_server, clock_at):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED is tested on PostgreSQL (TEST_DATABASE_URL)")
    clock_at(T0)
    held, free = (enqueue_for(user).id for user in members(2))

    with db.engine.connect() as other_worker:
        other_worker.execute(select(OutboxEmail.id).where(OutboxEmail.id == held).with_for_update())
        delivery = Background(app).start()
        waited = not delivery.finished_within(3)
        other_worker.rollback()  # lets a waiting pass go on
    assert delivery.finished_within(10)
    assert not waited, "the pass waited for a row another worker holds"
    assert delivery.error is None, delivery.error
    assert delivery.report.sent == 1
    assert the_row(held).status == "pending"
    assert the_row(free).status == "sent"

    assert deliver_due().sent == 1
    assert len(mail_server.received) == 2


# --- commands ------------------------------------------------------------------------------


def test_flask_outbox_deliver_prints_the_counts(app, members, runner, mail_server, clock_at):
    clock_at(T0)
    ada, bob = members(2)
    enqueue_for(ada)

    result = runner.invoke(args=["outbox", "deliver"])

    assert result.exit_code == 0, result.output
    assert result.stdout == "1 sent, 0 to retry later, 0 failed.\n"
    assert recipients(mail_server) == [ada.email]

    enqueue_for(bob)
    mail_server.reply = "451 4.3.0 try later"
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "0 sent, 1 to retry later, 0 failed.\n"
    assert f"to {bob.email}: 451 4.3.0 try later" in result.stderr


def test_flask_outbox_worker_delivers(app, make_member, runner, mail_server, clock_at):
    clock_at(T0)
    user = make_member()
    enqueue_for(user)

    result = runner.invoke(args=["outbox", "worker", "--passes", "2", "--interval", "0"])

    assert result.exit_code == 0, result.output
    assert "Outbox worker" in result.stdout
    assert recipients(mail_server) == [user.email]


def test_the_worker_survives_a_failing_pass(
    app, make_member, mail_server, clock_at, caplog, monkeypatch
):
    """A pass that raises (here: a broken setting) is logged; the next passes go on, and take
    again at once what the broken pass had claimed (no claim of its own waits for a timeout)."""
    clock_at(T0)
    user = make_member()
    message_id = enqueue_for(user).id
    failures = []
    configure_host = delivery.SmtpConnection.configure_host

    def broken_twice(self):
        if len(failures) < 2:
            failures.append(self)
            raise RuntimeError("a broken setting")
        return configure_host(self)

    monkeypatch.setattr(delivery.SmtpConnection, "configure_host", broken_twice)
    run_worker(interval=0, passes=3)

    assert caplog.text.count("outbox: delivery pass failed") == 2
    assert recipients(mail_server) == [user.email]
    assert the_row(message_id).status == "sent"
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == 1


def test_a_worker_that_stops_hands_back_what_a_failed_pass_claimed(
    app, make_member, mail_server, clock_at
):
    clock_at(T0)
    message_id = enqueue_for(make_member()).id
    app.config["MAIL_TIMEOUT"] = "soon"

    run_worker(interval=0, passes=1)

    row = the_row(message_id)
    assert (row.status, row.claimed_by, row.attempts) == ("pending", None, 0)
    assert db.session.scalar(select(func.count(OutboxWorker.id))) == 0  # it is gone
    assert mail_server.received == []


def test_failed_mail_is_listed_and_can_be_offered_again(
    app, members, runner, mail_server, deliver_mail, clock_at
):
    clock_at(T0)
    ada, bob, cy = members(3)
    refused, also_refused, sent = enqueue_for(ada).id, enqueue_for(bob).id, enqueue_for(cy).id
    mail_server.reply = "550 5.1.1 no such user"
    assert deliver_mail().failed == 3
    mail_server.reply = "250 OK"
    the_row(sent).status = "sent"  # as if it had gone: a retry must not touch it
    db.session.commit()

    listing = runner.invoke(args=["outbox", "failed"])
    assert listing.exit_code == 0, listing.output
    assert f"#{refused} " in listing.stdout and ada.email in listing.stdout
    assert "550 5.1.1 no such user" in listing.stdout
    assert f"#{sent} " not in listing.stdout

    result = runner.invoke(args=["outbox", "retry", str(refused), str(sent)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"1 message(s) back in the outbox: #{refused}.\n"
    assert f"Not failed, left as they are: #{sent}." in result.stderr
    message = the_row(refused)
    assert (message.status, message.attempts) == ("pending", 0)
    assert the_row(sent).status == "sent"

    assert deliver_mail().sent == 1
    assert recipients(mail_server)[-1] == ada.email
    assert the_row(also_refused).status == "failed"

    result = runner.invoke(args=["outbox", "retry", "--all"])
    assert result.stdout == f"1 message(s) back in the outbox: #{also_refused}.\n"
    assert the_row(also_refused).status == "pending"
    assert runner.invoke(args=["outbox", "failed"]).stdout == "No failed messages.\n"


@pytest.mark.parametrize(
    "args", [["outbox", "retry"], ["outbox", "retry", "--all", "1"], ["outbox", "retry", "x"]]
)
def test_outbox_retry_refuses_unclear_requests(app, runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    assert "Error" in result.output


@pytest.mark.parametrize(
    ("code", "phrase"),
    [
        ("in-person", "meet face to face"),
        ("phone", "talk by phone"),
        ("email", "write by e-mail"),
        ("video", "meet by video call"),
    ],
)
def test_an_introduction_says_how_the_mentee_would_like_to_meet_in_words(app, code, phrase):
    from app.models import ContactMethod
    from app.requests.mail import meeting_phrase

    method = db.session.scalar(select(ContactMethod).where(ContactMethod.code == code))
    assert meeting_phrase(method) == phrase
    assert meeting_phrase(None) is None
    assert meeting_phrase(ContactMethod(code="carrier-pigeon", name="Carrier pigeon")) == (
        "meet by carrier pigeon"
    )
