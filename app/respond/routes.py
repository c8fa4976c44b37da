"""/respond/<token>: GET (and HEAD) show the request, POST decides. Thin: the token is read and
acted on by app/respond/services.py; no sign-in needed."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from app.requests.links import INVALID
from app.respond import services
from app.respond.forms import RespondForm
from app.respond.redaction import install as install_token_redaction
from app.text import display_name, format_day

bp = Blueprint("respond", __name__)


@bp.record_once
def _redact_tokens_in_logs(state) -> None:
    install_token_redaction()


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
        error = "Choose one answer: Accept or Decline." if form.both_chosen else None
        if form.decision is None and not form.errors and not form.both_chosen:
            error = "Choose your answer: Accept or Decline."
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
    mentee = display_name(outcome.page.mentee)
    asked = (
        f"the committee's match with {mentee}"
        if outcome.page.request.by_committee
        else f"{mentee}'s request"
    )
    if outcome.decision == services.ACCEPT:
        flash(
            f"You accepted {asked}. We introduced you to each other by e-mail; your "
            f"mentorship runs at least until {format_day(outcome.mentorship.minimum_end_on)}.",
            "success",
        )
    elif form.away_day is not None:
        flash(
            f"You declined {asked}. We let them know kindly. You are away until "
            f"{format_day(form.away_day)}: you are out of the mentor directory until then.",
            "success",
        )
    else:
        flash(f"You declined {asked}. We let them know kindly.", "success")
    return redirect(url_for("respond.show", token=token), code=303)
