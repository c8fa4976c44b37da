"""Eligibility at a glance: what the profile and home pages tell a member about taking part,
role by role, with the steps still to take."""

from dataclasses import dataclass
from datetime import date

from app.agreements import AGREEMENT_ROLES, has_current_agreement
from app.eligibility import Reason, mentee_reasons, mentor_reasons, participation_reasons
from app.models import Profile, User
from app.models.profiles import MENTEE, MENTOR


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
