"""The audit trail of committee actions: the action codes and `record`.

Every operation that changes something on the committee's behalf calls `record` before it
commits, so the event and the change are saved together or not at all. The detail is short
and never confidential: dates, counts, file names, codes. No notes, no messages, no passwords.
"""

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext
from sqlalchemy import inspect

from app import clock
from app.extensions import db
from app.models import AuditEvent

# Action codes: "<what>.<verb>". Add new ones here so the audit page can name them (in the
# reader's language: the names are lazy texts, translated when a page shows them).
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
REQUEST_EMAIL_RESENT = "request.email_resent"
SETTINGS_MATCHING_CHANGED = "settings.matching_changed"
SETTINGS_TIME_ZONE_CHANGED = "settings.time_zone_changed"
MATCHING_RUN = "matching.run"
MATCHING_CHANGED = "matching.changed"
MATCHING_PUBLISHED = "matching.published"
MATCHING_DISCARDED = "matching.discarded"
MATCHING_CARRIED = "matching.carried"
# A mentor's own pauses: the committee sees who stepped away and when they came back.
MENTOR_AWAY = "availability.away"
MENTOR_BACK = "availability.back"

ACTIONS = {
    MEMBERSHIP_VERIFIED: lazy_gettext("Membership verified"),
    MEMBERSHIP_REVOKED: lazy_gettext("Membership verification revoked"),
    ROSTER_UPLOADED: lazy_gettext("Roster file previewed"),
    ROSTER_APPLIED: lazy_gettext("Roster file applied"),
    SETTINGS_STATUS_CHANGED: lazy_gettext("Program status changed"),
    SETTINGS_LIMITS_CHANGED: lazy_gettext("Limits changed"),
    SETTINGS_CONTACTS_CHANGED: lazy_gettext("Contact addresses changed"),
    SETTINGS_TEXTS_CHANGED: lazy_gettext("Program texts changed"),
    INTAKE_ADDED: lazy_gettext("Intake added"),
    INTAKE_CHANGED: lazy_gettext("Intake changed"),
    INTAKE_DELETED: lazy_gettext("Intake deleted"),
    ACCOUNT_DEACTIVATED: lazy_gettext("Account deactivated"),
    ACCOUNT_REACTIVATED: lazy_gettext("Account reactivated"),
    COMMITTEE_GRANTED: lazy_gettext("Committee role granted"),
    COMMITTEE_REVOKED: lazy_gettext("Committee role removed"),
    EXPORT_DOWNLOADED: lazy_gettext("Export downloaded"),
    REQUEST_EMAIL_RESENT: lazy_gettext("Request e-mail sent to the mentor again"),
    SETTINGS_MATCHING_CHANGED: lazy_gettext("Committee match setting changed"),
    SETTINGS_TIME_ZONE_CHANGED: lazy_gettext("Program time zone changed"),
    MATCHING_RUN: lazy_gettext("Matching draft made"),
    MATCHING_CHANGED: lazy_gettext("Matching draft changed"),
    MATCHING_PUBLISHED: lazy_gettext("Matching draft published"),
    MATCHING_DISCARDED: lazy_gettext("Matching draft discarded"),
    MATCHING_CARRIED: lazy_gettext("Unmatched mentees carried to the next intake"),
    MENTOR_AWAY: lazy_gettext("Mentor away until a date"),
    MENTOR_BACK: lazy_gettext("Mentor back from being away"),
}

# Target types, by model class name.
TARGET_TYPES = {
    "User": "member",
    "RosterImport": "roster_import",
    "ProgramSettings": "settings",
    "Intake": "intake",
    "MatchingRun": "matching_run",
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

    `actor` is the committee member acting (a User, or None for the system; a mentor for
    their own pause), `action` one of
    the codes above, `target` what it is about (see `target_of`), and `detail` a few plain,
    non-confidential values.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: add it to ACTIONS in {__name__}")
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
