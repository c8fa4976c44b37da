"""/respond/<token>: GET (and HEAD) show the request, POST decides. Thin: the token is read and
acted on by app/respond/services.py; no sign-in needed."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.i18n import prefer_locale
from app.requests.links import INVALID, read_link
from app.respond import services
from app.respond.forms import RespondForm
from app.respond.redaction import install as install_token_redaction
from app.text import display_name, format_day

bp = Blueprint("respond", __name__)


@bp.record_once
def _redact_tokens_in_logs(state) -> None:
    install_token_redaction()


@bp.before_request
def speak_the_mentors_language() -> None:
    """The mentor opens this page from the e-mail, often in a browser that never chose a
    language: unless the visitor chose one (their account's, the header's switch), the page is
    in the mentor's language, the e-mail's, before the browser's. Reads only."""
    token = (request.view_args or {}).get("token")
    if token is None:
        return
    link = read_link(token)
    if link.request is not None:
        prefer_locale(link.request.mentor.locale)
        # Held for the rest of the request, so that the page finds the request and its mentor
        # in the session (which keeps only what is referenced) instead of loading them again.
        g.respond_request = link.request


@bp.after_request
def keep_the_link_private(response):
    """The token is in this page's address: never send it on as a Referer, never cache it."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _render(page, form, error=None, status=None):
    form.offer(page.full)
    if status is None:
        status = 404 if page.state == INVALID else 200
    return render_template(
        "respond/show.html",
        page=page,
        form=form,
        error=error,
        token=request.view_args["token"],
    ), status


def _form_for(page) -> RespondForm:
    form = RespondForm()
    if not form.is_submitted() and page.full:
        form.decline_others.data = True  # a full mentor declines the rest in one step
    form.offer(page.full)
    form.preselect(request.args.get("choice"))
    return form


@bp.get("/respond/<token>")
def show(token: str):
    page = services.open_link(token)
    return _render(page, _form_for(page))


@bp.post("/respond/<token>")
def decide(token: str):
    form = RespondForm()  # CSRF is checked before this view (CSRFProtect): 400 without it
    if not form.validate() or form.decision is None:
        page = services.open_link(token)
        error = _("Choose one answer: Accept or Decline.") if form.both_chosen else None
        if form.decision is None and not form.errors and not form.both_chosen:
            error = _("Choose your answer: Accept or Decline.")
        return _render(page, form, error=error, status=422 if form.errors else 400)
    outcome = services.decide(
        token,
        form.decision,
        form.note.data,
        stop_accepting=form.full,
        decline_others=form.decline_others.data,
        away_until=form.away_day,
    )
    if not outcome.done:
        return _render(outcome.page, form, error=outcome.error, status=409)
    flash(_decided_message(outcome, form), "success")
    return redirect(url_for("respond.show", token=token), code=303)


def _decided_message(outcome, form) -> str:
    """What the mentor is told after answering (whole sentences: French orders them its way)."""
    name = display_name(outcome.page.mentee)
    committee = outcome.page.request.by_committee
    if outcome.decision == services.ACCEPT:
        day = format_day(outcome.mentorship.minimum_end_on)
        if committee:
            return _(
                "You accepted the committee's match with %(name)s. We introduced you to each "
                "other by e-mail; your mentorship runs at least until %(day)s.",
                name=name,
                day=day,
            )
        return _(
            "You accepted %(name)s's request. We introduced you to each other by e-mail; your "
            "mentorship runs at least until %(day)s.",
            name=name,
            day=day,
        )
    if form.away_day is not None:
        day = format_day(form.away_day)
        if committee:
            return _(
                "You declined the committee's match with %(name)s. We let them know kindly. "
                "You are away until %(day)s: you are out of the mentor directory until then.",
                name=name,
                day=day,
            )
        return _(
            "You declined %(name)s's request. We let them know kindly. You are away until "
            "%(day)s: you are out of the mentor directory until then.",
            name=name,
            day=day,
        )
    if committee:
        return _(
            "You declined the committee's match with %(name)s. We let them know kindly.",
            name=name,
        )
    return _("You declined %(name)s's request. We let them know kindly.", name=name)
