"""The committee's program settings: status and notice, limits, contact addresses, the texts it
writes (Markdown), and the intakes.

Each operation checks every value first and raises DomainError (with `field` naming the form
field) before anything changes, so a refused form saves nothing; otherwise it changes the
settings, records one audit event saying what changed (field names, and old -> new values for
everything but the texts) and commits. Nothing is written when nothing changed.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import markdown as markdown_lib
import nh3
from email_validator import EmailNotValidError, validate_email
from markupsafe import Markup
from sqlalchemy import func, select

from app.committee.audit import trail
from app.errors_domain import DomainError
from app.extensions import db
from app.models import Intake, ProgramSettings, User
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


# --- Markdown texts ---------------------------------------------------------------------------

TEXTS = {
    "program_description": "Program description",
    "mentor_guidelines": "Mentor guidelines",
    "mentee_guidelines": "Mentee guidelines",
}
TEXT_MAX = 20_000
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "h4", "blockquote", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# What the committee is told to remove, rather than having it silently dropped.
_UNSAFE = [
    (re.compile(r"<\s*/?\s*script\b", re.IGNORECASE), "a <script> element"),
    (re.compile(r"<\s*/?\s*(iframe|frame|object|embed)\b", re.IGNORECASE), "an embedded frame"),
    (re.compile(r"<\s*/?\s*style\b", re.IGNORECASE), "a <style> element"),
    (re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE), "an event attribute such as onerror="),
    (re.compile(r"(java|vb)script\s*:", re.IGNORECASE), "a javascript: link"),
    (re.compile(r"\bdata\s*:\s*text/html", re.IGNORECASE), "a data: link"),
]
_HEADING = re.compile(r"<(/?)h([1-6])>")


def _shift_heading(match: re.Match) -> str:
    """Headings in the texts are h2 to h4: the page has its own h1."""
    level = min(max(int(match.group(2)), 2), 4)
    return f"<{match.group(1)}h{level}>"


def render_markdown(text: str | None) -> Markup:
    """`text` (Markdown) as HTML that is safe to show: only ALLOWED_TAGS, links with http(s) or
    mailto addresses, no scripts, frames, styles or event attributes (nh3 removes them)."""
    if not (text or "").strip():
        return Markup("")
    html = markdown_lib.markdown(text, output_format="html")
    html = _HEADING.sub(_shift_heading, html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return Markup(cleaned)  # sanitised by nh3 just above


def unsafe_markup(text: str | None) -> str | None:
    """What in `text` would be removed as unsafe (for a message), or None."""
    for pattern, what in _UNSAFE:
        if pattern.search(text or ""):
            return what
    return None


def check_text(name: str, text: str | None) -> str | None:
    """A text as it will be saved (trimmed; None when empty), or a DomainError for its field."""
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > TEXT_MAX:
        raise DomainError(
            f"Use at most {TEXT_MAX:,} characters (this text has {len(text):,}).", field=name
        )
    what = unsafe_markup(text)
    if what is not None:
        raise DomainError(
            f"This text contains {what}, which can't be shown on the site. Remove it: use "
            "Markdown for lists, emphasis, headings and links (http, https or mailto only).",
            field=name,
        )
    return text or None


def guideline_html(name: str) -> Markup:
    """One of the TEXTS, rendered for a page (empty when the committee has not written it)."""
    if name not in TEXTS:
        raise ValueError(f"Unknown text {name!r}")
    return render_markdown(getattr(get_settings(), name))


# --- status, limits, contacts, texts ----------------------------------------------------------


def _changes(settings: ProgramSettings, values: dict) -> dict[str, list]:
    """{field: [old, new]} for the values that differ from the settings."""
    return {
        name: [getattr(settings, name), value]
        for name, value in values.items()
        if getattr(settings, name) != value
    }


def _apply(settings: ProgramSettings, changes: dict[str, list]) -> None:
    for name, (_, new) in changes.items():
        setattr(settings, name, new)


def _save(actor: User, action: str, values: dict, detail: Callable[[dict], dict]) -> bool:
    """Save the `values` that differ from the settings, record `action` with the names of the
    changed fields and `detail(changes)` (what the audit event may say of them), and commit.
    Returns whether anything changed."""
    settings = get_settings()
    changes = _changes(settings, values)
    if not changes:
        return False
    _apply(settings, changes)
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


# --- intakes ----------------------------------------------------------------------------------

INTAKE_NAME_MAX = 80


def list_intakes() -> list[Intake]:
    """Every intake, the latest first."""
    return list(db.session.scalars(select(Intake).order_by(Intake.opens_on.desc(), Intake.id)))


def _day(value: date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def _check_intake(
    name: str | None, opens_on: date | None, closes_on: date | None, editing: Intake | None
) -> tuple[str, date, date]:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Enter a name, for example “Fall 2026”.", field="name")
    if len(name) > INTAKE_NAME_MAX:
        raise DomainError(f"Use at most {INTAKE_NAME_MAX} characters.", field="name")
    if opens_on is None:
        raise DomainError("Enter the day the intake opens.", field="opens_on")
    if closes_on is None:
        raise DomainError("Enter the day the intake closes.", field="closes_on")
    if closes_on < opens_on:
        raise DomainError(
            f"The intake can't close ({closes_on.isoformat()}) before it opens "
            f"({opens_on.isoformat()}).",
            field="closes_on",
        )
    others = select(Intake).where(Intake.opens_on <= closes_on, Intake.closes_on >= opens_on)
    same_name = select(Intake).where(func.lower(Intake.name) == name.lower())
    if editing is not None:
        others = others.where(Intake.id != editing.id)
        same_name = same_name.where(Intake.id != editing.id)
    other = db.session.scalar(others.order_by(Intake.opens_on).limit(1))
    if other is not None:
        raise DomainError(
            f"These dates overlap the intake “{other.name}” ({_day(other.opens_on)} to "
            f"{_day(other.closes_on)}). Intakes can't overlap: choose other dates.",
            field="opens_on",
        )
    if db.session.scalar(same_name.limit(1)) is not None:
        raise DomainError(f"There is already an intake named “{name}”.", field="name")
    return name, opens_on, closes_on


def _lock_intakes() -> None:
    """Serialise intake changes, so that two overlapping intakes can't be saved at once
    (PostgreSQL: a row lock on the settings; SQLite writes one at a time anyway)."""
    get_settings()
    db.session.scalar(
        select(ProgramSettings.id).order_by(ProgramSettings.id).limit(1).with_for_update()
    )


def add_intake(actor: User, name: str | None, opens_on: date | None, closes_on: date | None):
    """Add an intake. Refused: no name, a duplicate name, closing before opening, or dates that
    overlap another intake (the message names it)."""
    _lock_intakes()
    try:
        name, opens_on, closes_on = _check_intake(name, opens_on, closes_on, None)
    except DomainError:
        db.session.rollback()
        raise
    intake = Intake(name=name, opens_on=opens_on, closes_on=closes_on)
    db.session.add(intake)
    trail.record(
        actor, trail.INTAKE_ADDED, intake, name=name, opens_on=opens_on, closes_on=closes_on
    )
    db.session.commit()
    return intake


def change_intake(
    actor: User, intake: Intake, name: str | None, opens_on: date | None, closes_on: date | None
) -> bool:
    """Change an intake's name or dates (the same rules as `add_intake`). Returns whether
    anything changed."""
    _lock_intakes()
    try:
        name, opens_on, closes_on = _check_intake(name, opens_on, closes_on, intake)
    except DomainError:
        db.session.rollback()
        raise
    changes = _changes(intake, {"name": name, "opens_on": opens_on, "closes_on": closes_on})
    if not changes:
        db.session.rollback()
        return False
    _apply(intake, changes)
    trail.record(
        actor, trail.INTAKE_CHANGED, intake, name=name, fields=sorted(changes), changes=changes
    )
    db.session.commit()
    return True


def delete_intake(actor: User, intake: Intake) -> None:
    """Delete an intake (requests already sent are not affected)."""
    trail.record(
        actor,
        trail.INTAKE_DELETED,
        intake,
        name=intake.name,
        opens_on=intake.opens_on,
        closes_on=intake.closes_on,
    )
    db.session.delete(intake)
    db.session.commit()
