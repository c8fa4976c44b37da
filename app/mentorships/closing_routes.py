"""Closing a mentorship: the closing page, complete, end early, extend,
closing feedback and the participation record. On the mentorships blueprint.

Thin: authorise with `mentorship_for_participant` (404 for anyone but the pair, the committee
included), call one service of app/mentorships/closing.py, then flash and redirect (PRG). A rule
that says no is a 409 page with its message; nothing changed.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors_domain import DomainError, FieldErrors, show_on_form
from app.mentorships import closing as closing_service
from app.mentorships import services
from app.mentorships.blueprint import bp, mentorship_for_participant
from app.mentorships.closing_forms import (
    SCORE_LABELS,
    SCORE_PREFIX,
    ClosingActionForm,
    EndEarlyForm,
    ExtendForm,
    FeedbackForm,
    scores_from,
)
from app.mentorships.record import participation_record
from app.models import Mentorship
from app.text import display_name, format_long_day


def _refused(mentorship: Mentorship, message: str):
    return render_template(
        "mentorships/closing/refused.html", mentorship=mentorship, message=message
    ), 409


def _closing_page(mentorship: Mentorship, status: int = 200, **forms):
    return render_template(
        "mentorships/closing/close.html",
        mentorship=mentorship,
        action_form=ClosingActionForm(),
        end_form=forms.get("end_form") or EndEarlyForm(formdata=None),
        extend_form=forms.get("extend_form") or ExtendForm(formdata=None),
        **closing_service.closing_state(mentorship, current_user),
    ), status


def _closing_form_not_done(mentorship: Mentorship, form_name: str, form):
    """An end-early or extend form that changed nothing: 400 for a bad CSRF token, the refusal
    once the mentorship has closed, else the closing page with the form's errors (422)."""
    if form.csrf_token.errors:
        abort(400)
    if not mentorship.is_active:
        return _refused(mentorship, closing_service.closed_message(mentorship, current_user))
    return _closing_page(mentorship, 422, **{form_name: form})


@bp.get("/<int:mentorship_id>/close")
@login_required
def closing(mentorship_id: int):
    """Complete, end early or carry on: what is possible now, and the feedback once closed."""
    mentorship = mentorship_for_participant(mentorship_id)
    return _closing_page(mentorship)


def _confirm_page(mentorship: Mentorship, action: str, **context):
    return render_template(
        "mentorships/closing/confirm.html",
        mentorship=mentorship,
        action=action,
        partner_name=display_name(services.partner_of(mentorship, current_user)),
        **context,
    )


@bp.get("/<int:mentorship_id>/complete")
@login_required
def closing_complete_confirm(mentorship_id: int):
    """The confirmation step before marking the mentorship completed (changes nothing)."""
    mentorship = mentorship_for_participant(mentorship_id)
    try:
        closing_service.check_may_complete(mentorship, current_user)
    except DomainError as error:
        return _refused(mentorship, error.message)
    return _confirm_page(mentorship, "complete", action_form=ClosingActionForm(formdata=None))


@bp.post("/<int:mentorship_id>/complete")
@login_required
def closing_complete(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    if not ClosingActionForm().validate_on_submit():
        abort(400)
    try:
        closing_service.complete(mentorship, current_user)
    except DomainError as error:
        return _refused(mentorship, error.message)
    flash(
        _(
            "Your mentorship is completed. Congratulations! We told your partner. "
            "Please tell the committee how it went."
        ),
        "success",
    )
    return redirect(url_for("mentorships.closing_feedback", mentorship_id=mentorship.id))


@bp.post("/<int:mentorship_id>/end-early")
@login_required
def closing_end_early(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    form = EndEarlyForm()
    if form.validate_on_submit():
        try:
            if form.confirmed.data != "yes":
                # First the confirmation step: the choices travel with it, nothing ends yet.
                closing_service.check_end_early(
                    mentorship, current_user, form.reason.data, form.note.data
                )
                form.confirmed.data = "yes"
                return _confirm_page(mentorship, "end_early", end_form=form)
            closing_service.end_early(mentorship, current_user, form.reason.data, form.note.data)
        except FieldErrors as error:
            show_on_form(form, error)
        except DomainError as error:
            return _refused(mentorship, error.message)
        else:
            flash(
                _(
                    "Your mentorship has ended. We told your partner. "
                    "Please tell the committee how it went."
                ),
                "success",
            )
            return redirect(url_for("mentorships.closing_feedback", mentorship_id=mentorship.id))
    return _closing_form_not_done(mentorship, "end_form", form)


@bp.post("/<int:mentorship_id>/extend")
@login_required
def closing_extend(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    form = ExtendForm()
    if form.validate_on_submit():
        try:
            closing_service.extend(mentorship, current_user, form.months.data)
        except FieldErrors as error:
            show_on_form(form, error)
        except DomainError as error:
            return _refused(mentorship, error.message)
        else:
            flash(
                _(
                    "You carry on. We will ask you both again on %(day)s; you can mark the "
                    "mentorship completed any time before.",
                    day=format_long_day(mentorship.review_date),
                ),
                "success",
            )
            return redirect(url_for("mentorships.closing", mentorship_id=mentorship.id))
    return _closing_form_not_done(mentorship, "extend_form", form)


def _feedback_page(mentorship: Mentorship, form: FeedbackForm, status=200, errors=None, sent=None):
    return render_template(
        "mentorships/closing/feedback.html",
        mentorship=mentorship,
        form=form,
        objectives=closing_service.agreed_objectives(mentorship),
        scores=SCORE_LABELS,
        score_prefix=SCORE_PREFIX,
        sent=sent or {},
        errors=errors or {},
        partner_name=display_name(services.partner_of(mentorship, current_user)),
    ), status


@bp.route("/<int:mentorship_id>/feedback", methods=["GET", "POST"])
@login_required
def closing_feedback(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    try:
        closing_service.check_feedback_open(mentorship, current_user)
    except DomainError as error:
        return _refused(mentorship, error.message)
    if request.method == "GET":
        return _feedback_page(mentorship, FeedbackForm(formdata=None))
    form = FeedbackForm()
    sent = scores_from(request.form)
    errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        try:
            closing_service.give_feedback(
                mentorship, current_user, sent, form.recommends, form.comment.data
            )
        except FieldErrors as error:
            errors = error.errors
            # Scores have no form field: the page shows them by their objective.
            show_on_form(form, error, flash_unplaced=False)
        except DomainError as error:
            return _refused(mentorship, error.message)
        else:
            flash(
                _("Thank you for your feedback: it helps the committee run the program."), "success"
            )
            target = "closing_record" if mentorship.status == Mentorship.COMPLETED else "closing"
            return redirect(url_for(f"mentorships.{target}", mentorship_id=mentorship.id))
    elif form.csrf_token.errors:
        abort(400)
    return _feedback_page(mentorship, form, 422, errors=errors, sent=sent)


@bp.get("/<int:mentorship_id>/record")
@login_required
def closing_record(mentorship_id: int):
    """The participation record, printable; for a completed mentorship only."""
    mentorship = mentorship_for_participant(mentorship_id)
    record = participation_record(mentorship, current_user)
    if record is None:
        return _refused(
            mentorship,
            _("The participation record is ready once your mentorship is marked completed."),
        )
    return render_template("mentorships/closing/record.html", mentorship=mentorship, record=record)
