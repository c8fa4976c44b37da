"""Forms of the closing pages. They parse and give quick feedback; app/mentorships/closing.py
decides (and checks everything again)."""

from wtforms import HiddenField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.forms import ChoiceRadioField, PortalForm
from app.models import ClosingFeedback, Mentorship

SCORE_PREFIX = "score-"


class ClosingActionForm(PortalForm):
    """A button that changes something (complete): only the CSRF token."""


class EndEarlyForm(PortalForm):
    # "yes" once the member has seen the confirmation step; without it nothing ends.
    confirmed = HiddenField()
    reason = ChoiceRadioField(
        "Why is the mentorship ending?",
        choices=[SelectChoice(code, label) for code, label in Mentorship.END_REASONS.items()],
        validate_choice=False,
    )
    note = TextAreaField(
        "A note for the mentoring committee (optional)",
        description=(
            "Only the mentoring committee reads this; your partner doesn't. "
            f"At most {Mentorship.END_NOTE_LIMIT:,} characters."
        ),
        validators=[
            Optional(),
            Length(
                max=Mentorship.END_NOTE_LIMIT,
                message=f"Use at most {Mentorship.END_NOTE_LIMIT:,} characters.",
            ),
        ],
    )


def _months(value):
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else None


class ExtendForm(PortalForm):
    months = ChoiceRadioField(
        "When should we ask you again?",
        choices=[SelectChoice(m, f"In {m} month{'s' if m > 1 else ''}") for m in range(1, 7)],
        coerce=_months,
        validate_choice=False,
    )


class FeedbackForm(PortalForm):
    """Would recommend and the comment. The objective scores are radio groups named
    `score-<objective id>`, read by `scores_from()`: the service decides which are allowed."""

    would_recommend = ChoiceRadioField(
        "Would you recommend the mentoring program to a colleague?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validate_choice=False,
    )
    comment = TextAreaField(
        "A comment for the mentoring committee (optional)",
        description=(
            "What worked, what could be better. Only the committee reads it. "
            f"At most {ClosingFeedback.COMMENT_LIMIT:,} characters."
        ),
        validators=[
            Optional(),
            Length(
                max=ClosingFeedback.COMMENT_LIMIT,
                message=f"Use at most {ClosingFeedback.COMMENT_LIMIT:,} characters.",
            ),
        ],
    )

    @property
    def recommends(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.would_recommend.data)


def scores_from(formdata) -> dict[str, str]:
    """Every `score-<id>` value sent, by id (as text): the service checks them all."""
    return {
        key[len(SCORE_PREFIX) :]: formdata.get(key, "")
        for key in formdata
        if key.startswith(SCORE_PREFIX)
    }
