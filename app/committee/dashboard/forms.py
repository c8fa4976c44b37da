from wtforms import SelectField
from wtforms.validators import Optional

from app.forms import IsoDateField, PortalForm

DATE_HINT = "YYYY-MM-DD"


class DashboardFilterForm(PortalForm):
    """The dashboard's period (GET: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    intake = SelectField("Intake", choices=[], validators=[Optional()], validate_choice=False)
    start = IsoDateField("From", validators=[Optional()], description=DATE_HINT)
    end = IsoDateField("To", validators=[Optional()], description=DATE_HINT)
