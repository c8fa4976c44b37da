from wtforms import SelectField
from wtforms.validators import Optional

from app.committee.fields import day_filter
from app.forms import PortalForm


class AuditFilterForm(PortalForm):
    """The filters of the audit log (GET: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    actor = SelectField("Who", validators=[Optional()], validate_choice=False)
    action = SelectField("Action", validators=[Optional()], validate_choice=False)
    since = day_filter("From")
    until = day_filter("To", "That day included.")
