"""Request forms. They parse and give quick feedback; app/requests/services.py decides."""

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import StopValidation, ValidationError

from app.forms import CheckboxGroupField, PortalForm, clean_text_filter, vocabulary_choices
from app.requests.rules import MESSAGE_MAX, MESSAGE_MIN, NOTE_MAX, too_long_message
from app.text import NOT_OFFERED

CHOOSE_ONE = _l("Choose one.")


class IdRadioField(RadioField):
    """One id from radio buttons (macro `radio_group`). Missing: `required`; a value that is
    not one of the ids offered (tampered, not a number): a field error, never an exception."""

    def __init__(self, label=None, validators=None, required=CHOOSE_ONE, **kwargs):
        super().__init__(label, validators, coerce=int, **kwargs)
        self.required = required

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or valuelist[0].strip() == "":
            return
        raw = valuelist[0].strip()
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
            raise ValueError(str(NOT_OFFERED))
        self.data = int(raw)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data is None:
            raise StopValidation(str(self.required))
        if self.data not in {choice.value for choice in self.choices or ()}:
            raise StopValidation(str(NOT_OFFERED))


class RequestForm(PortalForm):
    message = TextAreaField(
        _l("Your message to the mentor"),
        filters=[clean_text_filter],
        render_kw={"rows": 8, "maxlength": MESSAGE_MAX + 200},
    )
    objectives = CheckboxGroupField(
        _l("What you would like help with"),
        description=_l("Choose at least one of the objectives."),
    )
    contact_method = IdRadioField(
        _l("How you would like to meet"),
        required=_l("Choose how you would like to meet."),
        description=_l("The ways this mentor offers."),
    )
    submit = SubmitField(_l("Send request"))

    @classmethod
    def for_mentor(cls, objectives, contact_methods) -> "RequestForm":
        form = cls()
        form.objectives.choices = vocabulary_choices(objectives)
        form.contact_method.choices = vocabulary_choices(contact_methods)
        # The lengths are written as numbers are in the page's language ("2,000", "2 000").
        form.message.description = _(
            "What you hope to work on and why you chose this mentor: %(min)s to %(max)s "
            "characters.",
            min=MESSAGE_MIN,
            max=format_decimal(MESSAGE_MAX),
        )
        return form

    def validate_message(self, field):
        length = len(field.data or "")
        if length < MESSAGE_MIN:
            raise ValidationError(
                _(
                    "Write at least %(min)s characters about your goals (you wrote %(length)s).",
                    min=MESSAGE_MIN,
                    length=length,
                )
            )
        if length > MESSAGE_MAX:
            raise ValidationError(too_long_message(MESSAGE_MAX, length))

    def validate_objectives(self, field):
        if not field.data:
            raise ValidationError(_("Choose at least one objective."))


class ActionForm(PortalForm):
    """Withdraw / accept: a button and the CSRF token."""


class DeclineForm(PortalForm):
    note = TextAreaField(
        _l("Note to the mentee (optional)"),
        filters=[clean_text_filter],
        render_kw={"rows": 3},
    )

    def validate_note(self, field):
        if field.data and len(field.data) > NOTE_MAX:
            raise ValidationError(too_long_message(NOTE_MAX, len(field.data)))
