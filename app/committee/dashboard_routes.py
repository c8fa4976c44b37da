"""The committee's dashboard (the committee's home, /committee) and the admin views of a
request and of a mentorship. Access: `app.committee.access.guard`, as for every committee route.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app import clock
from app.committee import dashboard
from app.committee.blueprint import bp
from app.committee.feedback.queries import mentorship_feedback
from app.committee.roster import services as roster
from app.committee.settings.intakes import list_intakes
from app.eligibility import MEMBERSHIP_STATUSES
from app.errors_domain import DomainError
from app.htmx import wants_fragment
from app.query_args import MAX_PAGE

DATE_HINT = "YYYY-MM-DD"


class DashboardFilterForm(FlaskForm):
    """The dashboard's period (GET: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    intake = SelectField("Intake", choices=[], validators=[Optional()], validate_choice=False)
    start = DateField("From", format="%Y-%m-%d", validators=[Optional()], description=DATE_HINT)
    end = DateField("To", format="%Y-%m-%d", validators=[Optional()], description=DATE_HINT)


def _period(form: DashboardFilterForm, intakes: list) -> tuple[dashboard.Period, str | None]:
    """The period the form asks for, and a problem to show when it can't be used."""
    form.intake.choices = [SelectChoice("", "No intake: use the dates")] + [
        SelectChoice(str(i.id), f"{i.name} ({i.opens_on.isoformat()} to {i.closes_on.isoformat()})")
        for i in intakes
    ]
    if not form.validate():
        return dashboard.Period(), (
            "Those dates can't be used: enter them as YYYY-MM-DD. The figures below are for "
            "all time."
        )
    chosen = next((i for i in intakes if str(i.id) == (form.intake.data or "")), None)
    if chosen is not None:
        return dashboard.Period(chosen.opens_on, chosen.closes_on, chosen.name), None
    start, end = form.start.data, form.end.data
    if start and end and start > end:
        form.end.errors = [*form.end.errors, "The end date is before the start date."]
        return dashboard.Period(), (
            "The end date is before the start date. The figures below are for all time."
        )
    return dashboard.Period(start, end), None


@bp.route("/")
def index():
    """The committee's home: figures (now, and in the chosen period), charts with their data
    tables, the attention lists, memberships and roster imports. An HTMX request from the
    filter form gets `_figures.html` only."""
    today, now = clock.today(), clock.utcnow()
    intakes = list_intakes()
    form = DashboardFilterForm(request.args)
    period, problem = _period(form, intakes)
    fragment = wants_fragment()
    # The full page has the attention lists, whose mentors' free spots give the open spots.
    attention = None if fragment else dashboard.attention(today, now)
    context = {
        "form": form,
        "period": period,
        "problem": problem,
        "figures": dashboard.figures(
            period, today, now, open_spots=attention.open_spots if attention else None
        ),
        "charts": dashboard.charts(period, today),
        "today": today,
    }
    if fragment:
        return render_template("committee/dashboard/_figures.html", **context)
    return render_template(
        "committee/dashboard/index.html",
        attention=attention,
        statuses=MEMBERSHIP_STATUSES,
        imports=roster.recent_imports(now, limit=5),
        thresholds={
            "pending": dashboard.PENDING_ATTENTION_DAYS,
            "quiet": dashboard.QUIET_MENTORSHIP_DAYS,
            "overdue": dashboard.OVERDUE_CHECK_IN_DAYS,
        },
        **context,
    )


@bp.get("/requests/<int:request_id>")
def admin_request(request_id):
    view = dashboard.request_view(request_id)
    if view is None:
        abort(404)
    return render_template("committee/dashboard/request.html", view=view)


@bp.post("/requests/<int:request_id>/resend")
def admin_request_resend(request_id):
    if dashboard.request_view(request_id) is None:
        abort(404)
    try:
        resent = dashboard.resend_request_email(current_user, request_id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            f"The request e-mail was sent again to {resent.mentor.name}. It is in the outbox.",
            "success",
        )
    return redirect(_back_from_resend(request.form.get("back", ""), request_id))


def _back_from_resend(back: str, request_id: int) -> str:
    """Where the re-send button came from: "dashboard", "attention:<page>" (the list of waiting
    requests) or, for anything else, the request's own view."""
    if back == "dashboard":
        return url_for("committee.index") + "#waiting-requests-heading"
    where, _, page = back.partition(":")
    if where == "attention" and page.isdigit() and 0 < int(page) <= MAX_PAGE:
        number = int(page)
        return url_for(
            "committee.attention_list", kind="waiting-requests", page=number if number > 1 else None
        )
    return url_for("committee.admin_request", request_id=request_id)


@bp.get("/mentorships/<int:mentorship_id>")
def admin_mentorship(mentorship_id):
    view = dashboard.mentorship_view(mentorship_id)
    if view is None:
        abort(404)
    return render_template(
        "committee/dashboard/mentorship.html",
        view=view,
        closing=mentorship_feedback(mentorship_id),
        today=clock.today(),
    )
