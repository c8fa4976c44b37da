"""The audit log page's queries: the events, filtered and a page at a time, who acted, and a
short line about each event's detail."""

from datetime import date
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from app import clock
from app.committee.audit.trail import INTAKE_ADDED, INTAKE_DELETED
from app.extensions import db
from app.models import AuditEvent, User

TARGET_LABELS = {
    "member": "Member",
    "roster_import": "Roster file",
    "settings": "Program settings",
    "intake": "Intake",
    "export": "Export",
    "matching_run": "Matching draft",
}


def describe(event: AuditEvent) -> str:
    """A short line about an event's detail for the audit page: names, dates, counts, and
    old -> new values; never texts (the events don't hold them)."""
    detail = event.detail or {}
    parts = []
    for name in ("name", "filename", "export", "rows", "change", "pairs"):
        if name in detail:
            parts.append(f"{name.replace('_', ' ')}: {detail[name]}")
    if "expires_on" in detail:
        parts.append(f"until {detail['expires_on']}")
    if event.action == INTAKE_ADDED or event.action == INTAKE_DELETED:
        parts.append(f"{detail.get('opens_on')} to {detail.get('closes_on')}")
    changes = detail.get("changes") or {}
    for field in detail.get("fields") or []:
        if field in changes:
            old, new = changes[field]
            parts.append(f"{field.replace('_', ' ')}: {_shown(old)} → {_shown(new)}")
        else:
            parts.append(f"{field.replace('_', ' ')} changed")
    return "; ".join(parts)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if value is True:
        return "yes"
    if value is False:
        return "no"
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
