"""The committee's dashboard (the committee's home, /committee) and the attention lists' own
pages (/committee/attention/<kind>: every row of a list the dashboard shows the first rows of,
a page at a time). Access: `app.committee.access.guard`, as for every committee route.
"""

from math import ceil

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app import clock
from app.committee.blueprint import bp
from app.committee.dashboard import attention, charts, figures
from app.committee.dashboard.conditions import CHECK_IN_OVERDUE_DAYS
from app.committee.dashboard.forms import DashboardFilterForm
from app.committee.dashboard.period import Period, intake_choice
from app.committee.roster import services as roster
from app.committee.settings.intakes import list_intakes
from app.eligibility import MEMBERSHIP_STATUSES
from app.htmx import wants_focus_on_results, wants_fragment
from app.query_args import page_number


@bp.app_template_filter("percent")
def percent(value: float) -> str:
    """A share (0.6) as a percentage in the page's language: "60%", "60 %"."""
    return format_percent(value)


@bp.app_template_filter("one_decimal")
def one_decimal(value: float) -> str:
    """A number with one decimal in the page's language: "2.5", "2,5"."""
    return format_decimal(value, "#,##0.0")


def _period(form: DashboardFilterForm, intakes: list) -> tuple[Period, str | None]:
    """The period the form asks for, and a problem to show when it can't be used."""
    form.intake.choices = [SelectChoice("", _("No intake: use the dates"))] + [
        SelectChoice(str(i.id), intake_choice(i)) for i in intakes
    ]
    if not form.validate():
        return Period(), _(
            "Those dates can't be used: enter them as YYYY-MM-DD. The figures below are for "
            "all time."
        )
    chosen = next((i for i in intakes if str(i.id) == (form.intake.data or "")), None)
    if chosen is not None:
        return Period(chosen.opens_on, chosen.closes_on, chosen.name), None
    start, end = form.start.data, form.end.data
    if start and end and start > end:
        form.end.errors = [*form.end.errors, _("The end date is before the start date.")]
        return Period(), _(
            "The end date is before the start date. The figures below are for all time."
        )
    return Period(start, end), None


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
    lists = None if fragment else attention.attention(today, now)
    context = {
        "form": form,
        "period": period,
        "problem": problem,
        "figures": figures.figures(
            period, today, now, open_spots=lists.open_spots if lists else None
        ),
        "charts": charts.charts(period, today),
        "today": today,
        "overdue_days": CHECK_IN_OVERDUE_DAYS,
    }
    if fragment:
        return render_template("committee/dashboard/_figures.html", **context)
    return render_template(
        "committee/dashboard/index.html",
        attention=lists,
        statuses=MEMBERSHIP_STATUSES,
        imports=roster.recent_imports(now, limit=5),
        thresholds={
            "pending": attention.PENDING_ATTENTION_DAYS,
            "quiet": attention.QUIET_MENTORSHIP_DAYS,
        },
        **context,
    )


@bp.get("/attention/<kind>")
def attention_list(kind):
    """One attention list, PAGE_ROWS rows a page. An HTMX page link gets the results only."""
    chosen = attention.ATTENTION_KINDS.get(kind)
    if chosen is None:
        abort(404)
    page, size = page_number(request.args.get("page")), attention.PAGE_ROWS
    today, now = clock.today(), clock.utcnow()
    found = chosen.load(today, now, size, (page - 1) * size)
    if not found.rows and page > 1:
        flash(_("There is no such page of this list now. Here is its first page."), "info")
        return redirect(url_for("committee.attention_list", kind=kind))
    context = {
        "kind": chosen,
        "found": found,
        "page": page,
        "pages": max(ceil(found.total / size), 1),
        "today": today,
        "back": f"attention:{page}",
    }
    if wants_fragment():
        focus = wants_focus_on_results()
        return render_template(
            "committee/dashboard/attention/_results.html", focus=focus, **context
        )
    return render_template("committee/dashboard/attention/list.html", **context)
