"""Password policy (NIST SP 800-63B, and OWASP ASVS Level 2's twelve characters): length, not
composition; common passwords refused. The policy applies when a password is set (registration,
reset, change): a member whose older password is shorter still signs in with it.

common-passwords.txt.gz is the list Django ships (BSD licence): 20,000 passwords most often
found in breaches.
"""

import gzip
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 128
# With the limit as `%(min)d` / `%(max)d`, the names WTForms' Length validator fills in.
TOO_SHORT = _l("Use at least %(min)d characters.")
TOO_LONG = _l("Use at most %(max)d characters.")

_COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why this password is refused (in the page's language), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT % {"min": MIN_LENGTH}
    if len(password) > MAX_LENGTH:
        return TOO_LONG % {"max": MAX_LENGTH}
    if password.lower() in common_passwords():
        return _("This password is too common: choose one that is harder to guess.")
    lowered = password.lower()
    if email and lowered in (email.lower(), email.lower().split("@")[0]):
        return _("Don't use your e-mail address as your password.")
    if name and lowered == name.strip().lower():
        return _("Don't use your name as your password.")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not-a-real-password", method=method)


def spend_equal_time() -> None:
    """Check a password against a dummy hash, so unknown accounts take as long as known ones."""
    check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), "x")
