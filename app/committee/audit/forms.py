from flask_babel import lazy_gettext
from wtforms import SelectField
from wtforms.validators import Optional

from app.committee.fields import day_filter
from app.forms import PortalForm


class AuditFilterForm(PortalForm):
    """The filters of the audit log (GET: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    actor = SelectField(lazy_gettext("Who"), validators=[Optional()], validate_choice=False)
    action = SelectField(lazy_gettext("Action"), validators=[Optional()], validate_choice=False)
    since = day_filter(lazy_gettext("From"))
    until = day_filter(lazy_gettext("To"), lazy_gettext("That day included."))
