"""E-mail through the outbox: nothing is lost when the SMTP server is down, nothing sent twice.

`enqueue` renders a message from templates/email/<template>.txt and .html and adds it to the
current database transaction; it is sent only if that transaction commits. `deliver` sends what
is due (see app/email/delivery.py).

E-mail is rendered the same way in a request, a CLI command or a scheduled job: without the web
pages' context processors (which need a request), and with links built from BASE_URL.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock, i18n
from app.extensions import db
from app.models import OutboxEmail


@dataclass(frozen=True)
class Attachment:
    """A text file sent with a message: its name, MIME type (parameters included, e.g.
    "text/calendar; method=REQUEST; charset=UTF-8") and its text, sent as UTF-8."""

    name: str
    content_type: str
    text: str


def enqueue(
    recipient: str,
    template: str,
    subject: str,
    dedupe_key: str | None = None,
    attachment: Attachment | None = None,
    locale: str | None = None,
    **context,
) -> OutboxEmail | None:
    """Add a message to the outbox in the current transaction (the caller commits), with
    `attachment` if one is given (kept on the row, attached at delivery).

    The message is written in the recipient's language: `locale` ("en", "fr"; callers that
    hold the recipient's account pass `member_locale(user)`), else the language of the
    account with that address (one query), else English. `subject` is best a lazy string
    (`lazy_gettext`), which is translated here, in that language, like the templates.

    With `dedupe_key`, a message already enqueued under that key is not enqueued again and
    None is returned, also when another transaction enqueues it at the same moment (the
    insert runs in a savepoint, so losing that race leaves the caller's transaction intact).
    """
    if dedupe_key is not None and db.session.scalar(
        select(OutboxEmail.id).where(OutboxEmail.dedupe_key == dedupe_key)
    ):
        return None
    if not i18n.is_language(locale):
        locale = i18n.locale_for_address(recipient)
    with force_locale(locale):
        subject = str(subject)
        context.update(subject=subject, base_url=current_app.config["BASE_URL"].rstrip("/"))
        message = OutboxEmail(
            recipient=recipient,
            subject=subject,
            body_text=_render(f"email/{template}.txt", context),
            body_html=_render(f"email/{template}.html", context),
            template=template,
            dedupe_key=dedupe_key,
        )
    if attachment is not None:
        message.attachment_name = attachment.name
        message.attachment_type = attachment.content_type
        message.attachment_text = attachment.text
    if dedupe_key is None:
        db.session.add(message)
        return message
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def enqueue_at_most_every(
    interval: timedelta, recipient: str, template: str, subject: str, **context
) -> OutboxEmail | None:
    """`enqueue`, unless a message of `template` went to `recipient` less than `interval` ago
    (then None): whoever can make us write to an address can't flood it.

    Time is cut in windows of `interval`; a message takes its window's dedupe key, and none is
    sent while the key of this window or the one before exists, so two of them are at least
    one interval apart, also when many requests try at the same moment (the key is unique).
    The address is hashed into the key, which keeps it short and out of the key's text."""
    window = int(clock.utcnow().replace(tzinfo=UTC).timestamp() // interval.total_seconds())
    digest = hashlib.sha256(f"{template}:{recipient}".encode()).hexdigest()[:32]
    keys = [f"every:{digest}:{int(interval.total_seconds())}:{w}" for w in (window - 1, window)]
    if db.session.scalar(select(OutboxEmail.id).where(OutboxEmail.dedupe_key.in_(keys))):
        return None
    return enqueue(recipient, template, subject, dedupe_key=keys[1], **context)


def _render(name: str, context: dict) -> str:
    # Autoescaping follows the file name, as in Flask: on for .html, off for .txt.
    return current_app.jinja_env.get_template(name).render(context)


def absolute_url(endpoint: str, **values) -> str:
    """A link for an e-mail: BASE_URL plus the endpoint's path (no request needed).

    The request's Host header is never used, so a forged one cannot change the links.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
