"""The roster import (/committee/roster): upload a roster file, check its preview, apply it.
Access: `app.committee.access.guard`, as for every committee route."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import clock
from app.committee.blueprint import bp
from app.committee.roster import services
from app.committee.roster.comparison import OUTCOME_HELP, OUTCOMES
from app.committee.roster.forms import RosterApplyForm, RosterUploadForm
from app.committee.roster.parsing import RosterError
from app.errors_domain import DomainError
from app.extensions import db
from app.models import RosterImport


@bp.route("/roster", methods=["GET", "POST"])
def roster():
    form = RosterUploadForm()
    problem = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            roster_import = services.upload_roster(
                current_user, upload.filename, upload.read(), form.date_order.data
            )
        except RosterError as error:
            problem = error
            form.file.errors = [*form.file.errors, _("Fix the file, then choose it again.")]
        else:
            return redirect(url_for("committee.roster_preview", import_id=roster_import.id))
    status = 422 if form.errors or problem else 200
    return render_template(
        "committee/roster/index.html",
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
        "committee/roster/preview.html",
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
        return _preview_page(roster_import, 400, _("Your form expired. Check the preview again."))
    try:
        counts = services.apply_roster(
            current_user, roster_import, form.fingerprint.data or "", clock.today()
        )
    except services.PreviewOutOfDate as error:
        return _preview_page(roster_import, 409, error.message)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("committee.roster_preview", import_id=roster_import.id))
    flash(_applied_message(counts, roster_import.skipped_count), "success")
    return redirect(url_for("committee.roster_preview", import_id=roster_import.id))


def _applied_message(counts: dict[str, int], skipped: int) -> str:
    applied = ngettext(
        "The roster is applied: %(num)d membership verified, %(already)d already verified.",
        "The roster is applied: %(num)d memberships verified, %(already)d already verified.",
        counts["will_verify"],
        already=counts["already_verified"],
    )
    not_applied = _(
        "Rows not applied: %(mismatch)d mismatch, %(unknown)d unknown, %(expired)d expired, "
        "%(duplicate)d duplicate.",
        mismatch=counts["mismatch"],
        unknown=counts["unknown"],
        expired=counts["expired"],
        duplicate=counts["duplicate"],
    )
    if not skipped:
        return f"{applied} {not_applied}"
    unread = ngettext(
        "%(num)d row of the file could not be read.",
        "%(num)d rows of the file could not be read.",
        skipped,
    )
    return f"{applied} {not_applied} {unread}"
