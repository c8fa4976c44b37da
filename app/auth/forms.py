from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    ValidationError,
)

from app.auth.passwords import MAX_LENGTH, MIN_LENGTH
from app.forms import PortalForm

UNMAILABLE_ADDRESS = (
    "We can't send e-mail to an address with accented letters, emoji or other special "
    "characters. Use another address (for a domain name with accents, its xn-- form works)."
)


def mailable_address(form, field) -> None:
    """An address we can send to: our mail goes out without SMTPUTF8, whose servers refuse
    (and whose library can't even write) a non-ASCII address, so an account created with one
    could never be confirmed."""
    if field.data and not field.data.isascii():
        raise ValidationError(UNMAILABLE_ADDRESS)


def email_field(label: str = "Email", new_address: bool = False) -> EmailField:
    """An e-mail address; `new_address` for one we are about to write to (registering,
    changing it), which must be one we can send to. Signing in and asking for a reset take
    any address an account may already have."""
    return EmailField(
        label,
        validators=[
            DataRequired(message="Enter your e-mail address."),
            Length(max=254, message="An e-mail address has at most 254 characters."),
            Email(
                message="Enter an e-mail address like name@example.org.", check_deliverability=False
            ),
            *([mailable_address] if new_address else []),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def new_password_fields(label: str = "Password"):
    password = PasswordField(
        label,
        validators=[
            InputRequired(message="Choose a password."),
            Length(min=MIN_LENGTH, message=f"Use at least {MIN_LENGTH} characters."),
            Length(max=MAX_LENGTH, message=f"Use at most {MAX_LENGTH} characters."),
        ],
        description=f"At least {MIN_LENGTH} characters. A few unrelated words make a strong "
        "password.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[
            InputRequired(message="Type the password again."),
            EqualTo("password", message="The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class RegisterForm(PortalForm):
    name = StringField(
        "Full name",
        validators=[
            DataRequired(message="Enter your name."),
            Length(max=120, message="Use at most 120 characters."),
        ],
        render_kw={"autocomplete": "name"},
    )
    email = email_field(new_address=True)
    password, confirm = new_password_fields()
    consent = BooleanField(
        "I have read the privacy notice and agree that my information is used to run the "
        "mentoring program.",
        validators=[DataRequired(message="Please read and accept the privacy notice.")],
    )
    submit = SubmitField("Create account")


class LoginForm(PortalForm):
    email = email_field()
    password = PasswordField(
        "Password",
        validators=[
            InputRequired(message="Enter your password."),
            Length(max=MAX_LENGTH, message=f"Use at most {MAX_LENGTH} characters."),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(
        "Keep me signed in on this device for 30 days",
        description="Not for committee members: they sign in again after 30 minutes without "
        "activity, and 12 hours after signing in.",
    )
    submit = SubmitField("Sign in")


def code_field(label: str = "Code") -> StringField:
    return StringField(
        label,
        validators=[
            DataRequired(message="Type the code."),
            Length(max=20, message="A code has 6 digits (a recovery code 12 letters and digits)."),
        ],
        description="The 6 digits your authenticator app shows now, or one of your recovery codes.",
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"},
    )


def current_password_field() -> PasswordField:
    return PasswordField(
        "Current password",
        validators=[InputRequired(message="Enter your current password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class SecondStepForm(PortalForm):
    code = code_field()
    submit = SubmitField("Sign in")


class TwoFactorOnForm(PortalForm):
    code = StringField(
        "Code from the app",
        validators=[
            DataRequired(message="Type the code the app shows."),
            Length(max=20, message="A code has 6 digits."),
        ],
        description="After adding the account to the app, type the 6 digits it shows.",
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": "false",
        },
    )
    current_password = current_password_field()
    submit = SubmitField("Turn on two-step sign-in")


class TwoFactorOffForm(PortalForm):
    code = code_field()
    current_password = current_password_field()
    submit = SubmitField("Turn off two-step sign-in")


class RecoveryCodesForm(PortalForm):
    code = code_field("Code from the app")
    submit = SubmitField("Make new recovery codes")


class ResetRequestForm(PortalForm):
    email = email_field()
    submit = SubmitField("Send reset link")


class ResetPasswordForm(PortalForm):
    password, confirm = new_password_fields("New password")
    submit = SubmitField("Set new password")


class ChangePasswordForm(PortalForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired(message="Enter your current password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields("New password")
    submit = SubmitField("Change password")


class ChangeEmailForm(PortalForm):
    new_email = email_field("New email", new_address=True)
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired(message="Enter your current password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Change email")


class ConfirmForm(PortalForm):
    """A button that only carries the CSRF token (sign out, confirm from a link)."""

    submit = SubmitField("Confirm")
