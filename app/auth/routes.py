import hashlib
from datetime import datetime
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, ngettext, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app import clock, i18n
from app.auth import services, two_factor
from app.auth.forms import (
    AccountLanguageForm,
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    LoginForm,
    RecoveryCodesForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    SecondStepForm,
    TwoFactorOffForm,
    TwoFactorOnForm,
)
from app.errors_domain import DomainError, show_on_form
from app.extensions import limiter
from app.i18n import member_locale
from app.models.accounts import normalise_email
from app.query_args import one_line
from app.text import has_control_characters
from app.tokens import TokenError

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects, and no line
    break or other control character, which a Location header can't hold)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if has_control_characters(target, multiline=False):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target


def _account_key() -> str:
    """The account an attempt is for, by a digest of the address typed: the counters (in the
    database or Redis) never hold an address, so deleting an account leaves none behind."""
    address = normalise_email(request.form.get("email", ""))
    return "account:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def _member_key() -> str:
    return f"member:{current_user.id}" if current_user.is_authenticated else "anonymous"


def _second_step_key() -> str:
    pending = session.get("second_step") or {}
    return f"member:{pending.get('user')}"


@bp.before_app_request
def load_the_member_first():
    """Read the sign-in session before any view runs: the loader ends a committee member's
    idle session and notes the request's time, and its commit must hold nothing else."""
    if request.endpoint != "static":
        current_user.is_authenticated  # noqa: B018  (loading is the point)
        if g.pop("committee_session_ended", False):
            _say_why_the_committee_signs_in_again()


def _say_why_the_committee_signs_in_again() -> None:
    """The loader ended a committee member's session: say why, in the language of the page
    they now see (a visitor's)."""
    config = current_app.config
    minutes = int(config["COMMITTEE_IDLE_TIMEOUT"].total_seconds() // 60)
    hours = int(config["COMMITTEE_SESSION_LIFETIME"].total_seconds() // 3600)
    flash(
        _(
            "For the security of members' data, committee members sign in again after "
            "%(idle)s without activity, and %(lifetime)s after signing in.",
            idle=ngettext("%(num)d minute", "%(num)d minutes", minutes),
            lifetime=ngettext("%(num)d hour", "%(num)d hours", hours),
        ),
        "info",
    )


def _limit(setting: str):
    return lambda: current_app.config[setting]


@bp.after_request
def keep_links_private(response):
    """The verification and reset pages carry their token in the address: never send it on as
    a Referer, and never let a cache keep the page."""
    if request.endpoint in ("auth.verify_email", "auth.reset_password"):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_limit("REGISTER_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(_limit("REGISTER_LIMIT_PER_ACCOUNT"), key_func=_account_key, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            # The language of this page becomes the account's: the link goes out in it.
            services.register(
                form.name.data, form.email.data, form.password.data, locale=str(get_locale())
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            return redirect(url_for("auth.check_inbox", email=normalise_email(form.email.data)))
    return render_template("auth/register.html", form=form)


@bp.route("/check-inbox")
def check_inbox():
    return render_template("auth/check_inbox.html", email=one_line(request.args.get("email"), 254))


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify_email(token):
    form = ConfirmForm()
    if request.method != "POST":  # GET, and HEAD as GET without the body
        link = services.inspect_verification(token)
        return render_template("auth/verify.html", link=link, form=form)
    if not form.validate_on_submit():
        return render_template(
            "auth/verify.html", link=services.inspect_verification(token), form=form
        ), 400
    try:
        link = services.verify_email(token)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("main.index"))
    if link.state == "done":
        flash(_("Thank you: your e-mail address is confirmed."), "success")
        return redirect(
            url_for("main.index") if current_user.is_authenticated else url_for("auth.login")
        )
    return render_template("auth/verify.html", link=link, form=form)


@bp.post("/resend-verification")
@login_required
@limiter.limit(_limit("RESEND_LIMIT_PER_IP"))
@limiter.limit(_limit("RESEND_LIMIT_PER_ACCOUNT"), key_func=_member_key)
def resend_verification():
    try:
        services.resend_verification(current_user)
    except DomainError as error:
        flash(error.message, "info")
    else:
        flash(_("We sent a new confirmation link. It may take a minute to arrive."), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit("LOGIN_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(_limit("LOGIN_LIMIT_PER_ACCOUNT"), key_func=_account_key, methods=["POST"])
def login():
    next_page = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_page or url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors = [
                *form.password.errors,
                _("The e-mail address or password is not right."),
            ]
        else:
            session.clear()  # a new session at sign-in: nothing carried over from before
            remember = services.may_remember(user, form.remember.data)
            if user.has_second_factor:
                session["second_step"] = {
                    "user": user.id,
                    "remember": remember,
                    "next": next_page,
                    "since": clock.utcnow().isoformat(),
                }
                return redirect(url_for("auth.second_step"))
            return _signed_in(user, remember, next_page)
    return render_template("auth/login.html", form=form, next_page=next_page)


def _signed_in(user, remember: bool, next_page: str | None):
    session.clear()
    first_time = user.last_login_at is None  # read before sign_in records this one
    services.sign_in(user, remember=remember)
    login_user(user, remember=remember)
    refresh()  # the next page is in the member's language: so is the greeting
    if first_time:
        flash(_("Welcome to Mentor Match, %(name)s.", name=user.name), "success")
    else:
        flash(_("Welcome back, %(name)s.", name=user.name), "success")
    response = redirect(next_page or url_for("main.index"))
    if i18n.is_language(user.locale):
        # Signed out later, the browser keeps the member's language.
        i18n.keep_in_cookie(response, user.locale)
    return response


def _pending_second_step() -> dict | None:
    """The sign-in waiting for its code, if it is recent enough."""
    pending = session.get("second_step")
    if not isinstance(pending, dict) or not isinstance(pending.get("user"), int):
        return None
    try:
        since = datetime.fromisoformat(pending.get("since", ""))
    except (TypeError, ValueError):
        return None
    if clock.utcnow() - since > current_app.config["SECOND_STEP_MAX_AGE"]:
        return None
    return pending


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_limit("LOGIN_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(
    _limit("SECOND_FACTOR_LIMIT_PER_ACCOUNT"), key_func=_second_step_key, methods=["POST"]
)
def second_step():
    pending = _pending_second_step()
    if pending is None:
        session.pop("second_step", None)
        flash(_("Sign in again: the time to type the code ran out."), "info")
        return redirect(url_for("auth.login"))
    form = SecondStepForm()
    if form.validate_on_submit():
        try:
            user = two_factor.second_step(pending["user"], form.code.data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            return _signed_in(user, bool(pending.get("remember")), safe_next(pending.get("next")))
    return render_template("auth/second_step.html", form=form)


@bp.post("/logout")
def logout():
    form = ConfirmForm()
    if current_user.is_authenticated and form.validate_on_submit():
        services.sign_out(current_user)
        logout_user()
        session.clear()
        refresh()  # the next page is a visitor's, in the browser's language: so is this
        flash(_("You are signed out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(_limit("RESET_LIMIT_PER_ACCOUNT"), key_func=_account_key, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return redirect(
            url_for("auth.check_inbox", email=normalise_email(form.email.data), reset=1)
        )
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        user = services.user_for_reset_token(token)
    except TokenError as error:
        return render_template("auth/reset_link_problem.html", reason=error.reason), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except DomainError as error:
            show_on_form(form, error)
        except TokenError as error:
            return render_template("auth/reset_link_problem.html", reason=error.reason), 400
        else:
            if current_user.is_authenticated:
                logout_user()
                refresh()
            session.clear()
            flash(_("Your password is changed. Sign in with your new password."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user)


def _account_page(password_form, email_form):
    """The account page; its language form is the header's switch, with this page to come
    back to and the member's language chosen."""
    language_form = AccountLanguageForm(
        formdata=None, lang=member_locale(current_user), next=url_for("auth.account")
    )
    return render_template(
        "auth/account.html",
        password_form=password_form,
        email_form=email_form,
        language_form=language_form,
        e_mail_language=member_locale(current_user),
    )


@bp.route("/account")
@login_required
def account():
    return _account_page(ChangePasswordForm(prefix="pw"), ChangeEmailForm(prefix="em"))


def _may_use_second_factor() -> None:
    if not (current_user.is_committee or current_user.has_second_factor):
        abort(404)


def _two_factor_page(on_form=None, off_form=None, codes_form=None, recovery_codes=None):
    """The two-step sign-in page: how to turn it on (a secret kept in the session until a code
    proves the app has it), or, once on, how to turn it off and make new recovery codes."""
    setup = None
    if not current_user.has_second_factor:
        secret = session.get("totp_setup")
        if not isinstance(secret, str):
            secret = session["totp_setup"] = two_factor.new_secret()
        uri = two_factor.provisioning_uri(secret, current_user.email)
        setup = {
            "secret": two_factor.grouped(secret),
            "uri": uri,
            "qr": two_factor.qr_code_data_uri(uri),
        }
    return render_template(
        "auth/two_factor.html",
        setup=setup,
        on_form=on_form or TwoFactorOnForm(prefix="on", formdata=None),
        off_form=off_form or TwoFactorOffForm(prefix="off", formdata=None),
        codes_form=codes_form or RecoveryCodesForm(prefix="rc", formdata=None),
        recovery_codes=recovery_codes,
        unused_codes=two_factor.unused_recovery_codes(current_user)
        if current_user.has_second_factor
        else 0,
    )


@bp.get("/account/two-step")
@login_required
def two_factor_settings():
    _may_use_second_factor()
    return _two_factor_page()


@bp.post("/account/two-step/on")
@login_required
@limiter.limit(_limit("SECOND_FACTOR_LIMIT_PER_ACCOUNT"), key_func=_member_key)
def two_factor_on():
    _may_use_second_factor()
    form = TwoFactorOnForm(prefix="on")
    secret = session.get("totp_setup")
    if form.validate_on_submit() and isinstance(secret, str):
        try:
            codes = two_factor.turn_on(
                current_user, secret, form.code.data, form.current_password.data
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            session.pop("totp_setup", None)
            flash(_("Two-step sign-in is on. Keep your recovery codes somewhere safe."), "success")
            return _two_factor_page(recovery_codes=codes)
    return _two_factor_page(on_form=form), 422


@bp.post("/account/two-step/off")
@login_required
@limiter.limit(_limit("SECOND_FACTOR_LIMIT_PER_ACCOUNT"), key_func=_member_key)
def two_factor_off():
    _may_use_second_factor()
    form = TwoFactorOffForm(prefix="off")
    if form.validate_on_submit():
        try:
            two_factor.turn_off(current_user, form.code.data, form.current_password.data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("Two-step sign-in is off: your password alone signs you in."), "success")
            return redirect(url_for("auth.account"))
    return _two_factor_page(off_form=form), 422


@bp.post("/account/two-step/recovery-codes")
@login_required
@limiter.limit(_limit("SECOND_FACTOR_LIMIT_PER_ACCOUNT"), key_func=_member_key)
def two_factor_recovery_codes():
    _may_use_second_factor()
    form = RecoveryCodesForm(prefix="rc")
    if form.validate_on_submit():
        try:
            codes = two_factor.replace_recovery_codes(current_user, form.code.data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("Your new recovery codes are below; the old ones no longer work."), "success")
            return _two_factor_page(recovery_codes=codes)
    return _two_factor_page(codes_form=form), 422


@bp.post("/account/password")
@login_required
def change_password():
    password_form, email_form = (
        ChangePasswordForm(prefix="pw"),
        ChangeEmailForm(prefix="em", formdata=None),
    )
    if password_form.validate_on_submit():
        try:
            services.change_password(
                current_user, password_form.current_password.data, password_form.password.data
            )
        except DomainError as error:
            show_on_form(password_form, error)
        else:
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(password_form, email_form), 422


@bp.post("/account/email")
@login_required
def change_email():
    password_form, email_form = (
        ChangePasswordForm(prefix="pw", formdata=None),
        ChangeEmailForm(prefix="em"),
    )
    if email_form.validate_on_submit():
        try:
            services.request_email_change(
                current_user, email_form.new_email.data, email_form.current_password.data
            )
        except DomainError as error:
            show_on_form(email_form, error)
        else:
            flash(
                _(
                    "We sent a confirmation link to the new address. Your current address stays "
                    "in use until you click it."
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    return _account_page(password_form, email_form), 422
