"""Profile forms. They parse and give quick feedback; app/profiles/services.py decides.

Labels, descriptions and messages are lazy strings: translated when a page shows them."""

from flask_babel import LazyString, format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    PasswordField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.auth.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from app.availability import AWAY_NOTE_MAX, RETURN_DAY_EXAMPLE, note_problem
from app.forms import (
    CheckboxGroupField,
    ChoiceRadioField,
    IsoDateField,
    PortalForm,
    VocabularySelectField,
    WholeNumberField,
    clean_text_filter,
    vocabulary_choices,
)
from app.models.profiles import ROLES
from app.phrases import translated
from app.profiles.roles import ROLE_LABELS, YEARS_MAX, role_problem
from app.profiles.services import (
    CAPACITY_MAX,
    CAPACITY_MIN,
    LINE_LIMITS,
    LONG_TEXT_LIMIT,
    ProfileChanges,
    expiry_range_message,
)


def _number(n: int) -> LazyString:
    """`n` as the page's language writes it (2,000 or 2 000), when the page shows it."""
    return LazyString(format_decimal, n)


def at_most(limit: int) -> LazyString:
    return _l("Use at most %(limit)s characters.", limit=_number(limit))


def _line(name: str, label, required=None, **kwargs) -> StringField:
    limit = LINE_LIMITS[name]
    validators = [DataRequired(message=required)] if required else [Optional()]
    validators.append(Length(max=limit, message=at_most(limit)))
    return StringField(label, validators=validators, filters=[clean_text_filter], **kwargs)


def _long_text(label, description) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=LONG_TEXT_LIMIT, message=at_most(LONG_TEXT_LIMIT))],
        filters=[clean_text_filter],
        description=_l(
            "%(description)s At most %(limit)s characters.",
            description=description,
            limit=_number(LONG_TEXT_LIMIT),
        ),
        render_kw={"rows": 6},
    )


YEARS_MESSAGE = _l("Enter a whole number from 0 to %(most)s.", most=YEARS_MAX)
CAPACITY_MESSAGE = _l(
    "Choose a number from %(least)s to %(most)s.", least=CAPACITY_MIN, most=CAPACITY_MAX
)


class ProfileForm(PortalForm):
    display_name = _line(
        "display_name",
        _l("Name shown to other members"),
        required=_l("Enter the name other members will see."),
        render_kw={"autocomplete": "name"},
    )
    pronouns = _line(
        "pronouns",
        _l("Pronouns (optional)"),
        description=_l("For example: she/her, he/him, they/them."),
    )
    position = _line(
        "position",
        _l("Current position"),
        description=_l("For example: Library Technician, Branch Manager, MLIS student."),
        render_kw={"autocomplete": "organization-title"},
    )
    employer = _line(
        "employer",
        _l("Employer (optional)"),
        description=_l("Your library or organisation, if you have one."),
        render_kw={"autocomplete": "organization"},
    )
    years_experience = WholeNumberField(
        _l("Years of library work experience"),
        validators=[Optional(), NumberRange(min=0, max=YEARS_MAX, message=YEARS_MESSAGE)],
        invalid_message=YEARS_MESSAGE,
        description=_l("Paid or volunteer work in libraries, archives or information services."),
    )
    role = ChoiceRadioField(
        _l("Your role in the program"),
        choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES],
        validators=[Optional()],
    )
    sectors = CheckboxGroupField(
        _l("Library sectors"), description=_l("Where you work, or where you would like to work.")
    )
    membership_number = _line(
        "membership_number",
        _l("Membership number"),
        description=_l("Your Ontario Library Association membership number."),
    )
    membership_expires_on = IsoDateField(
        _l("Membership expiry date"),
        out_of_range_message=expiry_range_message,
        description=_l(
            "Changing the number or this date asks the committee to verify your membership again."
        ),
    )
    expertise_areas = CheckboxGroupField(
        _l("Areas of expertise"),
        description=_l("What you know well (mentors) or would like to learn about (mentees)."),
    )
    objectives = CheckboxGroupField(
        _l("Program objectives"),
        description=_l("What you would like help with as a mentee, or can offer as a mentor."),
    )
    region_id = VocabularySelectField(_l("Region of Ontario"), placeholder=_l("Choose a region"))
    city = _line("city", _l("City or town"), render_kw={"autocomplete": "address-level2"})
    contact_methods = CheckboxGroupField(_l("Ways you can meet"))
    phone = TelField(
        _l("Phone (optional)"),
        validators=[
            Optional(),
            Length(max=LINE_LIMITS["phone"], message=at_most(LINE_LIMITS["phone"])),
        ],
        filters=[clean_text_filter],
        description=_l("Only you, your matched partner and the mentoring committee see it."),
        render_kw={"autocomplete": "tel"},
    )
    languages = CheckboxGroupField(_l("Languages"), description=_l("Languages you can meet in."))
    bio = _long_text(_l("About you"), _l("Your path so far and what you enjoy in your work."))
    mentee_goals = _long_text(
        _l("Your goals as a mentee"),
        _l(
            "If you would like a mentor: what you hope to work on, e.g. a resume review or "
            "interview practice."
        ),
    )
    mentor_capacity = WholeNumberField(
        _l("Mentees at once"),
        validators=[
            InputRequired(message=_l("Enter how many mentees you can guide at once.")),
            NumberRange(min=CAPACITY_MIN, max=CAPACITY_MAX, message=CAPACITY_MESSAGE),
        ],
        invalid_message=CAPACITY_MESSAGE,
        description=_l(
            "If you mentor: how many mentees you can guide at the same time (%(least)s to "
            "%(most)s).",
            least=CAPACITY_MIN,
            most=CAPACITY_MAX,
        ),
        default=CAPACITY_MIN,
    )
    accepting_requests = ChoiceRadioField(
        _l("Accepting new requests from mentees"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No, not for now"))],
        default="yes",
        validators=[InputRequired(message=_l("Choose yes or no."))],
    )
    submit = SubmitField(_l("Save profile"))

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


class AgreementForm(PortalForm):
    agree = BooleanField(
        _l("I have read these expectations and I agree to them."),
        validators=[DataRequired(message=_l("Tick the box to confirm you agree."))],
    )
    submit = SubmitField(_l("Confirm"))


class DeleteAccountForm(PortalForm):
    password = PasswordField(
        _l("Your password"),
        validators=[
            InputRequired(message=_l("Enter your password to confirm.")),
            Length(max=PASSWORD_MAX_LENGTH),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Delete my account"))


KEEP, DECLINE_THEM = "keep", "decline"


def away_until_field(label=None) -> IsoDateField:
    """The return day of a pause (this page and the decision page of a request e-mail)."""
    return IsoDateField(
        label or _l("Away until"),
        invalid_message=_l(
            "Enter the day you will be back as year-month-day. %(example)s",
            example=LazyString(translated, RETURN_DAY_EXAMPLE),
        ),
        # The form macro adds the date format's example to every date field's hint.
        description=_l("The day you are back: you are listed again that morning."),
    )


class AvailabilityForm(PortalForm):
    """Pause: the return day, a note for mentees, what happens to the waiting requests."""

    away_until = away_until_field()
    away_note = TextAreaField(
        _l("Note for mentees (optional)"),
        filters=[clean_text_filter],
        description=_l(
            "Shown to your mentees and to mentees whose requests wait for you, for example: "
            "On leave, back in the spring. At most %(limit)s characters.",
            limit=_number(AWAY_NOTE_MAX),
        ),
        render_kw={"rows": 3},
    )
    pending = ChoiceRadioField(
        _l("Requests waiting for your answer"),
        choices=[
            SelectChoice(
                DECLINE_THEM, _l("Decline them kindly now, so the mentees can ask others")
            ),
            SelectChoice(KEEP, _l("Keep them open until I'm back")),
        ],
        default=DECLINE_THEM,
        validators=[InputRequired(message=_l("Choose what happens to your waiting requests."))],
    )
    submit = SubmitField(_l("Pause until that day"))

    def validate_away_note(self, field):
        problem = note_problem(field.data)
        if problem:
            raise ValidationError(problem)


class BackForm(PortalForm):
    back = SubmitField(_l("I'm back now"))
