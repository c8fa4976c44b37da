"""Mentorship requests: asking a mentor, withdrawing, accepting, declining, expiring.

Each operation checks its rules, changes the models, enqueues its e-mail in the same
transaction and commits, or raises a DomainError and changes nothing. No Flask request or page
templates here: routes (/requests, and the e-mailed decision links of app/respond) call one
function each.

`accept_request` and `decline_request` take the acting member: from a decision link
(app/respond) the actor is the mentor the token names, and `expected_nonce` binds the change
to the state the link was made for.

Decisions arrive together (two links, a link and the requests page, a withdrawal): each
operation that changes a request runs again when it loses a race to the database
(`retry_on_conflict`), and then answers with what the winner did.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, text, update
from sqlalchemy.exc import IntegrityError

from app import clock
from app.availability import return_day_problem
from app.clock import add_months
from app.committee.audit import trail
from app.concurrency import retry_on_conflict
from app.eligibility.members import (
    active_mentorships_as_mentee,
    mentor_is_eligible,
)
from app.errors_domain import DomainError
from app.extensions import db
from app.models import (
    Mentorship,
    MentorshipRequest,
    Profile,
    User,
)
from app.models.mentorship import MINIMUM_MONTHS, new_nonce
from app.program import get_settings
from app.requests.mail import (
    mail_accepted,
    mail_committee_match,
    mail_committee_request,
    mail_declined,
    mail_held,
    mail_new_request,
    mail_superseded,
    mail_withdrawn,
)
from app.requests.rules import (
    check_may_request,
    chosen_contact_method,
    chosen_objectives,
    clean_message,
    clean_note,
    same_pair_message,
    spots_left,
)
from app.text import display_name, format_day


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def lock_profiles(*user_ids: int) -> None:
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


@retry_on_conflict
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
    lock_profiles(mentee.id, mentor.id)
    try:
        check_may_request(mentee, mentor)
        text = clean_message(message)
        objectives = chosen_objectives(objective_ids)
        method = chosen_contact_method(mentor, contact_method_id)
    except DomainError:
        db.session.rollback()
        raise
    request = _new_request(mentee, mentor, text, objectives, method, MentorshipRequest.BY_MENTEE)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(same_pair_message(display_name(mentor))) from None
    mail_new_request(request, f"request-new:{request.id}")
    db.session.commit()
    return request


def _new_request(
    mentee: User, mentor: User, message: str, objectives, method, source: str, now=None
) -> MentorshipRequest:
    """A pending request added to the session, expiring at the end of the program day
    `request_expiry_days` after `now`'s (the present unless given): midnight program time, so
    the day the mentee is told is the mentor's last whole day to answer."""
    now = now or clock.utcnow()
    last_day = clock.local_day(now) + timedelta(days=get_settings().request_expiry_days)
    request = MentorshipRequest(
        mentee=mentee,
        mentor=mentor,
        message=message,
        objectives=list(objectives),
        preferred_contact_method=method,
        status=MentorshipRequest.PENDING,
        source=source,
        created_at=now,
        expires_at=clock.end_of_day(last_day),
    )
    db.session.add(request)
    return request


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


def no_longer_pending_message(request: MentorshipRequest, actor: User) -> str:
    """Why nothing changed: what already happened to the request, and when, for `actor`."""
    when = format_day(request.responded_at or request.created_at)
    by_mentor = actor.id == request.mentor_id
    mentor, mentee = display_name(request.mentor), display_name(request.mentee)
    status = request.status
    if status == MentorshipRequest.ACCEPTED:
        return (
            _("You already accepted this request on %(day)s.", day=when)
            if by_mentor
            else _("%(mentor)s already accepted this request on %(day)s.", mentor=mentor, day=when)
        )
    if status == MentorshipRequest.DECLINED:
        return (
            _("You already declined this request on %(day)s.", day=when)
            if by_mentor
            else _("%(mentor)s already answered this request on %(day)s.", mentor=mentor, day=when)
        )
    if status == MentorshipRequest.WITHDRAWN:
        return (
            _("%(mentee)s withdrew this request on %(day)s.", mentee=mentee, day=when)
            if by_mentor
            else _("You already withdrew this request on %(day)s.", day=when)
        )
    if status == MentorshipRequest.EXPIRED:
        return expired_message(when)
    if status == MentorshipRequest.SUPERSEDED:
        return (
            superseded_message(when, mentee)
            if by_mentor
            else _("This request closed on %(day)s, when another mentor accepted you.", day=when)
        )
    return _("This request can no longer be changed.")


def expired_message(when: str) -> str:
    return _("This request expired on %(day)s without an answer.", day=when)


def superseded_message(when: str, mentee: str) -> str:
    """A closed request, told to its mentor."""
    return _(
        "This request closed on %(day)s: %(mentee)s is now working with another mentor.",
        day=when,
        mentee=mentee,
    )


def link_replaced_message() -> str:
    return _(
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
    if not close_if_pending(request, status, now, *conditions, **values):
        db.session.rollback()
        db.session.refresh(request)
        if request.is_pending:
            raise DomainError(link_replaced_message())
        raise DomainError(no_longer_pending_message(request, actor))
    db.session.refresh(request)
    return now


def _refuse_if_expired(request: MentorshipRequest) -> None:
    """A pending request past its expiry (the daily job has not closed it yet) is over."""
    if request.expires_at <= clock.utcnow():
        raise DomainError(expired_message(format_day(request.answer_by)))


def _refuse_if_answered(request: MentorshipRequest, actor: User) -> None:
    if not request.is_pending:
        raise DomainError(no_longer_pending_message(request, actor))


@retry_on_conflict
def withdraw_request(request: MentorshipRequest, actor: User) -> MentorshipRequest:
    """The mentee takes back a pending request; the mentor is told no answer is needed."""
    if actor.id != request.mentee_id:
        raise DomainError(_("Only the member who sent a request can withdraw it."))
    _refuse_if_answered(request, actor)
    _leave_pending(request, MentorshipRequest.WITHDRAWN, actor)
    mail_withdrawn(request)
    db.session.commit()
    return request


@retry_on_conflict
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
        raise DomainError(_("Only the mentor a request was sent to can accept it."))
    text_note = clean_note(note)
    _refuse_if_answered(request, actor)
    _refuse_if_expired(request)
    mentor, mentee = request.mentor, request.mentee
    limit = get_settings().max_active_mentorships_per_mentee  # before the locks (see above)
    lock_profiles(mentor.id, mentee.id)
    try:
        if not mentor_is_eligible(mentor):
            raise DomainError(
                _("You can't take a mentee at the moment: your profile page shows what to do.")
            )
        if spots_left(mentor) <= 0:
            raise DomainError(
                _(
                    "You are already mentoring as many mentees as your profile allows. Raise "
                    "the number in your profile, or decline this request."
                )
            )
        if active_mentorships_as_mentee(mentee) >= limit:
            raise DomainError(
                _(
                    "%(name)s already has a mentor now, so this request can't be accepted.",
                    name=display_name(mentee),
                )
            )
    except DomainError:
        db.session.rollback()
        raise
    now = _leave_pending(request, MentorshipRequest.ACCEPTED, actor, expected_nonce)
    mentorship = start_mentorship(mentor, mentee, now, request)
    if active_mentorships_as_mentee(mentee) >= limit:
        _supersede_other_requests(request, now)
    mail_accepted(request, mentorship, text_note)
    _apply_mentor_choices(request, stop_accepting, decline_others, now)
    db.session.commit()
    return mentorship


def start_mentorship(
    mentor: User, mentee: User, now: datetime, request: MentorshipRequest | None = None
) -> Mentorship:
    """A mentorship of `mentor` and `mentee` starting on `now`'s program day for at least
    MINIMUM_MONTHS (from `request`, if one was accepted), added to the caller's transaction."""
    today = clock.local_day(now)
    mentorship = Mentorship(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        request_id=request.id if request is not None else None,
        status=Mentorship.ACTIVE,
        started_on=today,
        minimum_end_on=add_months(today, MINIMUM_MONTHS),
        created_at=now,
    )
    db.session.add(mentorship)
    db.session.flush()
    return mentorship


def add_committee_request(
    mentee: User, mentor: User, message: str, objectives, contact_method, now: datetime
) -> MentorshipRequest:
    """A request the committee makes for `mentee` to `mentor` (source "committee"): the mentor
    receives the new-request e-mail with its decision links, the mentee a note that the
    committee asked. Added to the caller's transaction: the caller has checked the rules
    (both in its pool, the mentor with a spot), locked both profiles, and commits."""
    request = _new_request(
        mentee, mentor, message, objectives, contact_method, MentorshipRequest.BY_COMMITTEE, now
    )
    db.session.flush()
    mail_new_request(request, f"request-new:{request.id}")
    mail_committee_request(request)
    return request


def add_committee_mentorship(
    mentee: User, mentor: User, objectives, contact_method, now: datetime
) -> Mentorship:
    """A mentorship the committee starts without asking the mentor (the program's setting),
    with the introduction e-mails to both. Added to the caller's transaction, on the same
    terms as `add_committee_request`."""
    mentorship = start_mentorship(mentor, mentee, now)
    mail_committee_match(mentorship, objectives, contact_method)
    return mentorship


def _supersede_other_requests(accepted: MentorshipRequest, now: datetime) -> None:
    others = db.session.scalars(
        select(MentorshipRequest).where(
            MentorshipRequest.mentee_id == accepted.mentee_id,
            MentorshipRequest.id != accepted.id,
            MentorshipRequest.status == MentorshipRequest.PENDING,
        )
    ).all()
    for other in others:
        superseded = close_if_pending(other, MentorshipRequest.SUPERSEDED, now)
        db.session.refresh(other)
        if superseded:
            mail_superseded(other)


@retry_on_conflict
def decline_request(
    request: MentorshipRequest,
    actor: User,
    note=None,
    *,
    expected_nonce: str | None = None,
    stop_accepting: bool = False,
    decline_others: bool = False,
    away_until: date | None = None,
) -> MentorshipRequest:
    """The mentor declines, with an optional note (at most NOTE_MAX characters). The mentee
    reads it in a kind e-mail with up to SUGGESTIONS other mentors who fit them (listed in
    the directory, not this mentor, none they asked before). No spot is used.

    With `stop_accepting` the mentor takes no new requests from now on; with `decline_others`
    their other pending requests are declined too (each mentee told kindly, with
    suggestions, without this note), all in the same transaction. With `away_until` (a day
    `app.availability.return_day_problem` accepts) the mentor is away until then, and their
    other pending requests are declined (`decline_others`) or kept open for their return."""
    if actor.id != request.mentor_id:
        raise DomainError(_("Only the mentor a request was sent to can decline it."))
    text_note = clean_note(note)
    if away_until is not None:
        problem = return_day_problem(away_until, clock.today())
        if problem:
            raise DomainError(problem, field="away_until")
    _refuse_if_answered(request, actor)
    # Decisions on one mentor's requests take the mentor's profile first, as accepting does:
    # declining the others or closing the list touches rows a concurrent decision holds, and
    # the same order means they wait for each other instead of deadlocking.
    lock_profiles(request.mentor_id)
    now = _leave_pending(
        request, MentorshipRequest.DECLINED, actor, expected_nonce, decline_note=text_note
    )
    mail_declined(request, text_note, away_until=away_until)
    if away_until is not None:
        pause_mentor(request.mentor, away_until, None, not decline_others, now)
        record_away(request.mentor, away_until, not decline_others, source="decline")
    else:
        _apply_mentor_choices(request, stop_accepting, decline_others, now)
    db.session.commit()
    return request


# Requests kept open for a mentor's return can still be answered this long after it.
AWAY_ANSWER_DAYS = 7


def pending_received_by(mentor: User) -> list[MentorshipRequest]:
    """The mentor's pending requests, oldest first."""
    return list(
        db.session.scalars(
            select(MentorshipRequest)
            .where(
                MentorshipRequest.mentor_id == mentor.id,
                MentorshipRequest.status == MentorshipRequest.PENDING,
            )
            .order_by(MentorshipRequest.created_at, MentorshipRequest.id)
        ).all()
    )


def pause_mentor(
    mentor: User, until: date, note: str | None, keep_requests: bool, now: datetime
) -> tuple[int, int]:
    """The mentor is away until `until` (the caller locked their profile and commits): out of
    the directory and taking no requests until that day. Each of their pending requests is
    kept open to the end of the program day AWAY_ANSWER_DAYS after the return (`keep_requests`;
    the mentee is told and may withdraw) or declined kindly, the mentee told with suggestions.
    Each request changes by a conditional UPDATE, so a request answered meanwhile is left alone.

    Returns (declined, kept open)."""
    mentor.profile.start_away(until, note, keep_requests)
    declined = kept = 0
    answer_by = clock.end_of_day(until + timedelta(days=AWAY_ANSWER_DAYS))
    for waiting in pending_received_by(mentor):
        if keep_requests:
            if update_if_pending(waiting, expires_at=max(waiting.expires_at, answer_by)):
                db.session.refresh(waiting)
                mail_held(waiting, until)
                kept += 1
        elif close_if_pending(waiting, MentorshipRequest.DECLINED, now):
            db.session.refresh(waiting)
            mail_declined(waiting, None, paused=True, away_until=until)
            declined += 1
    return declined, kept


def record_away(mentor: User, until: date, keep_requests: bool, **detail) -> None:
    """The audit event of a mentor's pause (the caller commits)."""
    trail.record(
        mentor,
        trail.MENTOR_AWAY,
        mentor,
        until=until,
        pending=("kept open" if keep_requests else "declined"),
        **detail,
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
        declined = close_if_pending(other, MentorshipRequest.DECLINED, now)
        db.session.refresh(other)
        if declined:
            mail_declined(other, None, paused=True)


def update_if_pending(request: MentorshipRequest, *conditions, **values) -> bool:
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


def close_if_pending(
    request: MentorshipRequest, status: str, now: datetime, *conditions, **values
) -> bool:
    """Move a still-pending request to `status`; a new nonce spends its e-mailed links."""
    return update_if_pending(
        request, *conditions, status=status, responded_at=now, nonce=new_nonce(), **values
    )
