from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from app.committee.settings.texts import FRENCH, TEXTS
from app.forms import IsoDateField, PortalForm, WholeNumberField
from app.i18n import LANGUAGES

# Each version of a text is labelled with its language's name in itself (as the language
# switch names them), and marked with its language so that screen readers read it aloud in it.
VERSION_LABELS = {"": LANGUAGES["en"], FRENCH: LANGUAGES["fr"]}
VERSION_LANG = {"": {"lang": "en"}, FRENCH: {"lang": "fr"}}


class StatusForm(PortalForm):
    status = RadioField(
        _l("Program status"),
        choices=[SelectChoice(value, label) for value, label in STATUSES.items()],
        validators=[InputRequired(message=_l("Choose open, paused or closed."))],
    )
    notice = TextAreaField(
        VERSION_LABELS[""],
        validators=[Optional(), Length(max=NOTICE_MAX)],
        render_kw={"rows": 3, **VERSION_LANG[""]},
    )
    notice_fr = TextAreaField(
        VERSION_LABELS[FRENCH],
        validators=[Optional(), Length(max=NOTICE_MAX)],
        render_kw={"rows": 3, **VERSION_LANG[FRENCH]},
    )
    requests_only_during_intake = BooleanField(
        _l("Requests only during an intake"),
        description=_l(
            "While the program is open, members can send new requests only while one of the "
            "intakes is open."
        ),
    )


def limits_form_class():
    """A form with one whole-number field per limit (`settings.LIMITS`), in the language of the
    page (built for each request: its messages are formatted with the limits' ranges)."""

    class LimitsForm(PortalForm):
        pass

    for limit in LIMITS:
        message = _(
            "Enter a whole number from %(minimum)s to %(maximum)s.",
            minimum=limit.minimum,
            maximum=limit.maximum,
        )
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
                description=_(
                    "%(hint)s From %(minimum)s to %(maximum)s.",
                    hint=limit.hint,
                    minimum=limit.minimum,
                    maximum=limit.maximum,
                ),
                render_kw={"inputmode": "numeric", "min": limit.minimum, "max": limit.maximum},
            ),
        )
    return LimitsForm


class TimeZoneForm(PortalForm):
    time_zone = StringField(
        _l("Program time zone"),
        validators=[Optional(), Length(max=64, message=_l("Use at most 64 characters."))],
        render_kw={"autocomplete": "off", "spellcheck": "false", "list": "time-zone-names"},
    )


class ContactsForm(PortalForm):
    program_contact_email = StringField(
        _l("Questions about the program (e-mail)"),
        validators=[Optional(), Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "type": "email"},
    )
    support_contact_email = StringField(
        _l("Problems with the site (e-mail)"),
        validators=[Optional(), Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "type": "email"},
    )


MARKDOWN_HINT = _l(
    "Markdown: a blank line between paragraphs, - for a list, **bold**, *italic*, "
    "## for a heading, [text](https://example.org) for a link. No HTML code or scripts."
)
# Where each text is shown (the fieldset's hint; both versions share it).
TEXT_PLACES = {
    "program_description": _l("Shown on the home page."),
    "mentor_guidelines": _l("Shown to mentors where they confirm their part."),
    "mentee_guidelines": _l("Shown to mentees where they confirm their part."),
    "introduction_note": _l(
        "Added to the e-mails that introduce a new pair (mentor and mentee). Optional."
    ),
}


def _text_field(version: str) -> TextAreaField:
    return TextAreaField(VERSION_LABELS[version], render_kw={"rows": 8, **VERSION_LANG[version]})


class TextsForm(PortalForm):
    """Each of the TEXTS twice: `<name>` in English, `<name>_fr` in French."""


for _name in TEXTS:
    for _version in VERSION_LABELS:
        setattr(TextsForm, _name + _version, _text_field(_version))


class IntakeForm(PortalForm):
    intake_id = HiddenField()
    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(message=_l("Enter a name, for example “Fall 2026”.")),
            Length(max=80),
        ],
        description=_l("For example “Fall 2026”."),
    )
    opens_on = IsoDateField(
        _l("Opens on"),
        validators=[InputRequired(message=DAY_MESSAGE)],
        invalid_message=DAY_MESSAGE,
        description=_l("The first day members can send requests."),
    )
    closes_on = IsoDateField(
        _l("Closes on"),
        validators=[InputRequired(message=DAY_MESSAGE)],
        invalid_message=DAY_MESSAGE,
        description=_l("The last day members can send requests."),
    )


class DeleteIntakeForm(PortalForm):
    """The delete button of an intake: a CSRF-checked POST (the intake is in the form)."""
