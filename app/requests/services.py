"""Mentorship requests: asking a mentor, withdrawing, accepting, declining, expiring.

Each operation checks its rules, changes the models, enqueues its e-mail in the same
transaction and commits, or raises a DomainError and changes nothing. No Flask request or page
templates here: routes (/requests, and the e-mailed decision links of app/respond) call one
function each.

`accept_request` and `decline_request` take the acting member: from a decision link
(app/respond) the actor is the mentor the token names, and `expected_nonce` binds the change
to the state the link was made for.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError

from app import clock
from app.eligibility import Reason, mentee_reasons, mentor_reasons
from app.email import absolute_url, enqueue
from app.errors_domain import DomainError
from app.extensions import db
from app.models import (
    ContactMethod,
    Mentorship,
    MentorshipRequest,
    Objective,
    OutboxEmail,
    Profile,
    User,
)
from app.models.mentorship import MINIMUM_MONTHS, new_nonce
from app.profiles.services import clean_text, has_current_agreement
from app.program import get_settings, requests_blocked_reason
from app.requests.links import make_link_token

MESSAGE_MIN = 50
MESSAGE_MAX = 2000
NOTE_MAX = 1000
# The path of the mentor directory (DESIGN.md section 4: a public contract).
DIRECTORY_PATH = "/mentors"
# How many other mentors a declined mentee is shown.
SUGGESTIONS = 3
# What a mentee reads when a mentor's account was deleted while their request waited.
MENTOR_LEFT_NOTE = "This mentor is no longer taking part in the program."

NOT_OFFERED = "Choose from the options shown."
SAME_PAIR = (
    "You already have a request waiting with {name}. You can follow it, or withdraw it, "
    "on your requests page."
)


class NotEligible(DomainError):
    """The mentee may not request a mentor yet: `reasons` say what to do (with links)."""

    def __init__(self, reasons: list[Reason]):
        super().__init__("Before you can request a mentor: " + " ".join(r.message for r in reasons))
        self.reasons = reasons


class ProgramNotOpen(DomainError):
    """The committee paused or closed the online program: no new requests."""


# --- small helpers ------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months, the day clamped to the month's length
    (31 August + 6 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def display_name(user: User) -> str:
    """The name other members see."""
    profile = user.profile
    return (profile.display_name if profile is not None else None) or user.name


def format_day(moment: date | datetime) -> str:
    """ "3 March", with the year when it is not this year ("3 March 2025")."""
    day = moment.date() if isinstance(moment, datetime) else moment
    text = f"{day.day} {day:%B}"
    return text if day.year == clock.today().year else f"{text} {day.year}"


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _lock_profiles(*user_ids: int) -> None:
    """Lock these members' profile rows until the transaction ends, so that counting a
    mentor's mentees or a mentee's requests after this is safe from a concurrent change.

    PostgreSQL: SELECT ... FOR UPDATE in id order (two transactions never wait for each
    other). SQLite locks the whole database for writing, so a write that changes nothing
    starts the transaction as the only writer: a concurrent one waits for the commit (the
    driver's busy timeout) and then counts what was committed."""
    ids = sorted(set(user_ids))
    if _is_postgresql():
        db.session.execute(
            select(Profile.user_id)
            .where(Profile.user_id.in_(ids))
            .order_by(Profile.user_id)
            .with_for_update()
        ).all()
    else:
        # Plain SQL: an ORM or Core UPDATE would also touch Profile.updated_at (onupdate).
        db.session.execute(
            text("UPDATE profiles SET user_id = user_id WHERE user_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": ids},
        )


def active_mentorships_as_mentor(user: User) -> int:
    return db.session.scalar(
        select(func.count(Mentorship.id)).where(
            Mentorship.mentor_id == user.id, Mentorship.status == Mentorship.ACTIVE
        )
    )


def active_mentorships_as_mentee(user: User) -> int:
    return db.session.scalar(
        select(func.count(Mentorship.id)).where(
            Mentorship.mentee_id == user.id, Mentorship.status == Mentorship.ACTIVE
        )
    )


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


def mentor_is_eligible(mentor: User) -> bool:
    return not mentor_reasons(mentor, clock.today(), has_current_agreement(mentor, "mentor"))


# --- may this mentee ask this mentor? -----------------------------------------------------------


def check_may_request(mentee: User, mentor: User) -> None:
    """Raise the first rule that stops `mentee` asking `mentor` now (nothing: they may).

    The rules, in the order a member meets them: the program is open; not oneself; the mentee
    is eligible (NotEligible, with the reasons); the mentor is eligible, accepting requests and
    has a spot left; the mentee is below the active-mentorship and pending-request limits; no
    request between the two is waiting already.
    """
    settings = get_settings()  # its limits are used below
    blocked = requests_blocked_reason(clock.today())
    if blocked is not None:
        raise ProgramNotOpen(blocked)
    if mentee.id == mentor.id:
        raise DomainError("You can't send a request to yourself.")
    reasons = mentee_reasons(mentee, clock.today(), has_current_agreement(mentee, "mentee"))
    if reasons:
        raise NotEligible(reasons)
    name = display_name(mentor)
    if not mentor_is_eligible(mentor):
        raise DomainError(f"{name} can't take mentees at the moment. Please choose another mentor.")
    if not mentor.profile.accepting_requests:
        raise DomainError(
            f"{name} is not accepting new requests for now. Please choose another mentor."
        )
    if spots_left(mentor) <= 0:
        raise DomainError(
            f"{name} is already mentoring as many mentees as they can. Please choose another "
            "mentor."
        )
    limit = settings.max_active_mentorships_per_mentee
    if active_mentorships_as_mentee(mentee) >= limit:
        raise DomainError(
            "You already have a mentor."
            if limit == 1
            else f"You already have {limit} mentors, the most the program allows at once."
        )
    if open_request_between(mentee, mentor) is not None:
        raise DomainError(SAME_PAIR.format(name=name))
    limit = settings.max_pending_requests_per_mentee
    if pending_requests_sent(mentee) >= limit:
        raise DomainError(
            f"You have {limit} request{'' if limit == 1 else 's'} waiting for an answer, the "
            "most the program allows at "
            "once. Wait for an answer, or withdraw one, before you ask another mentor."
        )


def clean_message(message) -> str:
    """The request message, trimmed, or a DomainError (field "message") about its length."""
    text = clean_text(message) or ""
    if len(text) < MESSAGE_MIN:
        raise DomainError(
            f"Write at least {MESSAGE_MIN} characters about your goals (you wrote {len(text)}).",
            field="message",
        )
    if len(text) > MESSAGE_MAX:
        raise DomainError(
            f"Use at most {MESSAGE_MAX:,} characters (you wrote {len(text):,}).", field="message"
        )
    return text


def _chosen_objectives(objective_ids) -> list[Objective]:
    ids = list(objective_ids or ())
    if not ids:
        raise DomainError("Choose at least one objective.", field="objectives")
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise DomainError(NOT_OFFERED, field="objectives")
    found = db.session.scalars(
        select(Objective).where(Objective.id.in_(set(ids)), Objective.active)
    ).all()
    if len(found) != len(set(ids)):
        raise DomainError(NOT_OFFERED, field="objectives")
    return sorted(found, key=lambda o: (o.position, o.name))


def contact_methods_offered(mentor: User) -> list[ContactMethod]:
    """The ways to meet the mentor offers (active entries, in their order)."""
    if mentor.profile is None:
        return []
    return sorted(
        (m for m in mentor.profile.contact_methods if m.active), key=lambda m: (m.position, m.name)
    )


def _chosen_contact_method(mentor: User, contact_method_id) -> ContactMethod:
    if contact_method_id is None:
        raise DomainError("Choose how you would like to meet.", field="contact_method")
    for method in contact_methods_offered(mentor):
        if method.id == contact_method_id:
            return method
    raise DomainError(NOT_OFFERED, field="contact_method")


# --- asking -------------------------------------------------------------------------------------


def create_request(
    mentee: User, mentor: User, message, objective_ids, contact_method_id
) -> MentorshipRequest:
    """Send `mentor` a request from `mentee`, and e-mail the mentor.

    Checks every rule of `check_may_request`, then the fields: a message of MESSAGE_MIN to
    MESSAGE_MAX characters (after trimming), at least one active objective, and one of the
    mentor's contact methods. The request expires after the program's `request_expiry_days`.
    A concurrent duplicate for the same pair (the partial unique index) gets the same message
    as a sequential one. Raises DomainError (with `field` for a form field); saves nothing then.
    """
    get_settings()  # created on first use, with a commit: before the locks are taken
    _lock_profiles(mentee.id, mentor.id)
    try:
        check_may_request(mentee, mentor)
        text = clean_message(message)
        objectives = _chosen_objectives(objective_ids)
        method = _chosen_contact_method(mentor, contact_method_id)
    except DomainError:
        db.session.rollback()
        raise
    now = clock.utcnow()
    request = MentorshipRequest(
        mentee=mentee,
        mentor=mentor,
        message=text,
        objectives=objectives,
        preferred_contact_method=method,
        status=MentorshipRequest.PENDING,
        source="mentee",
        created_at=now,
        expires_at=now + timedelta(days=get_settings().request_expiry_days),
    )
    db.session.add(request)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(SAME_PAIR.format(name=display_name(mentor))) from None
    mail_new_request(request, f"request-new:{request.id}")
    db.session.commit()
    return request


def mail_new_request(request: MentorshipRequest, dedupe_key: str) -> OutboxEmail | None:
    """Enqueue the mentor's e-mail about `request`, with its decision links (None: a message
    with `dedupe_key` was enqueued already)."""
    mentor, mentee = request.mentor, request.mentee
    return enqueue(
        mentor.email,
        "request_new",
        f"{display_name(mentee)} would like you as their mentor",
        dedupe_key=dedupe_key,
        request=request,
        mentor_name=display_name(mentor),
        mentee_name=display_name(mentee),
        mentee_profile=mentee.profile,
        expires_on=format_day(request.expires_at),
        requests_url=absolute_url("requests.index"),
        decision_links=decision_links(request),
    )


def decision_links(request: MentorshipRequest) -> dict[str, str]:
    """The links of the mentor's e-mail: one page (/respond/<token>) that shows the request
    and offers both answers; "decline" opens it at the decline part."""
    url = absolute_url("respond.show", token=make_link_token(request))
    return {"accept": url, "decline": url + "#decline"}


# --- finding requests (authorisation: one helper per side) --------------------------------------


def sent_request(request_id: int, user: User) -> MentorshipRequest | None:
    """The request `request_id` if `user` sent it (None for anyone else: the route 404s)."""
    request = db.session.get(MentorshipRequest, request_id)
    return request if request is not None and request.mentee_id == user.id else None


def received_request(request_id: int, user: User) -> MentorshipRequest | None:
    """The request `request_id` if `user` received it (None for anyone else: the route 404s)."""
    request = db.session.get(MentorshipRequest, request_id)
    return request if request is not None and request.mentor_id == user.id else None


@dataclass
class RequestLists:
    sent: list[MentorshipRequest]
    received: list[MentorshipRequest]


def requests_of(user: User) -> RequestLists:
    """The member's requests: sent (newest first) and received (pending first, then newest)."""
    sent = db.session.scalars(
        select(MentorshipRequest)
        .where(MentorshipRequest.mentee_id == user.id)
        .order_by(MentorshipRequest.created_at.desc(), MentorshipRequest.id.desc())
    ).all()
    received = db.session.scalars(
        select(MentorshipRequest)
        .where(MentorshipRequest.mentor_id == user.id)
        .order_by(
            (MentorshipRequest.status == MentorshipRequest.PENDING).desc(),
            MentorshipRequest.created_at.desc(),
            MentorshipRequest.id.desc(),
        )
    ).all()
    return RequestLists(list(sent), list(received))


# --- answering ----------------------------------------------------------------------------------


def no_longer_pending_message(request: MentorshipRequest, actor: User) -> str:
    """Why nothing changed: what already happened to the request, and when, for `actor`."""
    when = format_day(request.responded_at or request.created_at)
    by_mentor = actor.id == request.mentor_id
    mentor, mentee = display_name(request.mentor), display_name(request.mentee)
    status = request.status
    if status == MentorshipRequest.ACCEPTED:
        return (
            f"You already accepted this request on {when}."
            if by_mentor
            else f"{mentor} already accepted this request on {when}."
        )
    if status == MentorshipRequest.DECLINED:
        return (
            f"You already declined this request on {when}."
            if by_mentor
            else f"{mentor} already answered this request on {when}."
        )
    if status == MentorshipRequest.WITHDRAWN:
        return (
            f"{mentee} withdrew this request on {when}."
            if by_mentor
            else f"You already withdrew this request on {when}."
        )
    if status == MentorshipRequest.EXPIRED:
        return f"This request expired on {when} without an answer."
    if status == MentorshipRequest.SUPERSEDED:
        return (
            f"This request closed on {when}: {mentee} is now working with another mentor."
            if by_mentor
            else f"This request closed on {when}, when another mentor accepted you."
        )
    return "This request can no longer be changed."


LINK_REPLACED = (
    "This link is no longer valid. Sign in and open your requests page to answer this request."
)


def _leave_pending(
    request: MentorshipRequest,
    status: str,
    actor: User,
    expected_nonce: str | None = None,
    **values,
) -> datetime:
    """Move `request` from pending to `status` only if it is still pending (a conditional
    UPDATE: of two concurrent answers only one wins), with a new nonce so e-mailed links for
    the old state stop working. With `expected_nonce` (a decision link), only if the nonce is
    still that one. Raises the no-longer-pending message otherwise."""
    now = clock.utcnow()
    conditions = [] if expected_nonce is None else [MentorshipRequest.nonce == expected_nonce]
    if not _close_if_pending(request, status, now, *conditions, **values):
        db.session.rollback()
        db.session.refresh(request)
        if request.is_pending:
            raise DomainError(LINK_REPLACED)
        raise DomainError(no_longer_pending_message(request, actor))
    db.session.refresh(request)
    return now


def _refuse_if_expired(request: MentorshipRequest) -> None:
    """A pending request past its expiry (the daily job has not closed it yet) is over."""
    if request.expires_at <= clock.utcnow():
        raise DomainError(
            f"This request expired on {format_day(request.expires_at)} without an answer."
        )


def _refuse_if_answered(request: MentorshipRequest, actor: User) -> None:
    if not request.is_pending:
        raise DomainError(no_longer_pending_message(request, actor))


def withdraw_request(request: MentorshipRequest, actor: User) -> MentorshipRequest:
    """The mentee takes back a pending request; the mentor is told no answer is needed."""
    if actor.id != request.mentee_id:
        raise DomainError("Only the member who sent a request can withdraw it.")
    _refuse_if_answered(request, actor)
    _leave_pending(request, MentorshipRequest.WITHDRAWN, actor)
    enqueue(
        request.mentor.email,
        "request_withdrawn",
        f"{display_name(request.mentee)} withdrew their request",
        dedupe_key=f"request-withdrawn:{request.id}",
        request=request,
        mentor_name=display_name(request.mentor),
        mentee_name=display_name(request.mentee),
        requests_url=absolute_url("requests.index"),
    )
    db.session.commit()
    return request


def accept_request(
    request: MentorshipRequest,
    actor: User,
    note=None,
    *,
    expected_nonce: str | None = None,
    stop_accepting: bool = False,
    decline_others: bool = False,
) -> Mentorship:
    """The mentor accepts: in one transaction the request becomes accepted (only if still
    pending, and with `expected_nonce` only in that state), a Mentorship starts today for at
    least MINIMUM_MONTHS, and both are introduced by e-mail (`note`, optional, goes to the
    mentee with it).

    Re-checked first: the request has not expired, the mentor is still eligible and has a spot
    left (both profile rows are locked before counting: FOR UPDATE on PostgreSQL, the write
    lock on SQLite, so of concurrent accepts for the last spot exactly one wins), and the
    mentee is below the active-mentorship limit. Once the mentee reaches that limit, their
    other pending requests are superseded and those mentors told. With `stop_accepting` the
    mentor takes no new requests from now on; with `decline_others` their other pending
    requests are declined kindly (see `decline_request`). Accepting twice changes nothing and
    says when it happened. Raises DomainError (nothing changed) when a rule refuses.
    """
    if actor.id != request.mentor_id:
        raise DomainError("Only the mentor a request was sent to can accept it.")
    text_note = clean_note(note)
    _refuse_if_answered(request, actor)
    _refuse_if_expired(request)
    mentor, mentee = request.mentor, request.mentee
    limit = get_settings().max_active_mentorships_per_mentee  # before the locks (see above)
    _lock_profiles(mentor.id, mentee.id)
    try:
        if not mentor_is_eligible(mentor):
            raise DomainError(
                "You can't take a mentee at the moment: your profile page shows what to do."
            )
        if spots_left(mentor) <= 0:
            raise DomainError(
                "You are already mentoring as many mentees as your profile allows. Raise the "
                "number in your profile, or decline this request."
            )
        if active_mentorships_as_mentee(mentee) >= limit:
            raise DomainError(
                f"{display_name(mentee)} already has a mentor now, so this request can't be "
                "accepted."
            )
    except DomainError:
        db.session.rollback()
        raise
    now = _leave_pending(request, MentorshipRequest.ACCEPTED, actor, expected_nonce)
    today = now.date()
    mentorship = Mentorship(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        request_id=request.id,
        status=Mentorship.ACTIVE,
        started_on=today,
        minimum_end_on=add_months(today, MINIMUM_MONTHS),
        created_at=now,
    )
    db.session.add(mentorship)
    db.session.flush()
    if active_mentorships_as_mentee(mentee) >= limit:
        _supersede_other_requests(request, now)
    mail_accepted(request, mentorship, text_note)
    _apply_mentor_choices(request, stop_accepting, decline_others, now)
    db.session.commit()
    return mentorship


def mentorship_url(mentorship: Mentorship) -> str:
    """The pair's page, /mentorships/<id>."""
    return absolute_url("mentorships.show", mentorship_id=mentorship.id)


def contact_methods_of(user: User) -> list[str]:
    """The names of the ways to meet the member offers, in the vocabulary's order."""
    return [method.name for method in contact_methods_offered(user)]


def mail_accepted(
    request: MentorshipRequest, mentorship: Mentorship, note: str | None = None
) -> None:
    """Introduce the pair: one e-mail to each, with the other's name, e-mail address and ways
    to meet, the mentee's goals (their message, objectives and profile goals), the first
    steps, what a mentor is not responsible for, and the link to their mentorship's page."""
    mentor, mentee = request.mentor, request.mentee
    context = {
        "request": request,
        "mentorship": mentorship,
        "mentor_name": display_name(mentor),
        "mentee_name": display_name(mentee),
        "mentor_email": mentor.email,
        "mentee_email": mentee.email,
        "mentor_methods": contact_methods_of(mentor),
        "mentee_preferred": (
            request.preferred_contact_method.name if request.preferred_contact_method else None
        ),
        "mentee_goals": mentee.profile.mentee_goals if mentee.profile is not None else None,
        "objectives": [objective.name for objective in request.objectives],
        "minimum_end_on": format_day(mentorship.minimum_end_on),
        "started_on": format_day(mentorship.started_on),
        "mentorship_url": mentorship_url(mentorship),
        "requests_url": absolute_url("requests.index"),
        "note": note,
    }
    enqueue(
        mentee.email,
        "introduction_mentee",
        f"{display_name(mentor)} accepted your request",
        dedupe_key=f"request-accepted:{request.id}",
        **context,
    )
    enqueue(
        mentor.email,
        "introduction_mentor",
        f"Meet your mentee, {display_name(mentee)}",
        dedupe_key=f"introduction-mentor:{request.id}",
        **context,
    )


def _supersede_other_requests(accepted: MentorshipRequest, now: datetime) -> None:
    others = db.session.scalars(
        select(MentorshipRequest).where(
            MentorshipRequest.mentee_id == accepted.mentee_id,
            MentorshipRequest.id != accepted.id,
            MentorshipRequest.status == MentorshipRequest.PENDING,
        )
    ).all()
    for other in others:
        superseded = _close_if_pending(other, MentorshipRequest.SUPERSEDED, now)
        db.session.refresh(other)
        if superseded:
            enqueue(
                other.mentor.email,
                "request_superseded",
                f"{display_name(other.mentee)}'s request is closed: no answer needed",
                dedupe_key=f"request-superseded:{other.id}",
                request=other,
                mentor_name=display_name(other.mentor),
                mentee_name=display_name(other.mentee),
                requests_url=absolute_url("requests.index"),
            )


def clean_note(note) -> str | None:
    text = clean_text(note)
    if text and len(text) > NOTE_MAX:
        raise DomainError(
            f"Use at most {NOTE_MAX:,} characters (you wrote {len(text):,}).", field="note"
        )
    return text


def decline_request(
    request: MentorshipRequest,
    actor: User,
    note=None,
    *,
    expected_nonce: str | None = None,
    stop_accepting: bool = False,
    decline_others: bool = False,
) -> MentorshipRequest:
    """The mentor declines, with an optional note (at most NOTE_MAX characters). The mentee
    reads it in a kind e-mail with up to SUGGESTIONS other mentors who fit them (listed in
    the directory, not this mentor, none they asked before). No spot is used.

    With `stop_accepting` the mentor takes no new requests from now on; with `decline_others`
    their other pending requests are declined too (each mentee told kindly, with
    suggestions, without this note), all in the same transaction."""
    if actor.id != request.mentor_id:
        raise DomainError("Only the mentor a request was sent to can decline it.")
    text_note = clean_note(note)
    _refuse_if_answered(request, actor)
    now = _leave_pending(
        request, MentorshipRequest.DECLINED, actor, expected_nonce, decline_note=text_note
    )
    _mail_declined(request, text_note)
    _apply_mentor_choices(request, stop_accepting, decline_others, now)
    db.session.commit()
    return request


def _mail_declined(request: MentorshipRequest, note: str | None, paused: bool = False) -> None:
    enqueue(
        request.mentee.email,
        "request_declined",
        f"An answer from {display_name(request.mentor)}",
        dedupe_key=f"request-declined:{request.id}",
        request=request,
        mentor_name=display_name(request.mentor),
        mentee_name=display_name(request.mentee),
        note=note,
        paused=paused,
        suggestions=suggested_mentors(request.mentee, exclude=[request.mentor_id]),
        directory_url=_directory_url(),
    )


def other_pending_received(request: MentorshipRequest) -> list[MentorshipRequest]:
    """The mentor's pending requests other than `request`, oldest first."""
    return list(
        db.session.scalars(
            select(MentorshipRequest)
            .where(
                MentorshipRequest.mentor_id == request.mentor_id,
                MentorshipRequest.id != request.id,
                MentorshipRequest.status == MentorshipRequest.PENDING,
            )
            .order_by(MentorshipRequest.created_at, MentorshipRequest.id)
        ).all()
    )


def _apply_mentor_choices(
    request: MentorshipRequest, stop_accepting: bool, decline_others: bool, now: datetime
) -> None:
    """ "I'm not taking new mentees for now" and "Also decline my other pending requests"
    (the caller commits)."""
    mentor = request.mentor
    if stop_accepting and mentor.profile is not None:
        mentor.profile.accepting_requests = False
    if not decline_others:
        return
    for other in other_pending_received(request):
        declined = _close_if_pending(other, MentorshipRequest.DECLINED, now)
        db.session.refresh(other)
        if declined:
            _mail_declined(other, None, paused=True)


@dataclass
class Suggestion:
    name: str
    position: str | None
    employer: str | None
    url: str


def suggested_mentors(mentee: User, exclude=(), limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Up to `limit` mentors for `mentee`, best fit first, as the directory ranks them
    (eligible, accepting requests, with a spot left), leaving out the mentors in `exclude`
    and every mentor the mentee has asked before."""
    from app.mentors import services as directory  # here: importing it loads its routes

    asked = set(
        db.session.scalars(
            select(MentorshipRequest.mentor_id).where(MentorshipRequest.mentee_id == mentee.id)
        ).all()
    )
    asked.update(exclude)
    today = clock.today()
    vocab = directory.load_vocabularies()
    viewer = directory.load_viewer(mentee, today, vocab)
    found: list[Suggestion] = []
    page = 1
    while len(found) < limit and page <= 3:
        results = directory.search(viewer, directory.DirectoryQuery(page=page), vocab, today)
        for card in results.mentors:
            if card.id in asked or card.your_mentor or len(found) >= limit:
                continue
            found.append(
                Suggestion(
                    name=card.name,
                    position=card.position,
                    employer=card.employer,
                    url=_directory_url() + f"/{card.id}",
                )
            )
        if not results.has_next:
            break
        page += 1
    return found


def _directory_url() -> str:
    return absolute_url("main.index").rstrip("/") + DIRECTORY_PATH


# --- the daily job ------------------------------------------------------------------------------


@dataclass
class ExpiryReport:
    reminded: int = 0
    expired: int = 0


def _update_if_pending(request: MentorshipRequest, *conditions, **values) -> bool:
    """Change `request` with one conditional UPDATE that matches only while it is still pending
    (and `conditions` hold); True when this call changed it. Concurrent callers never both win."""
    result = db.session.execute(
        update(MentorshipRequest)
        .where(
            MentorshipRequest.id == request.id,
            MentorshipRequest.status == MentorshipRequest.PENDING,
            *conditions,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _close_if_pending(
    request: MentorshipRequest, status: str, now: datetime, *conditions, **values
) -> bool:
    """Move a still-pending request to `status`; a new nonce spends its e-mailed links."""
    return _update_if_pending(
        request, *conditions, status=status, responded_at=now, nonce=new_nonce(), **values
    )


def reminder_due_at(request: MentorshipRequest) -> datetime:
    """Half-way between sending and expiry: when the mentor gets one reminder."""
    return request.created_at + (request.expires_at - request.created_at) / 2


def run_request_jobs(now: datetime | None = None) -> ExpiryReport:
    """Expire pending requests past `expires_at` (the mentee is told, with a link to the
    directory) and remind mentors once, half-way, of requests still waiting.

    Safe to run again: each change is a conditional UPDATE on the state it leaves and each
    e-mail has a dedupe key, so a second run the same day sends nothing twice. Commits each
    request on its own, so one failure loses nothing else.
    """
    now = now or clock.utcnow()
    report = ExpiryReport()
    report.expired = _claim_and_mail(
        _pending_past_expiry(now),
        lambda request: _close_if_pending(request, MentorshipRequest.EXPIRED, now),
        _mail_expired,
    )
    report.reminded = _claim_and_mail(
        _due_for_reminder(now),
        lambda request: _update_if_pending(
            request, MentorshipRequest.reminder_sent_at.is_(None), reminder_sent_at=now
        ),
        _mail_reminder,
    )
    return report


def _claim_and_mail(
    requests: list[MentorshipRequest],
    claim: Callable[[MentorshipRequest], bool],
    mail: Callable[[MentorshipRequest], None],
) -> int:
    """For each request: `claim` it (a conditional UPDATE, True only for the run that changed
    it), and if claimed, `mail` about it; then commit that request alone. How many claimed."""
    claimed = 0
    for request in requests:
        if claim(request):
            db.session.refresh(request)
            mail(request)
            claimed += 1
        db.session.commit()
    return claimed


def _pending_past_expiry(now: datetime) -> list[MentorshipRequest]:
    return list(
        db.session.scalars(
            select(MentorshipRequest)
            .where(
                MentorshipRequest.status == MentorshipRequest.PENDING,
                MentorshipRequest.expires_at <= now,
            )
            .order_by(MentorshipRequest.id)
        ).all()
    )


def _due_for_reminder(now: datetime) -> list[MentorshipRequest]:
    """Pending, not expired, not reminded yet, and half-way (reminder_due_at) or further."""
    waiting = db.session.scalars(
        select(MentorshipRequest)
        .where(
            MentorshipRequest.status == MentorshipRequest.PENDING,
            MentorshipRequest.reminder_sent_at.is_(None),
            MentorshipRequest.expires_at > now,
        )
        .order_by(MentorshipRequest.id)
    ).all()
    return [request for request in waiting if reminder_due_at(request) <= now]


def _mail_expired(request: MentorshipRequest) -> None:
    enqueue(
        request.mentee.email,
        "request_expired",
        f"No answer from {display_name(request.mentor)}: try another mentor",
        dedupe_key=f"request-expired:{request.id}",
        request=request,
        mentor_name=display_name(request.mentor),
        mentee_name=display_name(request.mentee),
        sent_on=format_day(request.created_at),
        directory_url=_directory_url(),
    )


def _mail_reminder(request: MentorshipRequest) -> None:
    enqueue(
        request.mentor.email,
        "request_reminder",
        f"Reminder: {display_name(request.mentee)} is waiting for your answer",
        dedupe_key=f"request-reminder:{request.id}",
        request=request,
        mentor_name=display_name(request.mentor),
        mentee_name=display_name(request.mentee),
        expires_on=format_day(request.expires_at),
        requests_url=absolute_url("requests.index"),
    )


# --- account deletion (called by app.profiles.services hooks; the caller commits) --------------


def close_requests_of_leaving_member(user: User) -> None:
    """A member deletes their account: requests they sent and still wait are withdrawn (the
    mentors see it on their requests page; no e-mail names the member), requests they
    received and still wait are declined with a neutral note, and those mentees are told
    kindly, without the member's name, so they can ask someone else."""
    now = clock.utcnow()
    sent = db.session.scalars(
        select(MentorshipRequest).where(
            MentorshipRequest.mentee_id == user.id,
            MentorshipRequest.status == MentorshipRequest.PENDING,
        )
    ).all()
    for request in sent:
        request.status = MentorshipRequest.WITHDRAWN
        request.responded_at = now
        request.nonce = new_nonce()
    received = db.session.scalars(
        select(MentorshipRequest).where(
            MentorshipRequest.mentor_id == user.id,
            MentorshipRequest.status == MentorshipRequest.PENDING,
        )
    ).all()
    for request in received:
        request.status = MentorshipRequest.DECLINED
        request.responded_at = now
        request.nonce = new_nonce()
        request.decline_note = MENTOR_LEFT_NOTE
        enqueue(
            request.mentee.email,
            "request_mentor_left",
            "One of your mentor requests has closed",
            dedupe_key=f"request-mentor-left:{request.id}",
            request=request,
            mentee_name=display_name(request.mentee),
            sent_on=format_day(request.created_at),
            directory_url=_directory_url(),
        )
    db.session.flush()


def end_mentorships_of_leaving_member(user: User) -> None:
    """A member deletes their account: each of their active mentorships ends early and the
    partner is told by e-mail (the caller commits)."""
    mentorships = db.session.scalars(
        select(Mentorship).where(
            Mentorship.status == Mentorship.ACTIVE,
            (Mentorship.mentor_id == user.id) | (Mentorship.mentee_id == user.id),
        )
    ).all()
    today = clock.today()
    for mentorship in mentorships:
        mentorship.status = Mentorship.ENDED_EARLY
        mentorship.ended_on = today
        partner = mentorship.mentee if mentorship.mentor_id == user.id else mentorship.mentor
        enqueue(
            partner.email,
            "request_partner_left",
            "Your mentoring partner has left the program",
            dedupe_key=f"mentorship-partner-left:{mentorship.id}",
            partner_name=display_name(partner),
            leaver_name=display_name(user),
            partner_was_mentor=mentorship.mentor_id == partner.id,
            started_on=format_day(mentorship.started_on),
            directory_url=_directory_url(),
        )
    db.session.flush()
