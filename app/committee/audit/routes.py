"""The audit log (/committee/audit): every committee action, filtered and a page at a time.

Access: `app.committee.access.guard`. GET only: the filters change nothing, so they carry no
CSRF token. An HTMX request gets the results only.
"""

from flask import Response, render_template, request
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.committee.audit import log, trail
from app.committee.audit.forms import AuditFilterForm
from app.committee.blueprint import bp
from app.htmx import is_htmx
from app.query_args import page_number, record_id


@bp.route("/audit")
def audit_log():
    actors = log.actors()
    form = AuditFilterForm(request.args)
    form.actor.choices = [
        SelectChoice("", _("Anyone")),
        *(SelectChoice(str(user.id), user.name) for user in actors),
    ]
    form.action.choices = [
        SelectChoice("", _("Any action")),
        *(SelectChoice(code, label) for code, label in trail.ACTIONS.items()),
    ]
    form.validate()  # bad dates become field errors; they are then ignored
    actor_id = record_id(request.args.get("actor"))
    action = form.action.data if form.action.data in trail.ACTIONS else None
    since = form.since.data if not form.since.errors else None
    until = form.until.data if not form.until.errors else None
    page = page_number(request.args.get("page"))
    pagination = log.list_events(actor_id, action, since, until, page)
    query = {
        key: value
        for key, value in {
            "actor": actor_id,
            "action": action,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
        }.items()
        if value
    }
    template = "committee/audit/_results.html" if is_htmx() else "committee/audit/index.html"
    response = Response(
        render_template(
            template,
            form=form,
            pagination=pagination,
            query=query,
            actions=trail.ACTIONS,
            target_labels=log.TARGET_LABELS,
            member_names=log.member_names(pagination.items),
            describe=log.describe,
        )
    )
    response.headers["Vary"] = "HX-Request"
    return response
