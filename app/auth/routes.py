from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import services
from app.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from app.errors_domain import DomainError, show_on_form
from app.extensions import limiter
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
    return "account:" + normalise_email(request.form.get("email", ""))


def _member_key() -> str:
    return f"member:{current_user.id}" if current_user.is_authenticated else "anonymous"


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
            services.register(form.name.data, form.email.data, form.password.data)
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
        flash("Thank you: your e-mail address is confirmed.", "success")
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
        flash("We sent a new confirmation link. It may take a minute to arrive.", "success")
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
                "The e-mail address or password is not right.",
            ]
        else:
            session.clear()  # a new session at sign-in: nothing carried over from before
            services.sign_in(user, remember=form.remember.data)
            login_user(user, remember=form.remember.data)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(next_page or url_for("main.index"))
    return render_template("auth/login.html", form=form, next_page=next_page)


@bp.post("/logout")
def logout():
    form = ConfirmForm()
    if current_user.is_authenticated and form.validate_on_submit():
        services.sign_out(current_user)
        logout_user()
        session.clear()
        flash("You are signed out.", "success")
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
            session.clear()
            flash("Your password is changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user)


@bp.route("/account")
@login_required
def account():
    return render_template(
        "auth/account.html",
        password_form=ChangePasswordForm(prefix="pw"),
        email_form=ChangeEmailForm(prefix="em"),
    )


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
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html", password_form=password_form, email_form=email_form
    ), 422


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
                "We sent a confirmation link to the new address. Your current address stays in "
                "use until you click it.",
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html", password_form=password_form, email_form=email_form
    ), 422
