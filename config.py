"""Configuration classes.

Every setting has a default on a class; an environment variable of the same name always wins,
in every configuration (see `Config.from_environment`). A `.env` file next to this one is read
first if it exists (python-dotenv), without overriding variables already set.
"""

import os
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env", override=False)

DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"


def _as_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Environment variables read over the class defaults, with the type each is parsed as.
ENVIRONMENT_SETTINGS = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "BASE_URL": str,
    "MAIL_BACKEND": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": _as_bool,
    "MAIL_USE_SSL": _as_bool,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_DEFAULT_SENDER": str,
    "MAIL_TIMEOUT": float,
    "OUTBOX_WORKER_TIMEOUT": float,
    "RATELIMIT_STORAGE_URI": str,
    "RATELIMIT_ENABLED": _as_bool,
    "SESSION_COOKIE_SECURE": _as_bool,
    "PASSWORD_HASH_METHOD": str,
    "PROGRAM_CONTACT_EMAIL": str,
    "SUPPORT_CONTACT_EMAIL": str,
    "PROGRAM_TIME_ZONE": str,
    "LOG_LEVEL": str,
    "PROXY_FIX_X_FOR": int,
}


class Config:
    NAME = "base"
    SECRET_KEY = DEFAULT_SECRET_KEY
    DATABASE_URL = f"sqlite:///{BASE_DIR / 'instance' / 'mentor-match.sqlite'}"
    BASE_URL = "http://127.0.0.1:5000"

    # E-mail: "dev" keeps messages in the outbox (readable at /dev/mailbox); "smtp" sends them.
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Mentor Match <mentoring@example.org>"
    MAIL_TIMEOUT = 10.0
    MAIL_SUPPRESS_SEND = False
    # An outbox worker whose heartbeat (every sixth of this) is older than this many seconds is
    # taken for dead: the messages it claimed are offered to the other workers.
    OUTBOX_WORKER_TIMEOUT = 30.0

    # Counted in the database (one count for every worker and host), or redis://host:6379.
    RATELIMIT_STORAGE_URI = "database://"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # When a shared store (Redis) can't be reached, each process counts on its own until it is
    # back: the limits still apply, per process, and signing in keeps working.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Limits of the account forms, per client address and per account (the e-mail address
    # typed, or the member signed in).
    LOGIN_LIMIT_PER_IP = "20 per minute"
    LOGIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
    RESET_LIMIT_PER_IP = "10 per hour"
    RESET_LIMIT_PER_ACCOUNT = "3 per hour"
    REGISTER_LIMIT_PER_IP = "20 per hour"
    REGISTER_LIMIT_PER_ACCOUNT = "5 per hour"
    RESEND_LIMIT_PER_IP = "20 per hour"
    RESEND_LIMIT_PER_ACCOUNT = "5 per hour"
    SECOND_FACTOR_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
    # At most one e-mail of each kind to an address in this time, however often it is asked for.
    VERIFY_EMAIL_INTERVAL = timedelta(minutes=10)
    ALREADY_REGISTERED_EMAIL_INTERVAL = timedelta(hours=1)

    # scrypt with N=2^16, r=8, p=1.
    PASSWORD_HASH_METHOD = "scrypt:65536:8:1"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # A session without "remember me" ends after this much time.
    SESSION_LIFETIME = timedelta(hours=12)
    # A committee member's session ends this long after signing in, or after this long without
    # a request, "remember me" or not (ASVS Level 2's re-authentication).
    COMMITTEE_SESSION_LIFETIME = timedelta(hours=12)
    COMMITTEE_IDLE_TIMEOUT = timedelta(minutes=30)
    # Time to type the code of two-step sign-in after the password.
    SECOND_STEP_MAX_AGE = timedelta(minutes=5)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024

    # Lifetimes of the links sent by e-mail.
    VERIFY_EMAIL_MAX_AGE = timedelta(days=3)
    RESET_PASSWORD_MAX_AGE = timedelta(hours=2)

    # Shown in the footer until the committee sets them in the program settings.
    PROGRAM_CONTACT_EMAIL = "mentoring@example.org"
    SUPPORT_CONTACT_EMAIL = "webmaster@example.org"
    # The program's days (today, a request's last day, this month) are counted in this IANA
    # time zone until the committee chooses another in the program settings.
    PROGRAM_TIME_ZONE = "America/Toronto"

    PRIVACY_NOTICE_VERSION = "2026-11"
    DEV_MAILBOX = False
    HSTS = False
    LOG_LEVEL = "INFO"
    # How many reverse proxies in front of the app set X-Forwarded-For (0: none).
    PROXY_FIX_X_FOR = 0

    @classmethod
    def from_environment(cls, environ=os.environ) -> dict:
        """The settings of this class with environment variables applied over them."""
        settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
        for key, parse in ENVIRONMENT_SETTINGS.items():
            if environ.get(key) not in (None, ""):
                settings[key] = parse(environ[key])
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(settings["DATABASE_URL"])
        settings["REMEMBER_COOKIE_SECURE"] = settings["SESSION_COOKIE_SECURE"]
        return settings


class DevelopmentConfig(Config):
    NAME = "development"
    MAIL_BACKEND = "dev"
    DEV_MAILBOX = True


class TestingConfig(Config):
    NAME = "testing"
    TESTING = True
    DATABASE_URL = "sqlite://"
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "127.0.0.1"
    MAIL_TIMEOUT = 5.0
    # Cheap hashes keep the suite fast; the production cost is tested on its own.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    BASE_URL = "http://localhost"


class ProductionConfig(Config):
    NAME = "production"
    SESSION_COOKIE_SECURE = True
    HSTS = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def normalise_database_url(url: str) -> str:
    """Accept the common postgres:// spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
