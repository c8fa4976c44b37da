from flask_wtf import FlaskForm


class ExportForm(FlaskForm):
    """A download button (POST: each export is recorded in the audit trail)."""
