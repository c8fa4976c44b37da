"""Member profiles: saving them, role agreements, eligibility at a glance, privacy.

Each operation checks its rules, changes the models and commits, or raises a DomainError (for
a profile, `ProfileInvalid` with every field's problems) and changes nothing. No Flask request
or page templates here; routes call one function each.

Hooks into the requests and mentorships (app/requests/services.py does the work):
- `has_active_mentorship_as_mentor`: a mentor keeps the role while mentoring;
- `is_matched_partner`: for `can_see_contact_details`;
- `withdraw_pending_requests` and `tell_active_partners`: called when a member deletes their
  account.
"""

import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select, update

from app import clock
from app.auth.passwords import verify_password
from app.eligibility import Reason, mentee_reasons, mentor_reasons, participation_reasons
from app.errors_domain import DomainError
from app.extensions import db
from app.models import (
    CheckIn,
    ContactMethod,
    ExpertiseArea,
    Language,
    LoginSession,
    Mentorship,
    MentorshipRequest,
    Objective,
    OutboxEmail,
    Profile,
    Region,
    RoleAgreement,
    Sector,
    User,
)
from app.models.profiles import BOTH, MENTEE, MENTOR, MENTOR_MIN_YEARS, ROLES

# --- limits and words --------------------------------------------------------------------------

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
YEARS_MAX = 80
CAPACITY_MIN, CAPACITY_MAX = 1, 5
# A membership expiry outside these bounds is a typing mistake, not a membership.
EXPIRY_EARLIEST = date(2000, 1, 1)
EXPIRY_YEARS_AHEAD = 10

ROLE_LABELS = {
    MENTEE: "Mentee: I would like a mentor",
    MENTOR: "Mentor: I can guide a mentee",
    BOTH: "Both mentor and mentee",
}
ROLE_NAMES = {MENTEE: "mentee", MENTOR: "mentor", BOTH: "mentor and mentee"}
TOO_LITTLE_EXPERIENCE = (
    f"Mentors need at least {MENTOR_MIN_YEARS} years of library work experience."
)
NOT_OFFERED = "Choose from the options shown."

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

# --- role agreements: the text versions members confirm ---------------------------------------

# Raise a role's version when its text (templates/profiles/_agreement_<role>.html) changes in
# substance: every member of that role is asked to read and confirm it again.
AGREEMENT_VERSIONS = {MENTOR: "2026-11", MENTEE: "2026-11"}
AGREEMENT_ROLES = (MENTEE, MENTOR)

# --- account deletion ---------------------------------------------------------------------------

DELETED_NAME = "Deleted member"
# ".invalid" is reserved (RFC 2606): mail to it can never be delivered.
DELETED_EMAIL_DOMAIN = "invalid"


class ProfileInvalid(DomainError):
    """The profile was not saved: `errors` maps form field names to their messages."""

    def __init__(self, errors: dict[str, list[str]]):
        field_name, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=field_name)
        self.errors = errors


# --- vocabularies -------------------------------------------------------------------------------


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


# --- the role rule ------------------------------------------------------------------------------


def roles_open_to(years: int | None) -> tuple[str, ...]:
    """The roles a member with this much library work experience may choose."""
    if (years or 0) >= MENTOR_MIN_YEARS:
        return ROLES
    return (MENTEE,)


def role_problem(role: str | None, years: int | None) -> str | None:
    """Why `role` is not open to a member with `years` of experience, or None if it is."""
    if role is None:
        return None
    if role not in ROLES:
        return "Choose mentee, mentor or both."
    if role not in roles_open_to(years):
        return TOO_LITTLE_EXPERIENCE
    return None


@dataclass
class RoleChoices:
    """What the role radio buttons show for the years typed so far (edit page and fragment).

    `state` is "all" (every role open), "mentee-only" or "unknown" (no usable years). The page
    sends back the state it shows; `announcement` is set when what is open changes, or when the
    chosen role had to become mentee, for the page's aria-live region.
    """

    open_roles: tuple[str, ...]
    selected: str | None
    state: str
    announcement: str | None = None
    live: bool = False  # True in the HTMX fragment: closed roles are disabled


ROLE_ANNOUNCEMENTS = {
    "all": f"With {MENTOR_MIN_YEARS} or more years of library work experience you can be a "
    "mentor, a mentee, or both.",
    "mentee-only": f"With less than {MENTOR_MIN_YEARS} years of library work experience you can "
    f"take part as a mentee. Mentor and both need at least {MENTOR_MIN_YEARS} years.",
    "unknown": "Enter your years of library work experience to see which roles are open to you.",
}


def role_choices_for_page(role: str | None) -> RoleChoices:
    """The full page (also without JavaScript) offers every role; saving applies the rule."""
    return RoleChoices(open_roles=ROLES, selected=role if role in ROLES else None, state="all")


def role_choices(years: int | None, role: str | None, shown_state: str | None) -> RoleChoices:
    """The role choices once the member has typed `years` (None: nothing usable typed).

    Closed roles are disabled; a closed role that was chosen becomes mentee, and the
    announcement says so.
    """
    role = role if role in ROLES else None
    if years is None or not 0 <= years <= YEARS_MAX:
        state, open_roles = "unknown", ROLES
    else:
        open_roles = roles_open_to(years)
        state = "all" if open_roles == ROLES else "mentee-only"
    switched = role is not None and role not in open_roles
    selected = MENTEE if switched else role
    announcement = None
    if state != shown_state or switched:
        announcement = ROLE_ANNOUNCEMENTS[state]
        if switched:
            announcement += " Your role is now set to mentee."
    return RoleChoices(open_roles, selected, state, announcement, live=True)


def has_active_mentorship_as_mentor(user: User) -> bool:
    """Whether `user` is mentoring someone right now (then they keep the mentor role)."""
    if user is None or user.id is None:
        return False
    return (
        db.session.scalar(
            select(Mentorship.id)
            .where(Mentorship.mentor_id == user.id, Mentorship.status == Mentorship.ACTIVE)
            .limit(1)
        )
        is not None
    )


# --- saving a profile ---------------------------------------------------------------------------


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


def clean_text(value) -> str | None:
    """Trim a text and use plain newlines; an empty text is None."""
    if value is None:
        return None
    value = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return value or None


def _whole_number(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def save_profile(user: User, changes: ProfileChanges) -> Profile:
    """Check every field of `changes` and save them all, or raise ProfileInvalid and save none.

    Rules: lengths bounded by the columns (long texts by LONG_TEXT_LIMIT); years 0-80;
    capacity 1-5; vocabulary ids must be active entries; mentor and "both" need
    MENTOR_MIN_YEARS years; a mentor with an active mentorship keeps the mentor role; the
    membership number and expiry go together. Changing either clears the committee's
    verification, so the committee verifies the new details.
    """
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    text = {name: clean_text(getattr(changes, name)) for name in (*LINE_LIMITS, *LONG_TEXT_FIELDS)}
    for name, limit in LINE_LIMITS.items():
        if text[name] and "\n" in text[name]:
            text[name] = " ".join(text[name].split())
        if text[name] and len(text[name]) > limit:
            fail(name, f"Use at most {limit:,} characters.")
    for name in LONG_TEXT_FIELDS:
        if text[name] and len(text[name]) > LONG_TEXT_LIMIT:
            fail(name, f"Use at most {LONG_TEXT_LIMIT:,} characters.")
    if not text["display_name"]:
        fail("display_name", "Enter the name other members will see.")
    if text["phone"] and (
        not _PHONE.fullmatch(text["phone"]) or sum(c.isdigit() for c in text["phone"]) < 7
    ):
        fail("phone", "Enter a phone number like 416-555-0123, or leave it empty.")
    number = text["membership_number"]
    if number and not _MEMBERSHIP_NUMBER.fullmatch(number):
        fail("membership_number", "Use only letters, digits, spaces, dots, dashes and slashes.")

    expires_on = changes.membership_expires_on
    if expires_on is not None and not isinstance(expires_on, date):
        fail("membership_expires_on", "Enter a date.")
        expires_on = None
    if expires_on is not None:
        latest = date(clock.today().year + EXPIRY_YEARS_AHEAD, 12, 31)
        if not EXPIRY_EARLIEST <= expires_on <= latest:
            fail(
                "membership_expires_on",
                f"Enter an expiry date between {EXPIRY_EARLIEST.year} and {latest.year}.",
            )
    if number and changes.membership_expires_on is None:
        fail("membership_expires_on", "Add the date your membership expires.")
    if changes.membership_expires_on is not None and not number:
        fail("membership_number", "Add your membership number.")

    years = _whole_number(changes.years_experience)
    if changes.years_experience is not None and (years is None or not 0 <= years <= YEARS_MAX):
        fail("years_experience", f"Enter a whole number of years from 0 to {YEARS_MAX}.")
        years = None
    capacity = _whole_number(changes.mentor_capacity)
    if capacity is None or not CAPACITY_MIN <= capacity <= CAPACITY_MAX:
        fail(
            "mentor_capacity",
            f"Choose how many mentees at once, from {CAPACITY_MIN} to {CAPACITY_MAX}.",
        )

    role = changes.role or None
    if "years_experience" not in errors:
        problem = role_problem(role, years)
        if problem:
            fail("role", problem)
    profile = user.profile
    if (
        profile is not None
        and profile.is_mentor
        and role not in (MENTOR, BOTH)
        and has_active_mentorship_as_mentor(user)
    ):
        fail("role", "You are mentoring someone now: keep the mentor role until that ends.")

    chosen = {}
    for name, model in VOCABULARY_FIELDS.items():
        entries = _offered_entries(model, getattr(changes, name))
        if entries is None:
            fail(name, NOT_OFFERED)
        chosen[name] = entries
    region = None
    if changes.region_id is not None:
        found = _offered_entries(Region, [changes.region_id])
        if found is None:
            fail("region_id", NOT_OFFERED)
        else:
            region = found[0]

    if errors:
        raise ProfileInvalid(errors)

    if profile is None:
        profile = Profile(user=user, created_at=clock.utcnow())
        db.session.add(profile)
    elif (
        profile.membership_number != number or profile.membership_expires_on != expires_on
    ) and profile.membership_verified_at is not None:
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


# --- role agreements ----------------------------------------------------------------------------


def latest_agreement(user: User, role: str) -> RoleAgreement | None:
    """The member's most recent confirmation of `role`'s expectations (any version)."""
    return db.session.scalar(
        select(RoleAgreement)
        .where(RoleAgreement.user_id == user.id, RoleAgreement.role == role)
        .order_by(RoleAgreement.agreed_at.desc(), RoleAgreement.id.desc())
        .limit(1)
    )


def has_current_agreement(user: User, role: str) -> bool:
    """Whether `user` confirmed the current text of `role`'s expectations ("mentor"/"mentee")."""
    version = AGREEMENT_VERSIONS.get(role)
    if version is None or user is None or user.id is None:
        return False
    return (
        db.session.scalar(
            select(RoleAgreement.id).where(
                RoleAgreement.user_id == user.id,
                RoleAgreement.role == role,
                RoleAgreement.version == version,
            )
        )
        is not None
    )


def agreement_role_for(user: User, requested: str | None) -> str | None:
    """Which role's agreement to show: the one asked for (None if it is not a role), else the
    first of the member's roles still waiting for a confirmation, else mentee."""
    if requested:
        return requested if requested in AGREEMENT_ROLES else None
    profile = user.profile
    for role in AGREEMENT_ROLES:
        has_role = profile is not None and (
            profile.is_mentee if role == MENTEE else profile.is_mentor
        )
        if has_role and not has_current_agreement(user, role):
            return role
    return MENTOR if profile is not None and profile.role == MENTOR else MENTEE


@dataclass
class AgreementState:
    """A member and one role's expectations: their latest confirmation, and whether it is of
    the current text."""

    role: str
    version: str
    latest: RoleAgreement | None
    current: bool


def agreement_state(user: User, role: str) -> AgreementState:
    return AgreementState(
        role=role,
        version=AGREEMENT_VERSIONS[role],
        latest=latest_agreement(user, role),
        current=has_current_agreement(user, role),
    )


def may_confirm_agreement(user: User, role: str) -> bool:
    """Anyone may confirm the mentee's expectations; the mentor's need enough experience."""
    if role != MENTOR:
        return role in AGREEMENT_ROLES
    return MENTOR in roles_open_to(user.profile.years_experience if user.profile else None)


def confirm_agreement(user: User, role: str) -> RoleAgreement:
    """Record that `user` read and accepts the current expectations of `role`.

    Confirming again changes nothing. The mentor's expectations can only be confirmed with
    enough experience to be a mentor.
    """
    if role not in AGREEMENT_ROLES:
        raise DomainError("Choose the mentor or the mentee agreement.")
    if not may_confirm_agreement(user, role):
        raise DomainError(TOO_LITTLE_EXPERIENCE)
    version = AGREEMENT_VERSIONS[role]
    existing = db.session.scalar(
        select(RoleAgreement).where(
            RoleAgreement.user_id == user.id,
            RoleAgreement.role == role,
            RoleAgreement.version == version,
        )
    )
    if existing is not None:
        return existing
    agreement = RoleAgreement(user_id=user.id, role=role, version=version, agreed_at=clock.utcnow())
    db.session.add(agreement)
    db.session.commit()
    return agreement


# --- eligibility at a glance --------------------------------------------------------------------


@dataclass
class RoleChecklist:
    """What a member still needs to do for one role (reasons shared by both roles left out)."""

    role: str
    reasons: list[Reason]


@dataclass
class EligibilityOverview:
    """Everything the profile and home pages say about taking part."""

    has_profile: bool
    participation: list[Reason]
    roles: list[RoleChecklist]
    invite_to_mentor: bool

    @property
    def ready(self) -> bool:
        """True when the member can take part in every role they chose."""
        return (
            self.has_profile
            and bool(self.roles)
            and not self.participation
            and not any(r.reasons for r in self.roles)
        )

    @property
    def all_reasons(self) -> list[Reason]:
        return self.participation + [reason for r in self.roles for reason in r.reasons]


def eligibility_overview(user: User, today: date) -> EligibilityOverview:
    """Ask app.eligibility about `user`: the shared reasons once, then each role they have."""
    shared = participation_reasons(user, today)
    shared_codes = {reason.code for reason in shared}
    profile = user.profile
    roles = []
    if profile is not None and profile.is_mentee:
        reasons = mentee_reasons(user, today, has_current_agreement(user, MENTEE))
        roles.append(RoleChecklist(MENTEE, [r for r in reasons if r.code not in shared_codes]))
    if profile is not None and profile.is_mentor:
        reasons = mentor_reasons(user, today, has_current_agreement(user, MENTOR))
        roles.append(RoleChecklist(MENTOR, [r for r in reasons if r.code not in shared_codes]))
    return EligibilityOverview(
        has_profile=profile is not None,
        participation=shared,
        roles=roles,
        invite_to_mentor=may_grow_into_mentor(profile),
    )


def may_grow_into_mentor(profile: Profile | None) -> bool:
    """A mentee-only member who now has enough experience to be a mentor too."""
    return profile is not None and profile.role == MENTEE and profile.may_mentor


# --- privacy ------------------------------------------------------------------------------------


def is_matched_partner(viewer: User, member: User) -> bool:
    """Whether the two are mentor and mentee (either way round) of an active mentorship."""
    if viewer is None or member is None or viewer.id is None or member.id is None:
        return False
    pair = {viewer.id, member.id}
    if len(pair) != 2:
        return False
    return (
        db.session.scalar(
            select(Mentorship.id)
            .where(
                Mentorship.status == Mentorship.ACTIVE,
                Mentorship.mentor_id.in_(pair),
                Mentorship.mentee_id.in_(pair),
            )
            .limit(1)
        )
        is not None
    )


def can_see_contact_details(viewer, member: User) -> bool:
    """Whether `viewer` may see `member`'s e-mail address and phone number: the member
    themself, the committee, and (once mentorships exist) their matched partner."""
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return False
    if viewer.id == member.id or viewer.is_committee:
        return True
    return is_matched_partner(viewer, member)


# Long, unguessable parts of links (sign-in and verification tokens) are left out of exports.
_LINK_TOKEN = re.compile(r"(https?://[^\s<>\"']*/)[A-Za-z0-9_\-.]{24,}")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _names(entries) -> list[str]:
    return [entry.name for entry in sorted(entries, key=lambda e: (e.position, e.name))]


def export_member_data(user: User) -> dict:
    """Everything Mentor Match holds about `user`, for "Download my data".

    The password hash and session ids are never included; links with tokens in copies of
    e-mails are shortened so the file can't be used to sign in.
    """
    profile = user.profile
    addresses = {user.email.lower()} | (
        {user.pending_email.lower()} if user.pending_email else set()
    )
    emails = db.session.scalars(
        select(OutboxEmail)
        .where(func.lower(OutboxEmail.recipient).in_(addresses))
        .order_by(OutboxEmail.created_at, OutboxEmail.id)
    ).all()
    sessions = db.session.scalars(
        select(LoginSession)
        .where(LoginSession.user_id == user.id)
        .order_by(LoginSession.created_at)
    ).all()
    agreements = db.session.scalars(
        select(RoleAgreement)
        .where(RoleAgreement.user_id == user.id)
        .order_by(RoleAgreement.agreed_at, RoleAgreement.id)
    ).all()
    return {
        "about": "Everything Mentor Match holds about you, as of exported_at (UTC).",
        "exported_at": _iso(clock.utcnow()),
        "account": {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "email_verified_at": _iso(user.email_verified_at),
            "pending_email": user.pending_email,
            "active": user.is_active_account,
            "committee_member": user.is_committee,
            "privacy_notice_version": user.privacy_notice_version,
            "privacy_accepted_at": _iso(user.privacy_accepted_at),
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "profile": None
        if profile is None
        else {
            "display_name": profile.display_name,
            "pronouns": profile.pronouns,
            "membership_number": profile.membership_number,
            "membership_expires_on": _iso(profile.membership_expires_on),
            "membership_verified_at": _iso(profile.membership_verified_at),
            "position": profile.position,
            "employer": profile.employer,
            "years_experience": profile.years_experience,
            "role": profile.role,
            "sectors": _names(profile.sectors),
            "expertise_areas": _names(profile.expertise_areas),
            "objectives": _names(profile.objectives),
            "region": profile.region.name if profile.region else None,
            "city": profile.city,
            "contact_methods": _names(profile.contact_methods),
            "phone": profile.phone,
            "languages": _names(profile.languages),
            "bio": profile.bio,
            "mentee_goals": profile.mentee_goals,
            "mentor_capacity": profile.mentor_capacity,
            "accepting_requests": profile.accepting_requests,
            "created_at": _iso(profile.created_at),
            "updated_at": _iso(profile.updated_at),
        },
        "role_agreements": [
            {"role": a.role, "version": a.version, "agreed_at": _iso(a.agreed_at)}
            for a in agreements
        ],
        "emails": [
            {
                "to": message.recipient,
                "subject": message.subject,
                "status": message.status,
                "created_at": _iso(message.created_at),
                "sent_at": _iso(message.sent_at),
                "text": _LINK_TOKEN.sub(r"\1[link removed]", message.body_text),
            }
            for message in emails
        ],
        "login_sessions": [
            {
                "created_at": _iso(s.created_at),
                "expires_at": _iso(s.expires_at),
                "remember_me": s.remember,
            }
            for s in sessions
        ],
    }


# --- deleting an account ------------------------------------------------------------------------


def withdraw_pending_requests(user: User) -> None:
    """Close the member's pending mentorship requests (caller commits): those sent become
    withdrawn, those received declined with a neutral note (the mentee is told kindly, without
    the member's name). See app.requests.services.close_requests_of_leaving_member."""
    from app.requests.services import close_requests_of_leaving_member

    close_requests_of_leaving_member(user)


def tell_active_partners(user: User) -> None:
    """Tell the partner of each of the member's active mentorships that it has ended because
    the account was deleted, and end it as ended_early (caller commits; e-mail through the
    outbox). See app.requests.services.end_mentorships_of_leaving_member."""
    from app.requests.services import end_mentorships_of_leaving_member

    end_mentorships_of_leaving_member(user)


def _erase_what_the_member_wrote(user: User) -> None:
    """Blank the texts the member wrote to others; the rows stay for the counts."""
    db.session.execute(
        update(MentorshipRequest).where(MentorshipRequest.mentee_id == user.id).values(message="")
    )
    db.session.execute(
        update(MentorshipRequest)
        .where(MentorshipRequest.mentor_id == user.id, MentorshipRequest.decline_note.is_not(None))
        .values(decline_note=None)
    )
    db.session.execute(
        update(CheckIn)
        .where(CheckIn.author_id == user.id)
        .values(shared_note=None, private_note=None)
    )


def is_deleted_account(user: User) -> bool:
    return user.email.endswith("@" + DELETED_EMAIL_DOMAIN) and not user.is_active_account


def delete_account(user: User, password: str) -> None:
    """Delete the member's personal data and close the account, after checking the password.

    Removed: name (now DELETED_NAME), e-mail address (a unique undeliverable placeholder),
    the password (no password can match), every text of the profile (display name, pronouns,
    membership number and dates, position, employer, city, phone, bio, goals), the languages
    and contact methods chosen, every sign-in session, every e-mail to the member that the
    outbox still holds (waiting or sent: their bodies name the member), and what the member
    wrote: the messages of their mentorship requests, their decline notes, and the shared
    and private notes of their check-ins.

    Kept, because it identifies nobody and the committee's reports count it: the account and
    profile rows, the role, years of experience, region, sectors, expertise areas and
    objectives, mentor capacity, and the role agreements (role, version, time).

    Pending requests are withdrawn and active partners told (hooks, see the module docstring).
    The route signs the browser out.
    """
    if not verify_password(user.password_hash, password or ""):
        raise DomainError("That is not your password.", field="password")
    if user.is_committee and not db.session.scalar(
        select(func.count(User.id)).where(
            User.is_committee, User.is_active_account, User.id != user.id
        )
    ):
        raise DomainError(
            "You are the only committee member. Give another member the committee role first."
        )
    withdraw_pending_requests(user)
    tell_active_partners(user)

    addresses = {user.email.lower()} | (
        {user.pending_email.lower()} if user.pending_email else set()
    )
    db.session.execute(delete(OutboxEmail).where(func.lower(OutboxEmail.recipient).in_(addresses)))
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    _erase_what_the_member_wrote(user)

    user.name = DELETED_NAME
    user.email = f"deleted-{user.id}@{DELETED_EMAIL_DOMAIN}"
    user.pending_email = None
    user.password_hash = "!deleted:" + secrets.token_hex(16)  # not a hash: matches nothing
    user.email_verified_at = None
    user.last_login_at = None
    user.is_active_account = False
    user.is_committee = False
    profile = user.profile
    if profile is not None:
        for name in (*LINE_LIMITS, *LONG_TEXT_FIELDS):
            setattr(profile, name, None)
        profile.membership_expires_on = None
        profile.membership_verified_at = None
        profile.membership_verified_by_id = None
        profile.languages = []
        profile.contact_methods = []
        profile.accepting_requests = False
        profile.updated_at = clock.utcnow()
    db.session.commit()
