"""The committee's CSV exports (/committee/exports). Access: `app.committee.access.guard`."""

from flask import Response, render_template, stream_with_context
from flask_login import current_user

from app import clock
from app.committee.blueprint import bp
from app.committee.exports import services as exports
from app.committee.exports.forms import ExportForm
from app.program import time_zone_name


@bp.route("/exports")
def exports_page():
    return render_template(
        "committee/exports/index.html",
        exports=exports.EXPORTS.values(),
        form=ExportForm(formdata=None),
        today=clock.today(),
        program_time_zone=time_zone_name(),
    )


def _download(name: str) -> Response:
    today = clock.today()
    export, chunks = exports.start_export(current_user, name, today)
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename(today)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/exports/members.csv")
def export_members():
    return _download("members")


@bp.post("/exports/requests.csv")
def export_requests():
    return _download("requests")


@bp.post("/exports/mentorships.csv")
def export_mentorships():
    return _download("mentorships")
