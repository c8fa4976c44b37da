"""Who may use the committee pages: decided here and nowhere else.

Everyone else, signed in or not, gets 404 from every committee URL and method: the pages
don't exist for them (no 403 that confirms they do, no redirect to sign in).

The blueprint runs `guard` before each of its views, so a new committee route is protected
without doing anything. Views elsewhere (e.g. a committee-only fragment in another area) use
the `committee_required` decorator.
"""

from functools import wraps

from flask import abort, current_app
from flask_login import current_user

from app.extensions import csrf


def is_committee(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_committee)


def require_committee() -> None:
    """Answer 404 unless the current user is an active committee member."""
    if not is_committee(current_user):
        abort(404)


def committee_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        require_committee()
        return view(*args, **kwargs)

    return wrapped


def guard() -> None:
    """Before every committee view: the access check, then CSRF.

    The blueprint is exempt from the app-wide CSRF check (which runs before any blueprint
    code and would answer 400 to an outsider's POST, showing the URL exists); this hook runs
    the very same check, only after the access check.
    """
    require_committee()
    config = current_app.config
    if config.get("WTF_CSRF_ENABLED", True) and config.get("WTF_CSRF_CHECK_DEFAULT", True):
        csrf.protect()
