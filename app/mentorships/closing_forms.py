"""Forms of the closing pages. They parse and give quick feedback; app/mentorships/closing.py
decides (and checks everything again)."""

from flask_babel import format_number, lazy_gettext, lazy_ngettext
from flask_babel.speaklater import LazyString
from wtforms import HiddenField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.forms import ChoiceRadioField, PortalForm
from app.models import ClosingFeedback, Mentorship

SCORE_PREFIX = "score-"

# The members' words for the models' codes (the models keep the committee's English labels).
END_REASON_LABELS = {
    "schedule": lazy_gettext("Our schedules or time"),
    "goals_met": lazy_gettext("The goals were met early"),
    "not_a_fit": lazy_gettext("Not a good fit"),
    "personal": lazy_gettext("Personal reasons"),
    "other": lazy_gettext("Another reason"),
}
SCORE_LABELS = {
    1: lazy_gettext("Not met"),
    2: lazy_gettext("A little"),
    3: lazy_gettext("Partly"),
    4: lazy_gettext("Mostly"),
    5: lazy_gettext("Fully met"),
}


def _limit(number: int) -> LazyString:
    """A character limit written when the page is, with its language's separators."""
    return LazyString(format_number, number)


class ClosingActionForm(PortalForm):
    """A button that changes something (complete): only the CSRF token."""


class EndEarlyForm(PortalForm):
    # "yes" once the member has seen the confirmation step; without it nothing ends.
    confirmed = HiddenField()
    reason = ChoiceRadioField(
        lazy_gettext("Why is the mentorship ending?"),
        choices=[SelectChoice(code, END_REASON_LABELS[code]) for code in Mentorship.END_REASONS],
        validate_choice=False,
    )
    note = TextAreaField(
        lazy_gettext("A note for the mentoring committee (optional)"),
        description=lazy_gettext(
            "Only the mentoring committee reads this; your partner doesn't. "
            "At most %(limit)s characters.",
            limit=_limit(Mentorship.END_NOTE_LIMIT),
        ),
        validators=[
            Optional(),
            Length(
                max=Mentorship.END_NOTE_LIMIT,
                message=lazy_gettext(
                    "Use at most %(limit)s characters.", limit=_limit(Mentorship.END_NOTE_LIMIT)
                ),
            ),
        ],
    )


def _months(value):
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else None


class ExtendForm(PortalForm):
    months = ChoiceRadioField(
        lazy_gettext("When should we ask you again?"),
        choices=[
            SelectChoice(m, lazy_ngettext("In %(num)d month", "In %(num)d months", m))
            for m in Mentorship.EXTEND_MONTHS
        ],
        coerce=_months,
        validate_choice=False,
    )


class FeedbackForm(PortalForm):
    """Would recommend and the comment. The objective scores are radio groups named
    `score-<objective id>`, read by `scores_from()`: the service decides which are allowed."""

    would_recommend = ChoiceRadioField(
        lazy_gettext("Would you recommend the mentoring program to a colleague?"),
        choices=[SelectChoice("yes", lazy_gettext("Yes")), SelectChoice("no", lazy_gettext("No"))],
        validate_choice=False,
    )
    comment = TextAreaField(
        lazy_gettext("A comment for the mentoring committee (optional)"),
        description=lazy_gettext(
            "What worked, what could be better. Only the committee reads it. "
            "At most %(limit)s characters.",
            limit=_limit(ClosingFeedback.COMMENT_LIMIT),
        ),
        validators=[
            Optional(),
            Length(
                max=ClosingFeedback.COMMENT_LIMIT,
                message=lazy_gettext(
                    "Use at most %(limit)s characters.",
                    limit=_limit(ClosingFeedback.COMMENT_LIMIT),
                ),
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
