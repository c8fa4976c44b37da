from flask_babel import lazy_gettext
from wtforms import SelectField
from wtforms.validators import Optional

from app.forms import IsoDateField, PortalForm


class DashboardFilterForm(PortalForm):
    """The dashboard's period (GET: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    intake = SelectField(
        lazy_gettext("Intake"), choices=[], validators=[Optional()], validate_choice=False
    )
    start = IsoDateField(lazy_gettext("From"), validators=[Optional()])
    end = IsoDateField(lazy_gettext("To"), validators=[Optional()])
