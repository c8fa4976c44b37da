from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.fields.choices import SelectChoice

from app.committee.roster.dates import DATE_ORDERS, DAY_FIRST
from app.committee.roster.parsing import MAX_BYTES
from app.forms import ChoiceRadioField, PortalForm


class RosterUploadForm(PortalForm):
    file = FileField(
        _l("Roster file (CSV)"),
        validators=[FileRequired(message=_l("Choose the roster file (a .csv file) to upload."))],
        description=_l(
            "A CSV file with a first row naming the columns: membership number, e-mail and "
            "expiry date. Other columns are ignored. At most %(size)d MB.",
            size=MAX_BYTES // (1024 * 1024),
        ),
        render_kw={"accept": ".csv,text/csv"},
    )
    date_order = ChoiceRadioField(
        _l("How the file writes dates like 03/04/2027"),
        choices=[SelectChoice(code, _l(label)) for code, label in DATE_ORDERS.items()],
        default=DAY_FIRST,
        description=_l(
            "YYYY-MM-DD dates, dates with the month's name and spreadsheet date numbers are "
            "always read. A date like 03/04/2027 is read in the order chosen here."
        ),
    )
    submit = SubmitField(_l("Upload and preview"))


class RosterApplyForm(PortalForm):
    fingerprint = HiddenField()
    submit = SubmitField(_l("Apply"))
