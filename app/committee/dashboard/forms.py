from wtforms import SelectField
from wtforms.validators import Optional

from app.forms import IsoDateField, PortalForm


class DashboardFilterForm(PortalForm):
    """The dashboard's period (GET: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    intake = SelectField("Intake", choices=[], validators=[Optional()], validate_choice=False)
    start = IsoDateField("From", validators=[Optional()])
    end = IsoDateField("To", validators=[Optional()])
