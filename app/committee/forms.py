from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.committee.fields import DAY_MESSAGE
from app.committee.members_admin import ROLE_FILTERS
from app.committee.roster import DATE_EXAMPLE, DATE_FORMAT, MAX_BYTES
from app.committee.services import MEMBERSHIP_FILTERS
from app.committee.settings import LIMITS, NOTICE_MAX, STATUSES, TEXTS

DATE_MESSAGE = f"Enter the expiry date as {DATE_FORMAT}, for example {DATE_EXAMPLE}."


class MemberSearchForm(FlaskForm):
    """The filters of the member list (GET: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    q = SearchField(
        "Search",
        validators=[Optional()],
        description="Name, e-mail address or membership number.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    membership = SelectField(
        "Membership",
        choices=[
            SelectChoice("", "All members"),
            *(SelectChoice(value, label) for value, label in MEMBERSHIP_FILTERS.items()),
        ],
        validators=[Optional()],
        validate_choice=False,  # an unknown value means "all"; see services.list_members
    )
    role = SelectField(
        "Role or account",
        choices=[
            SelectChoice("", "Everyone"),
            *(SelectChoice(value, label) for value, label in ROLE_FILTERS.items()),
        ],
        validators=[Optional()],
        validate_choice=False,  # an unknown value means "everyone"
    )


class VerifyMembershipForm(FlaskForm):
    expires_on = DateField(
        "Membership expiry date",
        format="%Y-%m-%d",
        validators=[InputRequired(message=DATE_MESSAGE)],
        invalid_value_message=DATE_MESSAGE,
        description=(
            f"As on the association's roster ({DATE_FORMAT}). Correct it here if the member's "
            "date is wrong."
        ),
    )
    submit = SubmitField("Verify membership")


class RevokeMembershipForm(FlaskForm):
    submit = SubmitField("Revoke verification")


class RosterUploadForm(FlaskForm):
    file = FileField(
        "Roster file (CSV)",
        validators=[FileRequired(message="Choose the roster file (a .csv file) to upload.")],
        description=(
            "A CSV file with a first row naming the columns: membership number, e-mail and "
            f"expiry date ({DATE_FORMAT}). Other columns are ignored. At most "
            f"{MAX_BYTES // (1024 * 1024)} MB."
        ),
        render_kw={"accept": ".csv,text/csv"},
    )
    submit = SubmitField("Upload and preview")


class RosterApplyForm(FlaskForm):
    fingerprint = HiddenField()
    submit = SubmitField("Apply")


# --- member accounts (see members_admin) ------------------------------------------------------


class AccountActionForm(FlaskForm):
    """Deactivate / reactivate an account, grant / remove the committee role: a CSRF-checked
    button (what it does is in the URL)."""


# --- program settings (see app.committee.settings) --------------------------------------------


class StatusForm(FlaskForm):
    status = RadioField(
        "Program status",
        choices=[SelectChoice(value, label) for value, label in STATUSES.items()],
        validators=[InputRequired(message="Choose open, paused or closed.")],
    )
    notice = TextAreaField(
        "Notice shown on every page while the program is not open",
        validators=[Optional(), Length(max=NOTICE_MAX)],
        description=(
            "Plain text, at most 500 characters. Left empty, members read a standard sentence: "
            "new requests are not being taken, active pairs carry on."
        ),
        render_kw={"rows": 3},
    )
    requests_only_during_intake = BooleanField(
        "Requests only during an intake",
        description=(
            "While the program is open, members can send new requests only while one of the "
            "intakes is open."
        ),
    )


def limits_form_class():
    """A form with one whole-number field per limit (`settings.LIMITS`)."""

    class LimitsForm(FlaskForm):
        pass

    for limit in LIMITS:
        message = f"Enter a whole number from {limit.minimum} to {limit.maximum}."
        setattr(
            LimitsForm,
            limit.name,
            IntegerField(
                limit.label,
                validators=[
                    InputRequired(message=message),
                    NumberRange(min=limit.minimum, max=limit.maximum, message=message),
                ],
                description=f"{limit.hint} From {limit.minimum} to {limit.maximum}.",
                render_kw={"inputmode": "numeric", "min": limit.minimum, "max": limit.maximum},
            ),
        )
    return LimitsForm


class ContactsForm(FlaskForm):
    program_contact_email = StringField(
        "Questions about the program (e-mail)",
        validators=[Optional(), Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "type": "email"},
    )
    support_contact_email = StringField(
        "Problems with the site (e-mail)",
        validators=[Optional(), Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "type": "email"},
    )


MARKDOWN_HINT = (
    "Markdown: a blank line between paragraphs, - for a list, **bold**, *italic*, "
    "## for a heading, [text](https://example.org) for a link. No HTML code or scripts."
)


class TextsForm(FlaskForm):
    program_description = TextAreaField(
        TEXTS["program_description"],
        description="Shown on the home page. " + MARKDOWN_HINT,
        render_kw={"rows": 8},
    )
    mentor_guidelines = TextAreaField(
        TEXTS["mentor_guidelines"],
        description="Shown to mentors where they confirm their part. " + MARKDOWN_HINT,
        render_kw={"rows": 8},
    )
    mentee_guidelines = TextAreaField(
        TEXTS["mentee_guidelines"],
        description="Shown to mentees where they confirm their part. " + MARKDOWN_HINT,
        render_kw={"rows": 8},
    )


class IntakeForm(FlaskForm):
    intake_id = HiddenField()
    name = StringField(
        "Name",
        validators=[
            InputRequired(message="Enter a name, for example “Fall 2026”."),
            Length(max=80),
        ],
        description="For example “Fall 2026”.",
    )
    opens_on = DateField(
        "Opens on",
        format="%Y-%m-%d",
        validators=[InputRequired(message=DAY_MESSAGE)],
        invalid_value_message=DAY_MESSAGE,
        description="The first day members can send requests (YYYY-MM-DD).",
    )
    closes_on = DateField(
        "Closes on",
        format="%Y-%m-%d",
        validators=[InputRequired(message=DAY_MESSAGE)],
        invalid_value_message=DAY_MESSAGE,
        description="The last day members can send requests (YYYY-MM-DD).",
    )


class ExportForm(FlaskForm):
    """A download button (POST: each export is recorded in the audit trail)."""
