"""The committee's program settings: status and notice, limits, contact addresses and the texts
it writes (Markdown, checked and rendered by `app.committee.settings.texts`).

Each operation checks every value first and raises DomainError (with `field` naming the form
field) before anything changes, so a refused form saves nothing; otherwise it changes the
settings, records one audit event saying what changed (field names, and old -> new values for
everything but the texts) and commits. Nothing is written when nothing changed.
"""

from collections.abc import Callable
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from app import clock
from app.committee.audit import trail
from app.committee.settings.texts import TEXTS, check_text, unsafe_markup
from app.concurrency import retry_on_conflict
from app.errors_domain import DomainError
from app.extensions import db
from app.models import ProgramSettings, User
from app.program import get_settings

STATUSES = {
    ProgramSettings.OPEN: "Open: members can send new requests",
    ProgramSettings.PAUSED: "Paused: no new requests; active pairs carry on",
    ProgramSettings.CLOSED: "Closed: no new requests",
}
NOTICE_MAX = 500


# --- limits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """A whole-number setting and the range the committee may choose from."""

    name: str
    label: str
    minimum: int
    maximum: int
    hint: str


LIMITS = [
    Limit(
        "max_pending_requests_per_mentee",
        "Requests a mentee may have waiting at once",
        1,
        10,
        "How many unanswered requests a mentee may have at the same time.",
    ),
    Limit(
        "max_active_mentorships_per_mentee",
        "Mentors a mentee may have at once",
        1,
        5,
        "How many active mentorships a mentee may be in at the same time.",
    ),
    Limit(
        "request_expiry_days",
        "Days before an unanswered request expires",
        3,
        60,
        "A request the mentor has not answered in this many days expires.",
    ),
    Limit(
        "checkin_reminder_days",
        "Days without a check-in before a reminder",
        7,
        180,
        "Both partners are reminded when their mentorship has had no check-in for this long.",
    ),
]
LIMITS_BY_NAME = {limit.name: limit for limit in LIMITS}


def check_limit(limit: Limit, value) -> int:
    """`value` as a whole number within the limit's range, or a DomainError for its field."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            f"Enter a whole number from {limit.minimum} to {limit.maximum}.", field=limit.name
        )
    if not limit.minimum <= value <= limit.maximum:
        raise DomainError(
            f"{value} is outside the range: enter a whole number from {limit.minimum} to "
            f"{limit.maximum}.",
            field=limit.name,
        )
    return value


# --- status, limits, contacts, texts ----------------------------------------------------------


def changed_values(record, values: dict) -> dict[str, list]:
    """{field: [old, new]} for the `values` that differ from those of `record` (the settings,
    an intake)."""
    return {
        name: [getattr(record, name), value]
        for name, value in values.items()
        if getattr(record, name) != value
    }


def apply_changes(record, changes: dict[str, list]) -> None:
    """Set the new values of `changed_values(record, ...)` on `record`."""
    for name, (_, new) in changes.items():
        setattr(record, name, new)


@retry_on_conflict
def _save(actor: User, action: str, values: dict, detail: Callable[[dict], dict]) -> bool:
    """Save the `values` that differ from the settings, record `action` with the names of the
    changed fields and `detail(changes)` (what the audit event may say of them), and commit.
    Returns whether anything changed."""
    settings = get_settings()
    changes = changed_values(settings, values)
    if not changes:
        return False
    apply_changes(settings, changes)
    trail.record(actor, action, settings, fields=sorted(changes), **detail(changes))
    db.session.commit()
    return True


def _all_changes(changes: dict) -> dict:
    return {"changes": changes}


def update_status(
    actor: User, status: str, notice: str | None, requests_only_during_intake: bool
) -> bool:
    """Open, pause or close the program, with the notice shown on every page while it is not
    open, and whether requests are taken only during an intake. Returns whether anything
    changed. The notice's text is not copied into the audit event, only that it changed."""
    if status not in STATUSES:
        raise DomainError("Choose open, paused or closed.", field="status")
    notice = " ".join((notice or "").split()) or None
    if notice is not None and len(notice) > NOTICE_MAX:
        raise DomainError(
            f"Use at most {NOTICE_MAX} characters (the notice has {len(notice)}).", field="notice"
        )
    if notice is not None and unsafe_markup(notice):
        raise DomainError("The notice is plain text: remove the code from it.", field="notice")
    values = {
        "status": status,
        "notice": notice,
        "requests_only_during_intake": bool(requests_only_during_intake),
    }
    return _save(
        actor,
        trail.SETTINGS_STATUS_CHANGED,
        values,
        lambda changes: {"changes": {n: c for n, c in changes.items() if n != "notice"}},
    )


def update_limits(actor: User, values: dict) -> bool:
    """Change the LIMITS: `values` maps each limit's name to a whole number in its range.
    Every value is checked before any is saved. Returns whether anything changed."""
    checked = {limit.name: check_limit(limit, values.get(limit.name)) for limit in LIMITS}
    return _save(actor, trail.SETTINGS_LIMITS_CHANGED, checked, _all_changes)


def check_email(value: str | None, field: str) -> str | None:
    """An e-mail address, normalised (None when empty: the configured default is used)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise DomainError(
            f"“{value[:80]}” is not an e-mail address. Enter one like committee@example.org.",
            field=field,
        ) from None
    return result.normalized.lower()


def update_contacts(actor: User, program_email: str | None, support_email: str | None) -> bool:
    """Change the two public contact addresses (empty: the configured default). Returns
    whether anything changed."""
    values = {
        "program_contact_email": check_email(program_email, "program_contact_email"),
        "support_contact_email": check_email(support_email, "support_contact_email"),
    }
    return _save(actor, trail.SETTINGS_CONTACTS_CHANGED, values, _all_changes)


def update_texts(actor: User, texts: dict) -> bool:
    """Change the Markdown TEXTS (`texts` maps each name to its new text). Every text is checked
    (length, no scripts, frames, event attributes or javascript: links) before any is saved.
    The audit event names the texts that changed and their new lengths, never their content."""
    checked = {name: check_text(name, texts.get(name)) for name in TEXTS}
    return _save(
        actor,
        trail.SETTINGS_TEXTS_CHANGED,
        checked,
        lambda changes: {"lengths": {name: len(new or "") for name, (_, new) in changes.items()}},
    )


def update_matching(actor: User, need_confirmation: bool) -> bool:
    """Whether mentors confirm the pairs the committee publishes from the matching workbench
    (each gets a request to accept or decline) or the mentorships start at once. Returns
    whether anything changed."""
    values = {"committee_matches_need_confirmation": bool(need_confirmation)}
    return _save(actor, trail.SETTINGS_MATCHING_CHANGED, values, _all_changes)


TIME_ZONE_MAX = 64
# Offered as the committee types (any IANA name is accepted): Canada's zones, then UTC.
SUGGESTED_TIME_ZONES = [
    "America/Toronto",
    "America/Winnipeg",
    "America/Halifax",
    "America/St_Johns",
    "America/Regina",
    "America/Edmonton",
    "America/Vancouver",
    "UTC",
]


def check_time_zone(value: str | None) -> str | None:
    """An IANA time zone name as the zone database spells it ("america/toronto" is
    America/Toronto); None when empty (PROGRAM_TIME_ZONE is used). A DomainError for a name the
    zone database does not know."""
    value = " ".join((value or "").split())
    if not value:
        return None
    if clock.is_time_zone_name(value):
        return value
    by_lower = {name.lower(): name for name in clock.time_zone_names()}
    if value.lower() in by_lower:
        return by_lower[value.lower()]
    raise DomainError(
        f"“{value[:TIME_ZONE_MAX]}” is not a time zone name we know. Enter an IANA name as "
        "Continent/City, for example America/Toronto (Ontario) or America/Winnipeg.",
        field="time_zone",
    )


def update_time_zone(actor: User, name: str | None) -> bool:
    """Change the time zone the program's days are counted in (empty: PROGRAM_TIME_ZONE).
    Stored times don't change (they are UTC); what changes is which day they fall on, so
    "today", the last day to answer new requests and the dashboard's months. Returns whether
    anything changed."""
    values = {"time_zone": check_time_zone(name)}
    return _save(actor, trail.SETTINGS_TIME_ZONE_CHANGED, values, _all_changes)
