"""The mentor directory. Thin: parse, authorise (an eligible mentee), call services, render."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from app import clock, matching
from app.htmx import wants_focus_on_results, wants_fragment
from app.mentors import services
from app.mentors.forms import DirectoryForm, parse_query
from app.profiles.privacy import can_see_contact_details

bp = Blueprint("mentors", __name__)


@bp.context_processor
def directory_words():
    return {"conflict_text": matching.CONFLICT_OF_INTEREST}


def _viewer():
    vocab = services.load_vocabularies()
    return vocab, services.load_viewer(current_user, clock.today(), vocab)


def _not_yet(viewer):
    return render_template("mentors/ineligible.html", reasons=viewer.reasons), 403


@bp.get("")
@login_required
def index():
    vocab, viewer = _viewer()
    if not viewer.may_browse:
        return _not_yet(viewer)
    query = parse_query(request.args, vocab)
    result = services.search(viewer, query, vocab, clock.today())
    context = {"result": result, "orders": services.ORDERS, "viewer": viewer}
    if wants_fragment():
        # A page link asks for focus on the new results (a filter keeps it where it is).
        focus = wants_focus_on_results()
        return render_template("mentors/_results.html", fragment=True, focus=focus, **context)
    return render_template(
        "mentors/index.html",
        form=DirectoryForm.for_query(result.query, vocab),
        fragment=False,
        **context,
    )


@bp.get("/<int:mentor_id>")
@login_required
def show(mentor_id):
    vocab, viewer = _viewer()
    if not viewer.may_browse:
        return _not_yet(viewer)
    mentor = services.mentor_for_viewer(viewer, mentor_id, vocab, clock.today())
    if mentor is None:
        abort(404)
    member = services.mentor_user(mentor.id)
    contact = member if can_see_contact_details(current_user, member) else None
    return render_template(
        "mentors/show.html",
        mentor=mentor,
        contact=contact,
        viewer=viewer,
    )
