"""Keep e-mailed tokens out of the logs.

The paths /respond/<token>, /auth/verify/<token> and /auth/reset/<token> carry a secret: whoever
has the link can act with it. Werkzeug's development server logs every request line, Flask logs
the path of an unhandled exception, and gunicorn's access log (off unless --access-logfile is
given) would log it too. `install()` wraps the log record factory, so every record, from any
logger and for any handler, has such paths rewritten to e.g. /respond/[token] before it is
formatted. `redact` and `TokenRedactingFilter` do the same for a single string or handler.
"""

import logging
import re

TOKEN_PATH = re.compile(r"(/respond/|/auth/verify/|/auth/reset/)[^\s/?#\"'<>\x1b]+")
PLACEHOLDER = r"\1[token]"
_MARKERS = ("/respond/", "/auth/verify/", "/auth/reset/")
_installed = False


def redact(text: str) -> str:
    return TOKEN_PATH.sub(PLACEHOLDER, text)


def _mentions_token_path(record: logging.LogRecord) -> bool:
    args = record.args
    values = args.values() if isinstance(args, dict) else args if isinstance(args, tuple) else ()
    parts = [record.msg, *values]  # gunicorn's access log passes a dict
    return any(isinstance(p, str) and any(m in p for m in _MARKERS) for p in parts)


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """The record with token paths in its message redacted (formatted once, args cleared)."""
    if _mentions_token_path(record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error path
            return record
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
    return record


class TokenRedactingFilter(logging.Filter):
    """A logging filter that redacts token paths (for a handler or logger of one's own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install() -> None:
    """Redact token paths in every log record of this process (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        return redact_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
