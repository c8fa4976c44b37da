"""The decision form of /respond/<token>: the CSRF token, the answer (Accept or Decline, chosen
already when the e-mail's button opened the page), an optional note, and "I'm not taking new
mentees for now" (full, or away until a day) with what happens to the other requests."""

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from app import clock
from app.availability import return_day_problem
from app.forms import ChoiceRadioField, PortalForm, clean_text_filter
from app.profiles.forms import away_until_field
from app.requests.rules import NOTE_MAX, too_long_message

ACCEPT, DECLINE = "accept", "decline"
TAKING, FULL, AWAY = "taking", "full", "away"


class RespondForm(PortalForm):
    choice = ChoiceRadioField(
        _l("Accept or decline this request"),
        choices=[
            SelectChoice(ACCEPT, _l("Accept: start the mentorship today")),
            SelectChoice(DECLINE, _l("Decline")),
        ],
    )
    note = TextAreaField(
        _l("Note to the mentee (optional)"),
        filters=[clean_text_filter],
        render_kw={"rows": 4},
    )
    pause = ChoiceRadioField(
        _l("New requests"),
        choices=[
            SelectChoice(TAKING, _l("I'm still taking new mentees")),
            SelectChoice(
                FULL, _l("I'm full: take me out of the directory until I change my profile")
            ),
            SelectChoice(AWAY, _l("I'm away: take me out of the directory until a day I choose")),
        ],
        default=TAKING,
    )
    away_until = away_until_field(_l("Away until (if you are away)"))
    decline_others = BooleanField(_l("Also decline my other pending requests"))
    send = SubmitField(_l("Send my answer"))
    # A page opened before the answer was a radio choice posts the name of its button (and
    # "I'm full" as a tick box): still understood, so an answer half-written then is not lost.
    accept = SubmitField(_l("Accept"))
    decline = SubmitField(_l("Decline"))
    stop_accepting = BooleanField(_l("I'm not taking new mentees for now"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit is written as numbers are in the page's language ("1,000", "1 000").
        self.note.description = _(
            "Sent with your answer. If you decline, a kind word or a suggestion helps. At most "
            "%(max)s characters.",
            max=format_decimal(NOTE_MAX),
        )

    def validate_note(self, field):
        if field.data and len(field.data) > NOTE_MAX:
            raise ValidationError(too_long_message(NOTE_MAX, len(field.data)))

    def validate_away_until(self, field):
        if self.pause.data != AWAY or field.errors:
            return
        problem = return_day_problem(field.data, clock.today())
        if problem:
            raise ValidationError(problem)
        if self.decision == ACCEPT:
            raise ValidationError(
                _(
                    "You can set a day you are back when you decline: accepting starts a "
                    "mentorship today. Choose Decline, or choose that you are still taking "
                    "mentees."
                )
            )

    @property
    def both_chosen(self) -> bool:
        """Two answers at once (both old buttons, or a button against the radio choice): no
        browser sends that, and neither can be assumed."""
        return len(self._answers()) > 1

    def _answers(self) -> set[str]:
        answers = {self.choice.data} if self.choice.data in (ACCEPT, DECLINE) else set()
        if self.accept.data:
            answers.add(ACCEPT)
        if self.decline.data:
            answers.add(DECLINE)
        return answers

    @property
    def decision(self) -> str | None:
        answers = self._answers()
        return next(iter(answers)) if len(answers) == 1 else None

    @property
    def full(self) -> bool:
        return self.pause.data == FULL or bool(self.stop_accepting.data)

    @property
    def away_day(self):
        return self.away_until.data if self.pause.data == AWAY else None

    def offer(self, full: bool) -> None:
        """A full mentor can only decline: the one answer is shown, and chosen."""
        if full:
            self.choice.choices = [c for c in self.choice.choices if c.value == DECLINE]
            if not self.is_submitted():
                self.choice.data = DECLINE

    def preselect(self, choice: str | None) -> None:
        """Check the answer the e-mail's button chose (`?choice=`), if the page offers it."""
        if not self.is_submitted() and choice in {c.value for c in self.choice.choices}:
            self.choice.data = choice
