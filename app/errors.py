"""Friendly error pages; for HTMX requests a short fragment the page shows in its alert area."""

import logging

from flask import make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.htmx import is_htmx

log = logging.getLogger(__name__)

MESSAGES = {
    400: (
        "Something in that request was not right",
        "The page could not understand what was sent. Go back, reload the page and try again.",
    ),
    403: ("You can't do that", "Your account does not have permission for this page."),
    404: (
        "Page not found",
        "We couldn't find that page. It may have moved, or the link may be incomplete.",
    ),
    405: (
        "That doesn't work here",
        "This page can't be used that way. Go back and use the buttons on the page.",
    ),
    413: ("That file is too large", "Choose a smaller file and try again."),
    429: (
        "Too many attempts",
        "You tried that too often in a short time. Please wait a few minutes and try again.",
    ),
    500: (
        "Something went wrong on our side",
        "The problem has been logged. Please try again in a few minutes; if it keeps happening, "
        "contact technical support.",
    ),
}
CSRF_MESSAGE = (
    "Your form expired",
    "For your security, forms expire. Go back, reload the page and submit the form again.",
)


def render_error(code: int, title: str, message: str):
    template = "errors/_message.html" if is_htmx() else "errors/error.html"
    return make_response(render_template(template, code=code, title=title, message=message), code)


def register(app) -> None:
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
        log.exception("Unhandled error on %s %s", request.method, request.path)
        from app.extensions import db

        db.session.rollback()
        return render_error(500, *MESSAGES[500])
