"""May this mentee ask this mentor? The program's rules for a new request, and the checks of
what a request form sends (message, objectives, way to meet, the mentor's note).

Each check raises a DomainError with a message for the member (and `field` for a form field);
nothing here changes anything.
"""

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import clock
from app.eligibility import Reason
from app.eligibility.members import (
    active_mentorships_as_mentee,
    active_mentorships_as_mentor,
    mentee_reasons_now,
    mentor_is_eligible,
)
from app.errors_domain import DomainError
from app.extensions import db
from app.models import (
    ContactMethod,
    MentorshipRequest,
    Objective,
    User,
)
from app.program import get_settings, requests_blocked_reason
from app.text import NOT_OFFERED, clean_text, display_name, format_day

MESSAGE_MIN = 50


MESSAGE_MAX = 2000


NOTE_MAX = 1000


def same_pair_message(name: str) -> str:
    return _(
        "You already have a request waiting with %(name)s. You can follow it, or withdraw it, "
        "on your requests page.",
        name=name,
    )


def too_long_message(limit: int, length: int) -> str:
    """A text over `limit` characters, with the numbers written the page language's way."""
    return _(
        "Use at most %(max)s characters (you wrote %(length)s).",
        max=format_decimal(limit),
        length=format_decimal(length),
    )


class NotEligible(DomainError):
    """The mentee may not request a mentor yet: `reasons` say what to do (with links)."""

    def __init__(self, reasons: list[Reason]):
        super().__init__(
            _(
                "Before you can request a mentor: %(reasons)s",
                reasons=" ".join(str(r.message) for r in reasons),
            )
        )
        self.reasons = reasons


class ProgramNotOpen(DomainError):
    """The committee paused or closed the online program: no new requests."""


def pending_requests_sent(user: User) -> int:
    return db.session.scalar(
        select(func.count(MentorshipRequest.id)).where(
            MentorshipRequest.mentee_id == user.id,
            MentorshipRequest.status == MentorshipRequest.PENDING,
        )
    )


def spots_left(mentor: User) -> int:
    """How many more mentees the mentor can take now (capacity minus active mentorships)."""
    capacity = mentor.profile.mentor_capacity if mentor.profile is not None else 0
    return max(0, capacity - active_mentorships_as_mentor(mentor))


def open_request_between(mentee: User, mentor: User) -> MentorshipRequest | None:
    return db.session.scalar(
        select(MentorshipRequest).where(
            MentorshipRequest.mentee_id == mentee.id,
            MentorshipRequest.mentor_id == mentor.id,
            MentorshipRequest.status == MentorshipRequest.PENDING,
        )
    )


def check_may_request(mentee: User, mentor: User) -> None:
    """Raise the first rule that stops `mentee` asking `mentor` now (nothing: they may).

    The rules, in the order a member meets them: the program is open; not oneself; the mentee
    is eligible (NotEligible, with the reasons); the mentor is eligible, not away, accepting
    requests and has a spot left; the mentee is below the active-mentorship and
    pending-request limits; no request between the two is waiting already.
    """
    settings = get_settings()  # its limits are used below
    blocked = requests_blocked_reason(clock.today())
    if blocked is not None:
        raise ProgramNotOpen(blocked)
    if mentee.id == mentor.id:
        raise DomainError(_("You can't send a request to yourself."))
    reasons = mentee_reasons_now(mentee)
    if reasons:
        raise NotEligible(reasons)
    name = display_name(mentor)
    if not mentor_is_eligible(mentor):
        raise DomainError(
            _(
                "%(name)s can't take mentees at the moment. Please choose another mentor.",
                name=name,
            )
        )
    if mentor.profile.away_on(clock.today()):
        raise DomainError(
            _(
                "%(name)s is away until %(day)s and takes no new requests until then. Please "
                "choose another mentor, or ask them after they are back.",
                name=name,
                day=format_day(mentor.profile.away_until),
            )
        )
    if not mentor.profile.accepting_requests:
        raise DomainError(
            _(
                "%(name)s is not accepting new requests for now. Please choose another mentor.",
                name=name,
            )
        )
    if spots_left(mentor) <= 0:
        raise DomainError(
            _(
                "%(name)s is already mentoring as many mentees as they can. Please choose "
                "another mentor.",
                name=name,
            )
        )
    limit = settings.max_active_mentorships_per_mentee
    if active_mentorships_as_mentee(mentee) >= limit:
        raise DomainError(
            _("You already have a mentor.")
            if limit == 1
            else _(
                "You already have %(num)s mentors, the most the program allows at once.",
                num=limit,
            )
        )
    if open_request_between(mentee, mentor) is not None:
        raise DomainError(same_pair_message(name))
    limit = settings.max_pending_requests_per_mentee
    if pending_requests_sent(mentee) >= limit:
        raise DomainError(
            ngettext(
                "You have %(num)d request waiting for an answer, the most the program allows "
                "at once. Wait for an answer, or withdraw it, before you ask another mentor.",
                "You have %(num)d requests waiting for an answer, the most the program allows "
                "at once. Wait for an answer, or withdraw one, before you ask another mentor.",
                limit,
            )
        )


def clean_message(message) -> str:
    """The request message, trimmed, or a DomainError (field "message") about its length."""
    text = clean_text(message) or ""
    if len(text) < MESSAGE_MIN:
        raise DomainError(
            _(
                "Write at least %(min)s characters about your goals (you wrote %(length)s).",
                min=MESSAGE_MIN,
                length=len(text),
            ),
            field="message",
        )
    if len(text) > MESSAGE_MAX:
        raise DomainError(too_long_message(MESSAGE_MAX, len(text)), field="message")
    return text


def clean_note(note) -> str | None:
    text = clean_text(note)
    if text and len(text) > NOTE_MAX:
        raise DomainError(too_long_message(NOTE_MAX, len(text)), field="note")
    return text


def chosen_objectives(objective_ids) -> list[Objective]:
    ids = list(objective_ids or ())
    if not ids:
        raise DomainError(_("Choose at least one objective."), field="objectives")
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise DomainError(str(NOT_OFFERED), field="objectives")
    found = db.session.scalars(
        select(Objective).where(Objective.id.in_(set(ids)), Objective.active)
    ).all()
    if len(found) != len(set(ids)):
        raise DomainError(str(NOT_OFFERED), field="objectives")
    return sorted(found, key=lambda o: (o.position, o.name))


def contact_methods_offered(mentor: User) -> list[ContactMethod]:
    """The ways to meet the mentor offers (active entries, in their order)."""
    if mentor.profile is None:
        return []
    return sorted(
        (m for m in mentor.profile.contact_methods if m.active), key=lambda m: (m.position, m.name)
    )


def chosen_contact_method(mentor: User, contact_method_id) -> ContactMethod:
    if contact_method_id is None:
        raise DomainError(_("Choose how you would like to meet."), field="contact_method")
    for method in contact_methods_offered(mentor):
        if method.id == contact_method_id:
            return method
    raise DomainError(str(NOT_OFFERED), field="contact_method")
