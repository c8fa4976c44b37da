"""Closing a mentorship: complete, end early, extend, closing feedback.

Each operation takes a mentorship the caller found with `find_for_participant` (only the pair
reach it), checks the rules, changes the models, enqueues its e-mail in the same transaction and
commits, or raises a DomainError (`FieldErrors` with every field's problems) and changes nothing.

A status change is a conditional UPDATE on "still active": of two simultaneous closings only one
wins, and the other is told what happened. Ending (completed or ended early) frees the mentor's
spot at once: the spot count (`app.requests.services.spots_left`, the directory's SQL twin)
counts active mentorships only.

Confidentiality: the end-early note is for the committee, never e-mailed to the partner; no
e-mail or page here shows a check-in note.
"""

from flask_babel import format_number, lazy_gettext
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import clock
from app.clock import add_months
from app.concurrency import retry_on_conflict
from app.email import absolute_url, enqueue
from app.errors_domain import DomainError, FieldErrors
from app.extensions import db
from app.i18n import member_locale
from app.mentorships import meetings
from app.mentorships.services import partner_of, role_of
from app.models import ClosingFeedback, ClosingFeedbackScore, Mentorship, Objective, User
from app.query_args import record_id
from app.text import NOT_OFFERED, clean_text, display_name, format_long_day


def closed_message(mentorship: Mentorship, actor: User) -> str:
    """Why nothing changed: the mentorship already ended, how, when and by whom (in the
    page's language: whole sentences, as French orders them differently)."""
    completed = mentorship.status == Mentorship.COMPLETED
    if mentorship.ended_on is None:
        if completed:
            return _("This mentorship is already completed.")
        return _("This mentorship has already ended.")
    day = format_long_day(mentorship.ended_on)
    if mentorship.ended_by_id == actor.id:
        if completed:
            return _("You already marked this mentorship completed on %(day)s.", day=day)
        return _("You already ended this mentorship on %(day)s.", day=day)
    if mentorship.ended_by_id is not None:
        name = display_name(partner_of(mentorship, actor))
        if completed:
            return _(
                "%(name)s already marked this mentorship completed on %(day)s.",
                name=name,
                day=day,
            )
        return _("%(name)s already ended this mentorship on %(day)s.", name=name, day=day)
    if completed:
        return _("This mentorship was completed on %(day)s.", day=day)
    return _("This mentorship ended on %(day)s.", day=day)


def too_long_message(limit: int, length: int) -> str:
    """A text over its limit, with both counts in the page's language ("1,000" / "1 000")."""
    return _(
        "Use at most %(limit)s characters (you wrote %(length)s).",
        limit=format_number(limit),
        length=format_number(length),
    )


def _refuse_if_closed(mentorship: Mentorship, actor: User) -> None:
    if not mentorship.is_active:
        raise DomainError(closed_message(mentorship, actor))


def _check_participant(mentorship: Mentorship, actor: User) -> None:
    if not mentorship.involves(actor.id):
        raise DomainError(_("Only the mentor and the mentee of a mentorship can do that."))


def _update_if_active(mentorship: Mentorship, actor: User, **values) -> None:
    """Change the mentorship only if it is still active (a conditional UPDATE: of two
    simultaneous changes only one wins); otherwise roll back and say what happened."""
    result = db.session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship.id, Mentorship.status == Mentorship.ACTIVE)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(mentorship)
        raise DomainError(closed_message(mentorship, actor))
    db.session.refresh(mentorship)


def _close(mentorship: Mentorship, actor: User, status: str, **values) -> None:
    """Move the mentorship from active to `status`, ended today by `actor`."""
    _update_if_active(
        mentorship, actor, status=status, ended_on=clock.today(), ended_by_id=actor.id, **values
    )
    meetings.cancel_on_closing(mentorship, actor)


def _mail_closed(mentorship: Mentorship, actor: User, template: str, subject) -> None:
    """The partner learns the mentorship closed (and is asked for feedback); the actor gets
    the request for feedback too, so both have the link. Each in their own language: the
    subject is lazy and the dates are formatted by the templates."""
    partner = partner_of(mentorship, actor)
    feedback_url = absolute_url("mentorships.closing_feedback", mentorship_id=mentorship.id)
    enqueue(
        partner.email,
        template,
        subject,
        dedupe_key=f"{template}:{mentorship.id}:{partner.id}",
        locale=member_locale(partner),
        partner_name=display_name(partner),
        actor_name=display_name(actor),
        started_on=mentorship.started_on,
        ended_on=mentorship.ended_on,
        feedback_url=feedback_url,
        record_url=absolute_url("mentorships.closing_record", mentorship_id=mentorship.id),
        completed=mentorship.status == Mentorship.COMPLETED,
    )
    enqueue(
        actor.email,
        "mentorship_feedback",
        lazy_gettext("Your feedback on your mentorship"),
        dedupe_key=f"mentorship-feedback:{mentorship.id}:{actor.id}",
        locale=member_locale(actor),
        name=display_name(actor),
        partner_name=display_name(partner),
        feedback_url=feedback_url,
        completed=mentorship.status == Mentorship.COMPLETED,
    )


@retry_on_conflict
def complete(mentorship: Mentorship, actor: User) -> Mentorship:
    """Mark the mentorship completed: possible once the six months are reached (and any time
    after an extension). The partner is told by e-mail; both are asked for feedback."""
    check_may_complete(mentorship, actor)
    _close(mentorship, actor, Mentorship.COMPLETED)
    _mail_closed(
        mentorship,
        actor,
        "mentorship_completed",
        lazy_gettext("%(name)s marked your mentorship completed", name=display_name(actor)),
    )
    db.session.commit()
    return mentorship


def clean_end_note(note: str | None) -> str | None:
    return clean_text(note)


def check_end_early(mentorship: Mentorship, actor: User, reason: str | None, note: str | None):
    """What `end_early` would refuse, changing nothing: DomainError when the mentorship can't
    end early, FieldErrors for the reason or the note. Returns the cleaned note."""
    _check_participant(mentorship, actor)
    _refuse_if_closed(mentorship, actor)
    if not mentorship.may_end_early(clock.today()):
        raise DomainError(
            _(
                "Your mentorship has reached six months, so it doesn't end early: mark it "
                "completed instead."
            )
        )
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Choose why the mentorship is ending.")]
    elif reason not in Mentorship.END_REASONS:
        errors["reason"] = [str(NOT_OFFERED)]
    text = clean_end_note(note)
    if text is not None and len(text) > Mentorship.END_NOTE_LIMIT:
        errors["note"] = [too_long_message(Mentorship.END_NOTE_LIMIT, len(text))]
    if errors:
        raise FieldErrors(errors)
    return text


@retry_on_conflict
def end_early(mentorship: Mentorship, actor: User, reason: str | None, note: str | None):
    """End the mentorship before the six months, with a reason (one of
    Mentorship.END_REASONS) and an optional note for the committee (at most END_NOTE_LIMIT
    characters; never shown to the partner). The partner is told; both are asked for feedback.
    Refuses what `check_end_early` refuses."""
    text = check_end_early(mentorship, actor, reason, note)
    _close(mentorship, actor, Mentorship.ENDED_EARLY, end_reason=reason, end_note=text)
    _mail_closed(
        mentorship,
        actor,
        "mentorship_ended",
        lazy_gettext("%(name)s ended your mentorship", name=display_name(actor)),
    )
    db.session.commit()
    return mentorship


def check_may_complete(mentorship: Mentorship, actor: User) -> None:
    """DomainError when `actor` can't mark the mentorship completed now; changes nothing."""
    _check_participant(mentorship, actor)
    _refuse_if_closed(mentorship, actor)
    if not mentorship.may_complete(clock.today()):
        raise DomainError(
            _(
                "A mentorship can be marked completed once it has run six months, from "
                "%(day)s. If you need to stop before then, end it early instead.",
                day=format_long_day(mentorship.minimum_end_on),
            )
        )


@retry_on_conflict
def extend(mentorship: Mentorship, actor: User, months) -> Mentorship:
    """Carry on past six months: the next review ("complete or extend?") is `months` (1 to 6)
    from today. Completing stays possible at any time. The partner is told."""
    _check_participant(mentorship, actor)
    _refuse_if_closed(mentorship, actor)
    today = clock.today()
    if not mentorship.may_extend(today):
        raise DomainError(
            _(
                "You can choose to carry on once your mentorship reaches six months, on %(day)s.",
                day=format_long_day(mentorship.minimum_end_on),
            )
        )
    if (
        not isinstance(months, int)
        or isinstance(months, bool)
        or months not in Mentorship.EXTEND_MONTHS
    ):
        raise FieldErrors({"months": [_("Choose a review date from 1 to 6 months from now.")]})
    review_on = add_months(today, months)
    _update_if_active(mentorship, actor, review_on=review_on)
    partner = partner_of(mentorship, actor)
    enqueue(
        partner.email,
        "mentorship_six_months_extended",
        lazy_gettext("%(name)s extended your mentorship", name=display_name(actor)),
        dedupe_key=f"mentorship-extended:{mentorship.id}:{partner.id}:{review_on.isoformat()}",
        locale=member_locale(partner),
        partner_name=display_name(partner),
        actor_name=display_name(actor),
        review_on=review_on,
        mentorship_url=absolute_url("mentorships.show", mentorship_id=mentorship.id),
        closing_url=absolute_url("mentorships.closing", mentorship_id=mentorship.id),
    )
    db.session.commit()
    return mentorship


# --- closing feedback ------------------------------------------------------------------------


def agreed_objectives(mentorship: Mentorship) -> list[Objective]:
    """The objectives the pair agreed on (in the program's order): the ones feedback scores."""
    agreement = mentorship.agreement
    if agreement is None:
        return []
    return sorted(agreement.objectives, key=lambda o: (o.position, o.name))


def feedback_of(mentorship: Mentorship, user: User) -> ClosingFeedback | None:
    return db.session.scalar(
        select(ClosingFeedback).where(
            ClosingFeedback.mentorship_id == mentorship.id, ClosingFeedback.user_id == user.id
        )
    )


def _already_given(feedback: ClosingFeedback) -> DomainError:
    return DomainError(
        _(
            "You already gave your feedback on %(day)s. Thank you: it can't be changed now.",
            day=format_long_day(feedback.created_at),
        )
    )


def check_feedback_open(mentorship: Mentorship, user: User) -> None:
    """Feedback is given once the mentorship closed, once per participant."""
    _check_participant(mentorship, user)
    if mentorship.is_active:
        raise DomainError(
            _("Feedback is asked for once your mentorship is completed or has ended.")
        )
    given = feedback_of(mentorship, user)
    if given is not None:
        raise _already_given(given)


def _score(value) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if text in {"1", "2", "3", "4", "5"} else None


@retry_on_conflict
def give_feedback(
    mentorship: Mentorship, user: User, scores: dict, would_recommend, comment: str | None
) -> ClosingFeedback:
    """Record `user`'s closing feedback for the committee.

    `scores` maps objective ids (as sent: text or numbers) to 1..5, one for each objective of
    the agreement, no other; `would_recommend` is True or False; `comment` at most
    ClosingFeedback.COMMENT_LIMIT characters (optional). Raises FieldErrors (fields "scores",
    "score-<objective id>", "would_recommend", "comment") or DomainError; saves nothing then.
    """
    check_feedback_open(mentorship, user)
    errors: dict[str, list[str]] = {}
    agreed = {o.id: o for o in agreed_objectives(mentorship)}
    chosen: dict[int, int] = {}
    for key, value in (scores or {}).items():
        objective_id = record_id(str(key))
        if objective_id not in agreed:
            errors.setdefault("scores", []).append(
                _("Score only the objectives of your agreement, as shown.")
            )
            continue
        score = _score(value)
        if score is None:
            errors[f"score-{objective_id}"] = [_("Choose a score from 1 to 5.")]
        else:
            chosen[objective_id] = score
    for objective_id, objective in agreed.items():
        if objective_id not in chosen and f"score-{objective_id}" not in errors:
            errors[f"score-{objective_id}"] = [
                _("Choose how well “%(objective)s” was met.", objective=objective.name)
            ]
    if would_recommend not in (True, False):
        errors["would_recommend"] = [_("Choose yes or no.")]
    text = clean_end_note(comment)
    if text is not None and len(text) > ClosingFeedback.COMMENT_LIMIT:
        errors["comment"] = [too_long_message(ClosingFeedback.COMMENT_LIMIT, len(text))]
    if errors:
        raise FieldErrors(errors)
    feedback = ClosingFeedback(
        mentorship_id=mentorship.id,
        user_id=user.id,
        would_recommend=would_recommend,
        comment=text,
        created_at=clock.utcnow(),
        scores=[
            ClosingFeedbackScore(objective_id=objective_id, score=score)
            for objective_id, score in sorted(chosen.items())
        ],
    )
    db.session.add(feedback)
    try:
        db.session.flush()
    except IntegrityError:  # the same member, twice at the same moment
        db.session.rollback()
        raise _already_given(feedback_of(mentorship, user)) from None
    db.session.commit()
    return feedback


# --- what the closing page offers ------------------------------------------------------------


def closing_state(mentorship: Mentorship, user: User) -> dict:
    """What `user` can do now on the closing page, for the template."""
    today = clock.today()
    return {
        "today": today,
        "role": role_of(mentorship, user),
        "partner_name": display_name(partner_of(mentorship, user)),
        "may_complete": mentorship.may_complete(today),
        "may_end_early": mentorship.may_end_early(today),
        "may_extend": mentorship.may_extend(today),
        "review_date": mentorship.review_date,
        "review_due": mentorship.is_active and today >= mentorship.review_date,
        "feedback": feedback_of(mentorship, user) if mentorship.is_closed else None,
        "extend_choices": [
            (months, format_long_day(add_months(today, months)))
            for months in Mentorship.EXTEND_MONTHS
        ],
    }
