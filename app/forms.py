"""What every area's forms share: the base form `PortalForm`, which takes control characters
out of everything typed; typed numbers and dates that keep what the member typed when it can't
be read; groups of checkboxes and selects over a vocabulary; and the filter that cleans typed
text the way the services clean it."""

import re
from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import (
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields import IntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    StopValidation,
    ValidationError,
)
from wtforms.widgets import DateInput, TextArea

from app.text import (
    CONTROL_CHARACTERS_MESSAGE,
    NOT_OFFERED,
    DayOutOfRange,
    clean_text,
    has_control_characters,
    read_day,
    without_control_characters,
)

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,6}")
_FROM_THE_REQUEST = object()
_SUBMIT_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CHOOSE_ONE = _l("Choose one")
WHOLE_NUMBER_MESSAGE = _l("Enter a whole number.")


class PortalForm(FlaskForm):
    """The base of every form of the portal: no typed text reaches a field with a control
    character in it.

    A text field (one-line or multi-line; not a password, a hidden field, a date or a number)
    sent with one (NUL, escape, ...; on one line also a line break or a tab) receives the text
    without it and gets CONTROL_CHARACTERS_MESSAGE as its error: the form does not validate, so
    nothing is saved, and it shows the text again as it would be saved. A date or a number with
    one can't be read, so it gets its field's own message; a choice with one is not offered.
    Passwords are left as typed: only their hash is kept and they are never shown. The form
    reads posted form fields and files only, never a JSON body.
    """

    class Meta:
        def wrap_formdata(self, form, formdata):
            formdata = super().wrap_formdata(form, formdata)
            form._controls_taken_out = []
            if formdata is None:
                return None
            return _without_control_characters(form, formdata)

    def __init__(self, formdata=_FROM_THE_REQUEST, **kwargs):
        if formdata is _FROM_THE_REQUEST:
            formdata = _posted_formdata()
        super().__init__(formdata=formdata, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        for field in self._controls_taken_out:
            field.errors = [*field.errors, CONTROL_CHARACTERS_MESSAGE]
        return valid and not self._controls_taken_out


def _posted_formdata():
    if not request or request.method not in _SUBMIT_METHODS:
        return None
    if request.files:
        return CombinedMultiDict((request.files, request.form))
    return request.form or None


def _is_typed_text(field) -> bool:
    return isinstance(field, StringField) and not isinstance(
        field, TypedInput | HiddenField | PasswordField
    )


def _without_control_characters(form: PortalForm, formdata):
    """`formdata` with the control characters taken out of the values of `form`'s text
    fields; those fields are noted in `form._controls_taken_out`."""
    typed = {field.name: field for field in form if _is_typed_text(field)}
    cleaned = MultiDict()
    for name, values in formdata.lists():
        field = typed.get(name)
        if field is not None:
            multiline = isinstance(field.widget, TextArea)
            dirty = [isinstance(v, str) and has_control_characters(v, multiline) for v in values]
            if any(dirty):
                form._controls_taken_out.append(field)
                values = [
                    without_control_characters(value, multiline) if is_dirty else value
                    for value, is_dirty in zip(values, dirty, strict=True)
                ]
        cleaned.setlist(name, values)
    return cleaned if form._controls_taken_out else formdata


class _StopOnParseError:
    """A value that could not be read gets its one message, not more from the validators."""

    def _stop_if_unreadable(self):
        if self.process_errors:
            raise StopValidation()


class TypedInput(_StopOnParseError):
    """One typed value read by `parse`: blank is None; a value `parse` refuses with ValueError
    leaves None and the field's one error, `invalid_message`."""

    invalid_message = _l("Enter a valid value.")

    def parse(self, raw: str):
        raise NotImplementedError

    def format(self, value) -> str:
        """`value` (what `parse` returns) as it is typed."""
        return str(value)

    def _value(self):
        """What the input shows: what was typed (without control characters, which a page
        can't show), else the value."""
        if self.raw_data:
            return without_control_characters(" ".join(self.raw_data), multiline=False)
        return self.format(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0].strip()
        self.data = None
        if raw:
            try:
                self.data = self.parse(raw)
            except DayOutOfRange as error:
                raise ValueError(str(error)) from None
            except ValueError:
                raise ValueError(self.invalid_message) from None

    def pre_validate(self, form):
        self._stop_if_unreadable()


class _WholeNumberInput(TypedInput):
    def parse(self, raw: str) -> int:
        if not _WHOLE_NUMBER.fullmatch(raw):
            raise ValueError(raw)
        return int(raw)


class CheckboxGroupField(_StopOnParseError, SelectMultipleField):
    """Several entries of a vocabulary, as checkboxes in a fieldset (macro `checkbox_group`).

    The values are ids. One that is not offered (unknown, inactive, not a number) is a field
    error, never an exception.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, **kwargs)

    def process_formdata(self, valuelist):
        if not _all_whole_numbers(valuelist):
            self.data = []
            raise ValueError(NOT_OFFERED)
        self.data = [int(value) for value in valuelist]

    def pre_validate(self, form):
        self._stop_if_unreadable()
        offered = {choice.value for choice in self.choices or ()}
        if any(value not in offered for value in self.data or ()):
            raise ValidationError(NOT_OFFERED)


def vocabulary_choices(entries) -> list[SelectChoice]:
    return [SelectChoice(entry.id, entry.name) for entry in entries]


def _all_whole_numbers(values) -> bool:
    return all(_WHOLE_NUMBER.fullmatch(str(value).strip()) for value in values)


def _optional_id(value):
    if value in (None, ""):
        return None
    return int(value)


class VocabularySelectField(_WholeNumberInput, SelectField):
    """One entry of a vocabulary (or none) from a <select>; a value not offered is an error."""

    invalid_message = NOT_OFFERED

    def __init__(self, label=None, validators=None, placeholder=CHOOSE_ONE, **kwargs):
        super().__init__(label, validators, coerce=_optional_id, **kwargs)
        self.placeholder = placeholder

    def set_entries(self, entries) -> None:
        self.choices = [SelectChoice("", self.placeholder)] + vocabulary_choices(entries)

    def pre_validate(self, form):
        self._stop_if_unreadable()
        if self.data is None:
            return
        if self.data not in {choice.value for choice in self.choices if choice.value != ""}:
            raise ValidationError(NOT_OFFERED)


class ChoiceRadioField(RadioField):
    """Radio buttons (macro `radio_group`); a value that is not one of them is a field error."""

    def pre_validate(self, form):
        if self.data is not None and self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(_l("Choose one of the options shown."))


class WholeNumberField(_WholeNumberInput, IntegerField):
    """A whole number typed in; anything else is a field error with `invalid_message`."""

    def __init__(self, label=None, validators=None, invalid_message=WHOLE_NUMBER_MESSAGE, **kw):
        super().__init__(label, validators, **kw)
        self.invalid_message = invalid_message


# One date format everywhere a date is typed: what <input type="date"> sends, year-month-day.
# The form macro `field` shows DATE_HINT under every date field.
DATE_HINT = _l("For example, 2027-03-31.")
DATE_MESSAGE = _l("Enter the date as year-month-day, for example 2027-03-31.")


class IsoDateField(TypedInput, StringField):
    """A date as YYYY-MM-DD (what <input type="date"> sends) from 1900 to 2100 (text.read_day);
    anything else is a field error: `invalid_message`, or for a day outside those years
    DAY_OUT_OF_RANGE (or what `out_of_range_message()`, if given, says: a narrower range the
    field's own rule applies)."""

    widget = DateInput()

    def __init__(
        self,
        label=None,
        validators=None,
        invalid_message=DATE_MESSAGE,
        out_of_range_message=None,
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message
        self.out_of_range_message = out_of_range_message

    def parse(self, raw: str) -> date:
        try:
            return read_day(raw)
        except DayOutOfRange:
            if self.out_of_range_message is None:
                raise
            raise DayOutOfRange(self.out_of_range_message()) from None

    def format(self, value) -> str:
        return value.isoformat() if isinstance(value, date) else ""


def clean_text_filter(value):
    """A field filter: typed text cleaned as the services clean it (`clean_text`)."""
    return clean_text(value) if isinstance(value, str) else value
