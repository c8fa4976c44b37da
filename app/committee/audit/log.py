"""The audit log page's queries: the events, filtered and a page at a time, who acted, and a
short line about each event's detail."""

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from app import clock
from app.committee.audit.trail import INTAKE_ADDED, INTAKE_DELETED
from app.extensions import db
from app.models import AuditEvent, User

TARGET_LABELS = {
    "member": lazy_gettext("Member"),
    "roster_import": lazy_gettext("Roster file"),
    "settings": lazy_gettext("Program settings"),
    "intake": lazy_gettext("Intake"),
    "export": lazy_gettext("Export"),
    "matching_run": lazy_gettext("Matching draft"),
}

# The names of the details `describe` shows, in the reader's language. (The values are as
# recorded: names, file names, counts, codes.)
DETAIL_NAMES = {
    "name": lazy_gettext("name"),
    "filename": lazy_gettext("filename"),
    "export": lazy_gettext("export"),
    "rows": lazy_gettext("rows"),
    "change": lazy_gettext("change"),
    "pairs": lazy_gettext("pairs"),
}


def describe(event: AuditEvent) -> str:
    """A short line about an event's detail for the audit page, in the page's language:
    names, dates, counts, and old -> new values; never texts (the events don't hold them)."""
    detail = event.detail or {}
    parts = []
    for name, label in DETAIL_NAMES.items():
        if name in detail:
            parts.append(_("%(name)s: %(value)s", name=label, value=_shown(detail[name])))
    if "expires_on" in detail:
        parts.append(_("until %(day)s", day=detail["expires_on"]))
    if event.action == INTAKE_ADDED or event.action == INTAKE_DELETED:
        parts.append(
            _(
                "%(opens)s to %(closes)s",
                opens=detail.get("opens_on"),
                closes=detail.get("closes_on"),
            )
        )
    changes = detail.get("changes") or {}
    for field in detail.get("fields") or []:
        # A field's name is the setting's own (a code), written with spaces.
        shown_field = field.replace("_", " ")
        if field in changes:
            old, new = changes[field]
            parts.append(
                _(
                    "%(field)s: %(old)s → %(new)s",
                    field=shown_field,
                    old=_shown(old),
                    new=_shown(new),
                )
            )
        else:
            parts.append(_("%(field)s changed", field=shown_field))
    return "; ".join(parts)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return _("(none)")
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


EVENTS_PER_PAGE = 50


def list_events(
    actor_id: int | None, action: str | None, since: date | None, until: date | None, page: int
) -> Pagination:
    """Audit events, latest first, 50 a page: by `actor_id`, of `action`, on days from `since`
    to `until` (both included, program days); a None filter is not applied."""
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if since:
        query = query.where(AuditEvent.created_at >= clock.start_of_day(since))
    if until:
        query = query.where(AuditEvent.created_at < clock.end_of_day(until))
    return db.paginate(query, page=page, per_page=EVENTS_PER_PAGE, error_out=False)


def member_names(events) -> dict[int, str]:
    """{user id: name} of the members these events are about (one statement); a member whose
    account was deleted since is not in it."""
    ids = {e.target_id for e in events if e.target_type == "member" and e.target_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def actors() -> list[User]:
    """Everyone who has done something recorded (for the audit log's filter), by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.id.in_(select(AuditEvent.actor_id).where(AuditEvent.actor_id.is_not(None))))
            .order_by(User.name, User.id)
        )
    )
