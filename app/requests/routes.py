"""Request pages. Thin: parse, authorise (one helper per side, 404 for anyone else), call one
service, then flash and redirect, or render the request's card for HTMX."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.eligibility.members import mentor_is_eligible
from app.errors_domain import DomainError, show_on_form
from app.extensions import db
from app.htmx import is_htmx
from app.models import MentorshipRequest, Objective, User
from app.requests import rules, services
from app.requests.forms import ActionForm, DeclineForm, RequestForm
from app.text import display_name, format_day

bp = Blueprint("requests", __name__)


def _mentor_or_404(mentor_id: int) -> User:
    mentor = db.session.get(User, mentor_id)
    if mentor is None or not mentor.is_active_account or mentor.profile is None:
        abort(404)
    return mentor


def _objectives() -> list[Objective]:
    return db.session.scalars(
        select(Objective).where(Objective.active).order_by(Objective.position, Objective.name)
    ).all()


@bp.route("/mentors/<int:mentor_id>/request", methods=["GET", "POST"])
@login_required
def new(mentor_id: int):
    mentor = _mentor_or_404(mentor_id)
    form = RequestForm.for_mentor(_objectives(), rules.contact_methods_offered(mentor))
    try:
        rules.check_may_request(current_user, mentor)
        blocker = None
    except DomainError as error:
        blocker = error
    if blocker is None and form.validate_on_submit():
        try:
            created = services.create_request(
                current_user,
                mentor,
                form.message.data,
                form.objectives.data,
                form.contact_method.data,
            )
        except DomainError as error:
            if not show_on_form(form, error, flash_unplaced=False):
                blocker = error
        else:
            flash(
                _(
                    "Your request is on its way to %(name)s. They have until %(day)s to answer; "
                    "we will e-mail you as soon as they do.",
                    name=display_name(mentor),
                    day=format_day(created.answer_by),
                ),
                "success",
            )
            return redirect(url_for("requests.index"))
    status = 200
    if form.is_submitted():
        status = 409 if blocker is not None else 422
    return render_template(
        "requests/new.html",
        mentor=mentor,
        profile=mentor.profile,
        form=form,
        blocker=blocker,
        show_mentor=blocker is None or mentor_is_eligible(mentor),
    ), status


@bp.get("/requests")
@login_required
def index():
    return _index_page()


def _index_page(decline_errors=None, status: int = 200):
    lists = services.requests_of(current_user)
    return render_template(
        "requests/index.html",
        lists=lists,
        action_form=ActionForm(),
        decline_errors=decline_errors or {},
        note_max=rules.NOTE_MAX,
    ), status


def _card(req: MentorshipRequest, announcement: str, side: str):
    """The request's card for HTMX, with the announcement for the page's live region."""
    return render_template(
        "requests/_request_swap.html",
        req=req,
        side=side,
        announcement=announcement,
        decline_errors={},
        note_max=rules.NOTE_MAX,
    )


@bp.post("/requests/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    req = services.sent_request(request_id, current_user)
    if req is None:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.withdraw_request(req, current_user)
        message, category = (
            _("You withdrew your request to %(name)s.", name=display_name(req.mentor)),
            "success",
        )
    except DomainError as error:
        message, category = error.message, "error"
    if is_htmx():
        return _card(req, message, "sent")
    flash(message, category)
    return redirect(url_for("requests.index"))


@bp.post("/requests/<int:request_id>/accept")
@login_required
def accept(request_id: int):
    req = services.received_request(request_id, current_user)
    if req is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        mentorship = services.accept_request(req, current_user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "You accepted %(name)s's request. We e-mailed them; your mentorship runs at "
                "least until %(day)s.",
                name=display_name(req.mentee),
                day=format_day(mentorship.minimum_end_on),
            ),
            "success",
        )
    return redirect(url_for("requests.index"))


@bp.post("/requests/<int:request_id>/decline")
@login_required
def decline(request_id: int):
    req = services.received_request(request_id, current_user)
    if req is None:
        abort(404)
    form = DeclineForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _index_page({req.id: (form.note.errors, form.note.data)}, status=422)
    try:
        services.decline_request(req, current_user, form.note.data)
    except DomainError as error:
        if error.field == "note":
            return _index_page({req.id: ([error.message], form.note.data)}, status=422)
        flash(error.message, "error")
    else:
        flash(
            _(
                "You declined %(name)s's request. We let them know kindly.",
                name=display_name(req.mentee),
            ),
            "success",
        )
    return redirect(url_for("requests.index"))
