from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SubmitField

from app.committee.roster.parsing import DATE_FORMAT, MAX_BYTES
from app.forms import PortalForm


class RosterUploadForm(PortalForm):
    file = FileField(
        "Roster file (CSV)",
        validators=[FileRequired(message="Choose the roster file (a .csv file) to upload.")],
        description=(
            "A CSV file with a first row naming the columns: membership number, e-mail and "
            f"expiry date ({DATE_FORMAT}). Other columns are ignored. At most "
            f"{MAX_BYTES // (1024 * 1024)} MB."
        ),
        render_kw={"accept": ".csv,text/csv"},
    )
    submit = SubmitField("Upload and preview")


class RosterApplyForm(PortalForm):
    fingerprint = HiddenField()
    submit = SubmitField("Apply")
