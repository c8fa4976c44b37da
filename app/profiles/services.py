"""Member profiles: the choices a profile offers, and saving one.

`save_profile` checks every field, changes the profile and commits, or raises FieldErrors with
every field's problems and changes nothing. No Flask request or page templates here; routes
call one function each. Who may choose which role is `app.profiles.roles`; what the member
still needs to do to take part is `app.profiles.checklist`; privacy and the member's copy of
their data are `app.profiles.privacy`; deleting an account is `app.leaving`.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.concurrency import retry_on_conflict
from app.eligibility.members import active_mentorships_as_mentor
from app.errors_domain import FieldErrors
from app.extensions import db
from app.models import (
    ContactMethod,
    ExpertiseArea,
    Language,
    Objective,
    Profile,
    Region,
    Sector,
    User,
)
from app.models.profiles import BOTH, MENTOR
from app.profiles.roles import YEARS_MAX, role_problem
from app.text import NOT_OFFERED, clean_text

# Single-line text fields and their lengths, taken from the columns so the two never disagree.
LINE_LIMITS = {
    name: Profile.__table__.c[name].type.length
    for name in (
        "display_name",
        "pronouns",
        "membership_number",
        "position",
        "employer",
        "city",
        "phone",
    )
}


# The long texts are `Text` columns; we keep them readable.
LONG_TEXT_LIMIT = 2000


LONG_TEXT_FIELDS = ("bio", "mentee_goals")


CAPACITY_MIN, CAPACITY_MAX = 1, 5


# A membership expiry outside these bounds is a typing mistake, not a membership.
EXPIRY_EARLIEST = date(2000, 1, 1)


EXPIRY_YEARS_AHEAD = 10


def latest_expiry() -> date:
    return date(clock.today().year + EXPIRY_YEARS_AHEAD, 12, 31)


def expiry_range_message() -> str:
    return _(
        "Enter an expiry date between %(earliest)s and %(latest)s.",
        earliest=EXPIRY_EARLIEST.year,
        latest=latest_expiry().year,
    )


def _at_most(limit: int) -> str:
    return _("Use at most %(limit)s characters.", limit=format_decimal(limit))


# The vocabulary behind each multiple-choice field of the profile.
VOCABULARY_FIELDS = {
    "sectors": Sector,
    "expertise_areas": ExpertiseArea,
    "objectives": Objective,
    "contact_methods": ContactMethod,
    "languages": Language,
}


_PHONE = re.compile(r"[0-9 ()+.\-]+(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?", re.IGNORECASE)


_MEMBERSHIP_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./\-]*")


def vocabulary_options() -> dict[str, list]:
    """The entries a member may choose, per profile field: active ones only, in their order."""
    options = {
        name: db.session.scalars(
            select(model).where(model.active).order_by(model.position, model.name)
        ).all()
        for name, model in VOCABULARY_FIELDS.items()
    }
    options["region_id"] = db.session.scalars(
        select(Region).where(Region.active).order_by(Region.position, Region.name)
    ).all()
    return options


def _offered_entries(model, ids) -> list | None:
    """The active entries with these ids, or None if any id is unknown, inactive or not an id."""
    ids = list(ids or ())
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return None
    wanted = set(ids)
    if not wanted:
        return []
    entries = db.session.scalars(select(model).where(model.id.in_(wanted), model.active)).all()
    return entries if len(entries) == len(wanted) else None


@dataclass
class ProfileChanges:
    """Everything the profile form sends, already parsed (ids as ints, the date as a date).
    `save_profile` checks all of it again: a caller can't skip a rule."""

    display_name: str | None = None
    pronouns: str | None = None
    membership_number: str | None = None
    membership_expires_on: date | None = None
    position: str | None = None
    employer: str | None = None
    years_experience: int | None = None
    role: str | None = None
    region_id: int | None = None
    city: str | None = None
    phone: str | None = None
    bio: str | None = None
    mentee_goals: str | None = None
    mentor_capacity: int | None = CAPACITY_MIN
    accepting_requests: bool = True
    sectors: list[int] = field(default_factory=list)
    expertise_areas: list[int] = field(default_factory=list)
    objectives: list[int] = field(default_factory=list)
    contact_methods: list[int] = field(default_factory=list)
    languages: list[int] = field(default_factory=list)


def _whole_number(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _ProfileCheck:
    """The checks of one `save_profile` call: each reads `changes`, notes its problems by
    field, and keeps the clean value it found."""

    def __init__(self, user: User, changes: ProfileChanges):
        self.user = user
        self.changes = changes
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def texts(self) -> dict[str, str | None]:
        text = {
            name: clean_text(getattr(self.changes, name))
            for name in (*LINE_LIMITS, *LONG_TEXT_FIELDS)
        }
        for name, limit in LINE_LIMITS.items():
            if text[name] and "\n" in text[name]:
                text[name] = " ".join(text[name].split())
            if text[name] and len(text[name]) > limit:
                self.fail(name, _at_most(limit))
        for name in LONG_TEXT_FIELDS:
            if text[name] and len(text[name]) > LONG_TEXT_LIMIT:
                self.fail(name, _at_most(LONG_TEXT_LIMIT))
        if not text["display_name"]:
            self.fail("display_name", _("Enter the name other members will see."))
        phone = text["phone"]
        if phone and (not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 7):
            self.fail("phone", _("Enter a phone number like 416-555-0123, or leave it empty."))
        number = text["membership_number"]
        if number and not _MEMBERSHIP_NUMBER.fullmatch(number):
            self.fail(
                "membership_number",
                _("Use only letters, digits, spaces, dots, dashes and slashes."),
            )
        return text

    def membership_expiry(self, number: str | None) -> date | None:
        """The expiry date, which goes together with the membership number."""
        typed = self.changes.membership_expires_on
        expires_on = typed
        if expires_on is not None and not isinstance(expires_on, date):
            self.fail("membership_expires_on", _("Enter a date."))
            expires_on = None
        if expires_on is not None and not EXPIRY_EARLIEST <= expires_on <= latest_expiry():
            self.fail("membership_expires_on", expiry_range_message())
        if number and typed is None:
            self.fail("membership_expires_on", _("Add the date your membership expires."))
        if typed is not None and not number:
            self.fail("membership_number", _("Add your membership number."))
        return expires_on

    def years(self) -> int | None:
        typed = self.changes.years_experience
        years = _whole_number(typed)
        if typed is not None and (years is None or not 0 <= years <= YEARS_MAX):
            self.fail(
                "years_experience",
                _("Enter a whole number of years from 0 to %(most)s.", most=YEARS_MAX),
            )
            return None
        return years

    def capacity(self) -> int | None:
        capacity = _whole_number(self.changes.mentor_capacity)
        if capacity is None or not CAPACITY_MIN <= capacity <= CAPACITY_MAX:
            self.fail(
                "mentor_capacity",
                _(
                    "Choose how many mentees at once, from %(least)s to %(most)s.",
                    least=CAPACITY_MIN,
                    most=CAPACITY_MAX,
                ),
            )
        return capacity

    def role(self, years: int | None) -> str | None:
        """The role, open to `years` of experience; a mentor who is mentoring keeps it."""
        role = self.changes.role or None
        if "years_experience" not in self.errors:
            problem = role_problem(role, years)
            if problem:
                self.fail("role", problem)
        profile = self.user.profile
        if (
            profile is not None
            and profile.is_mentor
            and role not in (MENTOR, BOTH)
            and active_mentorships_as_mentor(self.user) > 0
        ):
            self.fail(
                "role", _("You are mentoring someone now: keep the mentor role until that ends.")
            )
        return role

    def choices(self) -> dict[str, list]:
        chosen = {}
        for name, model in VOCABULARY_FIELDS.items():
            entries = _offered_entries(model, getattr(self.changes, name))
            if entries is None:
                self.fail(name, NOT_OFFERED)
            chosen[name] = entries
        return chosen

    def region(self) -> Region | None:
        if self.changes.region_id is None:
            return None
        found = _offered_entries(Region, [self.changes.region_id])
        if found is None:
            self.fail("region_id", NOT_OFFERED)
            return None
        return found[0]


@retry_on_conflict
def save_profile(user: User, changes: ProfileChanges) -> Profile:
    """Check every field of `changes` and save them all, or raise FieldErrors and save none.

    Rules: lengths bounded by the columns (long texts by LONG_TEXT_LIMIT); years 0-80;
    capacity 1-5; vocabulary ids must be active entries; mentor and "both" need
    MENTOR_MIN_YEARS years; a mentor with an active mentorship keeps the mentor role; the
    membership number and expiry go together. Changing either clears the committee's
    verification, so the committee verifies the new details.
    """
    check = _ProfileCheck(user, changes)
    text = check.texts()
    expires_on = check.membership_expiry(text["membership_number"])
    years = check.years()
    capacity = check.capacity()
    role = check.role(years)
    chosen = check.choices()
    region = check.region()
    if check.errors:
        raise FieldErrors(check.errors)

    profile = user.profile
    if profile is None:
        profile = Profile(user=user, created_at=clock.utcnow())
        db.session.add(profile)
    elif _membership_changed(profile, text["membership_number"], expires_on):
        profile.membership_verified_at = None
        profile.membership_verified_by_id = None
    for name, value in text.items():
        setattr(profile, name, value)
    profile.membership_expires_on = expires_on
    profile.years_experience = years
    profile.role = role
    profile.region = region
    profile.mentor_capacity = capacity
    profile.accepting_requests = bool(changes.accepting_requests)
    for name, entries in chosen.items():
        setattr(profile, name, entries)
    profile.updated_at = clock.utcnow()
    db.session.commit()
    return profile


def _membership_changed(profile: Profile, number: str | None, expires_on: date | None) -> bool:
    """A verified membership whose number or expiry the member changed: verify it again."""
    return profile.membership_verified_at is not None and (
        profile.membership_number != number or profile.membership_expires_on != expires_on
    )
