"""The matching workbench's forms: the pool, criteria and objective of a run (and of a re-run),
and the buttons that change a draft."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from app.forms import ChoiceRadioField, PortalForm, WholeNumberField
from app.matching_criteria import (
    CRITERIA,
    DEFAULT_CRITERIA,
    GAP_MAX,
    MODES,
    PREFERRED,
    WEIGHT_MAX,
    Criteria,
)
from app.matching_solver import MOST_MATCHES, OBJECTIVES

ALL_WAITING = ""


def _criteria_fields(form_class) -> None:
    for criterion in CRITERIA:
        setattr(
            form_class,
            f"{criterion.code}_mode",
            ChoiceRadioField(
                _l(criterion.label),
                choices=[SelectChoice(value, _l(label)) for value, label in MODES.items()],
                validators=[InputRequired(message=_l("Choose required, preferred or ignored."))],
                description=_l(criterion.hint) if criterion.hint else criterion.hint,
            ),
        )
        setattr(
            form_class,
            f"{criterion.code}_weight",
            WholeNumberField(
                _l("%(criterion)s: weight when preferred", criterion=_l(criterion.label)),
                validators=[Optional()],
                invalid_message=_l("Enter a weight from 0 to %(max)d.", max=WEIGHT_MAX),
                render_kw={"inputmode": "numeric", "min": 0, "max": WEIGHT_MAX, "type": "number"},
            ),
        )


class CriteriaForm(PortalForm):
    """What a run asks of a match: the criteria, the experience gap and the objective."""

    objective = ChoiceRadioField(
        _l("What to aim for"),
        choices=[SelectChoice(value, _l(label)) for value, label in OBJECTIVES.items()],
        validators=[InputRequired(message=_l("Choose what to aim for."))],
        default=MOST_MATCHES,
    )
    experience_gap = WholeNumberField(
        _l("Experience gap, in years"),
        validators=[
            InputRequired(message=_l("Enter a number of years from 0 to %(max)d.", max=GAP_MAX))
        ],
        invalid_message=_l("Enter a number of years from 0 to %(max)d.", max=GAP_MAX),
        description=_l(
            "For the experience criterion: how many more years of library experience than "
            "the mentee the mentor has at least."
        ),
        render_kw={"inputmode": "numeric", "min": 0, "max": GAP_MAX, "type": "number"},
    )

    @classmethod
    def filled(cls, criteria: Criteria = DEFAULT_CRITERIA, objective: str = MOST_MATCHES, **more):
        """The form showing `criteria` and `objective` (nothing submitted)."""
        data = {"objective": objective, "experience_gap": criteria.experience_gap, **more}
        for criterion in CRITERIA:
            setting = criteria.setting(criterion.code)
            data[f"{criterion.code}_mode"] = setting.mode
            data[f"{criterion.code}_weight"] = setting.weight if setting.mode == PREFERRED else None
        return cls(formdata=None, data=data)

    def criteria_values(self) -> dict:
        """{criterion code: (mode, weight)} as typed, for `services.check_criteria`."""
        return {
            c.code: (self[f"{c.code}_mode"].data, self[f"{c.code}_weight"].data) for c in CRITERIA
        }

    def criteria_fields(self) -> list:
        """(criterion, its mode field, its weight field) in CRITERIA's order."""
        return [(c, self[f"{c.code}_mode"], self[f"{c.code}_weight"]) for c in CRITERIA]


_criteria_fields(CriteriaForm)


class RunForm(CriteriaForm):
    """A new run: its pool too."""

    intake = SelectField(
        _l("Pool"),
        choices=[],
        validators=[Optional()],
        validate_choice=False,  # checked against the intakes by the route
        description=_l(
            "An intake's mentees (who joined after the intake before it closed, and those "
            "carried to it), or every mentee waiting for a mentor."
        ),
    )

    def set_intakes(self, intakes) -> None:
        self.intake.choices = [SelectChoice(ALL_WAITING, gettext("Every waiting mentee"))] + [
            SelectChoice(
                str(i.id),
                gettext(
                    "%(name)s (%(opens)s to %(closes)s)",
                    name=i.name,
                    opens=i.opens_on.isoformat(),
                    closes=i.closes_on.isoformat(),
                ),
            )
            for i in intakes
        ]


class DraftForm(PortalForm):
    """A button that changes a draft or acts on a run (what it does is in its name and value,
    or in the URL): the CSRF token only."""


class MatchingSettingForm(PortalForm):
    need_confirmation = BooleanField(
        _l("Mentors confirm committee matches"),
        description=_l(
            "On: publishing sends each mentor a request to accept or decline, with the usual "
            "decision links. Off: publishing starts the mentorships at once and introduces "
            "each pair by e-mail."
        ),
    )
