from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from app.committee.members.queries import MEMBERSHIP_FILTERS, ROLE_FILTERS
from app.forms import IsoDateField, PortalForm

DATE_MESSAGE = _l("Enter the expiry date as year-month-day, for example 2027-03-31.")


class MemberSearchForm(PortalForm):
    """The filters of the member list (GET: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Search"),
        validators=[Optional()],
        description=_l("Name, e-mail address or membership number."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    membership = SelectField(
        _l("Membership"),
        choices=[
            SelectChoice("", _l("All members")),
            *(SelectChoice(value, label) for value, label in MEMBERSHIP_FILTERS.items()),
        ],
        validators=[Optional()],
        validate_choice=False,  # an unknown value means "all"; see queries.list_members
    )
    role = SelectField(
        _l("Role or account"),
        choices=[
            SelectChoice("", _l("Everyone")),
            *(SelectChoice(value, label) for value, label in ROLE_FILTERS.items()),
        ],
        validators=[Optional()],
        validate_choice=False,  # an unknown value means "everyone"
    )


class VerifyMembershipForm(PortalForm):
    expires_on = IsoDateField(
        _l("Membership expiry date"),
        validators=[InputRequired(message=DATE_MESSAGE)],
        invalid_message=DATE_MESSAGE,
        description=_l(
            "As on the association's roster. Correct it here if the member's date is wrong."
        ),
    )
    submit = SubmitField(_l("Verify membership"))


class RevokeMembershipForm(PortalForm):
    submit = SubmitField(_l("Revoke verification"))


# --- member accounts (see accounts) -----------------------------------------------------------


class AccountActionForm(PortalForm):
    """Deactivate / reactivate an account, grant / remove the committee role: a CSRF-checked
    button (what it does is in the URL)."""
