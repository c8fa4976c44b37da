"""Friendly error pages; for HTMX requests a short fragment the page shows in its alert area.

Every request has a reference (`request_reference`), sent in the X-Request-ID header. When
something fails unexpectedly, the traceback is logged with it and the page shows it with the
support contact, so that whoever answers the member finds what happened. A change that lost a
race to another (see app.concurrency) is not a failure: its page says so and what to do."""

import logging
import secrets

from flask import current_app, g, make_response, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from app.concurrency import is_conflict
from app.extensions import db
from app.htmx import is_htmx
from app.i18n import DEFAULT_LOCALE

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"

MESSAGES = {
    400: (
        _l("Something in that request was not right"),
        _l("The page could not understand what was sent. Go back, reload the page and try again."),
    ),
    403: (_l("You can't do that"), _l("Your account does not have permission for this page.")),
    404: (
        _l("Page not found"),
        _l("We couldn't find that page. It may have moved, or the link may be incomplete."),
    ),
    405: (
        _l("That doesn't work here"),
        _l("This page can't be used that way. Go back and use the buttons on the page."),
    ),
    409: (
        _l("Someone changed this at the same moment"),
        _l(
            "What you sent was not saved, because the same thing was being changed at the same "
            "moment. Go back and reload the page to see it as it is now, then try again if you "
            "still need to."
        ),
    ),
    413: (_l("That file is too large"), _l("Choose a smaller file and try again.")),
    429: (
        _l("Too many attempts"),
        _l("You tried that too often in a short time. Please wait a few minutes and try again."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l(
            "It is not your fault, and the problem has been logged. Go back and try again in a "
            "few minutes. If it keeps happening, write to technical support and give them the "
            "reference below."
        ),
    ),
}
CSRF_MESSAGE = (
    _l("Your form expired"),
    _l("For your security, forms expire. Go back, reload the page and submit the form again."),
)


def request_reference() -> str:
    """This request's reference: twelve hexadecimal digits, made when first asked for."""
    if "request_reference" not in g:
        g.request_reference = secrets.token_hex(6)
    return g.request_reference


def render_error(code: int, title, message, reference: str | None = None):
    """The error page (an HTMX request: its fragment). `title` and `message` may be lazy
    translations: they are written in the page's language."""
    template = "errors/_message.html" if is_htmx() else "errors/error.html"
    page = render_template(
        template, code=code, title=str(title), message=str(message), reference=reference
    )
    return make_response(page, code)


def register(app) -> None:
    @app.after_request
    def send_the_reference(response):
        response.headers[REQUEST_ID_HEADER] = request_reference()
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        title, message = MESSAGES.get(error.code, (error.name, error.description))
        response = render_error(error.code, title, message)
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        reference = request_reference()
        _roll_back()
        if is_conflict(error):
            log.warning(
                "A race lost outside retry_on_conflict (reference %s) on %s %s: %s",
                reference,
                request.method,
                request.path,
                type(error).__name__,
                exc_info=error,
            )
            return render_error(409, *MESSAGES[409])
        log.exception(
            "Unhandled error (reference %s) on %s %s", reference, request.method, request.path
        )
        return _failure_page(reference)


def _roll_back() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection itself is gone: the page must still be shown
        log.exception("Rolling back after an error failed")


def _failure_page(reference: str):
    """The page of an unexpected failure; a plain one if even the page can't be rendered (the
    database is down, a template is broken): the member always learns what to do."""
    title, message = MESSAGES[500]
    try:
        response = render_error(500, title, message, reference)
    except Exception:
        log.exception("The error page failed too (reference %s)", reference)
        # In English: the member's language is on their account, which may be what failed.
        with force_locale(DEFAULT_LOCALE):
            title, message = str(title), str(message)
        support = escape(current_app.config["SUPPORT_CONTACT_EMAIL"])
        body = (
            f'<!doctype html><html lang="en-CA"><meta charset="utf-8"><title>{title}</title>'
            f"<h1>{title}</h1><p>{message}</p><p>Reference: <strong>{reference}</strong>. "
            f'Technical support: <a href="mailto:{support}">{support}</a>.</p></html>'
        )
        response = make_response(body, 500)
    response.headers[REQUEST_ID_HEADER] = reference
    return response
