from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_babel import force_locale, gettext
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from app import clock, i18n
from app.auth.routes import safe_next
from app.extensions import db, limiter
from app.main import accessibility
from app.main.forms import LanguageForm
from app.main.services import next_actions
from app.models import OutboxEmail
from app.profiles.checklist import eligibility_overview

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    overview = actions = None
    if current_user.is_authenticated:
        overview = eligibility_overview(current_user, clock.today())
        actions = next_actions(current_user)
    return render_template("main/index.html", overview=overview, actions=actions)


@bp.route("/privacy")
def privacy():
    return render_template("main/privacy.html")


@bp.route("/accessibility")
def accessibility_statement():
    return render_template(
        "main/accessibility.html",
        standard=accessibility.STANDARD,
        level=accessibility.LEVEL,
        tested_on=accessibility.TESTED_ON,
        tested_with=accessibility.TESTED_WITH,
        journeys=accessibility.JOURNEYS,
        known_issues=accessibility.KNOWN_ISSUES,
        narrowest_width=accessibility.NARROWEST_WIDTH_PX,
        text_zoom=accessibility.TEXT_ZOOM_PERCENT,
    )


@bp.post("/language")
def choose_language():
    """The header's language switch: remembered in a cookie (visitors) and on the member's
    account, then back to the page it was used on."""
    form = LanguageForm()
    back = safe_next(form.next.data) or url_for("main.index")
    if not form.validate():
        flash(gettext("Choose English or French."), "error")
        return redirect(back)
    code = form.lang.data
    if current_user.is_authenticated:
        i18n.remember_language(current_user, code)
    with force_locale(code):
        flash(gettext("Language changed."), "success")
    response = redirect(back)
    i18n.keep_in_cookie(response, code)
    return response


@bp.route("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


def _require_dev_mailbox() -> None:
    if not current_app.config["DEV_MAILBOX"]:
        abort(404)


@bp.route("/dev/mailbox")
def mailbox():
    _require_dev_mailbox()
    messages = db.session.scalars(
        select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(200)
    ).all()
    return render_template("main/mailbox.html", messages=messages)


@bp.route("/dev/mailbox/<int:message_id>")
def mailbox_message(message_id):
    _require_dev_mailbox()
    message = db.get_or_404(OutboxEmail, message_id)
    return render_template("main/mailbox_message.html", message=message)


# The HTML part as a mail program shows it: its own inline styles, no script, nothing fetched,
# framed only by the mailbox page (in a sandboxed <iframe>).
MAIL_HTML_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


@bp.route("/dev/mailbox/<int:message_id>/html")
def mailbox_message_html(message_id):
    _require_dev_mailbox()
    message = db.get_or_404(OutboxEmail, message_id)
    response = Response(message.body_html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = MAIL_HTML_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
