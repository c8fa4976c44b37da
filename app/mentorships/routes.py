"""The pair's mentorship pages. Thin: parse, authorise with `mentorship_for_participant` (404 for
anyone but the pair), call one service, then flash and redirect, or render a fragment for HTMX.
"""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.errors import render_error
from app.errors_domain import DomainError, FieldErrors, show_on_form
from app.htmx import is_htmx
from app.mentorships import agreement as agreement_service
from app.mentorships import (
    check_ins,
    closing_routes,  # noqa: F401  (its views are on `bp` too)
    meetings,
    services,
)
from app.mentorships.blueprint import bp, mentorship_for_participant
from app.mentorships.forms import (
    ActionForm,
    AgreementForm,
    CheckInForm,
    GoalDoneForm,
    GoalForm,
    NextMeetingForm,
    PreferenceForm,
)
from app.models import CheckIn, Mentorship, MentorshipAgreement


def _show_url(mentorship: Mentorship, anchor: str | None = None) -> str:
    return url_for("mentorships.show", mentorship_id=mentorship.id, _anchor=anchor)


def _refuse(error: DomainError, mentorship: Mentorship):
    """A rule said no: 409 with its message (a fragment for HTMX), nothing changed."""
    if is_htmx():
        return render_error(409, _("That can't be done"), error.message)
    return render_template(
        "mentorships/refused.html", message=error.message, mentorship=mentorship
    ), 409


@bp.context_processor
def mentorship_words():
    return {
        "frequencies": MentorshipAgreement.FREQUENCIES,
        "scores": CheckIn.SCORES,
        "and_list": services.and_list,
    }


def _context(mentorship: Mentorship, **forms) -> dict:
    objectives, methods = services.objectives(), services.contact_methods()
    partner = services.partner_of(mentorship, current_user)
    context = {
        "mentorship": mentorship,
        "role": services.role_of(mentorship, current_user),
        "partner": partner,
        "contact": services.contact_details(partner),
        "agreement": mentorship.agreement,
        "progress": services.progress(mentorship),
        "check_ins": mentorship.check_ins,
        "goals": mentorship.goals,
        "writable": mentorship.is_active,
        "today": clock.today().isoformat(),
        "may_change": lambda check_in: check_ins.may_change_check_in(check_in, current_user),
        "action_form": ActionForm(),
        # A new check-in is most often of a meeting today: the program's day, not UTC's.
        "check_in_form": forms.get("check_in_form")
        or CheckInForm.for_choices(objectives, methods, formdata=None, met_on=clock.today()),
        "goal_form": forms.get("goal_form") or GoalForm.for_choices(objectives, formdata=None),
        "next_form": forms.get("next_form") or _next_form(mentorship, formdata=False),
        "next_meeting_upcoming": meetings.is_upcoming(mentorship.agreement),
        "next_meeting_when": meetings.when_text(mentorship.agreement)
        if mentorship.agreement and mentorship.agreement.next_meeting_on
        else None,
        "preference_form": _preference_form(mentorship),
    }
    return context


def _next_form(mentorship: Mentorship | None = None, formdata=True) -> NextMeetingForm:
    kwargs = {} if formdata else {"formdata": None}
    form = NextMeetingForm.for_choices(
        services.contact_methods(), clock.program_zone().key, **kwargs
    )
    if not formdata:
        form.fill(mentorship.agreement)
    return form


def _preference_form(mentorship: Mentorship) -> PreferenceForm:
    return PreferenceForm(
        formdata=None,
        check_in_emails=check_ins.check_in_emails_on(mentorship, current_user),
    )


# --- pages -----------------------------------------------------------------------------------


@bp.get("")
@login_required
def index():
    return render_template("mentorships/index.html", lists=services.mentorships_of(current_user))


@bp.get("/<int:mentorship_id>")
@login_required
def show(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    return render_template("mentorships/show.html", **_context(mentorship))


# --- the agreement ---------------------------------------------------------------------------


def _agreement_form(mentorship: Mentorship, formdata=True) -> AgreementForm:
    kwargs = {} if formdata else {"formdata": None}
    form = AgreementForm.for_choices(services.objectives(), services.contact_methods(), **kwargs)
    if not formdata:
        form.fill(agreement_service.agreement_changes_from(mentorship.agreement))
    return form


def _agreement_fragment(mentorship: Mentorship, announcement: str | None = None):
    return render_template(
        "mentorships/_agreement_swap.html",
        **_context(mentorship),
        announcement=announcement,
    )


@bp.get("/<int:mentorship_id>/agreement")
@login_required
def agreement(mentorship_id: int):
    """The agreement (HTMX: back from the edit form without saving)."""
    mentorship = mentorship_for_participant(mentorship_id)
    if not is_htmx():
        return redirect(_show_url(mentorship, "agreement"))
    return _agreement_fragment(mentorship)


@bp.get("/<int:mentorship_id>/agreement/edit")
@login_required
def agreement_edit(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    try:
        services.check_writable(mentorship)
    except DomainError as error:
        return _refuse(error, mentorship)
    form = _agreement_form(mentorship, formdata=False)
    return _agreement_form_page(mentorship, form)


def _agreement_form_page(mentorship: Mentorship, form: AgreementForm, status: int = 200):
    if is_htmx():
        # HTMX swaps only 2xx answers: the form with its errors comes back as 200.
        return render_template("mentorships/_agreement_form.html", mentorship=mentorship, form=form)
    return render_template(
        "mentorships/agreement_edit.html",
        mentorship=mentorship,
        partner=services.partner_of(mentorship, current_user),
        form=form,
    ), status


@bp.post("/<int:mentorship_id>/agreement")
@login_required
def agreement_save(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    form = _agreement_form(mentorship)
    if form.validate_on_submit():
        try:
            saved = agreement_service.save_agreement(mentorship, current_user, form.changes())
        except FieldErrors as error:
            show_on_form(form, error)
        except DomainError as error:
            return _refuse(error, mentorship)
        else:
            if saved.is_confirmed_by_both:
                message = _("Agreement saved. You have both confirmed it.")
            elif saved.confirmed_at_for(current_user.id):
                message = _(
                    "Agreement saved and confirmed by you. Your partner is asked to confirm it."
                )
            else:
                message = _("Agreement saved. It can be confirmed once it is complete.")
            if is_htmx():
                return _agreement_fragment(mentorship, message)
            flash(message, "success")
            return redirect(_show_url(mentorship, "agreement"))
    return _agreement_form_page(mentorship, form, 422)


@bp.post("/<int:mentorship_id>/agreement/confirm")
@login_required
def agreement_confirm(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        confirmed = agreement_service.confirm_agreement(mentorship, current_user)
    except DomainError as error:
        return _refuse(error, mentorship)
    message = (
        _("You confirmed the agreement. You have both confirmed it.")
        if confirmed.is_confirmed_by_both
        else _("You confirmed the agreement. Your partner is asked to confirm it too.")
    )
    if is_htmx():
        return _agreement_fragment(mentorship, message)
    flash(message, "success")
    return redirect(_show_url(mentorship, "agreement"))


# --- check-ins -------------------------------------------------------------------------------


def _check_in_form(formdata=True) -> CheckInForm:
    kwargs = {} if formdata else {"formdata": None}
    return CheckInForm.for_choices(services.objectives(), services.contact_methods(), **kwargs)


@bp.post("/<int:mentorship_id>/check-ins")
@login_required
def check_in_add(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    form = _check_in_form()
    if form.validate_on_submit():
        try:
            added = check_ins.add_check_in(mentorship, current_user, form.changes())
        except FieldErrors as error:
            show_on_form(form, error)
        except DomainError as error:
            return _refuse(error, mentorship)
        else:
            if is_htmx():
                return render_template(
                    "mentorships/_check_in_added.html",
                    **_context(mentorship),
                    added=added,
                    announcement=_("Check-in added."),
                )
            flash(_("Check-in added."), "success")
            return redirect(_show_url(mentorship, f"check-in-{added.id}"))
    if is_htmx():
        response = Response(
            render_template(
                "mentorships/_check_in_form.html", **_context(mentorship, check_in_form=form)
            )
        )
        response.headers["HX-Retarget"] = "#check-in-form-region"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return render_template("mentorships/show.html", **_context(mentorship, check_in_form=form)), 422


def _own_check_in(mentorship: Mentorship, check_in_id: int) -> CheckIn:
    """The author's check-in of this mentorship; the partner and anyone else: 404."""
    check_in = check_ins.check_in_of(mentorship, check_in_id, current_user)
    if check_in is None:
        abort(404)
    return check_in


@bp.route("/<int:mentorship_id>/check-ins/<int:check_in_id>/edit", methods=["GET", "POST"])
@login_required
def check_in_edit(mentorship_id: int, check_in_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    check_in = _own_check_in(mentorship, check_in_id)
    try:
        check_ins.check_editable(check_in)
    except DomainError as error:
        return _refuse(error, mentorship)
    form = _check_in_form(formdata=request.method == "POST")
    if request.method == "GET":
        form.fill(check_in)
    elif form.validate_on_submit():
        try:
            check_ins.update_check_in(check_in, current_user, form.changes())
        except FieldErrors as error:
            show_on_form(form, error)
        except DomainError as error:
            return _refuse(error, mentorship)
        else:
            flash(_("Check-in saved."), "success")
            # The id from the address: reading the saved row again could find it deleted
            # already, by the author's other tab.
            return redirect(_show_url(mentorship, f"check-in-{check_in_id}"))
    return render_template(
        "mentorships/check_in_edit.html",
        mentorship=mentorship,
        check_in=check_in,
        form=form,
        action_form=ActionForm(),
    ), (422 if request.method == "POST" else 200)


@bp.post("/<int:mentorship_id>/check-ins/<int:check_in_id>/delete")
@login_required
def check_in_delete(mentorship_id: int, check_in_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    check_in = _own_check_in(mentorship, check_in_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        check_ins.delete_check_in(check_in, current_user)
    except DomainError as error:
        return _refuse(error, mentorship)
    flash(_("Check-in deleted."), "success")
    return redirect(_show_url(mentorship, "check-ins"))


# --- goals -----------------------------------------------------------------------------------


@bp.post("/<int:mentorship_id>/goals")
@login_required
def goal_add(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    form = GoalForm.for_choices(services.objectives())
    if form.validate_on_submit():
        try:
            goal = services.add_goal(mentorship, current_user, form.text.data, form.objective.data)
        except FieldErrors as error:
            show_on_form(form, error)
        except DomainError as error:
            return _refuse(error, mentorship)
        else:
            if is_htmx():
                return render_template(
                    "mentorships/_goals.html",
                    **_context(mentorship),
                    added=goal,
                    announcement=_("Goal added: %(goal)s", goal=goal.text),
                )
            flash(_("Goal added."), "success")
            return redirect(_show_url(mentorship, "goals"))
    if is_htmx():
        return render_template(
            "mentorships/_goals.html", **_context(mentorship, goal_form=form), added=None
        )
    return render_template("mentorships/show.html", **_context(mentorship, goal_form=form)), 422


@bp.post("/<int:mentorship_id>/goals/<int:goal_id>/done")
@login_required
def goal_done(mentorship_id: int, goal_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    goal = services.goal_of(mentorship, goal_id)
    if goal is None:
        abort(404)
    form = GoalDoneForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.set_goal_done(goal, form.wants_done)
    except DomainError as error:
        return _refuse(error, mentorship)
    message = (
        _("%(goal)s: done.", goal=goal.text)
        if goal.is_done
        else _("%(goal)s: not done.", goal=goal.text)
    )
    if is_htmx():
        return render_template(
            "mentorships/_goal_swap.html",
            goal=goal,
            mentorship=mentorship,
            writable=True,
            focus_goal=True,
            announcement=message,
        )
    flash(message, "success")
    return redirect(_show_url(mentorship, "goals"))


# --- the next meeting and settings -----------------------------------------------------------


@bp.post("/<int:mentorship_id>/next-meeting")
@login_required
def next_meeting(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    form = _next_form()
    if form.validate_on_submit():
        try:
            saved = meetings.set_next_meeting(mentorship, current_user, form.changes())
        except FieldErrors as error:
            show_on_form(form, error)
        except DomainError as error:
            return _refuse(error, mentorship)
        else:
            planned = saved is not None and saved.next_meeting_on is not None
            return _next_meeting_saved(
                mentorship, _("Next meeting saved.") if planned else _("Next meeting cleared.")
            )
    if is_htmx():
        return render_template("mentorships/_progress.html", **_context(mentorship, next_form=form))
    return render_template("mentorships/show.html", **_context(mentorship, next_form=form)), 422


@bp.post("/<int:mentorship_id>/next-meeting/cancel")
@login_required
def next_meeting_cancel(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        meetings.clear_next_meeting(mentorship, current_user)
    except DomainError as error:
        return _refuse(error, mentorship)
    return _next_meeting_saved(mentorship, _("Next meeting cancelled."))


def _next_meeting_saved(mentorship: Mentorship, message: str):
    if is_htmx():
        return render_template(
            "mentorships/_progress_swap.html", **_context(mentorship), announcement=message
        )
    flash(message, "success")
    return redirect(_show_url(mentorship, "progress"))


@bp.get("/<int:mentorship_id>/next-meeting.ics")
@login_required
def next_meeting_ics(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    calendar = meetings.next_meeting_calendar(mentorship, current_user)
    if calendar is None:
        abort(404)
    return Response(
        calendar,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="next-mentoring-meeting.ics"'},
    )


@bp.post("/<int:mentorship_id>/preferences")
@login_required
def preferences(mentorship_id: int):
    mentorship = mentorship_for_participant(mentorship_id)
    form = PreferenceForm()
    if not form.validate_on_submit():
        abort(400)
    check_ins.set_check_in_emails(mentorship, current_user, form.check_in_emails.data)
    flash(
        _("We will e-mail you when your partner logs a check-in.")
        if form.check_in_emails.data
        else _("We will no longer e-mail you about your partner's check-ins."),
        "success",
    )
    return redirect(_show_url(mentorship, "settings"))
