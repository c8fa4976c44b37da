"""Profile forms. They parse and give quick feedback; app/profiles/services.py decides."""

import re
from datetime import date, datetime

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.fields import IntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import DateInput

from app.auth.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from app.models.profiles import ROLES
from app.profiles.services import (
    CAPACITY_MAX,
    CAPACITY_MIN,
    LINE_LIMITS,
    LONG_TEXT_LIMIT,
    NOT_OFFERED,
    ROLE_LABELS,
    YEARS_MAX,
    ProfileChanges,
    clean_text,
    role_problem,
)

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,6}")


class _StopOnParseError:
    """A value that could not be read gets its one message, not more from the validators."""

    def _stop_if_unreadable(self):
        if self.process_errors:
            raise StopValidation()


class _TypedInput(_StopOnParseError):
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


class _WholeNumberInput(_TypedInput):
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


class IsoDateField(_TypedInput, StringField):
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


def _line(name: str, label: str, required: str | None = None, **kwargs) -> StringField:
    limit = LINE_LIMITS[name]
    validators = [DataRequired(message=required)] if required else [Optional()]
    validators.append(Length(max=limit, message=f"Use at most {limit:,} characters."))
    return StringField(label, validators=validators, filters=[clean_text_filter], **kwargs)


def _long_text(label: str, description: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            Optional(),
            Length(max=LONG_TEXT_LIMIT, message=f"Use at most {LONG_TEXT_LIMIT:,} characters."),
        ],
        filters=[clean_text_filter],
        description=f"{description} At most {LONG_TEXT_LIMIT:,} characters.",
        render_kw={"rows": 6},
    )


class ProfileForm(FlaskForm):
    display_name = _line(
        "display_name",
        "Name shown to other members",
        required="Enter the name other members will see.",
        render_kw={"autocomplete": "name"},
    )
    pronouns = _line(
        "pronouns", "Pronouns (optional)", description="For example: she/her, he/him, they/them."
    )
    position = _line(
        "position",
        "Current position",
        description="For example: Library Technician, Branch Manager, MLIS student.",
        render_kw={"autocomplete": "organization-title"},
    )
    employer = _line(
        "employer",
        "Employer (optional)",
        description="Your library or organisation, if you have one.",
        render_kw={"autocomplete": "organization"},
    )
    years_experience = WholeNumberField(
        "Years of library work experience",
        validators=[
            Optional(),
            NumberRange(
                min=0, max=YEARS_MAX, message=f"Enter a whole number from 0 to {YEARS_MAX}."
            ),
        ],
        invalid_message=f"Enter a whole number from 0 to {YEARS_MAX}.",
        description="Paid or volunteer work in libraries, archives or information services.",
    )
    role = ChoiceRadioField(
        "Your role in the program",
        choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES],
        validators=[Optional()],
    )
    sectors = CheckboxGroupField(
        "Library sectors", description="Where you work, or where you would like to work."
    )
    membership_number = _line(
        "membership_number",
        "Membership number",
        description="Your Ontario Library Association membership number.",
    )
    membership_expires_on = IsoDateField(
        "Membership expiry date",
        invalid_message="Enter the date as year-month-day, for example 2027-03-31.",
        description="For example 2027-03-31. Changing the number or this date asks the "
        "committee to verify your membership again.",
    )
    expertise_areas = CheckboxGroupField(
        "Areas of expertise",
        description="What you know well (mentors) or would like to learn about (mentees).",
    )
    objectives = CheckboxGroupField(
        "Program objectives",
        description="What you would like help with as a mentee, or can offer as a mentor.",
    )
    region_id = VocabularySelectField("Region of Ontario", placeholder="Choose a region")
    city = _line("city", "City or town", render_kw={"autocomplete": "address-level2"})
    contact_methods = CheckboxGroupField("Ways you can meet")
    phone = TelField(
        "Phone (optional)",
        validators=[
            Optional(),
            Length(
                max=LINE_LIMITS["phone"], message=f"Use at most {LINE_LIMITS['phone']} characters."
            ),
        ],
        filters=[clean_text_filter],
        description="Only you, your matched partner and the mentoring committee see it.",
        render_kw={"autocomplete": "tel"},
    )
    languages = CheckboxGroupField("Languages", description="Languages you can meet in.")
    bio = _long_text("About you", "Your path so far and what you enjoy in your work.")
    mentee_goals = _long_text(
        "Your goals as a mentee",
        "If you would like a mentor: what you hope to work on, e.g. a resume review or "
        "interview practice.",
    )
    mentor_capacity = WholeNumberField(
        "Mentees at once",
        validators=[
            InputRequired(message="Enter how many mentees you can guide at once."),
            NumberRange(
                min=CAPACITY_MIN,
                max=CAPACITY_MAX,
                message=f"Choose a number from {CAPACITY_MIN} to {CAPACITY_MAX}.",
            ),
        ],
        invalid_message=f"Choose a number from {CAPACITY_MIN} to {CAPACITY_MAX}.",
        description=f"If you mentor: how many mentees you can guide at the same time "
        f"({CAPACITY_MIN} to {CAPACITY_MAX}).",
        default=CAPACITY_MIN,
    )
    accepting_requests = ChoiceRadioField(
        "Accepting new requests from mentees",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No, not for now")],
        default="yes",
        validators=[InputRequired(message="Choose yes or no.")],
    )
    submit = SubmitField("Save profile")

    MULTIPLE = ("sectors", "expertise_areas", "objectives", "contact_methods", "languages")

    @classmethod
    def for_member(cls, user, options: dict[str, list]) -> "ProfileForm":
        """The form filled with the member's profile (request data wins on a POST), offering
        the active vocabulary entries in `options` (services.vocabulary_options())."""
        form = cls(data=initial_data(user))
        for name in cls.MULTIPLE:
            form[name].choices = vocabulary_choices(options[name])
        form.region_id.set_entries(options["region_id"])
        return form

    def validate_role(self, field):
        """Quick feedback; save_profile applies the same rule (services.role_problem)."""
        if not self.years_experience.errors:
            problem = role_problem(field.data, self.years_experience.data)
            if problem:
                raise ValidationError(problem)

    def changes(self) -> ProfileChanges:
        values = {name: self[name].data for name in ProfileChanges.__dataclass_fields__}
        values["accepting_requests"] = self.accepting_requests.data == "yes"
        values["role"] = self.role.data or None
        return ProfileChanges(**values)

    def add_errors(self, errors: dict[str, list[str]]) -> None:
        """Show the service's messages on their fields (a name without a field is dropped)."""
        for name, messages in errors.items():
            if name in self:
                self[name].errors = [*self[name].errors, *messages]


def initial_data(user) -> dict:
    profile = user.profile
    if profile is None:
        return {"display_name": user.name, "mentor_capacity": 1, "accepting_requests": "yes"}
    data = {
        name: getattr(profile, name)
        for name in ProfileChanges.__dataclass_fields__
        if name not in ProfileForm.MULTIPLE
    }
    for name in ProfileForm.MULTIPLE:
        data[name] = [entry.id for entry in getattr(profile, name)]
    data["accepting_requests"] = "yes" if profile.accepting_requests else "no"
    data["display_name"] = profile.display_name or user.name
    return data


class AgreementForm(FlaskForm):
    agree = BooleanField(
        "I have read these expectations and I agree to them.",
        validators=[DataRequired(message="Tick the box to confirm you agree.")],
    )
    submit = SubmitField("Confirm")


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Your password",
        validators=[
            InputRequired(message="Enter your password to confirm."),
            Length(max=PASSWORD_MAX_LENGTH),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Delete my account")
