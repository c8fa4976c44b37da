from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.committee.fields import DAY_MESSAGE
from app.committee.settings.services import LIMITS, NOTICE_MAX, STATUSES
from app.committee.settings.texts import TEXTS
from app.forms import IsoDateField, PortalForm, WholeNumberField


class StatusForm(PortalForm):
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

    class LimitsForm(PortalForm):
        pass

    for limit in LIMITS:
        message = f"Enter a whole number from {limit.minimum} to {limit.maximum}."
        setattr(
            LimitsForm,
            limit.name,
            WholeNumberField(
                limit.label,
                validators=[
                    InputRequired(message=message),
                    NumberRange(min=limit.minimum, max=limit.maximum, message=message),
                ],
                invalid_message=message,
                description=f"{limit.hint} From {limit.minimum} to {limit.maximum}.",
                render_kw={"inputmode": "numeric", "min": limit.minimum, "max": limit.maximum},
            ),
        )
    return LimitsForm


class TimeZoneForm(PortalForm):
    time_zone = StringField(
        "Program time zone",
        validators=[Optional(), Length(max=64, message="Use at most 64 characters.")],
        render_kw={"autocomplete": "off", "spellcheck": "false", "list": "time-zone-names"},
    )


class ContactsForm(PortalForm):
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


class TextsForm(PortalForm):
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


class IntakeForm(PortalForm):
    intake_id = HiddenField()
    name = StringField(
        "Name",
        validators=[
            InputRequired(message="Enter a name, for example “Fall 2026”."),
            Length(max=80),
        ],
        description="For example “Fall 2026”.",
    )
    opens_on = IsoDateField(
        "Opens on",
        validators=[InputRequired(message=DAY_MESSAGE)],
        invalid_message=DAY_MESSAGE,
        description="The first day members can send requests.",
    )
    closes_on = IsoDateField(
        "Closes on",
        validators=[InputRequired(message=DAY_MESSAGE)],
        invalid_message=DAY_MESSAGE,
        description="The last day members can send requests.",
    )


class DeleteIntakeForm(PortalForm):
    """The delete button of an intake: a CSRF-checked POST (the intake is in the form)."""
