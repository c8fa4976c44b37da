"""Who may take part, decided in one place.

Every check (requesting a mentor, being listed as a mentor, accepting a request) and every
template asks these functions. They return the reasons a member is not (yet) eligible, each
with a message written for the member and the page that fixes it; an empty list means eligible.
Pure logic: no Flask, no database session: the messages are Phrases (`app.phrases`), English
strs that pages show in their own language.

The same rules are asked of the database, for lists of thousands of members, by the SQL twins
in `app.eligibility.sql` (tests compare the twins on a table of cases: change both together).
`app.eligibility.members` asks both questions of one stored member (their role agreements and
mentorships read from the database).
"""

from dataclasses import dataclass
from datetime import date

from app.models.profiles import MENTEE, MENTOR_MIN_YEARS, ROLES, Profile
from app.phrases import N_, Phrase

# Fields a profile needs before its owner can take part, with the words the checklist uses.
REQUIRED_PROFILE_FIELDS = {
    "position": Phrase(N_("current position")),
    "years_experience": Phrase(N_("years of library experience")),
    "role": Phrase(N_("role")),
    "region_id": Phrase(N_("region")),
}
LIBRARY_SECTOR = Phrase(N_("library sector"))
CONTACT_METHODS = Phrase(N_("contact methods"))

TOO_LITTLE_EXPERIENCE = Phrase(
    N_("Mentors need at least %(years)s years of library work experience."),
    years=MENTOR_MIN_YEARS,
)


@dataclass(frozen=True)
class Reason:
    code: str
    message: Phrase
    fix_endpoint: str | None = None  # where the member can fix it (a Flask endpoint name)
    # Arguments for that endpoint, as (name, value) pairs (e.g. (("role", "mentor"),)).
    fix_args: tuple[tuple[str, str], ...] = ()

    @property
    def fix_values(self) -> dict[str, str]:
        """`fix_args` as keyword arguments for url_for: url_for(r.fix_endpoint, **r.fix_values)."""
        return dict(self.fix_args)


def missing_profile_fields(profile: Profile | None) -> list[Phrase]:
    if profile is None:
        return list(REQUIRED_PROFILE_FIELDS.values())
    missing = [
        label
        for field, label in REQUIRED_PROFILE_FIELDS.items()
        if getattr(profile, field) in (None, "")
    ]
    if not profile.sectors:
        missing.append(LIBRARY_SECTOR)
    if not profile.contact_methods:
        missing.append(CONTACT_METHODS)
    return missing


def participation_reasons(user, today: date) -> list[Reason]:
    """What stops `user` taking part at all (the reasons shared by both roles)."""
    reasons = []
    if not user.is_active_account:
        reasons.append(Reason("inactive", Phrase(N_("Your account is deactivated."))))
    if user.email_verified_at is None:
        reasons.append(
            Reason(
                "email_unverified",
                Phrase(N_("Confirm your e-mail address with the link we sent you.")),
            )
        )
    profile = user.profile
    missing = missing_profile_fields(profile)
    if missing:
        reasons.append(
            Reason(
                "profile_incomplete",
                Phrase(
                    N_("Complete your profile: add your %(missing)s."),
                    missing=Phrase.listing(", ", missing),
                ),
                "profiles.edit",
            )
        )
    reasons.extend(membership_reasons(profile, today))
    return reasons


def membership_reasons(profile: Profile | None, today: date) -> list[Reason]:
    if profile is None or not profile.membership_number or not profile.membership_expires_on:
        return [
            Reason(
                "membership_missing",
                Phrase(N_("Add your association membership number and its expiry date.")),
                "profiles.edit",
            )
        ]
    if profile.membership_expires_on < today:
        return [
            Reason(
                "membership_expired",
                Phrase(
                    N_(
                        "Your membership expired on %(day)s. Renew it with the association, "
                        "then update the expiry date in your profile so the committee can "
                        "verify it again."
                    ),
                    day=profile.membership_expires_on,
                ),
                "profiles.edit",
            )
        ]
    if profile.membership_verified_at is None:
        return [
            Reason(
                "membership_unverified",
                Phrase(
                    N_(
                        "The mentoring committee has not verified your membership yet. This "
                        "usually takes a few days."
                    )
                ),
            )
        ]
    return []


def mentee_reasons(user, today: date, agreement_current: bool) -> list[Reason]:
    """Why `user` may not request a mentor (empty: they may).

    Its SQL twin is `app.eligibility.sql.eligible_mentee_conditions`."""
    reasons = participation_reasons(user, today)
    profile = user.profile
    if profile is not None and profile.role and not profile.is_mentee:
        reasons.append(
            Reason(
                "not_mentee",
                Phrase(N_("Your profile does not include the mentee role.")),
                "profiles.edit",
            )
        )
    if not agreement_current:
        reasons.append(
            Reason(
                "mentee_agreement",
                Phrase(N_("Read and confirm what is expected of a mentee.")),
                "profiles.agreement",
                (("role", "mentee"),),
            )
        )
    return reasons


def mentor_reasons(user, today: date, agreement_current: bool) -> list[Reason]:
    """Why `user` may not be listed as a mentor or accept a request (empty: they may).

    Its SQL twin, for the directory, is `app.eligibility.sql.listed_mentor_conditions`."""
    reasons = participation_reasons(user, today)
    profile = user.profile
    if profile is not None and profile.role and not profile.is_mentor:
        reasons.append(
            Reason(
                "not_mentor",
                Phrase(N_("Your profile does not include the mentor role.")),
                "profiles.edit",
            )
        )
    if profile is not None and (profile.years_experience or 0) < MENTOR_MIN_YEARS:
        reasons.append(Reason("too_little_experience", TOO_LITTLE_EXPERIENCE, "profiles.edit"))
    if not agreement_current:
        reasons.append(
            Reason(
                "mentor_agreement",
                Phrase(N_("Read and confirm what is expected of a mentor.")),
                "profiles.agreement",
                (("role", "mentor"),),
            )
        )
    return reasons


def roles_open_to(years: int | None) -> tuple[str, ...]:
    """The roles a member with this much library work experience may choose."""
    if (years or 0) >= MENTOR_MIN_YEARS:
        return ROLES
    return (MENTEE,)


# --- a membership as the committee sees it -----------------------------------------------------

MISSING = "missing"  # no profile, or no membership number entered
UNVERIFIED = "unverified"  # a number, not verified yet, not expired
VERIFIED = "verified"  # verified and not expired
EXPIRED = "expired"  # the expiry date is before today (verified or not)
MEMBERSHIP_STATUSES = {
    UNVERIFIED: Phrase(N_("Not verified")),
    VERIFIED: Phrase(N_("Verified")),
    EXPIRED: Phrase(N_("Expired")),
    MISSING: Phrase(N_("No membership number")),
}


def membership_status(profile: Profile | None, today: date) -> str:
    """One of MEMBERSHIP_STATUSES; the same rules as `membership_reasons`.

    Its SQL twin is `app.eligibility.sql.membership_status_condition`."""
    if profile is None or not (profile.membership_number or "").strip():
        return MISSING
    if profile.membership_expires_on is not None and profile.membership_expires_on < today:
        return EXPIRED
    if profile.membership_verified_at is None or profile.membership_expires_on is None:
        return UNVERIFIED
    return VERIFIED
