"""Outbox workers' identities and heartbeats: the claims of a worker that died go to another
within OUTBOX_WORKER_TIMEOUT, a live worker held up by a slow SMTP server keeps its claims, a
message sent again after a crash carries the same Message-ID, and after the server's answer
only the commit is left (on PostgreSQL, the COMMIT alone)."""

import asyncio
import os
import socket
import threading
import time
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, select, text, update

from app.email import delivery, enqueue
from app.email.delivery import Worker, deliver_due, message_id
from app.extensions import db
from app.models import OutboxEmail, OutboxWorker
from tests.support import free_port

T0 = datetime(2026, 12, 1, 9, 0)
TIMEOUT = timedelta(seconds=30)  # the setting's default


def enqueue_for(user) -> OutboxEmail:
    message = enqueue(user.email, "password_changed", "Your password was changed", user=user)
    db.session.commit()
    return message


def the_row(message_id: int) -> OutboxEmail:
    db.session.expire_all()
    return db.session.get(OutboxEmail, message_id)


def workers() -> list[OutboxWorker]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxWorker).order_by(OutboxWorker.id)))


@pytest.fixture
def messages(make_member, clock_at):
    def make(count: int) -> list[int]:
        return [enqueue_for(make_member(email=f"reader{i}@example.org")).id for i in range(count)]

    return make


def claimed_by_a_worker_last_heard_at(heartbeat_at: datetime, ids: list[int]) -> int:
    """A worker that claimed `ids` and has not beaten since `heartbeat_at` (it was killed)."""
    dead = OutboxWorker(name="host-a:4242", started_at=heartbeat_at, heartbeat_at=heartbeat_at)
    db.session.add(dead)
    db.session.flush()
    db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id.in_(ids))
        .values(status=OutboxEmail.SENDING, claimed_at=heartbeat_at, claimed_by=dead.id)
    )
    db.session.commit()
    return dead.id


def test_a_dead_workers_claims_go_to_another_once_its_heartbeat_is_older_than_the_timeout(
    app, messages, mail_server, clock_at
):
    clock_at(T0)
    ids = messages(3)
    dead = claimed_by_a_worker_last_heard_at(T0, ids)

    clock_at(T0 + TIMEOUT - timedelta(seconds=1))
    report = deliver_due()
    assert (report.sent, report.taken_over) == (0, 0)  # it may still be alive
    assert mail_server.received == []
    assert {the_row(i).claimed_by for i in ids} == {dead}

    clock_at(T0 + TIMEOUT)
    report = deliver_due()
    assert (report.sent, report.taken_over) == (3, 3)
    assert sorted(str(m["Message-ID"]) for m in mail_server.messages) == sorted(
        message_id(the_row(i)) for i in ids
    )
    assert {(the_row(i).status, the_row(i).claimed_by) for i in ids} == {("sent", None)}


def test_the_timeout_is_a_setting(app, messages, mail_server, clock_at):
    app.config["OUTBOX_WORKER_TIMEOUT"] = 90
    clock_at(T0)
    ids = messages(1)
    claimed_by_a_worker_last_heard_at(T0, ids)

    clock_at(T0 + timedelta(seconds=89))
    assert deliver_due().sent == 0
    clock_at(T0 + timedelta(seconds=90))
    assert deliver_due().sent == 1


def test_a_claim_without_a_worker_keeps_the_old_stale_window(app, messages, mail_server, clock_at):
    """Claimed by a worker of the version before heartbeats, which may still be running."""
    clock_at(T0)
    (message,) = messages(1)
    db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == message)
        .values(status=OutboxEmail.SENDING, claimed_at=T0, claimed_by=None)
    )
    db.session.commit()

    clock_at(T0 + delivery.STALE_CLAIM - timedelta(seconds=1))
    assert deliver_due().sent == 0
    clock_at(T0 + delivery.STALE_CLAIM)
    assert deliver_due().sent == 1


def test_a_claim_whose_worker_row_is_gone_is_free(app, messages, mail_server, clock_at):
    clock_at(T0)
    ids = messages(1)
    dead = claimed_by_a_worker_last_heard_at(T0, ids)
    db.session.execute(OutboxWorker.__table__.delete().where(OutboxWorker.id == dead))
    db.session.commit()

    assert deliver_due().taken_over == 1
    assert len(mail_server.received) == 1


def test_a_worker_has_a_named_row_while_it_runs_and_none_after(app, clock_at):
    clock_at(T0)
    worker = Worker().register()
    try:
        (row,) = workers()
        assert row.id == worker.id
        assert row.name == f"{socket.gethostname()}:{os.getpid()}"
        assert row.started_at == row.heartbeat_at == T0

        clock_at(T0 + timedelta(seconds=7))
        worker.beat()
        assert workers()[0].heartbeat_at == T0 + timedelta(seconds=7)
    finally:
        worker.retire()
    assert workers() == []


def test_a_worker_taken_for_dead_and_forgotten_is_written_again_by_its_next_beat(app, clock_at):
    clock_at(T0)
    worker = Worker().register()
    try:
        db.session.execute(OutboxWorker.__table__.delete())
        db.session.commit()
        worker.beat()
        assert [(w.id, w.heartbeat_at) for w in workers()] == [(worker.id, T0)]
    finally:
        worker.retire()


def test_workers_not_heard_from_for_a_day_are_forgotten(app, clock_at):
    clock_at(T0)
    db.session.add_all(
        OutboxWorker(name=name, started_at=T0 - age, heartbeat_at=T0 - age)
        for name, age in [("old", timedelta(days=1, seconds=1)), ("recent", timedelta(hours=23))]
    )
    db.session.commit()
    worker = Worker().register()
    try:
        assert [w.name for w in workers()][:1] == ["recent"]
        assert len(workers()) == 2
    finally:
        worker.retire()


class Killed(BaseException):
    """What SIGKILL does to a worker: nothing after it runs (here: nothing is committed)."""


def test_a_message_sent_again_after_a_crash_carries_the_same_message_id(
    app, messages, mail_server, clock_at, monkeypatch
):
    """The worker dies between the server's answer and its commit, the one moment a message
    can be sent twice: the copy has the message's Message-ID, by which a receiver drops it."""
    clock_at(T0)
    (mid,) = messages(1)
    send = delivery.SmtpConnection.send

    def accepted_then_killed(self, mail, *args, **kwargs):
        send(self, mail, *args, **kwargs)
        raise Killed

    monkeypatch.setattr(delivery.SmtpConnection, "send", accepted_then_killed)
    victim = Worker().register()
    with pytest.raises(Killed):
        deliver_due(worker=victim)
    victim.stop_beating()  # dead: no retire, no hand-back
    monkeypatch.setattr(delivery.SmtpConnection, "send", send)

    row = the_row(mid)
    assert (row.status, row.claimed_by, row.sent_at) == ("sending", victim.id, None)
    assert len(mail_server.received) == 1

    clock_at.advance(TIMEOUT)
    assert deliver_due().sent == 1
    ids = [str(m["Message-ID"]) for m in mail_server.messages]
    assert ids == [message_id(the_row(mid))] * 2
    assert the_row(mid).status == "sent"


# --- a slow SMTP server, in real time ---------------------------------------------------------


class HeldServer:
    """An SMTP server that holds each message until `release` is set (a slow relay)."""

    def __init__(self):
        self.release = threading.Event()
        self.arrived = threading.Event()
        self.received: list[str] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.during: list = []  # callables run when a message arrives, before the answer

    async def handle_DATA(self, server, session, envelope):
        for check in self.during:
            check()
        self.arrived.set()
        while not self.release.is_set():
            await asyncio.sleep(0.01)
        self.received.append(envelope.content.decode(errors="replace"))
        return "250 OK"


@pytest.fixture
def held_server(app):
    server = HeldServer()
    server.controller.start()
    app.config["MAIL_PORT"] = server.port
    yield server
    server.release.set()
    server.controller.stop()


class Pass:
    """One delivery pass in a thread with its own application context."""

    def __init__(self, app):
        self.report, self.error = None, None
        self.thread = threading.Thread(target=self._run, args=(app,))

    def _run(self, app):
        try:
            with app.app_context():
                self.report = deliver_due()
        except BaseException as error:
            self.error = error

    def start(self):
        self.thread.start()
        return self


def test_a_live_worker_held_up_by_a_slow_server_keeps_its_claims(app, messages, held_server):
    """Held longer than three timeouts on the first message: the heartbeat, not the sending
    thread, keeps the worker alive, so another worker takes neither that message nor the one
    waiting behind it in the batch."""
    app.config["OUTBOX_WORKER_TIMEOUT"] = 1.5  # beats every 0.25 s
    first, second = messages(2)
    slow = Pass(app).start()
    assert held_server.arrived.wait(10)
    owner = the_row(second).claimed_by
    time.sleep(4.5)

    other = deliver_due()

    assert (other.sent, other.taken_over) == (0, 0)
    assert {the_row(first).claimed_by, the_row(second).claimed_by} == {owner}
    held_server.release.set()
    slow.thread.join(20)
    assert slow.error is None, slow.error
    assert slow.report.sent == 2
    assert len(held_server.received) == 2
    assert {the_row(first).status, the_row(second).status} == {"sent"}


def test_a_worker_that_stops_beating_loses_its_claims_to_another(app, messages, held_server):
    """The same slow send, with the heartbeat stopped as a death stops it: once the timeout has
    passed another worker takes the message waiting behind it (and, on SQLite, which has no
    row locks, the one on the wire too)."""
    app.config["OUTBOX_WORKER_TIMEOUT"] = 1.5
    first, second = messages(2)
    stalled = Worker()
    slow = threading.Thread(target=_deliver_as, args=(app, stalled))
    slow.start()
    assert held_server.arrived.wait(10)
    stalled.stop_beating()
    time.sleep(2)

    other = Worker().register()
    try:
        taken = delivery._claim_due(10, other, delivery.DeliveryReport())
    finally:
        other.retire()
        held_server.release.set()
        slow.join(20)

    if db.engine.dialect.name == "postgresql":
        assert taken == [second]  # the message on the wire is locked by its worker
    else:
        assert taken == [first, second]
    assert the_row(first).status == "sent"


def _deliver_as(app, worker: Worker) -> None:
    with app.app_context():
        deliver_due(worker=worker)


def test_after_the_servers_answer_only_the_commit_is_left(app, messages, mail_server, monkeypatch):
    """PostgreSQL: the "sent" update is written (locked, uncommitted) before the message goes
    on the wire, so nothing but the COMMIT follows the answer. SQLite: the update, then it."""
    (mid,) = messages(1)
    send = delivery.SmtpConnection.send
    after_answer: list[str] = []
    answered = threading.Event()

    def send_and_note(self, mail, *args, **kwargs):
        send(self, mail, *args, **kwargs)
        answered.set()

    def statement(conn, cursor, sql, parameters, context, executemany):
        if answered.is_set() and "outbox_workers" not in sql:  # not a heartbeat
            after_answer.append(sql.split()[0].upper())

    def commit(conn):
        if answered.is_set():
            after_answer.append("COMMIT")
            answered.clear()

    monkeypatch.setattr(delivery.SmtpConnection, "send", send_and_note)
    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "commit", commit)
    try:
        assert deliver_due().sent == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(db.engine, "commit", commit)

    if db.engine.dialect.name == "postgresql":
        assert after_answer == ["COMMIT"]
    else:
        assert after_answer == ["UPDATE", "COMMIT"]
    assert the_row(mid).status == "sent"


@pytest.mark.postgres_only
def test_postgresql_locks_the_message_on_the_wire_with_its_sent_mark_written(
    app, messages, held_server
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (TEST_DATABASE_URL)")
    (mid,) = messages(1)
    seen = {}
    engine = db.engine  # the server's thread has no application context

    def look_from_another_connection():
        with engine.connect() as other:
            seen["locked"] = (
                other.execute(
                    text("SELECT id FROM outbox_emails WHERE id = :id FOR UPDATE SKIP LOCKED"),
                    {"id": mid},
                ).first()
                is None
            )
            seen["status"] = other.execute(
                text("SELECT status FROM outbox_emails WHERE id = :id"), {"id": mid}
            ).scalar_one()

    held_server.during.append(look_from_another_connection)
    held_server.release.set()
    assert deliver_due().sent == 1
    # Locked by the worker, and to any other transaction still "sending" until the COMMIT.
    assert seen == {"locked": True, "status": "sending"}


@pytest.mark.parametrize("timeout", [0, -5])
def test_a_timeout_of_no_time_is_refused(app, timeout):
    app.config["OUTBOX_WORKER_TIMEOUT"] = timeout
    with pytest.raises(ValueError, match="OUTBOX_WORKER_TIMEOUT"):
        Worker()
