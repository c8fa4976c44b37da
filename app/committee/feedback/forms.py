from flask_babel import lazy_gettext
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app.committee.feedback.queries import STATUS_LABELS
from app.committee.fields import day_filter
from app.forms import PortalForm

STATUS_CHOICES = [
    SelectChoice("", lazy_gettext("All closed mentorships")),
    *(SelectChoice(value, label) for value, label in STATUS_LABELS.items()),
]


class FeedbackFilterForm(PortalForm):
    """The list's filters (GET: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    status = SelectField(
        lazy_gettext("Status"),
        choices=STATUS_CHOICES,
        validators=[Optional()],
        validate_choice=False,
    )
    written = BooleanField(lazy_gettext("With a comment or note only"))
    start = day_filter(lazy_gettext("Closed from"))
    end = day_filter(lazy_gettext("Closed until"), lazy_gettext("That day included."))
    intake = SelectField(
        lazy_gettext("Intake"),
        choices=[],
        validators=[Optional()],
        validate_choice=False,
        description=lazy_gettext("Pairs whose request was sent during the intake"),
    )
