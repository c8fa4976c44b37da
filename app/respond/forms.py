"""The decision form of /respond/<token>: the CSRF token, an optional note, two choices about the
mentor's other requests, and one of two buttons."""

from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from app.forms import PortalForm, clean_text_filter
from app.requests.rules import NOTE_MAX


class RespondForm(PortalForm):
    note = TextAreaField(
        "Note to the mentee (optional)",
        filters=[clean_text_filter],
        description=f"Sent with your answer. If you decline, a kind word or a suggestion helps. "
        f"At most {NOTE_MAX:,} characters.",
        render_kw={"rows": 4},
    )
    stop_accepting = BooleanField("I'm not taking new mentees for now")
    decline_others = BooleanField("Also decline my other pending requests")
    accept = SubmitField("Accept")
    decline = SubmitField("Decline")

    def validate_note(self, field):
        if field.data and len(field.data) > NOTE_MAX:
            raise ValidationError(
                f"Use at most {NOTE_MAX:,} characters (you wrote {len(field.data):,})."
            )

    @property
    def both_chosen(self) -> bool:
        """Both buttons at once: no browser sends that, and neither can be assumed."""
        return bool(self.accept.data and self.decline.data)

    @property
    def decision(self) -> str | None:
        if self.both_chosen:
            return None
        if self.accept.data:
            return "accept"
        if self.decline.data:
            return "decline"
        return None
