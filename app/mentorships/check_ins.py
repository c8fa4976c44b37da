"""Check-ins: what the pair record of each meeting. The shared note is for both, the private
note for its author only (templates read it through `CheckIn.private_note_for(viewer_id)`, and no
e-mail ever contains a note)."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete

from app import clock
from app.concurrency import retry_on_conflict
from app.email import absolute_url, enqueue
from app.errors_domain import DomainError, FieldErrors
from app.extensions import db
from app.i18n import member_locale
from app.mentorships.services import (
    at_most_characters,
    check_writable,
    chosen_contact_method,
    chosen_entries,
    partner_of,
    too_long,
)
from app.models import (
    CheckIn,
    Mentorship,
    MentorshipPreference,
    Objective,
    User,
)
from app.text import clean_text, display_name, format_long_day


@dataclass
class CheckInChanges:
    met_on: date | None = None
    method_id: int | None = None
    minutes: int | None = None
    objective_ids: list[int] = field(default_factory=list)
    shared_note: str | None = None
    private_note: str | None = None
    how_it_is_going: int | None = None


def _checked_check_in(mentorship: Mentorship, changes: CheckInChanges) -> dict:
    """The check-in's values once every rule holds; raises FieldErrors with all problems."""
    errors: dict[str, list[str]] = {}
    today = clock.today()
    if changes.met_on is None:
        errors["met_on"] = [_("Enter the date you met.")]
    elif changes.met_on > today:
        errors["met_on"] = [_("The date can't be in the future.")]
    elif changes.met_on < mentorship.started_on:
        errors["met_on"] = [
            _(
                "The date can't be before your mentorship started (%(day)s).",
                day=format_long_day(mentorship.started_on),
            )
        ]
    method = chosen_contact_method(changes.method_id, errors, "method", _("Choose how you met."))
    if changes.minutes is None:
        errors["minutes"] = [_("Enter how many minutes you met for.")]
    elif not 0 < changes.minutes <= CheckIn.MINUTES_MAX:
        errors["minutes"] = [
            _("Enter a number of minutes from 1 to %(most)s.", most=CheckIn.MINUTES_MAX)
        ]
    touched = chosen_entries(Objective, changes.objective_ids, errors, "objectives")
    shared, private = clean_text(changes.shared_note), clean_text(changes.private_note)
    for name, text in (("shared_note", shared), ("private_note", private)):
        if too_long(text, CheckIn.NOTE_LIMIT):
            errors[name] = [at_most_characters(CheckIn.NOTE_LIMIT)]
    if changes.how_it_is_going not in CheckIn.SCORES:
        errors["how_it_is_going"] = [_("Choose how it is going, from 1 to 5.")]
    if errors:
        raise FieldErrors(errors)
    return {
        "met_on": changes.met_on,
        "method": method,
        "minutes": changes.minutes,
        "objectives": touched,
        "shared_note": shared,
        "private_note": private,
        "how_it_is_going": changes.how_it_is_going,
    }


@retry_on_conflict
def add_check_in(mentorship: Mentorship, user: User, changes: CheckInChanges) -> CheckIn:
    """Log a meeting. The partner is told by e-mail at most once a day, unless they turned
    those e-mails off for this mentorship. The e-mail holds no notes."""
    check_writable(mentorship)
    values = _checked_check_in(mentorship, changes)
    now = clock.utcnow()
    check_in = CheckIn(
        mentorship=mentorship, author_id=user.id, created_at=now, updated_at=now, **values
    )
    db.session.add(check_in)
    partner = partner_of(mentorship, user)
    if check_in_emails_on(mentorship, partner):
        enqueue(
            partner.email,
            "mentorship_check_in",
            _l("%(name)s logged a mentoring check-in", name=display_name(user)),
            dedupe_key=f"mentorship-check-in:{mentorship.id}:{partner.id}:{clock.local_day(now).isoformat()}",
            partner_name=display_name(partner),
            author_name=display_name(user),
            met_on=check_in.met_on,
            method=check_in.method,
            mentorship_url=absolute_url("mentorships.show", mentorship_id=mentorship.id),
            locale=member_locale(partner),
        )
    db.session.commit()
    return check_in


def check_in_of(mentorship: Mentorship, check_in_id: int, user: User) -> CheckIn | None:
    """The check-in if it belongs to this mentorship and `user` wrote it; None otherwise
    (the partner can never edit or delete it: routes answer 404)."""
    check_in = db.session.get(CheckIn, check_in_id)
    if check_in is None or check_in.mentorship_id != mentorship.id:
        return None
    if check_in.author_id != user.id:
        return None
    return check_in


def check_editable(check_in: CheckIn) -> None:
    """Raise DomainError if the check-in can no longer be changed (ended mentorship, or more
    than 14 days after it was added)."""
    check_writable(check_in.mentorship)
    if not check_in.is_editable_at(clock.utcnow()):
        days = CheckIn.EDIT_WINDOW.days
        raise DomainError(
            ngettext(
                "A check-in can be changed or deleted for %(num)d day after it was added. "
                "This one was added on %(day)s, so it stays as it is.",
                "A check-in can be changed or deleted for %(num)d days after it was added. "
                "This one was added on %(day)s, so it stays as it is.",
                days,
                day=format_long_day(check_in.created_at),
            )
        )


def may_change_check_in(check_in: CheckIn, user: User) -> bool:
    return check_in.mentorship.is_active and check_in.may_change(user.id, clock.utcnow())


@retry_on_conflict
def update_check_in(check_in: CheckIn, user: User, changes: CheckInChanges) -> CheckIn:
    """The author changes their check-in, within 14 days of adding it."""
    if check_in.author_id != user.id:
        raise DomainError(_("Only the person who added a check-in can change it."))
    check_editable(check_in)
    values = _checked_check_in(check_in.mentorship, changes)
    for name, value in values.items():
        setattr(check_in, name, value)
    check_in.updated_at = clock.utcnow()
    db.session.commit()
    return check_in


@retry_on_conflict
def delete_check_in(check_in: CheckIn, user: User) -> None:
    """The author deletes their check-in, within 14 days of adding it."""
    if check_in.author_id != user.id:
        raise DomainError(_("Only the person who added a check-in can delete it."))
    check_editable(check_in)
    # One DELETE that says whether it found the row: the author's other tab may have deleted
    # it a moment ago.
    if db.session.execute(delete(CheckIn).where(CheckIn.id == check_in.id)).rowcount == 0:
        db.session.rollback()
        raise DomainError(_("This check-in was deleted a moment ago."))
    db.session.commit()


def check_in_emails_on(mentorship: Mentorship, user: User) -> bool:
    """Whether `user` wants an e-mail when their partner logs a check-in (default: yes)."""
    preference = db.session.get(MentorshipPreference, (mentorship.id, user.id))
    return preference is None or preference.check_in_emails


@retry_on_conflict
def set_check_in_emails(mentorship: Mentorship, user: User, on: bool) -> None:
    """Turn `user`'s e-mails about their partner's check-ins on or off (allowed also after
    the mentorship ended: it only concerns the member's own mailbox)."""
    preference = db.session.get(MentorshipPreference, (mentorship.id, user.id))
    if preference is None:
        preference = MentorshipPreference(mentorship_id=mentorship.id, user_id=user.id)
        db.session.add(preference)
    preference.check_in_emails = bool(on)
    db.session.commit()
