"""Which roles a member may choose, and what the role radio buttons of the profile form show
while the member types their years of experience."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.eligibility import TOO_LITTLE_EXPERIENCE, roles_open_to
from app.models.profiles import BOTH, MENTEE, MENTOR, MENTOR_MIN_YEARS, ROLES

YEARS_MAX = 80


ROLE_LABELS = {
    MENTEE: _l("Mentee: I would like a mentor"),
    MENTOR: _l("Mentor: I can guide a mentee"),
    BOTH: _l("Both mentor and mentee"),
}


def role_problem(role: str | None, years: int | None):
    """Why `role` is not open to a member with `years` of experience, or None if it is."""
    if role is None:
        return None
    if role not in ROLES:
        return _("Choose mentee, mentor or both.")
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
    "all": _l(
        "With %(years)s or more years of library work experience you can be a mentor, a "
        "mentee, or both.",
        years=MENTOR_MIN_YEARS,
    ),
    "mentee-only": _l(
        "With less than %(years)s years of library work experience you can take part as a "
        "mentee. Mentor and both need at least %(years)s years.",
        years=MENTOR_MIN_YEARS,
    ),
    "unknown": _l(
        "Enter your years of library work experience to see which roles are open to you."
    ),
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
        announcement = str(ROLE_ANNOUNCEMENTS[state])
        if switched:
            announcement = _(
                "%(announcement)s Your role is now set to mentee.", announcement=announcement
            )
    return RoleChoices(open_roles, selected, state, announcement, live=True)
