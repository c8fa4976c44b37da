from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from app.forms import PortalForm
from app.i18n import LANGUAGES


class LanguageForm(PortalForm):
    """The header's language switch: the language chosen, and the page to go back to."""

    lang = SelectField(choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()])
    next = HiddenField()
