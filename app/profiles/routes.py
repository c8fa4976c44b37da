"""Member profile pages. Thin: parse, authorise (sign-in), call one service, render/redirect."""

import json

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app import agreements, clock, leaving
from app.errors_domain import DomainError, FieldErrors, show_on_form
from app.htmx import is_htmx
from app.models.profiles import MENTOR, MENTOR_MIN_YEARS
from app.phrases import translated
from app.profiles import availability, checklist, privacy, roles, services
from app.profiles.forms import (
    KEEP,
    AgreementForm,
    AvailabilityForm,
    BackForm,
    DeleteAccountForm,
    ProfileForm,
)

bp = Blueprint("profiles", __name__)


@bp.context_processor
def profile_words():
    return {"role_labels": roles.ROLE_LABELS, "min_years": MENTOR_MIN_YEARS}


@bp.route("/profile")
@login_required
def show():
    return render_template(
        "profiles/show.html",
        user=current_user,
        profile=current_user.profile,
        overview=checklist.eligibility_overview(current_user, clock.today()),
        agreements={
            role: agreements.agreement_state(current_user, role)
            for role in agreements.AGREEMENT_ROLES
        },
        show_contact=privacy.can_see_contact_details(current_user, current_user),
        today=clock.today(),
    )


@bp.route("/profile/edit", methods=["GET", "POST"])
@login_required
def edit():
    form = ProfileForm.for_member(current_user, services.vocabulary_options())
    if form.validate_on_submit():
        try:
            services.save_profile(current_user, form.changes())
        except FieldErrors as error:
            show_on_form(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("profiles.show"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "profiles/edit.html", form=form, choices=roles.role_choices_for_page(form.role.data)
    ), status


@bp.get("/profile/role-choices")
@login_required
def role_choices():
    """The role radio buttons for the years typed so far (HTMX fragment of the edit page)."""
    if not is_htmx():
        return redirect(url_for("profiles.edit"))
    years = _years_from(request.args.get("years_experience"))
    choices = roles.role_choices(years, request.args.get("role"), request.args.get("role_state"))
    return render_template("profiles/_role_choices.html", choices=choices)


def _years_from(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 3:
        return None
    return int(raw)


@bp.route("/profile/agreement", methods=["GET", "POST"])
@login_required
def agreement():
    role = checklist.agreement_role_for(current_user, request.args.get("role"))
    if role is None:
        abort(404)
    form = AgreementForm()
    if form.validate_on_submit():
        try:
            agreements.confirm_agreement(current_user, role)
        except DomainError as error:
            flash(translated(error.message), "error")
        else:
            flash(
                _("Thank you: you confirmed what is expected of a mentor.")
                if role == MENTOR
                else _("Thank you: you confirmed what is expected of a mentee."),
                "success",
            )
            return redirect(url_for("profiles.show"))
    return render_template(
        "profiles/agreement.html",
        role=role,
        form=form,
        state=agreements.agreement_state(current_user, role),
        may_confirm=agreements.may_confirm_agreement(current_user, role),
    ), (422 if form.is_submitted() else 200)


def _mentor_profile_or_404():
    profile = current_user.profile
    if profile is None or not profile.is_mentor:
        abort(404)
    return profile


def _availability_page(form: AvailabilityForm, status: int = 200):
    profile = _mentor_profile_or_404()
    return render_template(
        "profiles/availability.html",
        form=form,
        back_form=BackForm(formdata=None),
        profile=profile,
        away=profile.away_on(clock.today()),
        waiting=len(availability.pending_received_by(current_user)),
    ), status


@bp.get("/profile/availability")
@login_required
def availability_page():
    return _availability_page(AvailabilityForm())


@bp.post("/profile/availability")
@login_required
def set_availability():
    """Pause (the form), or end the pause ("I'm back now", a form of its own button)."""
    _mentor_profile_or_404()
    back = BackForm()
    if back.back.data:
        if back.validate():
            if availability.come_back(current_user):
                flash(_("Welcome back: you are in the mentor directory again."), "success")
            else:
                flash(_("You were not away: nothing changed."), "info")
        return redirect(url_for("profiles.availability_page"), code=303)
    form = AvailabilityForm()
    if form.validate():
        try:
            outcome = availability.go_away(
                current_user, form.away_until.data, form.away_note.data, form.pending.data == KEEP
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(availability.away_message(outcome), "success")
            return redirect(url_for("profiles.availability_page"), code=303)
    return _availability_page(form, 422)


@bp.get("/profile/export")
@login_required
def export():
    data = privacy.export_member_data(current_user)
    filename = f"mentor-match-my-data-{clock.today():%Y-%m-%d}.json"
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/profile/delete", methods=["GET", "POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            leaving.delete_account(current_user, form.password.data)
        except DomainError as error:
            if error.field == "password":
                form.password.errors = [*form.password.errors, error.message]
            else:
                flash(error.message, "error")
        else:
            logout_user()
            session.clear()
            flash(
                _(
                    "Your account is deleted and your personal details are removed. "
                    "Thank you for taking part."
                ),
                "success",
            )
            return redirect(url_for("main.index"))
    return render_template("profiles/delete.html", form=form), (422 if form.is_submitted() else 200)
