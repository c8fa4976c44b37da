"""The attention lists' own pages (/committee/attention/<kind>): every row of a list the
dashboard shows the first rows of, a page at a time. Access: `app.committee.access.guard`."""

from math import ceil

from flask import abort, flash, redirect, render_template, request, url_for

from app import clock
from app.committee import dashboard
from app.committee.blueprint import bp
from app.htmx import wants_focus_on_results, wants_fragment
from app.query_args import page_number


@bp.get("/attention/<kind>")
def attention_list(kind):
    """One attention list, PAGE_ROWS rows a page. An HTMX page link gets the results only."""
    chosen = dashboard.ATTENTION_KINDS.get(kind)
    if chosen is None:
        abort(404)
    page, size = page_number(request.args.get("page")), dashboard.PAGE_ROWS
    today, now = clock.today(), clock.utcnow()
    found = chosen.load(today, now, size, (page - 1) * size)
    if not found.rows and page > 1:
        flash("There is no such page of this list now. Here is its first page.", "info")
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
