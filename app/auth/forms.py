from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    ValidationError,
)

from app.auth.passwords import MAX_LENGTH, MIN_LENGTH, TOO_LONG, TOO_SHORT
from app.forms import PortalForm
from app.i18n import LANGUAGES

UNMAILABLE_ADDRESS = _l(
    "We can't send e-mail to an address with accented letters, emoji or other special "
    "characters. Use another address (for a domain name with accents, its xn-- form works)."
)


def mailable_address(form, field) -> None:
    """An address we can send to: our mail goes out without SMTPUTF8, whose servers refuse
    (and whose library can't even write) a non-ASCII address, so an account created with one
    could never be confirmed."""
    if field.data and not field.data.isascii():
        raise ValidationError(UNMAILABLE_ADDRESS)


def email_field(label=None, new_address: bool = False) -> EmailField:
    """An e-mail address; `new_address` for one we are about to write to (registering,
    changing it), which must be one we can send to. Signing in and asking for a reset take
    any address an account may already have."""
    return EmailField(
        _l("Email") if label is None else label,
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            Length(max=254, message=_l("An e-mail address has at most 254 characters.")),
            Email(
                message=_l("Enter an e-mail address like name@example.org."),
                check_deliverability=False,
            ),
            *([mailable_address] if new_address else []),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def new_password_fields(label=None):
    password = PasswordField(
        _l("Password") if label is None else label,
        validators=[
            InputRequired(message=_l("Choose a password.")),
            # WTForms puts the limits in (`%(min)d`, `%(max)d`) when it shows the message.
            Length(min=MIN_LENGTH, message=TOO_SHORT),
            Length(max=MAX_LENGTH, message=TOO_LONG),
        ],
        description=_l(
            "At least %(num)d characters. A few unrelated words make a strong password.",
            num=MIN_LENGTH,
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirm password"),
        validators=[
            InputRequired(message=_l("Type the password again.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class RegisterForm(PortalForm):
    name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(message=_l("Enter your name.")),
            Length(max=120, message=TOO_LONG),
        ],
        render_kw={"autocomplete": "name"},
    )
    email = email_field(new_address=True)
    password, confirm = new_password_fields()
    consent = BooleanField(
        _l(
            "I have read the privacy notice and agree that my information is used to run the "
            "mentoring program."
        ),
        validators=[DataRequired(message=_l("Please read and accept the privacy notice."))],
    )
    submit = SubmitField(_l("Create account"))


def current_password_field(label=None, message=None) -> PasswordField:
    return PasswordField(
        _l("Current password") if label is None else label,
        validators=[
            InputRequired(
                message=_l("Enter your current password.") if message is None else message
            ),
            Length(max=MAX_LENGTH, message=TOO_LONG),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class LoginForm(PortalForm):
    email = email_field()
    password = current_password_field(_l("Password"), _l("Enter your password."))
    remember = BooleanField(
        _l("Keep me signed in on this device for 30 days"),
        description=_l(
            "Not for committee members: they sign in again after 30 minutes without "
            "activity, and 12 hours after signing in."
        ),
    )
    submit = SubmitField(_l("Sign in"))


def code_field(label=None) -> StringField:
    return StringField(
        _l("Code") if label is None else label,
        validators=[
            DataRequired(message=_l("Type the code.")),
            Length(
                max=20, message=_l("A code has 6 digits (a recovery code 12 letters and digits).")
            ),
        ],
        description=_l(
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        ),
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"},
    )


class SecondStepForm(PortalForm):
    code = code_field()
    submit = SubmitField(_l("Sign in"))


class TwoFactorOnForm(PortalForm):
    code = StringField(
        _l("Code from the app"),
        validators=[
            DataRequired(message=_l("Type the code the app shows.")),
            Length(max=20, message=_l("A code has 6 digits.")),
        ],
        description=_l("After adding the account to the app, type the 6 digits it shows."),
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": "false",
        },
    )
    current_password = current_password_field()
    submit = SubmitField(_l("Turn on two-step sign-in"))


class TwoFactorOffForm(PortalForm):
    code = code_field()
    current_password = current_password_field()
    submit = SubmitField(_l("Turn off two-step sign-in"))


class RecoveryCodesForm(PortalForm):
    code = code_field(_l("Code from the app"))
    submit = SubmitField(_l("Make new recovery codes"))


class ResetRequestForm(PortalForm):
    email = email_field()
    submit = SubmitField(_l("Send reset link"))


class ResetPasswordForm(PortalForm):
    password, confirm = new_password_fields(_l("New password"))
    submit = SubmitField(_l("Set new password"))


class ChangePasswordForm(PortalForm):
    current_password = current_password_field()
    password, confirm = new_password_fields(_l("New password"))
    submit = SubmitField(_l("Change password"))


class ChangeEmailForm(PortalForm):
    new_email = email_field(_l("New email"), new_address=True)
    current_password = current_password_field()
    submit = SubmitField(_l("Change email"))


class AccountLanguageForm(PortalForm):
    """The account page's choice of language, for its pages and the e-mail we send: the
    fields of the header's switch (`LanguageForm`), sent to its route, with a label."""

    next = HiddenField()
    lang = SelectField(
        _l("Your language"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        description=_l("For the pages of Mentor Match and the e-mail it sends you."),
    )


class ConfirmForm(PortalForm):
    """A button that only carries the CSRF token (sign out, confirm from a link)."""

    submit = SubmitField(_l("Confirm"))
