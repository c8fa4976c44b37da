"""Configuration from the environment, production safety, and the `flask users` / `jobs`
commands. Also checks that a run uses the database and the browser it was meant to (CI)."""

import contextvars
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

import config
from app import create_app
from app.auth.passwords import hash_password
from app.extensions import db
from app.models import LoginSession, User
from config import CONFIGS, DEFAULT_SECRET_KEY, ENVIRONMENT_SETTINGS, normalise_database_url

CHROMIUM = Path("/usr/bin/chromium")
UNDER_CI = config._as_bool(os.environ.get("CI", ""))


def flask_command(app, *args):
    """Run a `flask` command as the command line would: in its own application context."""

    def run():
        with app.app_context():
            return app.test_cli_runner().invoke(args=list(args))

    return contextvars.Context().run(run)


# --- configuration ----------------------------------------------------------------------------


def environment_unlike(config_class) -> tuple[dict, dict]:
    """An environment setting every variable to a value the class does not have, and the
    settings expected from it."""
    environ, expected = {}, {}
    for key, parse in ENVIRONMENT_SETTINGS.items():
        default = getattr(config_class, key)
        if parse is int:
            environ[key], expected[key] = "2525", 2525
        elif parse is float:
            environ[key], expected[key] = "2.5", 2.5
        elif parse is str:
            environ[key] = expected[key] = f"from-the-environment-{key.lower()}"
        else:  # a boolean: the opposite of the default
            environ[key] = "false" if default else "true"
            expected[key] = not default
        assert expected[key] != default, key
    environ["DATABASE_URL"] = expected["DATABASE_URL"] = "postgres://mm:pw@db.example.org/mm"
    return environ, expected


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_environment_variables_win_over_every_configuration(name):
    config_class = CONFIGS[name]
    environ, expected = environment_unlike(config_class)
    settings = config_class.from_environment(environ)
    for key, value in expected.items():
        assert settings[key] == value, key
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://mm:pw@db.example.org/mm"
    assert settings["REMEMBER_COOKIE_SECURE"] is settings["SESSION_COOKIE_SECURE"]
    assert settings["NAME"] == name


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_without_environment_the_class_defaults_apply(name):
    config_class = CONFIGS[name]
    settings = config_class.from_environment({})
    for key in ENVIRONMENT_SETTINGS:
        assert settings[key] == getattr(config_class, key), key


def test_empty_environment_variables_keep_the_default():
    settings = config.ProductionConfig.from_environment({"SECRET_KEY": "", "MAIL_PORT": ""})
    assert settings["SECRET_KEY"] == DEFAULT_SECRET_KEY
    assert settings["MAIL_PORT"] == config.ProductionConfig.MAIL_PORT


@pytest.mark.parametrize(
    "text, expected",
    [("1", True), ("TRUE", True), ("yes", True), ("on", True), ("0", False), ("no", False)],
)
def test_boolean_spellings(text, expected):
    settings = config.Config.from_environment({"RATELIMIT_ENABLED": text})
    assert settings["RATELIMIT_ENABLED"] is expected


def test_create_app_reads_the_environment(monkeypatch):
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.net")
    monkeypatch.setenv("BASE_URL", "https://mentoring.example.org")
    app = create_app("testing")
    assert app.config["MAIL_SERVER"] == "smtp.example.net"
    assert app.config["BASE_URL"] == "https://mentoring.example.org"


def test_app_env_chooses_the_configuration(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-key-for-this-test-0123456789")
    monkeypatch.setenv("BASE_URL", "https://mentoring.example.org")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite'}")
    assert create_app().config["NAME"] == "production"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgres://u:p@host:5432/db", "postgresql+psycopg://u:p@host:5432/db"),
        ("postgresql://u:p@host/db", "postgresql+psycopg://u:p@host/db"),
        ("postgresql+psycopg://u:p@host/db", "postgresql+psycopg://u:p@host/db"),
        ("sqlite:////srv/mentor-match.sqlite", "sqlite:////srv/mentor-match.sqlite"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_database_urls_are_normalised(url, expected):
    assert normalise_database_url(url) == expected
    assert config.Config.from_environment({"DATABASE_URL": url})["SQLALCHEMY_DATABASE_URI"] == (
        expected
    )


# --- production -------------------------------------------------------------------------------


@pytest.fixture
def production_environment(monkeypatch, tmp_path):
    """A production environment on a SQLite file, without a SECRET_KEY."""
    for key in ENVIRONMENT_SETTINGS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite'}")
    monkeypatch.setenv("BASE_URL", "https://mentoring.example.org")
    return monkeypatch


def test_production_refuses_to_start_without_a_base_url(production_environment):
    production_environment.delenv("BASE_URL")
    production_environment.setenv("SECRET_KEY", "a-real-secret-key-for-this-test-0123456789")
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app("production")


@pytest.mark.parametrize(
    ("proxies", "expected"), [(0, "10.1.1.1"), (1, "203.0.113.9")], ids=["direct", "proxied"]
)
def test_client_address_behind_a_reverse_proxy(monkeypatch, proxies, expected):
    monkeypatch.setenv("PROXY_FIX_X_FOR", str(proxies))
    app = create_app("testing", DATABASE_URL="sqlite://", SQLALCHEMY_DATABASE_URI="sqlite://")

    @app.route("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr

    response = app.test_client().get(
        "/whoami",
        headers={"X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "10.1.1.1"},
    )
    assert response.get_data(as_text=True) == expected


@pytest.mark.parametrize("secret_key", [None, "", DEFAULT_SECRET_KEY])
def test_production_refuses_to_start_without_a_secret_key(production_environment, secret_key):
    if secret_key is not None:
        production_environment.setenv("SECRET_KEY", secret_key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_an_empty_secret_key_given_directly(production_environment):
    production_environment.setenv("SECRET_KEY", "a-real-secret-key-for-this-test-0123456789")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY="")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../etc/passwd", "EST5EDT,M3"])
def test_an_unknown_program_time_zone_refuses_to_start(monkeypatch, zone):
    monkeypatch.setenv("PROGRAM_TIME_ZONE", zone)
    with pytest.raises(RuntimeError, match="PROGRAM_TIME_ZONE"):
        create_app("testing")


def test_the_program_time_zone_is_read_from_the_environment(monkeypatch):
    assert create_app("testing").config["PROGRAM_TIME_ZONE"] == "America/Toronto"
    monkeypatch.setenv("PROGRAM_TIME_ZONE", "America/Winnipeg")
    assert create_app("testing").config["PROGRAM_TIME_ZONE"] == "America/Winnipeg"


@pytest.fixture
def production_app(production_environment):
    production_environment.setenv("SECRET_KEY", "a-real-secret-key-for-this-test-0123456789")
    app = create_app("production")
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_production_starts_with_a_real_secret_key(production_app):
    assert production_app.config["NAME"] == "production"
    assert production_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    response = production_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_production_cookies_are_secure_and_hsts_is_sent(production_app):
    assert production_app.config["SESSION_COOKIE_SECURE"] is True
    assert production_app.config["REMEMBER_COOKIE_SECURE"] is True
    response = production_app.test_client().get("/auth/login")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies, "the sign-in form starts a session"
    for cookie in cookies:
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_production_has_no_dev_mailbox(production_app):
    assert production_app.config["MAIL_BACKEND"] == "smtp"
    assert production_app.test_client().get("/dev/mailbox").status_code == 404


def test_production_hashes_passwords_with_scrypt_at_full_cost(production_app):
    assert production_app.config["PASSWORD_HASH_METHOD"] == "scrypt:65536:8:1"
    password_hash = hash_password("a long enough passphrase")
    assert password_hash.startswith("scrypt:65536:8:1$")
    assert check_password_hash(password_hash, "a long enough passphrase")
    assert not check_password_hash(password_hash, "another passphrase")


def test_development_and_testing_send_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


# --- flask users ------------------------------------------------------------------------------


def is_committee(email: str) -> bool:
    db.session.expire_all()
    return db.session.scalar(select(User.is_committee).where(User.email == email))


def test_promote_makes_a_committee_member(app, make_member):
    make_member(email="chair@example.org")
    result = flask_command(app, "users", "promote", "  Chair@Example.org ")
    assert result.exit_code == 0, result.output
    assert "chair@example.org is now a committee member" in result.output
    assert is_committee("chair@example.org")


@pytest.mark.parametrize("command", ["promote", "demote"])
def test_an_unknown_address_is_a_clear_error(app, make_member, command):
    make_member(email="someone@example.org", committee=True)
    result = flask_command(app, "users", command, "nobody@example.org")
    assert result.exit_code != 0
    assert "No account with the e-mail address nobody@example.org" in result.output


def test_demote_takes_the_committee_role_away(app, make_member):
    make_member(email="chair@example.org", committee=True)
    make_member(email="secretary@example.org", committee=True)
    result = flask_command(app, "users", "demote", "secretary@example.org")
    assert result.exit_code == 0, result.output
    assert "no longer a committee member" in result.output
    assert not is_committee("secretary@example.org")
    assert is_committee("chair@example.org")


def test_the_last_committee_member_cannot_be_demoted(app, make_member):
    make_member(email="chair@example.org", committee=True)
    make_member(email="member@example.org")
    result = flask_command(app, "users", "demote", "chair@example.org")
    assert result.exit_code != 0
    assert "last committee member" in result.output
    assert is_committee("chair@example.org")


def test_demoting_a_member_who_is_not_on_the_committee_is_an_error(app, make_member):
    make_member(email="chair@example.org", committee=True)
    make_member(email="member@example.org")
    result = flask_command(app, "users", "demote", "member@example.org")
    assert result.exit_code != 0
    assert "not a committee member" in result.output


# --- flask jobs daily -------------------------------------------------------------------------


def test_daily_job_removes_expired_sign_in_sessions_only(app, make_member, clock_at):
    now = datetime(2026, 3, 2, 4, 0)
    clock_at(now)
    user = make_member()
    for name, expires_at in [
        ("expired-yesterday", now - timedelta(days=1)),
        ("expires-now", now),
        ("expires-in-an-hour", now + timedelta(hours=1)),
        ("remembered", now + timedelta(days=29)),
    ]:
        db.session.add(LoginSession(id=name, user=user, expires_at=expires_at))
    db.session.commit()

    result = flask_command(app, "jobs", "daily")
    assert result.exit_code == 0, result.output
    assert "Expired sign-in sessions removed: 2" in result.output
    db.session.expire_all()
    remaining = set(db.session.scalars(select(LoginSession.id)))
    assert remaining == {"expires-in-an-hour", "remembered"}
    assert db.session.scalar(select(func.count(User.id))) == 1

    result = flask_command(app, "jobs", "daily")
    assert "Expired sign-in sessions removed: 0" in result.output


# --- the run uses what it was given -----------------------------------------------------------


def test_the_suite_runs_on_the_database_it_was_given(app):
    """TEST_DATABASE_URL really is used; CI also names the dialect it expects."""
    dialect = db.engine.dialect.name
    url = os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql")):
        assert dialect == "postgresql"
        assert db.engine.dialect.driver == "psycopg"
    elif not url:
        assert dialect == "sqlite"
    expected = os.environ.get("CI_EXPECT_DATABASE")
    if expected:
        assert dialect == expected, f"this run was meant for {expected}, not {dialect}"


@pytest.mark.skipif(not UNDER_CI, reason="only under CI=true (elsewhere browser tests skip)")
def test_under_ci_the_browser_is_installed():
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: browser tests would be skipped"
    assert os.access(CHROMIUM, os.X_OK)
