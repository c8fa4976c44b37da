"""The committee's admin views of a request (/committee/requests/<id>, with its re-send button)
and of a mentorship (/committee/mentorships/<id>). Access: `app.committee.access.guard`, as for
every committee route.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.committee.admin import services
from app.committee.admin.mentorship_view import mentorship_view
from app.committee.admin.request_view import request_view
from app.committee.blueprint import bp
from app.committee.feedback.queries import mentorship_feedback
from app.errors_domain import DomainError
from app.query_args import MAX_PAGE, record_id


@bp.get("/requests/<int:request_id>")
def admin_request(request_id):
    view = request_view(request_id)
    if view is None:
        abort(404)
    return render_template("committee/admin/request.html", view=view)


@bp.post("/requests/<int:request_id>/resend")
def admin_request_resend(request_id):
    if request_view(request_id) is None:
        abort(404)
    try:
        resent = services.resend_request_email(current_user, request_id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "The request e-mail was sent again to %(name)s. It is in the outbox.",
                name=resent.mentor.name,
            ),
            "success",
        )
    return redirect(_back_from_resend(request.form.get("back", ""), request_id))


def _back_from_resend(back: str, request_id: int) -> str:
    """Where the re-send button came from: "dashboard", "attention:<page>" (the list of waiting
    requests) or, for anything else, the request's own view."""
    if back == "dashboard":
        return url_for("committee.index") + "#waiting-requests-heading"
    where, _colon, page = back.partition(":")
    number = record_id(page)
    if where == "attention" and number is not None and 0 < number <= MAX_PAGE:
        return url_for(
            "committee.attention_list", kind="waiting-requests", page=number if number > 1 else None
        )
    return url_for("committee.admin_request", request_id=request_id)


@bp.get("/mentorships/<int:mentorship_id>")
def admin_mentorship(mentorship_id):
    view = mentorship_view(mentorship_id)
    if view is None:
        abort(404)
    return render_template(
        "committee/admin/mentorship.html",
        view=view,
        closing=mentorship_feedback(mentorship_id),
        today=clock.today(),
    )
