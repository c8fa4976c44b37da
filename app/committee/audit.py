"""The audit trail of committee actions.

Every operation that changes something on the committee's behalf calls `record` before it
commits, so the event and the change are saved together or not at all. The detail is short
and never confidential: dates, counts, file names, codes. No notes, no messages, no passwords.
"""

from datetime import date, datetime, timedelta
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import inspect, select

from app import clock
from app.extensions import db
from app.models import AuditEvent, User

# Action codes: "<what>.<verb>". Add new ones here so the audit page can name them.
MEMBERSHIP_VERIFIED = "membership.verified"
MEMBERSHIP_REVOKED = "membership.revoked"
ROSTER_UPLOADED = "roster.uploaded"
ROSTER_APPLIED = "roster.applied"
SETTINGS_STATUS_CHANGED = "settings.status_changed"
SETTINGS_LIMITS_CHANGED = "settings.limits_changed"
SETTINGS_CONTACTS_CHANGED = "settings.contacts_changed"
SETTINGS_TEXTS_CHANGED = "settings.texts_changed"
INTAKE_ADDED = "intake.added"
INTAKE_CHANGED = "intake.changed"
INTAKE_DELETED = "intake.deleted"
ACCOUNT_DEACTIVATED = "account.deactivated"
ACCOUNT_REACTIVATED = "account.reactivated"
COMMITTEE_GRANTED = "committee.granted"
COMMITTEE_REVOKED = "committee.revoked"
EXPORT_DOWNLOADED = "export.downloaded"

ACTIONS = {
    MEMBERSHIP_VERIFIED: "Membership verified",
    MEMBERSHIP_REVOKED: "Membership verification revoked",
    ROSTER_UPLOADED: "Roster file previewed",
    ROSTER_APPLIED: "Roster file applied",
    SETTINGS_STATUS_CHANGED: "Program status changed",
    SETTINGS_LIMITS_CHANGED: "Limits changed",
    SETTINGS_CONTACTS_CHANGED: "Contact addresses changed",
    SETTINGS_TEXTS_CHANGED: "Program texts changed",
    INTAKE_ADDED: "Intake added",
    INTAKE_CHANGED: "Intake changed",
    INTAKE_DELETED: "Intake deleted",
    ACCOUNT_DEACTIVATED: "Account deactivated",
    ACCOUNT_REACTIVATED: "Account reactivated",
    COMMITTEE_GRANTED: "Committee role granted",
    COMMITTEE_REVOKED: "Committee role removed",
    EXPORT_DOWNLOADED: "Export downloaded",
}

# Target types, by model class name.
TARGET_TYPES = {
    "User": "member",
    "RosterImport": "roster_import",
    "ProgramSettings": "settings",
    "Intake": "intake",
}
TARGET_LABELS = {
    "member": "Member",
    "roster_import": "Roster file",
    "settings": "Program settings",
    "intake": "Intake",
    "export": "Export",
}


def _plain(value: Any) -> Any:
    """`value` in a form JSON can hold (dates as YYYY-MM-DD, times as ISO 8601)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return value


def target_of(target: Any) -> tuple[str | None, int | None]:
    """The (type, id) an event is about: a model instance, a (type, id) pair, or None."""
    if target is None:
        return None, None
    if isinstance(target, tuple):
        kind, identity = target
        return kind, identity
    state = inspect(target)
    if state.identity is None:
        db.session.flush()  # a new object gets its id
    name = type(target).__name__
    return TARGET_TYPES.get(name, name.lower()), state.identity[0]


def record(actor, action: str, target: Any = None, **detail: Any) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits).

    `actor` is the committee member acting (a User, or None for the system), `action` one of
    the codes above, `target` what it is about (see `target_of`), and `detail` a few plain,
    non-confidential values.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: add it to app.committee.audit.ACTIONS")
    target_type, target_id = target_of(target)
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=_plain(detail),
        created_at=clock.utcnow(),
    )
    db.session.add(event)
    return event


def describe(event: AuditEvent) -> str:
    """A short line about an event's detail for the audit page: names, dates, counts, and
    old -> new values; never texts (the events don't hold them)."""
    detail = event.detail or {}
    parts = []
    for name in ("name", "filename", "export", "rows"):
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
    to `until` (both included, UTC); a None filter is not applied."""
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if since:
        query = query.where(AuditEvent.created_at >= datetime.combine(since, datetime.min.time()))
    if until:
        query = query.where(
            AuditEvent.created_at < datetime.combine(until + timedelta(days=1), datetime.min.time())
        )
    return db.paginate(query, page=page, per_page=EVENTS_PER_PAGE, error_out=False)


def actors() -> list[User]:
    """Everyone who has done something recorded (for the audit log's filter), by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.id.in_(select(AuditEvent.actor_id).where(AuditEvent.actor_id.is_not(None))))
            .order_by(User.name, User.id)
        )
    )
