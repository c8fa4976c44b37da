"""Profile forms. They parse and give quick feedback; app/profiles/services.py decides."""

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
from app.profiles.roles import ROLE_LABELS, YEARS_MAX, role_problem
from app.profiles.services import (
    CAPACITY_MAX,
    CAPACITY_MIN,
    LINE_LIMITS,
    LONG_TEXT_LIMIT,
    ProfileChanges,
    expiry_range_message,
)


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


class ProfileForm(PortalForm):
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
        out_of_range_message=expiry_range_message,
        description="Changing the number or this date asks the committee to verify your "
        "membership again.",
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
        "I have read these expectations and I agree to them.",
        validators=[DataRequired(message="Tick the box to confirm you agree.")],
    )
    submit = SubmitField("Confirm")


class DeleteAccountForm(PortalForm):
    password = PasswordField(
        "Your password",
        validators=[
            InputRequired(message="Enter your password to confirm."),
            Length(max=PASSWORD_MAX_LENGTH),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Delete my account")


KEEP, DECLINE_THEM = "keep", "decline"


def away_until_field(label: str = "Away until") -> IsoDateField:
    """The return day of a pause (this page and the decision page of a request e-mail)."""
    return IsoDateField(
        label,
        invalid_message=f"Enter the day you will be back as year-month-day. {RETURN_DAY_EXAMPLE}",
        # The form macro adds the date format's example to every date field's hint.
        description="The day you are back: you are listed again that morning.",
    )


class AvailabilityForm(PortalForm):
    """Pause: the return day, a note for mentees, what happens to the waiting requests."""

    away_until = away_until_field()
    away_note = TextAreaField(
        "Note for mentees (optional)",
        filters=[clean_text_filter],
        description="Shown to your mentees and to mentees whose requests wait for you, for "
        f"example: On leave, back in the spring. At most {AWAY_NOTE_MAX:,} characters.",
        render_kw={"rows": 3},
    )
    pending = ChoiceRadioField(
        "Requests waiting for your answer",
        choices=[
            SelectChoice(DECLINE_THEM, "Decline them kindly now, so the mentees can ask others"),
            SelectChoice(KEEP, "Keep them open until I'm back"),
        ],
        default=DECLINE_THEM,
        validators=[InputRequired(message="Choose what happens to your waiting requests.")],
    )
    submit = SubmitField("Pause until that day")

    def validate_away_note(self, field):
        problem = note_problem(field.data)
        if problem:
            raise ValidationError(problem)


class BackForm(PortalForm):
    back = SubmitField("I'm back now")
