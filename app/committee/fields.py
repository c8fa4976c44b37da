"""Form fields that several of the committee's pages share."""

from wtforms.validators import Optional

from app.forms import IsoDateField

DAY_MESSAGE = "Enter the date as YYYY-MM-DD, for example 2026-09-01."


def day_filter(label: str, description: str = "YYYY-MM-DD") -> IsoDateField:
    """An optional date of a list's filters, typed as YYYY-MM-DD (DAY_MESSAGE when it isn't)."""
    return IsoDateField(
        label, validators=[Optional()], invalid_message=DAY_MESSAGE, description=description
    )
