"""Request forms. They parse and give quick feedback; app/requests/services.py decides."""

from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import StopValidation, ValidationError

from app.forms import CheckboxGroupField, PortalForm, clean_text_filter, vocabulary_choices
from app.requests.rules import MESSAGE_MAX, MESSAGE_MIN, NOTE_MAX
from app.text import NOT_OFFERED


class IdRadioField(RadioField):
    """One id from radio buttons (macro `radio_group`). Missing: `required`; a value that is
    not one of the ids offered (tampered, not a number): a field error, never an exception."""

    def __init__(self, label=None, validators=None, required="Choose one.", **kwargs):
        super().__init__(label, validators, coerce=int, **kwargs)
        self.required = required

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or valuelist[0].strip() == "":
            return
        raw = valuelist[0].strip()
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
            raise ValueError(NOT_OFFERED)
        self.data = int(raw)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data is None:
            raise StopValidation(self.required)
        if self.data not in {choice.value for choice in self.choices or ()}:
            raise StopValidation(NOT_OFFERED)


class RequestForm(PortalForm):
    message = TextAreaField(
        "Your message to the mentor",
        filters=[clean_text_filter],
        description=f"What you hope to work on and why you chose this mentor: "
        f"{MESSAGE_MIN} to {MESSAGE_MAX:,} characters.",
        render_kw={"rows": 8, "maxlength": MESSAGE_MAX + 200},
    )
    objectives = CheckboxGroupField(
        "What you would like help with", description="Choose at least one of the objectives."
    )
    contact_method = IdRadioField(
        "How you would like to meet",
        required="Choose how you would like to meet.",
        description="The ways this mentor offers.",
    )
    submit = SubmitField("Send request")

    @classmethod
    def for_mentor(cls, objectives, contact_methods) -> "RequestForm":
        form = cls()
        form.objectives.choices = vocabulary_choices(objectives)
        form.contact_method.choices = vocabulary_choices(contact_methods)
        return form

    def validate_message(self, field):
        length = len(field.data or "")
        if length < MESSAGE_MIN:
            raise ValidationError(
                f"Write at least {MESSAGE_MIN} characters about your goals (you wrote {length})."
            )
        if length > MESSAGE_MAX:
            raise ValidationError(f"Use at most {MESSAGE_MAX:,} characters (you wrote {length:,}).")

    def validate_objectives(self, field):
        if not field.data:
            raise ValidationError("Choose at least one objective.")


class ActionForm(PortalForm):
    """Withdraw / accept: a button and the CSRF token."""


class DeclineForm(PortalForm):
    note = TextAreaField(
        "Note to the mentee (optional)",
        filters=[clean_text_filter],
        description=f"A kind word or a suggestion helps. At most {NOTE_MAX:,} characters.",
        render_kw={"rows": 3},
    )

    def validate_note(self, field):
        if field.data and len(field.data) > NOTE_MAX:
            raise ValidationError(
                f"Use at most {NOTE_MAX:,} characters (you wrote {len(field.data):,})."
            )
