"""Mentorship forms. They parse and give quick feedback; app/mentorships/services.py decides."""

from datetime import datetime, time

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import TimeInput

from app.forms import (
    CheckboxGroupField,
    ChoiceRadioField,
    IsoDateField,
    PortalForm,
    TypedInput,
    VocabularySelectField,
    WholeNumberField,
    vocabulary_choices,
)
from app.mentorships.agreement import AgreementChanges
from app.mentorships.check_ins import CheckInChanges
from app.mentorships.meetings import MeetingChanges
from app.mentorships.services import at_most_characters
from app.models import CheckIn, Goal, MentorshipAgreement


def _limit(limit: int) -> Length:
    # Lazy: the limit is written as the page's language writes numbers ("1,000", "1 000").
    return Length(max=limit, message=LazyString(at_most_characters, limit))


def _goals_text_description() -> str:
    return _(
        "For example: review my resume, practise interviews. At most %(limit)s characters.",
        limit=format_decimal(MentorshipAgreement.GOALS_TEXT_LIMIT),
    )


def _shared_note_description() -> str:
    return _(
        "Your partner can read this. At most %(limit)s characters.",
        limit=format_decimal(CheckIn.NOTE_LIMIT),
    )


def _private_note_description() -> str:
    return _(
        "Nobody else can ever read this: not your partner, not the committee. "
        "At most %(limit)s characters.",
        limit=format_decimal(CheckIn.NOTE_LIMIT),
    )


class TimeOfDayField(TypedInput, StringField):
    """A time as HH:MM (what <input type="time"> sends); empty is no time."""

    widget = TimeInput()
    invalid_message = _l("Enter a time, e.g. 14:30.")

    def format(self, value) -> str:
        return value.strftime("%H:%M")

    def parse(self, raw: str) -> time:
        try:
            return datetime.strptime(raw, "%H:%M").time()
        except ValueError:
            return datetime.strptime(raw, "%H:%M:%S").time()


class ScoreField(ChoiceRadioField):
    """How it is going, 1 to 5; anything else is a field error."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(
            label,
            validators,
            choices=[SelectChoice(k, v) for k, v in CheckIn.SCORES.items()],
            coerce=_score,
            **kwargs,
        )

    def pre_validate(self, form):
        if self.data not in CheckIn.SCORES:
            raise ValidationError(_("Choose how it is going, from 1 to 5."))


def _score(value):
    text = str(value).strip()
    return int(text) if text in {"1", "2", "3", "4", "5"} else None


class AgreementForm(PortalForm):
    meeting_frequency = ChoiceRadioField(
        _l("How often you meet"),
        choices=[SelectChoice(k, v) for k, v in MentorshipAgreement.FREQUENCIES.items()],
        validators=[Optional()],
    )
    contact_methods = CheckboxGroupField(_l("How you meet"))
    objectives = CheckboxGroupField(
        _l("Goals from the program's objectives"),
        description=_l("Choose the objectives your mentorship works on."),
    )
    goals_text = TextAreaField(
        _l("Your goals in your own words"),
        description=LazyString(_goals_text_description),
        validators=[Optional(), _limit(MentorshipAgreement.GOALS_TEXT_LIMIT)],
    )
    confidentiality_acknowledged = BooleanField(
        _l("We keep what we discuss in this mentorship confidential")
    )

    @classmethod
    def for_choices(cls, objectives, contact_methods, **kwargs):
        form = cls(prefix="agreement", **kwargs)
        form.contact_methods.choices = vocabulary_choices(contact_methods)
        form.objectives.choices = vocabulary_choices(objectives)
        return form

    def fill(self, changes: AgreementChanges) -> None:
        self.meeting_frequency.data = changes.meeting_frequency
        self.contact_methods.data = changes.contact_method_ids
        self.objectives.data = changes.objective_ids
        self.goals_text.data = changes.goals_text
        self.confidentiality_acknowledged.data = changes.confidentiality_acknowledged

    def changes(self) -> AgreementChanges:
        return AgreementChanges(
            meeting_frequency=self.meeting_frequency.data or None,
            contact_method_ids=list(self.contact_methods.data or []),
            objective_ids=list(self.objectives.data or []),
            goals_text=self.goals_text.data,
            confidentiality_acknowledged=bool(self.confidentiality_acknowledged.data),
        )


class CheckInForm(PortalForm):
    met_on = IsoDateField(
        _l("Date you met"),
        validators=[InputRequired(message=_l("Enter the date you met."))],
    )
    method = VocabularySelectField(
        _l("How you met"), validators=[InputRequired(message=_l("Choose how you met."))]
    )
    minutes = WholeNumberField(
        _l("Minutes"),
        description=_l("How long you met, from 1 to %(most)s minutes.", most=CheckIn.MINUTES_MAX),
        validators=[InputRequired(message=_l("Enter how many minutes you met for."))],
    )
    objectives = CheckboxGroupField(_l("Objectives you worked on"))
    shared_note = TextAreaField(
        _l("Note shared with your partner"),
        description=LazyString(_shared_note_description),
        validators=[Optional(), _limit(CheckIn.NOTE_LIMIT)],
    )
    private_note = TextAreaField(
        _l("Private note, only for you"),
        description=LazyString(_private_note_description),
        validators=[Optional(), _limit(CheckIn.NOTE_LIMIT)],
    )
    how_it_is_going = ScoreField(_l("How is it going?"))

    @classmethod
    def for_choices(cls, objectives, contact_methods, **kwargs):
        form = cls(prefix="check_in", **kwargs)
        form.method.set_entries(contact_methods)
        form.objectives.choices = vocabulary_choices(objectives)
        return form

    def fill(self, check_in: CheckIn) -> None:
        self.met_on.data = check_in.met_on
        self.method.data = check_in.method_id
        self.minutes.data = check_in.minutes
        self.objectives.data = [o.id for o in check_in.objectives]
        self.shared_note.data = check_in.shared_note
        self.private_note.data = check_in.private_note
        self.how_it_is_going.data = check_in.how_it_is_going

    def changes(self) -> CheckInChanges:
        return CheckInChanges(
            met_on=self.met_on.data,
            method_id=self.method.data,
            minutes=self.minutes.data,
            objective_ids=list(self.objectives.data or []),
            shared_note=self.shared_note.data,
            private_note=self.private_note.data,
            how_it_is_going=self.how_it_is_going.data,
        )


class GoalForm(PortalForm):
    text = StringField(
        _l("New goal"),
        validators=[InputRequired(message=_l("Enter the goal.")), _limit(Goal.TEXT_LIMIT)],
    )
    objective = VocabularySelectField(
        _l("Objective it serves"), placeholder=_l("None in particular")
    )

    @classmethod
    def for_choices(cls, objectives, **kwargs):
        form = cls(prefix="goal", **kwargs)
        form.objective.set_entries(objectives)
        return form


class GoalDoneForm(PortalForm):
    done = HiddenField()

    @property
    def wants_done(self) -> bool:
        return self.done.data == "1"


class NextMeetingForm(PortalForm):
    """The next meeting; the service checks what is required (every field empty clears it)."""

    next_meeting_on = IsoDateField(_l("Date"), validators=[Optional()])
    next_meeting_time = TimeOfDayField(_l("Time"), validators=[Optional()])
    next_meeting_method = VocabularySelectField(_l("How you will meet"), validators=[Optional()])
    next_meeting_place = StringField(
        _l("Place (optional)"),
        description=_l("For a meeting in person: the address or the room."),
        validators=[Optional(), _limit(MentorshipAgreement.PLACE_LIMIT)],
    )
    next_meeting_link = StringField(
        _l("Video link (optional)"),
        description=_l("The address of the video call, starting with https://."),
        validators=[Optional(), _limit(MentorshipAgreement.LINK_LIMIT)],
    )

    @classmethod
    def for_choices(cls, contact_methods, time_zone: str, **kwargs):
        form = cls(**kwargs)
        form.next_meeting_method.set_entries(contact_methods)
        form.next_meeting_time.description = _(
            "Time in %(zone)s.", zone=time_zone.replace("_", " ")
        )
        return form

    def fill(self, agreement) -> None:
        if agreement is None:
            return
        self.next_meeting_on.data = agreement.next_meeting_on
        self.next_meeting_time.data = agreement.next_meeting_time
        self.next_meeting_method.data = agreement.next_meeting_method_id
        self.next_meeting_place.data = agreement.next_meeting_place
        self.next_meeting_link.data = agreement.next_meeting_link

    def changes(self) -> MeetingChanges:
        return MeetingChanges(
            on=self.next_meeting_on.data,
            at=self.next_meeting_time.data,
            method_id=self.next_meeting_method.data,
            place=self.next_meeting_place.data,
            link=self.next_meeting_link.data,
        )


class PreferenceForm(PortalForm):
    check_in_emails = BooleanField(
        _l("E-mail me when my partner logs a check-in (at most once a day)")
    )


class ActionForm(PortalForm):
    """A button that changes something: only the CSRF token."""
