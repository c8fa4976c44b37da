"""The pair's mentoring agreement: how often and how they meet and what they work on, edited
by either and confirmed by each (a change asks both to confirm again)."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.concurrency import retry_on_conflict
from app.email import absolute_url, enqueue
from app.errors_domain import DomainError, FieldErrors
from app.extensions import db
from app.i18n import member_locale
from app.mentorships.services import (
    and_list,
    at_most_characters,
    check_writable,
    chosen_entries,
    partner_of,
    too_long,
)
from app.models import (
    ContactMethod,
    Mentorship,
    MentorshipAgreement,
    Objective,
    User,
)
from app.text import clean_text, display_name


@dataclass
class AgreementChanges:
    meeting_frequency: str | None = None
    contact_method_ids: list[int] = field(default_factory=list)
    objective_ids: list[int] = field(default_factory=list)
    goals_text: str | None = None
    confidentiality_acknowledged: bool = False


def agreement_changes_from(agreement: MentorshipAgreement | None) -> AgreementChanges:
    """The agreement as it is, to fill in the edit form."""
    if agreement is None:
        return AgreementChanges()
    return AgreementChanges(
        meeting_frequency=agreement.meeting_frequency,
        contact_method_ids=[m.id for m in agreement.contact_methods],
        objective_ids=[o.id for o in agreement.objectives],
        goals_text=agreement.goals_text,
        confidentiality_acknowledged=agreement.confidentiality_acknowledged,
    )


@retry_on_conflict
def save_agreement(mentorship: Mentorship, user: User, changes: AgreementChanges):
    """Save the pair's agreement as `user` wrote it.

    Saving counts as the saver's confirmation when the agreement is complete; any change
    clears the other side's confirmation, and they are told by e-mail (at most once a day).
    Saving without a change only confirms (when complete). Returns the agreement.
    """
    check_writable(mentorship)
    errors: dict[str, list[str]] = {}
    frequency = changes.meeting_frequency or None
    if frequency is not None and frequency not in MentorshipAgreement.FREQUENCIES:
        errors["meeting_frequency"] = [_("Choose one of the options shown.")]
    methods = chosen_entries(ContactMethod, changes.contact_method_ids, errors, "contact_methods")
    goals = chosen_entries(Objective, changes.objective_ids, errors, "objectives")
    goals_text = clean_text(changes.goals_text)
    if too_long(goals_text, MentorshipAgreement.GOALS_TEXT_LIMIT):
        errors["goals_text"] = [at_most_characters(MentorshipAgreement.GOALS_TEXT_LIMIT)]
    if errors:
        raise FieldErrors(errors)

    now = clock.utcnow()
    agreement = mentorship.agreement
    if agreement is None:
        agreement = MentorshipAgreement(mentorship=mentorship, created_at=now)
        db.session.add(agreement)
    before = agreement_changes_from(agreement) if agreement.id else None
    agreement.meeting_frequency = frequency
    agreement.contact_methods = methods
    agreement.objectives = goals
    agreement.goals_text = goals_text
    agreement.confidentiality_acknowledged = bool(changes.confidentiality_acknowledged)
    after = agreement_changes_from(agreement)
    if before is not None and _same(before, after):
        if agreement.is_complete and agreement.confirmed_at_for(user.id) is None:
            agreement.confirm(user.id, now)
        db.session.commit()
        return agreement

    agreement.record_change(user.id, now)
    partner = partner_of(mentorship, user)
    enqueue(
        partner.email,
        "mentorship_agreement_changed",
        _l("%(name)s updated your mentoring agreement", name=display_name(user)),
        dedupe_key=f"mentorship-agreement:{mentorship.id}:{partner.id}:{clock.local_day(now).isoformat()}",
        partner_name=display_name(partner),
        author_name=display_name(user),
        confirmed_by_author=agreement.confirmed_at_for(user.id) is not None,
        mentorship_url=absolute_url("mentorships.show", mentorship_id=mentorship.id),
        locale=member_locale(partner),
    )
    db.session.commit()
    return agreement


def _same(a: AgreementChanges, b: AgreementChanges) -> bool:
    return (
        a.meeting_frequency == b.meeting_frequency
        and sorted(a.contact_method_ids) == sorted(b.contact_method_ids)
        and sorted(a.objective_ids) == sorted(b.objective_ids)
        and (a.goals_text or None) == (b.goals_text or None)
        and bool(a.confidentiality_acknowledged) == bool(b.confidentiality_acknowledged)
    )


@retry_on_conflict
def confirm_agreement(mentorship: Mentorship, user: User) -> MentorshipAgreement:
    """Record that `user` agrees to the agreement as it stands (it must be complete)."""
    check_writable(mentorship)
    agreement = mentorship.agreement
    if agreement is None or not agreement.is_complete:
        missing = agreement.missing if agreement is not None else MentorshipAgreement().missing
        raise DomainError(
            _(
                "The agreement can be confirmed once it says %(missing)s.",
                missing=and_list(missing),
            )
        )
    if agreement.confirmed_at_for(user.id) is None:
        agreement.confirm(user.id, clock.utcnow())
        db.session.commit()
    return agreement
