"""Shared fixtures: the database, the application and its clients, the clock, the SMTP server.
The builders of test data (people, pairs, agreements, vocabularies) are the plugin
tests/factories.py; plain helpers are in tests/support.py.

The database is SQLite (a temporary file) unless TEST_DATABASE_URL names another, e.g. a
PostgreSQL database. Its schema is built once per run by the real migrations; after every test
all rows are removed except the vocabularies the migrations filled.

E-mail goes through a real SMTP server (aiosmtpd) on 127.0.0.1: `mail_server.messages` holds
what arrived, and `deliver_mail()` runs one pass of the outbox.
"""

import contextvars
import os
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import MetaData, text

from app import clock, create_app
from app.extensions import db
from tests.i18n_catalog import compile_french_catalog
from tests.support import VOCABULARY_TABLES, FormClient, free_port

# The builders of people, pairs, agreements and vocabularies, with their fixtures.
pytest_plugins = ["tests.factories"]


# --- database ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session", autouse=True)
def french_catalog_compiled():
    compile_french_catalog()


@pytest.fixture(scope="session")
def migrated_database(database_url):
    """Build the schema once with the migrations, from an empty database."""
    app = create_app("testing", DATABASE_URL=database_url, **_sqlalchemy_uri(database_url))
    with app.app_context():
        _drop_everything()
        upgrade()
        db.engine.dispose()
    return database_url


def _sqlalchemy_uri(url: str) -> dict:
    from config import normalise_database_url

    return {"SQLALCHEMY_DATABASE_URI": normalise_database_url(url)}


def _drop_everything() -> None:
    """An empty database, whatever an earlier run left in it."""
    existing = MetaData()
    existing.reflect(bind=db.engine)
    existing.drop_all(bind=db.engine)


def _empty_tables() -> None:
    tables = [t for t in db.metadata.sorted_tables if t.name not in VOCABULARY_TABLES]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


# --- application -----------------------------------------------------------------------------


@pytest.fixture
def app_overrides():
    """Override in a test module (or with indirect parametrisation) for special settings."""
    return {}


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a server would.

    Flask would otherwise reuse the test's application context for requests, sharing `g` and
    the database session between them and the test, which hides real bugs.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(migrated_database, mail_server, app_overrides):
    app = create_app(
        "testing",
        DATABASE_URL=migrated_database,
        MAIL_PORT=mail_server.port,
        **_sqlalchemy_uri(migrated_database),
        **app_overrides,
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def forms(client):
    return FormClient(client)


# --- time -----------------------------------------------------------------------------------


@pytest.fixture
def clock_at(monkeypatch):
    """Move time: `clock_at(some_datetime)`, or `clock_at.advance(timedelta(...))`."""
    real_now = clock.utcnow

    class Clock:
        current = None

        def __call__(self, moment):
            self.current = moment
            monkeypatch.setattr(clock, "_source", lambda: self.current)

        def advance(self, delta: timedelta):
            self((self.current or real_now()) + delta)

    return Clock()


# --- e-mail ---------------------------------------------------------------------------------


class _Collector:
    async def handle_DATA(self, server, session, envelope):
        self.server.received.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
        )
        return self.server.reply

    def __init__(self, server):
        self.server = server


class SmtpServer:
    """A real SMTP server on loopback. `reply` is what it answers to DATA (e.g. "451 ...")."""

    def __init__(self):
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.reply = "250 OK"
        self.port = free_port()
        self.controller = Controller(_Collector(self), hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return [message for _, message in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpts, m in self.received if address in rcpts]

    def clear(self):
        self.received.clear()
        self.reply = "250 OK"


@pytest.fixture(scope="session")
def _smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_server(_smtp_server):
    _smtp_server.clear()
    yield _smtp_server
    _smtp_server.clear()


@pytest.fixture
def deliver_mail(app):
    """Run one pass of the outbox against the test SMTP server; returns the DeliveryReport."""
    from app.email.delivery import deliver_due

    return deliver_due
