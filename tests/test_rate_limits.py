"""Rate limits hold for the whole site: counted in the database by default (or Redis), never
per process in production; checked on gunicorn with four workers, through real sockets, with
requests released at the same moment. When Redis is down, signing in still works and the
limits still apply (each process counts on its own until Redis is back).

The gunicorn runs serve the test database (SQLite file or TEST_DATABASE_URL) in the production
configuration, with `deploy/gunicorn.conf.py`; Redis is Debian's `redis-server` on a free
loopback port (the Redis tests skip without it, except under CI=true).
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db, limiter
from app.models import OutboxEmail, RateLimitCounter, User
from app.rate_limits import DatabaseStorage
from tests.support import (
    DEFAULT_PASSWORD,
    FormClient,
    csrf_token_from,
    free_port,
    limit_of,
)

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKERS = 4


# --- the database storage ----------------------------------------------------------------------


def test_the_database_counts_hits_in_a_window_and_starts_again_after_it(app, clock_at):
    from datetime import datetime

    clock_at(datetime(2026, 12, 2, 9, 0))
    storage = DatabaseStorage("database://")
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3
    assert storage.get("other") == 0
    window_ends = storage.get_expiry("k")
    clock_at.advance(timedelta(seconds=59))
    assert storage.incr("k", 60) == 4
    assert storage.get_expiry("k") == window_ends  # a hit does not stretch the window
    clock_at.advance(timedelta(seconds=1))
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1  # a new window
    assert storage.incr("k", 60, amount=5) == 6
    storage.clear("k")
    assert storage.get("k") == 0
    storage.incr("a", 60)
    storage.incr("b", 60)
    assert storage.reset() == 2
    assert storage.check()


def test_concurrent_hits_are_all_counted(app):
    storage = DatabaseStorage("database://")
    barrier = threading.Barrier(8)
    results = []

    def hit():
        with app.app_context():
            barrier.wait()
            for _ in range(5):
                results.append(storage.incr("burst", 600))

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results) == list(range(1, 41))
    assert storage.get("burst") == 40


def test_sign_in_attempts_are_counted_in_the_database_by_default(app, make_member):
    assert app.config["RATELIMIT_STORAGE_URI"] == "database://"
    make_member(email="target@example.org")
    forms = FormClient(app.test_client())
    forms.post("/auth/login", {"email": "target@example.org", "password": "wrong"})
    keys = db.session.scalars(select(RateLimitCounter.key)).all()
    digest = hashlib.sha256(b"target@example.org").hexdigest()[:32]
    assert any(f"account:{digest}" in key for key in keys)
    assert not any("target@example.org" in key for key in keys)  # no address kept


def test_waiting_for_the_window_lets_a_member_sign_in_again(app, make_member, clock_at):
    from datetime import datetime

    clock_at(datetime(2026, 12, 2, 9, 0))
    make_member(email="target@example.org")
    attempts = limit_of(app, "LOGIN_LIMIT_PER_ACCOUNT")
    for number in range(attempts):
        FormClient(app.test_client()).post(
            "/auth/login",
            {"email": "target@example.org", "password": "wrong"},
            environ_base={"REMOTE_ADDR": f"10.0.2.{number}"},
        )
    again = FormClient(app.test_client())
    assert (
        again.post(
            "/auth/login", {"email": "target@example.org", "password": DEFAULT_PASSWORD}
        ).status_code
        == 429
    )
    clock_at.advance(timedelta(minutes=15))
    assert (
        again.post(
            "/auth/login", {"email": "target@example.org", "password": DEFAULT_PASSWORD}
        ).status_code
        == 302
    )


@pytest.mark.parametrize("uri", ["memory://", "memory://?anything"])
def test_production_refuses_to_count_in_each_process(uri):
    with pytest.raises(RuntimeError, match="memory://"):
        create_app(
            "production",
            SECRET_KEY="x" * 48,
            BASE_URL="https://mentoring.example.org",
            RATELIMIT_STORAGE_URI=uri,
        )


def test_production_counts_in_the_database_unless_told_otherwise(monkeypatch):
    from config import ProductionConfig

    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    assert ProductionConfig.from_environment({})["RATELIMIT_STORAGE_URI"] == "database://"
    # Turning the limits off (a load test) needs no shared store.
    create_app(
        "production",
        SECRET_KEY="x" * 48,
        BASE_URL="https://mentoring.example.org",
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_ENABLED=False,
    )


# --- Redis ---------------------------------------------------------------------------------


class RedisServer:
    def __init__(self, executable: str):
        self.executable = executable
        self.port = free_port()
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, 15, self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    @property
    def uri(self) -> str:
        return f"redis://127.0.0.1:{self.port}"


@pytest.fixture
def redis_server():
    executable = shutil.which("redis-server")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    server = RedisServer(executable)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_app(app, redis_server):
    """The application counting in Redis; the limiter is told the storage is healthy again
    afterwards (it is one object for every application of the test run)."""
    other = create_app(
        "testing",
        DATABASE_URL=app.config["DATABASE_URL"],
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_PORT=app.config["MAIL_PORT"],
        RATELIMIT_STORAGE_URI=redis_server.uri,
    )
    other.test_client_class = app.test_client_class
    yield other
    limiter._storage_dead = False
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def wrong_sign_ins(app, email: str, count: int, first_address: int = 0) -> list[int]:
    """`count` sign-ins with a wrong password, each from its own client address."""
    statuses = []
    for number in range(count):
        forms = FormClient(app.test_client())
        statuses.append(
            forms.post(
                "/auth/login",
                {"email": email, "password": "not the password"},
                environ_base={"REMOTE_ADDR": f"10.1.{first_address}.{number}"},
            ).status_code
        )
    return statuses


def test_with_redis_stopped_sign_in_still_works_and_is_still_limited(
    redis_app, redis_server, make_member, caplog
):
    for name in ("before", "during", "member"):
        make_member(email=f"{name}@example.org")
    attempts = limit_of(redis_app, "LOGIN_LIMIT_PER_ACCOUNT")
    assert wrong_sign_ins(redis_app, "before@example.org", attempts + 1) == (
        [200] * attempts + [429]
    )

    redis_server.stop()
    statuses = wrong_sign_ins(redis_app, "during@example.org", attempts + 1, first_address=1)
    # No 500: each process counts on its own while Redis is away, so the limit still holds.
    assert statuses == [200] * attempts + [429]
    assert "falling back to in-memory storage" in caplog.text
    forms = FormClient(redis_app.test_client())
    signed_in = forms.post(
        "/auth/login",
        {"email": "member@example.org", "password": DEFAULT_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.1.9.9"},
    )
    assert signed_in.status_code == 302


# --- gunicorn with four workers ------------------------------------------------------------


def wait_for_port(port: int, seconds: float, process=None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}")
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=1)
            connection.connect()
            connection.close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


class Site:
    """gunicorn serving the test database with WORKERS workers, in the production settings."""

    def __init__(self, app, storage_uri: str, log: Path):
        self.port = free_port()
        self.log = log
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "RATELIMIT_"))}
        env.update(
            {
                "APP_ENV": "production",
                "SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-production",
                "BASE_URL": f"http://127.0.0.1:{self.port}",
                "DATABASE_URL": app.config["DATABASE_URL"],
                "MAIL_BACKEND": "smtp",
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": str(app.config["MAIL_PORT"]),
                "SESSION_COOKIE_SECURE": "false",
                "PROXY_FIX_X_FOR": "1",
                "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
                "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if storage_uri:
            env["RATELIMIT_STORAGE_URI"] = storage_uri
        self.env = env

    def __enter__(self):
        self.output = self.log.open("w")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "wsgi:app",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_port(self.port, 60, self.process)
            assert self.request("GET", "/healthz").status == 200
        except Exception:
            self.__exit__()
            raise RuntimeError(self.log.read_text()[-3000:]) from None
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.output.close()

    def request(self, method: str, path: str, form=None, cookies=None, address=None):
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if address:
            headers["X-Forwarded-For"] = address
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Answer(
                response.status,
                dict(response.getheaders()),
                response.headers.get_all("Set-Cookie") or [],
                response.read().decode("utf-8", "replace"),
            )
        finally:
            connection.close()

    def visitor(self, path: str, address: str) -> "Visitor":
        """A new visitor that opened `path` (its cookie and CSRF token)."""
        answer = self.request("GET", path, address=address)
        cookies = {}
        for header in answer.set_cookies:
            for name, morsel in SimpleCookie(header).items():
                cookies[name] = morsel.value
        return Visitor(self, path, address, cookies, csrf_token_from(answer.body))


class Answer:
    def __init__(self, status, headers, set_cookies, body):
        self.status, self.headers, self.set_cookies, self.body = status, headers, set_cookies, body


class Visitor:
    def __init__(self, site, path, address, cookies, token):
        self.site, self.path, self.address, self.cookies, self.token = (
            site,
            path,
            address,
            cookies,
            token,
        )

    def post(self, form: dict) -> Answer:
        return self.site.request(
            "POST",
            self.path,
            {"csrf_token": self.token, **form},
            cookies=self.cookies,
            address=self.address,
        )


def at_the_same_moment(actions) -> list:
    barrier = threading.Barrier(len(actions))
    answers = [None] * len(actions)

    def run(index, action):
        barrier.wait()
        try:
            answers[index] = action()
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            answers[index] = error

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert all(isinstance(a, Answer) for a in answers), answers
    return answers


STORAGES = ["database", "redis"]


@pytest.fixture(params=STORAGES)
def site(request, app, tmp_path):
    if request.param == "redis":
        redis = request.getfixturevalue("redis_server")
        uri = redis.uri
    else:
        uri = ""  # the production default: the database
    with Site(app, uri, tmp_path / "gunicorn.log") as running:
        running.storage = request.param
        yield running
    db.session.remove()


def statuses(answers) -> Counter:
    return Counter(answer.status for answer in answers)


def test_four_workers_share_each_limit(site, app, make_member, capsys):
    """48 wrong passwords for one account at once, from 48 addresses: exactly the limit is
    processed. Then one at a time for another account: the refusal comes at the limit + 1.
    Then twelve reset requests for one address at once: exactly the limit's e-mails; thirty
    registrations with a taken address: one e-mail."""
    for name in ("target", "steady", "reset", "taken"):
        make_member(email=f"{name}@example.org")
    db.session.remove()
    login_limit = limit_of(app, "LOGIN_LIMIT_PER_ACCOUNT")
    reset_limit = limit_of(app, "RESET_LIMIT_PER_ACCOUNT")
    register_limit = limit_of(app, "REGISTER_LIMIT_PER_ACCOUNT")

    visitors = [site.visitor("/auth/login", f"10.3.0.{n}") for n in range(48)]
    burst = at_the_same_moment(
        [lambda v=v: v.post({"email": "target@example.org", "password": "wrong"}) for v in visitors]
    )
    assert statuses(burst) == {200: login_limit, 429: 48 - login_limit}

    sequential = []
    for number in range(login_limit + 1):
        visitor = site.visitor("/auth/login", f"10.4.0.{number}")
        sequential.append(visitor.post({"email": "steady@example.org", "password": "wrong"}).status)
    assert sequential == [200] * login_limit + [429]

    reset_visitors = [site.visitor("/auth/reset", f"10.5.0.{n}") for n in range(12)]
    resets = at_the_same_moment(
        [lambda v=v: v.post({"email": "reset@example.org"}) for v in reset_visitors]
    )
    assert statuses(resets) == {302: reset_limit, 429: 12 - reset_limit}

    registration = {
        "name": "URGENT: your library card is suspended, log in at http://evil.example/ola",
        "email": "taken@example.org",
        "password": "lighthouse in the fog",
        "confirm": "lighthouse in the fog",
        "consent": "y",
    }
    register_visitors = [site.visitor("/auth/register", f"10.6.0.{n}") for n in range(30)]
    registrations = at_the_same_moment(
        [lambda v=v: v.post(registration) for v in register_visitors]
    )
    assert statuses(registrations) == {302: register_limit, 429: 30 - register_limit}

    db.session.expire_all()
    mails = Counter(
        db.session.execute(
            select(OutboxEmail.recipient, OutboxEmail.template).where(
                OutboxEmail.recipient.in_(["reset@example.org", "taken@example.org"])
            )
        ).all()
    )
    assert mails == {
        ("reset@example.org", "reset_password"): reset_limit,
        ("taken@example.org", "already_registered"): 1,
    }
    assert db.session.scalar(select(func.count(User.id))) == 4
    # gunicorn does not name itself.
    assert "Server" not in site.request("GET", "/healthz").headers
    with capsys.disabled():
        print(
            f"\n{WORKERS} gunicorn workers, limits in {site.storage}: 48 sign-ins at once "
            f"{dict(statuses(burst))}, one at a time refused at attempt "
            f"{sequential.index(429) + 1}, 12 resets at once {dict(statuses(resets))} "
            f"({reset_limit} e-mails), 30 registrations at once "
            f"{dict(statuses(registrations))} (1 e-mail)"
        )
