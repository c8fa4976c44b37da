"""The committee's page of closing feedback and end-early notes (/committee/feedback).

Access: `app.committee.access.guard`, as for every committee route. GET only: the filters change
nothing, so they carry no CSRF token. The queries are in `app.committee.feedback.queries`.
"""

from flask import render_template, request
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.committee.blueprint import bp
from app.committee.dashboard.period import Period, intake_choice
from app.committee.feedback import queries
from app.committee.feedback.forms import FeedbackFilterForm
from app.committee.settings.intakes import list_intakes
from app.htmx import wants_focus_on_results, wants_fragment
from app.query_args import page_number


def _filters(form: FeedbackFilterForm, intakes: list) -> tuple[queries.Filters, dict, str | None]:
    """The filters the form asks for, their query-string arguments (for the page links), and a
    problem to show when its dates can't be used (the list is then not filtered by date)."""
    form.intake.choices = [SelectChoice("", _("Any intake"))] + [
        SelectChoice(str(i.id), intake_choice(i)) for i in intakes
    ]
    form.validate()  # bad dates become field errors
    problem = None
    start, end = form.start.data, form.end.data
    if form.start.errors or form.end.errors:
        start = end = None
        problem = _(
            "Those dates can't be used: enter them as YYYY-MM-DD. The list below is not filtered "
            "by closing date."
        )
    elif start and end and start > end:
        form.end.errors = [*form.end.errors, _("The end date is before the start date.")]
        start = end = None
        problem = _(
            "The “Closed until” date is before the “Closed from” date. The list below is not "
            "filtered by closing date."
        )
    chosen = next((i for i in intakes if str(i.id) == (form.intake.data or "")), None)
    status = form.status.data if form.status.data in queries.STATUS_LABELS else None
    filters = queries.Filters(
        status=status,
        written_only=bool(form.written.data),
        closed=Period(start, end),
        intake=Period(chosen.opens_on, chosen.closes_on, chosen.name) if chosen else None,
    )
    args = {
        "status": status,
        "written": "y" if filters.written_only else None,
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "intake": chosen.id if chosen else None,
    }
    return filters, {name: value for name, value in args.items() if value}, problem


@bp.get("/feedback")
def feedback_list():
    """Closed mentorships, the latest closed first, with what each pair wrote for the committee
    and the figures of the filtered set. An HTMX request gets `_results.html` only."""
    intakes = list_intakes()
    form = FeedbackFilterForm(request.args)
    filters, args, problem = _filters(form, intakes)
    result = queries.feedback_page(filters, page_number(request.args.get("page")))
    context = {"result": result, "args": args, "problem": problem}
    if wants_fragment():
        # A page link asks for focus on the new results (a filter keeps it where it is).
        focus = wants_focus_on_results()
        return render_template(
            "committee/feedback/_results.html", fragment=True, focus=focus, **context
        )
    return render_template(
        "committee/feedback/index.html",
        form=form,
        intakes=intakes,
        fragment=False,
        focus=False,
        **context,
    )
