"""Form fields that several of the committee's pages share."""

from wtforms.validators import Optional

from app.forms import DATE_MESSAGE, IsoDateField

DAY_MESSAGE = DATE_MESSAGE


def day_filter(label: str, description: str | None = None) -> IsoDateField:
    """An optional date of a list's filters, typed year-month-day (DATE_MESSAGE when it isn't)."""
    return IsoDateField(label, validators=[Optional()], description=description)
