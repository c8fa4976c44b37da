"""E-mail through the outbox (DESIGN.md section 6).

`enqueue` renders a message from templates/email/<template>.txt and .html and adds it to the
current database transaction; it is sent only if that transaction commits. `deliver` sends what
is due (see app/email/delivery.py).
"""

from flask import current_app, render_template
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxEmail


def enqueue(
    recipient: str, template: str, subject: str, dedupe_key: str | None = None, **context
) -> OutboxEmail | None:
    """Add a message to the outbox in the current transaction (the caller commits).

    With `dedupe_key`, a message already enqueued under that key is not enqueued again and
    None is returned.
    """
    if dedupe_key is not None and db.session.scalar(
        select(OutboxEmail.id).where(OutboxEmail.dedupe_key == dedupe_key)
    ):
        return None
    context.update(subject=subject, base_url=current_app.config["BASE_URL"].rstrip("/"))
    message = OutboxEmail(
        recipient=recipient,
        subject=subject,
        body_text=render_template(f"email/{template}.txt", **context),
        body_html=render_template(f"email/{template}.html", **context),
        template=template,
        dedupe_key=dedupe_key,
    )
    db.session.add(message)
    return message


def absolute_url(endpoint: str, **values) -> str:
    """A link for an e-mail: BASE_URL plus the endpoint's path (no request needed)."""
    from flask import url_for

    base = current_app.config["BASE_URL"].rstrip("/")
    return base + url_for(endpoint, _external=False, **values)
