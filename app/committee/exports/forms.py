from app.forms import PortalForm


class ExportForm(PortalForm):
    """A download button (POST: each export is recorded in the audit trail)."""
