"""The committee's dashboard (the committee's home, /committee). Access:
`app.committee.access.guard`, as for every committee route.
"""

from flask import render_template, request
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app import clock
from app.committee import dashboard
from app.committee.blueprint import bp
from app.committee.roster import services as roster
from app.committee.settings.intakes import list_intakes
from app.eligibility import MEMBERSHIP_STATUSES
from app.htmx import wants_fragment

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
