"""Stopping an outbox worker (SIGTERM, Ctrl-C) and what a message looks like when it is sent
again: the stop waits for the message being sent, hands the rest back, and a message keeps
its Message-ID at every attempt."""

import signal
import threading
import time
from datetime import datetime

import pytest
from sqlalchemy import select

from app.email import delivery, enqueue
from app.email.delivery import deliver_due, message_id, run_worker, stop_on_signals
from app.extensions import db
from app.models import OutboxEmail

T0 = datetime(2026, 12, 1, 9, 0)


def enqueue_for(user, subject: str = "Your Mentor Match password was changed") -> OutboxEmail:
    message = enqueue(user.email, "password_changed", subject, user=user)
    db.session.commit()
    return message


def outbox() -> list[OutboxEmail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


@pytest.fixture
def three_messages(make_member, clock_at):
    clock_at(T0)
    return [enqueue_for(make_member(email=f"reader{i}@example.org")).id for i in range(3)]


@pytest.fixture
def stop_during_first_send(monkeypatch):
    """A stop that arrives while the first message is on the wire."""
    stop = threading.Event()
    send = delivery.SmtpConnection.send

    def send_then_stop(self, message, *args, **kwargs):
        send(self, message, *args, **kwargs)
        stop.set()

    monkeypatch.setattr(delivery.SmtpConnection, "send", send_then_stop)
    return stop


def test_a_stop_finishes_the_message_on_the_wire_and_hands_back_the_rest(
    app, three_messages, mail_server, stop_during_first_send
):
    report = deliver_due(stop=stop_during_first_send)

    first, *rest = outbox()
    assert (report.sent, report.released, report.retried, report.failed) == (1, 2, 0, 0)
    assert len(mail_server.received) == 1
    assert (first.status, first.attempts) == ("sent", 1)
    # Handed back as they were: due now, no attempt counted, no claim left for 15 minutes.
    assert [(m.status, m.attempts, m.claimed_at) for m in rest] == [("pending", 0, None)] * 2
    assert all(m.next_attempt_at <= T0 for m in rest)


def test_after_a_stop_the_next_worker_sends_the_rest_once(
    app, three_messages, mail_server, stop_during_first_send
):
    deliver_due(stop=stop_during_first_send)
    stop_during_first_send.clear()
    report = deliver_due()

    assert report.sent == 2
    received = [str(m["Message-ID"]) for _, m in mail_server.received]
    assert sorted(received) == sorted(message_id(m) for m in outbox())  # each one once
    assert {m.status for m in outbox()} == {"sent"}


def test_a_stop_before_the_pass_claims_nothing(app, three_messages, mail_server):
    stop = threading.Event()
    stop.set()

    report = deliver_due(stop=stop)

    assert (report.sent, report.released) == (0, 0)
    assert mail_server.received == []
    assert {(m.status, m.claimed_at) for m in outbox()} == {("pending", None)}


def test_the_worker_loop_ends_within_its_pause_when_stopped(app, mail_server):
    stop = threading.Event()
    finished = threading.Event()

    def work():
        with app.app_context():
            run_worker(interval=60, stop=stop)
        finished.set()

    thread = threading.Thread(target=work)
    thread.start()
    time.sleep(0.2)  # in its first pause by now
    stop.set()
    thread.join(10)
    assert finished.is_set()


def test_a_message_keeps_its_message_id_when_sent_again(app, make_member, mail_server, clock_at):
    clock_at(T0)
    message = enqueue_for(make_member())
    mail_server.reply = "451 4.3.0 try later"
    deliver_due()
    mail_server.reply = "250 OK"
    clock_at.advance(delivery.retry_delay(1))
    deliver_due()

    ids = [str(m["Message-ID"]) for _, m in mail_server.received]
    assert ids == [message_id(message)] * 2
    assert ids[0].startswith(f"<outbox.{message.id}.") and ids[0].endswith("@localhost>")


def test_message_ids_differ_between_messages(app, make_member, clock_at):
    clock_at(T0)
    user = make_member()
    first, second = enqueue_for(user), enqueue_for(user)
    assert message_id(first) != message_id(second)


@pytest.fixture
def signals_caught():
    """Handlers that record SIGTERM and SIGINT, so a signal the code under test failed to
    catch is seen by the test instead of ending the test run."""
    caught = []
    previous = {
        number: signal.signal(number, lambda number, frame: caught.append(number))
        for number in (signal.SIGTERM, signal.SIGINT)
    }
    yield caught
    for number, handler in previous.items():
        signal.signal(number, handler)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_the_first_signal_sets_the_stop_and_a_second_acts_as_before(signals_caught, number):
    with stop_on_signals() as stop:
        signal.raise_signal(number)
        assert stop.is_set()
        assert signals_caught == []
        signal.raise_signal(number)  # the handler from before is back
        assert signals_caught == [number]


def test_the_handlers_are_restored_after_the_worker(signals_caught):
    before = signal.getsignal(signal.SIGTERM)
    with stop_on_signals() as stop:
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before
    assert not stop.is_set()


def test_outside_the_main_thread_only_the_owner_stops_the_worker():
    results = []

    def work():
        with stop_on_signals() as stop:
            results.append(stop.is_set())
            stop.set()
            results.append(stop.is_set())

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(5)
    assert results == [False, True]
