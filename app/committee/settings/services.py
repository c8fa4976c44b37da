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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.committee.audit import trail
from app.committee.settings.texts import FRENCH, TEXTS, check_text, is_french, unsafe_markup
from app.concurrency import retry_on_conflict
from app.errors_domain import DomainError
from app.extensions import db
from app.models import ProgramSettings, User
from app.program import get_settings

STATUSES = {
    ProgramSettings.OPEN: _l("Open: members can send new requests"),
    ProgramSettings.PAUSED: _l("Paused: no new requests; active pairs carry on"),
    ProgramSettings.CLOSED: _l("Closed: no new requests"),
}
# The status as the sentence "the program is ..." ends.
STATUS_WORDS = {
    ProgramSettings.OPEN: _l("open"),
    ProgramSettings.PAUSED: _l("paused"),
    ProgramSettings.CLOSED: _l("closed"),
}
NOTICE_MAX = 500


# --- limits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """A whole-number setting and the range the committee may choose from."""

    name: str
    label: str  # lazy strings: read in the page's language
    minimum: int
    maximum: int
    hint: str


LIMITS = [
    Limit(
        "max_pending_requests_per_mentee",
        _l("Requests a mentee may have waiting at once"),
        1,
        10,
        _l("How many unanswered requests a mentee may have at the same time."),
    ),
    Limit(
        "max_active_mentorships_per_mentee",
        _l("Mentors a mentee may have at once"),
        1,
        5,
        _l("How many active mentorships a mentee may be in at the same time."),
    ),
    Limit(
        "request_expiry_days",
        _l("Days before an unanswered request expires"),
        3,
        60,
        _l("A request the mentor has not answered in this many days expires."),
    ),
    Limit(
        "checkin_reminder_days",
        _l("Days without a check-in before a reminder"),
        7,
        180,
        _l("Both partners are reminded when their mentorship has had no check-in for this long."),
    ),
]
LIMITS_BY_NAME = {limit.name: limit for limit in LIMITS}


def check_limit(limit: Limit, value) -> int:
    """`value` as a whole number within the limit's range, or a DomainError for its field."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            _(
                "Enter a whole number from %(minimum)s to %(maximum)s.",
                minimum=limit.minimum,
                maximum=limit.maximum,
            ),
            field=limit.name,
        )
    if not limit.minimum <= value <= limit.maximum:
        raise DomainError(
            _(
                "%(value)s is outside the range: enter a whole number from %(minimum)s to "
                "%(maximum)s.",
                value=value,
                minimum=limit.minimum,
                maximum=limit.maximum,
            ),
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
    for name, (_old, new) in changes.items():
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


def check_notice(field: str, notice: str | None) -> str | None:
    """One version of the notice (`field`: "notice", or "notice_fr" for the French one) as it
    will be saved: plain text on one line, at most NOTICE_MAX characters; None when empty. A
    DomainError that says which version is refused."""
    notice = " ".join((notice or "").split()) or None
    if notice is None:
        return None
    french = is_french(field)
    if len(notice) > NOTICE_MAX:
        values = {"max": NOTICE_MAX, "num": len(notice)}
        raise DomainError(
            _(
                "The French notice is too long: use at most %(max)s characters (it has %(num)s).",
                **values,
            )
            if french
            else _(
                "The English notice is too long: use at most %(max)s characters (it has %(num)s).",
                **values,
            ),
            field=field,
        )
    if unsafe_markup(notice):
        raise DomainError(
            _("The French notice is plain text: remove the code from it.")
            if french
            else _("The English notice is plain text: remove the code from it."),
            field=field,
        )
    return notice


def update_status(
    actor: User,
    status: str,
    notice: str | None,
    requests_only_during_intake: bool,
    notice_fr: str | None = None,
) -> bool:
    """Open, pause or close the program, with the notice shown on every page while it is not
    open (in English and in French: each reader sees their language's, else the other), and
    whether requests are taken only during an intake. Returns whether anything changed. The
    notices' text is not copied into the audit event, only that they changed."""
    if status not in STATUSES:
        raise DomainError(_("Choose open, paused or closed."), field="status")
    values = {
        "status": status,
        "notice": check_notice("notice", notice),
        "notice" + FRENCH: check_notice("notice" + FRENCH, notice_fr),
        "requests_only_during_intake": bool(requests_only_during_intake),
    }
    return _save(
        actor,
        trail.SETTINGS_STATUS_CHANGED,
        values,
        lambda changes: {
            "changes": {n: c for n, c in changes.items() if not n.startswith("notice")}
        },
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
            _(
                "“%(value)s” is not an e-mail address. Enter one like committee@example.org.",
                value=value[:80],
            ),
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


def text_fields() -> list[str]:
    """The fields of the TEXTS' versions: each name (English) then `<name>_fr` (French)."""
    return [field for name in TEXTS for field in (name, name + FRENCH)]


def update_texts(actor: User, texts: dict) -> bool:
    """Change the Markdown TEXTS, both versions: `texts` maps each of `text_fields()` to its
    new text (a missing one is emptied). Every version is checked (length, no scripts,
    frames, event attributes or javascript: links; the message says which version) before
    any is saved. The audit event names the versions that changed and their new lengths,
    never their content."""
    checked = {field: check_text(field, texts.get(field)) for field in text_fields()}
    return _save(
        actor,
        trail.SETTINGS_TEXTS_CHANGED,
        checked,
        lambda changes: {
            "lengths": {name: len(new or "") for name, (_old, new) in changes.items()}
        },
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
        _(
            "“%(value)s” is not a time zone name we know. Enter an IANA name as Continent/City, "
            "for example America/Toronto (Ontario) or America/Winnipeg.",
            value=value[:TIME_ZONE_MAX],
        ),
        field="time_zone",
    )


def update_time_zone(actor: User, name: str | None) -> bool:
    """Change the time zone the program's days are counted in (empty: PROGRAM_TIME_ZONE).
    Stored times don't change (they are UTC); what changes is which day they fall on, so
    "today", the last day to answer new requests and the dashboard's months. Returns whether
    anything changed."""
    values = {"time_zone": check_time_zone(name)}
    return _save(actor, trail.SETTINGS_TIME_ZONE_CHANGED, values, _all_changes)
