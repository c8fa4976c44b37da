from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

DATE_HINT = "YYYY-MM-DD"


class DashboardFilterForm(FlaskForm):
    """The dashboard's period (GET: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    intake = SelectField("Intake", choices=[], validators=[Optional()], validate_choice=False)
    start = DateField("From", format="%Y-%m-%d", validators=[Optional()], description=DATE_HINT)
    end = DateField("To", format="%Y-%m-%d", validators=[Optional()], description=DATE_HINT)
