"""Form fields shared by every area's forms: typed numbers and dates that keep what the member
typed when it can't be read, groups of checkboxes and selects over a vocabulary, and the filter
that cleans typed text the way the services clean it."""

import re
from datetime import date, datetime

from wtforms import (
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
from wtforms.widgets import DateInput

from app.text import NOT_OFFERED, clean_text

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,6}")


class _StopOnParseError:
    """A value that could not be read gets its one message, not more from the validators."""

    def _stop_if_unreadable(self):
        if self.process_errors:
            raise StopValidation()


class TypedInput(_StopOnParseError):
    """One typed value read by `parse`: blank is None; a value `parse` refuses with ValueError
    leaves None and the field's one error, `invalid_message`."""

    invalid_message = "Enter a valid value."

    def parse(self, raw: str):
        raise NotImplementedError

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0].strip()
        self.data = None
        if raw:
            try:
                self.data = self.parse(raw)
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

    def __init__(self, label=None, validators=None, placeholder="Choose one", **kwargs):
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
            raise ValidationError("Choose one of the options shown.")


class WholeNumberField(_WholeNumberInput, IntegerField):
    """A whole number typed in; anything else is a field error with `invalid_message`."""

    def __init__(self, label=None, validators=None, invalid_message="Enter a whole number.", **kw):
        super().__init__(label, validators, **kw)
        self.invalid_message = invalid_message


class IsoDateField(TypedInput, StringField):
    """A date as YYYY-MM-DD (what <input type="date"> sends); anything else is a field error."""

    widget = DateInput()

    def __init__(self, label=None, validators=None, invalid_message="Enter a date.", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.isoformat() if isinstance(self.data, date) else ""

    def parse(self, raw: str) -> date:
        return datetime.strptime(raw, "%Y-%m-%d").date()


def clean_text_filter(value):
    """A field filter: typed text cleaned as the services clean it (`clean_text`)."""
    return clean_text(value) if isinstance(value, str) else value
