"""The committee's pages. Access is checked for every route by `app.committee.access.guard`."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import clock
from app.committee import members_admin, services
from app.committee.audit import trail
from app.committee.blueprint import bp
from app.committee.forms import (
    AccountActionForm,
    MemberSearchForm,
    RevokeMembershipForm,
    RosterApplyForm,
    RosterUploadForm,
    VerifyMembershipForm,
)
from app.committee.roster import OUTCOME_HELP, OUTCOMES, RosterError
from app.errors_domain import DomainError, show_on_form
from app.extensions import db
from app.htmx import is_htmx
from app.models import RosterImport, User
from app.query_args import page_number


@bp.route("/")
def index():
    """The committee's home: the dashboard (app/committee/dashboard_routes.py)."""
    from app.committee.dashboard_routes import render_dashboard

    return render_dashboard()


# --- members ----------------------------------------------------------------------------------


@bp.route("/members")
def members():
    form = MemberSearchForm(request.args)
    search = (form.q.data or "").strip()[:100]
    result = services.list_members(
        search,
        form.membership.data or "",
        page_number(request.args.get("page")),
        clock.today(),
        role=form.role.data or "",
    )
    template = "committee/_members_results.html" if is_htmx() else "committee/members.html"
    return render_template(
        template,
        form=form,
        result=result,
        search=search,
        filters=services.MEMBERSHIP_FILTERS,
        today=clock.today(),
    )


def _member_page(user: User, verify_form=None, revoke_form=None, status: int = 200):
    today = clock.today()
    detail = services.member_detail(user, today)
    if verify_form is None:
        profile = detail.profile
        verify_form = VerifyMembershipForm(
            formdata=None,
            expires_on=profile.membership_expires_on if profile is not None else None,
        )
    return render_template(
        "committee/member.html",
        detail=detail,
        verify_form=verify_form,
        revoke_form=revoke_form or RevokeMembershipForm(formdata=None),
        account_form=AccountActionForm(formdata=None),
        committee_count=members_admin.committee_count(),
        actions=trail.ACTIONS,
        today=today,
    ), status


@bp.route("/members/<int:user_id>")
def member(user_id):
    return _member_page(db.get_or_404(User, user_id))


@bp.post("/members/<int:user_id>/verify")
def verify_member(user_id):
    user = db.get_or_404(User, user_id)
    form = VerifyMembershipForm()
    if form.validate_on_submit():
        try:
            outcome = services.verify_membership(
                current_user, user, form.expires_on.data, clock.today()
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            until = form.expires_on.data.isoformat()
            flash(
                {
                    services.NEWLY_VERIFIED: f"{user.name}'s membership is verified until {until}.",
                    services.EXPIRY_CHANGED: (
                        f"{user.name}'s membership is verified; its expiry date is now {until}."
                    ),
                    services.UNCHANGED: (
                        f"{user.name}'s membership was already verified until {until}. "
                        "Nothing changed."
                    ),
                }[outcome],
                "info" if outcome == services.UNCHANGED else "success",
            )
            return redirect(url_for("committee.member", user_id=user.id))
    return _member_page(user, verify_form=form, status=422)


@bp.post("/members/<int:user_id>/revoke")
def revoke_member(user_id):
    user = db.get_or_404(User, user_id)
    form = RevokeMembershipForm()
    if form.validate_on_submit():
        try:
            services.revoke_membership(current_user, user)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(
                f"The verification of {user.name}'s membership is revoked. They can't take part "
                "until it is verified again.",
                "success",
            )
    return redirect(url_for("committee.member", user_id=user.id))


# Account actions on the member page: URL ending -> (service, message on success).
ACCOUNT_ACTIONS = {
    "deactivate": (
        members_admin.deactivate_account,
        "{name}'s account is deactivated: they are signed out everywhere and can't sign in "
        "until it is reactivated.",
    ),
    "reactivate": (
        members_admin.reactivate_account,
        "{name}'s account is active again: they can sign in.",
    ),
    "grant-committee": (
        members_admin.grant_committee_role,
        "{name} is now a committee member.",
    ),
    "revoke-committee": (
        members_admin.revoke_committee_role,
        "{name} is no longer a committee member.",
    ),
}


def _account_action(user_id: int, action: str):
    user = db.get_or_404(User, user_id)
    AccountActionForm()  # the guard has checked the CSRF token already
    operation, message = ACCOUNT_ACTIONS[action]
    try:
        operation(current_user, user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("committee.member", user_id=user.id))
    flash(message.format(name=user.name), "success")
    if user.id == current_user.id and not user.is_committee:
        return redirect(url_for("main.index"))  # the committee pages are gone for them now
    return redirect(url_for("committee.member", user_id=user.id))


def _account_view(action: str):
    def view(user_id):
        return _account_action(user_id, action)

    view.__name__ = f"member_{action.replace('-', '_')}"
    return view


# POST /members/<id>/deactivate, /reactivate, /grant-committee, /revoke-committee
for _action in ACCOUNT_ACTIONS:
    _view = _account_view(_action)
    bp.add_url_rule(f"/members/<int:user_id>/{_action}", view_func=_view, methods=["POST"])


# --- the roster import ------------------------------------------------------------------------


@bp.route("/roster", methods=["GET", "POST"])
def roster():
    form = RosterUploadForm()
    problem = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            roster_import = services.upload_roster(current_user, upload.filename, upload.read())
        except RosterError as error:
            problem = error
            form.file.errors = [*form.file.errors, "Fix the file, then choose it again."]
        else:
            return redirect(url_for("committee.roster_preview", import_id=roster_import.id))
    status = 422 if form.errors or problem else 200
    return render_template(
        "committee/roster.html",
        form=form,
        problem=problem,
        imports=services.recent_imports(clock.utcnow()),
    ), status


def _preview_page(roster_import: RosterImport, status: int = 200, error: str | None = None):
    preview = services.preview_roster(roster_import, clock.today())
    shown = request.args.get("outcome")
    if shown not in OUTCOMES:
        shown = None
    apply_form = RosterApplyForm(formdata=None, fingerprint=preview.fingerprint if preview else "")
    return render_template(
        "committee/roster_preview.html",
        roster_import=roster_import,
        preview=preview,
        expired=roster_import.expired_at(clock.utcnow()),
        outcomes=OUTCOMES,
        outcome_help=OUTCOME_HELP,
        shown=shown,
        apply_form=apply_form,
        error=error,
    ), status


@bp.route("/roster/<int:import_id>")
def roster_preview(import_id):
    return _preview_page(db.get_or_404(RosterImport, import_id))


@bp.post("/roster/<int:import_id>/apply")
def roster_apply(import_id):
    roster_import = db.get_or_404(RosterImport, import_id)
    form = RosterApplyForm()
    if not form.validate_on_submit():
        return _preview_page(roster_import, 400, "Your form expired. Check the preview again.")
    try:
        counts = services.apply_roster(
            current_user, roster_import, form.fingerprint.data or "", clock.today()
        )
    except services.PreviewOutOfDate as error:
        return _preview_page(roster_import, 409, error.message)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("committee.roster_preview", import_id=roster_import.id))
    verified = counts["will_verify"]
    flash(
        f"The roster is applied: {verified} "
        + ("membership" if verified == 1 else "memberships")
        + f" verified, {counts['already_verified']} already verified. Rows not applied: "
        f"{counts['mismatch']} mismatch, {counts['unknown']} unknown, "
        f"{counts['expired']} expired, {counts['duplicate']} duplicate.",
        "success",
    )
    return redirect(url_for("committee.roster_preview", import_id=roster_import.id))
