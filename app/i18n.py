"""The portal's languages: English and French, with Flask-Babel.

The language of a page is, in order: the member's choice (kept on their account), the
visitor's choice (kept in a cookie), the browser's Accept-Language, English. E-mail is written
in its recipient's language (`locale_for_address`), whoever's action sends it. Outside a
request (the CLI, scheduled jobs) the default is English.
"""

from flask import current_app, g, has_request_context, request
from flask_babel import Babel, refresh
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from config import BASE_DIR

# Each language named in itself, as the switch in the header offers it.
LANGUAGES = {"en": "English", "fr": "Français"}
DEFAULT_LOCALE = "en"
# `<html lang>` is the region's form: the portal's English and French are Canada's.
HTML_LANG = {"en": "en-CA", "fr": "fr-CA"}
COOKIE_NAME = "lang"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60

babel = Babel()


def is_language(code: str | None) -> bool:
    return code in LANGUAGES


def select_locale() -> str:
    """The language of this request's page (the account's, the cookie's, the one a page
    prefers with `prefer_locale`, the browser's, English)."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if current_user.is_authenticated and is_language(current_user.locale):
        return current_user.locale
    chosen = request.cookies.get(COOKIE_NAME)
    if is_language(chosen):
        return chosen
    preferred = g.get("preferred_locale")
    if is_language(preferred):
        return preferred
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LOCALE)


def prefer_locale(code: str | None) -> None:
    """This page's language when the visitor has chosen none (no account's, no cookie's), before
    the browser's: a page opened from an e-mail link is in the e-mail's language."""
    g.preferred_locale = code
    refresh()  # a language already looked up for this request is looked up again


def member_locale(user) -> str:
    """The language to write to a member in: theirs, else English."""
    return user.locale if is_language(user.locale) else DEFAULT_LOCALE


def locale_for_address(address: str) -> str:
    """The language to write to `address` in: its member's choice, else English (the
    language of addresses with no account, such as the committee's own)."""
    from app.models import User

    locale = db.session.scalar(select(User.locale).where(User.email == address))
    return locale if is_language(locale) else DEFAULT_LOCALE


def _program_time_zone() -> str:
    from app.program import time_zone_name

    return time_zone_name()


def register(app) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=_program_time_zone,
        default_locale=DEFAULT_LOCALE,
        default_translation_directories=str(BASE_DIR / "translations"),
    )
    # {% trans %} blocks read as one line whatever the template's line breaks.
    app.jinja_env.policies["ext.i18n.trimmed"] = True


def keep_in_cookie(response, code: str) -> None:
    """Have the browser remember `code` as its language (for a year), also once signed out."""
    response.set_cookie(
        COOKIE_NAME,
        code,
        max_age=COOKIE_MAX_AGE,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def remember_language(user, code: str) -> None:
    """Keep `code` as the member's language (pages and e-mail) and commit."""
    user.locale = code
    db.session.commit()
