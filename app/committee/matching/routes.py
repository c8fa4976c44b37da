"""The matching workbench's pages (/committee/matching).

Access: `app.committee.access.guard`, as for every committee route (404 to everyone else, the
CSRF check on every POST). Each POST calls one operation of `services`; a refused one is shown
on its form (422), or flashed (409 for HTMX, whose error region shows it). Re-running and the
draft's buttons answer an HTMX request with the draft's region (`_run.html`), which replaces
itself; every page also works as plain forms and links.
"""

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.committee.blueprint import bp
from app.committee.exports.csv_file import csv_chunks
from app.committee.matching import changes, choices, pool, review, services
from app.committee.matching.forms import (
    ALL_WAITING,
    CriteriaForm,
    DraftForm,
    MatchingSettingForm,
    RunForm,
)
from app.committee.settings.intakes import list_intakes
from app.committee.settings.services import update_matching
from app.errors_domain import DomainError, show_on_form
from app.extensions import db
from app.htmx import is_htmx, wants_fragment
from app.matching_criteria import CRITERIA_BY_CODE, MODES
from app.models import Intake, MatchingRun
from app.program import get_settings
from app.query_args import record_id


def _chosen_intake(raw: str | None, intakes: list[Intake]) -> Intake | None:
    """The intake `raw` names (None: every waiting mentee); an unknown one is a DomainError."""
    if not raw:
        return None
    chosen = next((i for i in intakes if i.id == record_id(raw)), None)
    if chosen is None:
        raise DomainError(_("Choose one of the intakes, or every waiting mentee."), field="intake")
    return chosen


def _default_intake(intakes: list[Intake]) -> Intake | None:
    """The intake a committee most likely matches: the latest that has opened."""
    today = clock.today()
    return next((i for i in intakes if i.opens_on <= today), None)


def _home(form: RunForm | None = None, intake: Intake | None = None, status: int = 200):
    intakes = list_intakes()
    if form is None:
        form = RunForm.filled(intake=str(intake.id) if intake else ALL_WAITING)
    form.set_intakes(intakes)
    settings = get_settings()
    return render_template(
        "committee/matching/index.html",
        form=form,
        counts=pool.counts(clock.today(), intake),
        intake=intake,
        window=pool.joined_window(intake) if intake else None,
        runs=services.recent_runs(),
        setting_form=MatchingSettingForm(
            formdata=None, need_confirmation=settings.committee_matches_need_confirmation
        ),
        criteria=CRITERIA_BY_CODE,
        modes=MODES,
    ), status


@bp.get("/matching")
def matching_home():
    """The workbench: the pool's counts, the criteria of a new run, the latest runs."""
    intakes = list_intakes()
    if "intake" in request.args:
        try:
            intake = _chosen_intake(request.args.get("intake"), intakes)
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for("committee.matching_home"))
    else:
        intake = _default_intake(intakes)
    return _home(intake=intake)


@bp.get("/matching/pool")
def matching_pool():
    """The counts of the pool chosen (HTMX, when the pool select changes)."""
    intakes = list_intakes()
    try:
        intake = _chosen_intake(request.args.get("intake"), intakes)
    except DomainError:
        abort(404)
    if not wants_fragment():
        return _home(intake=intake)
    return render_template(
        "committee/matching/_pool.html",
        counts=pool.counts(clock.today(), intake),
        intake=intake,
        window=pool.joined_window(intake) if intake else None,
    )


@bp.post("/matching/runs")
def matching_run():
    form = RunForm()
    intakes = list_intakes()
    form.set_intakes(intakes)
    intake = None
    if form.validate_on_submit():
        try:
            intake = _chosen_intake(form.intake.data, intakes)
            criteria = services.check_criteria(form.criteria_values(), form.experience_gap.data)
            outcome = services.run_matching(current_user, intake, criteria, form.objective.data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            _flash_run(outcome)
            return redirect(url_for("committee.matching_review", run_id=outcome.run.id))
    return _home(form, intake, 422)


def _flash_run(outcome: services.RunOutcome) -> None:
    run = outcome.run
    flash(
        _(
            "Draft %(id)s is ready: %(mentees)s and %(mentors)s with %(spots)s, solved in "
            "%(ms)s ms.",
            id=run.id,
            mentees=ngettext(
                "%(count)s mentee",
                "%(count)s mentees",
                run.mentees_in_pool,
                count=format_number(run.mentees_in_pool),
            ),
            mentors=ngettext(
                "%(count)s mentor",
                "%(count)s mentors",
                run.mentors_in_pool,
                count=format_number(run.mentors_in_pool),
            ),
            spots=ngettext(
                "%(count)s open spot",
                "%(count)s open spots",
                run.spots_in_pool,
                count=format_number(run.spots_in_pool),
            ),
            ms=format_number(run.solve_ms),
        ),
        "success",
    )
    for dropped in outcome.dropped_locks:
        flash(_("A locked pair could not be kept: %(why)s", why=dropped), "info")


def _run_or_404(run_id: int) -> MatchingRun:
    return db.get_or_404(MatchingRun, run_id)


def _review_page(run: MatchingRun, status: int = 200, **context):
    view = review.review(run)
    form = context.pop("rerun_form", None) or CriteriaForm.filled(
        review.criteria_of(run), run.objective
    )
    template = "committee/matching/_run.html" if wants_fragment() else "committee/matching/run.html"
    return render_template(
        template,
        view=view,
        run=run,
        rerun_form=form,
        draft_form=DraftForm(formdata=None),
        next_intake=review.next_intake_for(run),
        need_confirmation=get_settings().committee_matches_need_confirmation,
        modes=MODES,
        # The address of a mentee's choices, but for the id: built once for thousands of rows.
        mentee_url=url_for("committee.matching_review", run_id=run.id) + "/mentees/",
        **context,
    ), status


@bp.get("/matching/runs/<int:run_id>")
def matching_review(run_id):
    """A run: its pairs with their reasons, who is left out and why, and what can be done."""
    return _review_page(_run_or_404(run_id))


@bp.post("/matching/runs/<int:run_id>/rerun")
def matching_rerun(run_id):
    run = _run_or_404(run_id)
    form = CriteriaForm()
    if run.intake_name and run.intake_id is None:
        flash(_("The intake of this draft was deleted: start a new run."), "error")
        return redirect(url_for("committee.matching_home"))
    if form.validate_on_submit():
        try:
            criteria = services.check_criteria(form.criteria_values(), form.experience_gap.data)
            outcome = services.run_matching(
                current_user, run.intake, criteria, form.objective.data, previous=run
            )
        except DomainError as error:
            if not show_on_form(form, error, flash_unplaced=False):
                return _refused(error, run)
        else:
            _flash_run(outcome)
            new = outcome.run
            if not is_htmx():
                return redirect(url_for("committee.matching_review", run_id=new.id))
            response, status = _review_page(new, focus="heading")
            headers = {"HX-Push-Url": url_for("committee.matching_review", run_id=new.id)}
            return response, status, headers
    return _review_page(run, 422, rerun_form=form)


def _refused(error: DomainError, run: MatchingRun, anchor: str | None = None):
    """A refused change: for HTMX, 409 with the message (the page's error region shows it);
    otherwise flashed above the run's page."""
    if is_htmx():
        return render_template("committee/matching/_refused.html", message=error.message), 409
    flash(error.message, "error")
    return redirect(url_for("committee.matching_review", run_id=run.id, _anchor=anchor))


@bp.post("/matching/runs/<int:run_id>/pairs")
def matching_pairs(run_id):
    """The draft's table: remove, lock or unlock the pairs ticked; allow a removed pair again."""
    run = _run_or_404(run_id)
    DraftForm()  # the guard has checked the CSRF token already
    action = request.form.get("action")
    ticked = [record_id(value) for value in request.form.getlist("pair")]
    focus = "pairs"
    try:
        if "allow" in request.form:
            mentee_id, ignored, mentor_id = request.form["allow"].partition("-")
            changes.allow_again(current_user, run, record_id(mentee_id), record_id(mentor_id))
            message, focus = _("A re-run may propose this pair again."), "exclusions"
        elif action == "remove":
            removed = changes.remove_pairs(current_user, run, ticked)
            names = "; ".join(
                _("%(mentee)s and %(mentor)s", mentee=mentee, mentor=mentor)
                for mentee, mentor in removed
            )
            message = ngettext(
                "Removed %(num)d pair: %(names)s. A re-run won't propose it.",
                "Removed %(num)d pairs: %(names)s. A re-run won't propose them.",
                len(removed),
                names=names,
            )
        elif action == "lock":
            changed = changes.set_locked(current_user, run, ticked, True)
            message = ngettext(
                "Locked %(num)d pair. A re-run keeps it.",
                "Locked %(num)d pairs. A re-run keeps them.",
                changed,
            )
        elif action == "unlock":
            changed = changes.set_locked(current_user, run, ticked, False)
            message = ngettext("Unlocked %(num)d pair.", "Unlocked %(num)d pairs.", changed)
        else:
            abort(400)
    except DomainError as error:
        return _refused(error, run, "pairs")
    if is_htmx():
        return _review_page(run, announcement=message, focus=focus)
    flash(message, "success")
    return redirect(url_for("committee.matching_review", run_id=run.id, _anchor=focus))


@bp.get("/matching/runs/<int:run_id>/mentees/<int:mentee_id>")
def matching_mentee(run_id, mentee_id):
    """The mentors one mentee of the run could have, and the buttons to choose one."""
    run = _run_or_404(run_id)
    found = choices.mentee_choices(run, mentee_id, show_all=request.args.get("all") == "1")
    if found is None:
        abort(404)
    return render_template(
        "committee/matching/mentee.html",
        run=run,
        choices=found,
        draft_form=DraftForm(formdata=None),
    )


@bp.post("/matching/runs/<int:run_id>/mentees/<int:mentee_id>")
def matching_choose(run_id, mentee_id):
    run = _run_or_404(run_id)
    DraftForm()
    swap_with = request.form.get("swap_with")
    try:
        done = changes.choose_mentor(
            current_user,
            run,
            mentee_id,
            record_id(request.form.get("mentor_id")),
            record_id(swap_with) if swap_with else None,
        )
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("committee.matching_mentee", run_id=run.id, mentee_id=mentee_id))
    flash(done, "success")
    return redirect(url_for("committee.matching_review", run_id=run.id, _anchor="pairs"))


@bp.post("/matching/runs/<int:run_id>/publish")
def matching_publish(run_id):
    run = _run_or_404(run_id)
    DraftForm()
    try:
        outcome = services.publish_run(current_user, run)
    except DomainError as error:
        return _review_page(run, 409, publish_error=error)
    if outcome.published_as == MatchingRun.AS_REQUESTS:
        flash(
            ngettext(
                "Published: %(count)s request from the committee is on its way to the mentor, "
                "who confirms it; the mentee is told.",
                "Published: %(count)s requests from the committee are on their way to the "
                "mentors, who confirm each one; the mentees are told.",
                outcome.pairs,
                count=format_number(outcome.pairs),
            ),
            "success",
        )
    else:
        flash(
            ngettext(
                "Published: %(count)s mentorship has started, and the pair has been introduced "
                "by e-mail.",
                "Published: %(count)s mentorships have started, and each pair has been "
                "introduced by e-mail.",
                outcome.pairs,
                count=format_number(outcome.pairs),
            ),
            "success",
        )
    return redirect(url_for("committee.matching_review", run_id=run.id))


@bp.post("/matching/runs/<int:run_id>/carry")
def matching_carry(run_id):
    run = _run_or_404(run_id)
    DraftForm()
    try:
        outcome = services.carry_unmatched(current_user, run)
    except DomainError as error:
        flash(error.message, "error")
    else:
        message = ngettext(
            "%(count)s mentee carried to the %(intake)s intake.",
            "%(count)s mentees carried to the %(intake)s intake.",
            outcome.carried,
            count=format_number(outcome.carried),
            intake=outcome.intake.name,
        )
        if outcome.already:
            already = ngettext(
                "%(count)s mentee had been carried already.",
                "%(count)s mentees had been carried already.",
                outcome.already,
                count=format_number(outcome.already),
            )
            message = f"{message} {already}"
        flash(message, "success")
    return redirect(url_for("committee.matching_review", run_id=run.id))


@bp.post("/matching/runs/<int:run_id>/discard")
def matching_discard(run_id):
    run = _run_or_404(run_id)
    DraftForm()
    try:
        services.discard_run(current_user, run)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("committee.matching_review", run_id=run.id))
    flash(_("Draft %(id)s is discarded.", id=run.id), "success")
    return redirect(url_for("committee.matching_home"))


@bp.post("/matching/runs/<int:run_id>/export.csv")
def matching_export(run_id):
    run = _run_or_404(run_id)
    DraftForm()
    filename, rows = services.export_run(current_user, run, clock.today())
    # The rows were read already: the file is written out of memory, needing no database.
    response = Response(csv_chunks(review.csv_header(), rows, clock.program_zone()))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/matching/settings")
def matching_setting():
    form = MatchingSettingForm()
    if form.validate_on_submit():
        if update_matching(current_user, form.need_confirmation.data):
            flash(
                _("Saved: mentors confirm the pairs you publish.")
                if form.need_confirmation.data
                else _("Saved: the pairs you publish start their mentorships at once."),
                "success",
            )
        else:
            flash(_("Nothing changed."), "info")
    return redirect(url_for("committee.matching_home", _anchor="publishing"))
