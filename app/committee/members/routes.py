"""The committee's member pages: the member list, a member's page, verifying a membership and
the account actions. Access is checked for every route by `app.committee.access.guard`."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.committee.audit import trail
from app.committee.blueprint import bp
from app.committee.members import accounts, queries, services
from app.committee.members.forms import (
    AccountActionForm,
    MemberSearchForm,
    RevokeMembershipForm,
    VerifyMembershipForm,
)
from app.committee.messages import N_
from app.errors_domain import DomainError, show_on_form
from app.extensions import db
from app.htmx import is_htmx
from app.models import User
from app.query_args import page_number
from app.text import search_text


@bp.route("/members")
def members():
    form = MemberSearchForm(request.args)
    search = search_text(form.q.data, 100)
    result = queries.list_members(
        search,
        form.membership.data or "",
        page_number(request.args.get("page")),
        clock.today(),
        role=form.role.data or "",
    )
    template = "committee/members/_results.html" if is_htmx() else "committee/members/index.html"
    return render_template(
        template,
        form=form,
        result=result,
        search=search,
        filters=queries.MEMBERSHIP_FILTERS,
        today=clock.today(),
    )


def _member_page(user: User, verify_form=None, revoke_form=None, status: int = 200):
    today = clock.today()
    detail = queries.member_detail(user, today)
    if verify_form is None:
        profile = detail.profile
        verify_form = VerifyMembershipForm(
            formdata=None,
            expires_on=profile.membership_expires_on if profile is not None else None,
        )
    return render_template(
        "committee/members/member.html",
        detail=detail,
        verify_form=verify_form,
        revoke_form=revoke_form or RevokeMembershipForm(formdata=None),
        account_form=AccountActionForm(formdata=None),
        committee_count=accounts.committee_count(),
        actions=trail.ACTIONS,
        today=today,
    ), status


@bp.route("/members/<int:user_id>")
def member(user_id):
    return _member_page(db.get_or_404(User, user_id))


# What verifying did -> the message (a msgid: `_` translates it with the member's values).
VERIFIED_MESSAGES = {
    services.NEWLY_VERIFIED: N_("%(name)s's membership is verified until %(until)s."),
    services.EXPIRY_CHANGED: N_(
        "%(name)s's membership is verified; its expiry date is now %(until)s."
    ),
    services.UNCHANGED: N_(
        "%(name)s's membership was already verified until %(until)s. Nothing changed."
    ),
}


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
            flash(
                _(
                    VERIFIED_MESSAGES[outcome],
                    name=user.name,
                    until=form.expires_on.data.isoformat(),
                ),
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
                _(
                    "The verification of %(name)s's membership is revoked. They can't take part "
                    "until it is verified again.",
                    name=user.name,
                ),
                "success",
            )
    return redirect(url_for("committee.member", user_id=user.id))


# Account actions on the member page: URL ending -> (service, message on success, a msgid).
ACCOUNT_ACTIONS = {
    "deactivate": (
        accounts.deactivate_account,
        N_(
            "%(name)s's account is deactivated: they are signed out everywhere and can't sign "
            "in until it is reactivated."
        ),
    ),
    "reactivate": (
        accounts.reactivate_account,
        N_("%(name)s's account is active again: they can sign in."),
    ),
    "grant-committee": (
        accounts.grant_committee_role,
        N_("%(name)s is now a committee member."),
    ),
    "revoke-committee": (
        accounts.revoke_committee_role,
        N_("%(name)s is no longer a committee member."),
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
    flash(_(message, name=user.name), "success")
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
