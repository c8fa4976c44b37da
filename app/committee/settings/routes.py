"""The committee's program settings pages: status, limits and contacts, the program's texts, and
the intakes; and the template globals that show the settings on any page.

Access is checked for every route by `app.committee.access.guard` (404 to everyone else; CSRF on
every POST). Each POST calls one operation of `app.committee.settings.services` or `.intakes`;
a refused form is shown again with what was typed and a 422.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.committee.blueprint import bp
from app.committee.settings import intakes as program_intakes
from app.committee.settings import services as program_settings
from app.committee.settings import texts as program_texts
from app.committee.settings.forms import (
    MARKDOWN_HINT,
    TEXT_PLACES,
    ContactsForm,
    DeleteIntakeForm,
    IntakeForm,
    StatusForm,
    TextsForm,
    TimeZoneForm,
    limits_form_class,
)
from app.errors_domain import DomainError, show_on_form
from app.extensions import db
from app.models import Intake
from app.program import get_settings, open_intake, requests_blocked_reason, time_zone_name
from app.program import program_text as read_program_text
from app.query_args import record_id
from app.text import format_moment


@bp.app_template_global("guideline_html")
def guideline_html(name: str):
    """In any template: `{{ guideline_html('program_description') }}` (safe HTML, maybe empty)."""
    return program_texts.guideline_html(name)


@bp.app_template_global("program_text")
def program_text(name: str) -> str | None:
    """In any template (pages and e-mail): one of the committee's texts as written (Markdown
    source, for plain-text e-mail) in the reader's language, else the other; None if unwritten."""
    return read_program_text(name)


@bp.app_template_global("requests_blocked_reason")
def blocked_reason_today() -> str | None:
    """In any template: why new requests are not taken today (None: they are)."""
    return requests_blocked_reason(clock.today())


def _saved(changed: bool, message: str) -> None:
    if changed:
        flash(message, "success")
    else:
        flash(_("Nothing changed: the values you saved are the ones already in use."), "info")


# --- settings: status, limits, contacts -------------------------------------------------------


def _settings_page(
    status_form=None, limits_form=None, contacts_form=None, time_zone_form=None, code: int = 200
):
    settings = get_settings()
    today = clock.today()
    if status_form is None:
        status_form = StatusForm(
            formdata=None,
            status=settings.status,
            notice=settings.notice,
            notice_fr=settings.notice_fr,
            requests_only_during_intake=settings.requests_only_during_intake,
        )
    if limits_form is None:
        limits_form = limits_form_class()(
            formdata=None,
            data={limit.name: getattr(settings, limit.name) for limit in program_settings.LIMITS},
        )
    if contacts_form is None:
        contacts_form = ContactsForm(
            formdata=None,
            program_contact_email=settings.program_contact_email,
            support_contact_email=settings.support_contact_email,
        )
    if time_zone_form is None:
        time_zone_form = TimeZoneForm(formdata=None, time_zone=settings.time_zone)
    return render_template(
        "committee/settings/index.html",
        status_form=status_form,
        limits_form=limits_form,
        contacts_form=contacts_form,
        time_zone_form=time_zone_form,
        time_zone_in_use=time_zone_name(),
        default_time_zone=current_app.config["PROGRAM_TIME_ZONE"],
        suggested_time_zones=program_settings.SUGGESTED_TIME_ZONES,
        now_in_program_time=format_moment(clock.utcnow()),
        limits=program_settings.LIMITS,
        blocked_reason=requests_blocked_reason(today),
        current_intake=open_intake(today),
        default_program_email=current_app.config["PROGRAM_CONTACT_EMAIL"],
        default_support_email=current_app.config["SUPPORT_CONTACT_EMAIL"],
    ), code


@bp.route("/settings")
def settings():
    return _settings_page()


@bp.post("/settings/status")
def settings_status():
    form = StatusForm()
    if form.validate():
        try:
            changed = program_settings.update_status(
                current_user,
                form.status.data,
                form.notice.data,
                form.requests_only_during_intake.data,
                form.notice_fr.data,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            _saved(
                changed,
                _(
                    "The program status is saved: the program is %(status)s.",
                    status=program_settings.STATUS_WORDS[form.status.data],
                ),
            )
            return redirect(url_for("committee.settings"))
    return _settings_page(status_form=form, code=422)


@bp.post("/settings/limits")
def settings_limits():
    form = limits_form_class()()
    if form.validate():
        values = {limit.name: form[limit.name].data for limit in program_settings.LIMITS}
        try:
            changed = program_settings.update_limits(current_user, values)
        except DomainError as error:
            show_on_form(form, error)
        else:
            _saved(changed, _("The limits are saved."))
            return redirect(url_for("committee.settings"))
    return _settings_page(limits_form=form, code=422)


@bp.post("/settings/contacts")
def settings_contacts():
    form = ContactsForm()
    if form.validate():
        try:
            changed = program_settings.update_contacts(
                current_user, form.program_contact_email.data, form.support_contact_email.data
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            _saved(changed, _("The contact addresses are saved."))
            return redirect(url_for("committee.settings"))
    return _settings_page(contacts_form=form, code=422)


@bp.post("/settings/time-zone")
def settings_time_zone():
    form = TimeZoneForm()
    if form.validate():
        try:
            changed = program_settings.update_time_zone(current_user, form.time_zone.data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            _saved(
                changed,
                _(
                    "The time zone is saved: the program's days are counted in %(zone)s.",
                    zone=time_zone_name(),
                ),
            )
            return redirect(url_for("committee.settings"))
    return _settings_page(time_zone_form=form, code=422)


# --- the program's texts ----------------------------------------------------------------------


@bp.route("/settings/texts", methods=["GET", "POST"])
def settings_texts():
    settings = get_settings()
    if request.method == "GET":
        form = TextsForm(
            formdata=None,
            data={field: getattr(settings, field) for field in program_settings.text_fields()},
        )
        return _texts_page(form)
    form = TextsForm()
    code = 200
    previews = None
    if form.validate():
        texts = {field: form[field].data for field in program_settings.text_fields()}
        if "preview" in request.form:
            previews = {}
            for field, text in texts.items():
                what = program_texts.unsafe_markup(text)
                if what:
                    form[field].errors = [*form[field].errors, _preview_warning(field, what)]
                previews[field] = program_texts.render_markdown(text)
        else:
            try:
                changed = program_settings.update_texts(current_user, texts)
            except DomainError as error:
                show_on_form(form, error)
                code = 422
            else:
                _saved(changed, _("The texts are saved."))
                return redirect(url_for("committee.settings_texts"))
    else:
        code = 422
    return _texts_page(form, previews), code


def _texts_page(form, previews=None):
    return render_template(
        "committee/settings/texts.html",
        form=form,
        previews=previews,
        texts=program_texts.TEXTS,
        places=TEXT_PLACES,
        markdown_hint=MARKDOWN_HINT,
    )


def _preview_warning(field: str, what: str) -> str:
    if program_texts.is_french(field):
        return _(
            "The French version contains %(what)s, which will be refused when you save. The "
            "preview shows it without.",
            what=what,
        )
    return _(
        "The English version contains %(what)s, which will be refused when you save. The "
        "preview shows it without.",
        what=what,
    )


# --- intakes ----------------------------------------------------------------------------------


def _intakes_page(form=None, editing: Intake | None = None, code: int = 200):
    if form is None:
        form = IntakeForm(formdata=None)
        if editing is not None:
            form = IntakeForm(
                formdata=None,
                intake_id=editing.id,
                name=editing.name,
                opens_on=editing.opens_on,
                closes_on=editing.closes_on,
            )
    return render_template(
        "committee/settings/intakes.html",
        form=form,
        editing=editing,
        intakes=program_intakes.list_intakes(),
        today=clock.today(),
        uses_intakes=get_settings().requests_only_during_intake,
        delete_form=DeleteIntakeForm(formdata=None),
    ), code


def _intake_or_404(value) -> Intake:
    intake_id = record_id(value)
    if intake_id is None:
        abort(404)
    return db.get_or_404(Intake, intake_id)


@bp.route("/intakes")
def intakes():
    editing = None
    if request.args.get("edit"):
        editing = _intake_or_404(request.args["edit"])
    return _intakes_page(editing=editing)


@bp.post("/intakes")
def intakes_save():
    """Add an intake, or change the one named by the form's `intake_id`."""
    form = IntakeForm()
    editing = _intake_or_404(form.intake_id.data) if form.intake_id.data else None
    if form.validate():
        try:
            if editing is None:
                intake = program_intakes.add_intake(
                    current_user, form.name.data, form.opens_on.data, form.closes_on.data
                )
                flash(_("The intake “%(name)s” is added.", name=intake.name), "success")
            else:
                changed = program_intakes.change_intake(
                    current_user, editing, form.name.data, form.opens_on.data, form.closes_on.data
                )
                _saved(changed, _("The intake “%(name)s” is saved.", name=editing.name))
        except DomainError as error:
            show_on_form(form, error)
        else:
            return redirect(url_for("committee.intakes"))
    return _intakes_page(form=form, editing=editing, code=422)


@bp.post("/intakes/delete")
def intakes_delete():
    intake = _intake_or_404(request.form.get("intake_id"))
    name = intake.name
    program_intakes.delete_intake(current_user, intake)
    flash(_("The intake “%(name)s” is deleted.", name=name), "success")
    return redirect(url_for("committee.intakes"))
