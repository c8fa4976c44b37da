"""The small text helpers pages share: where a member is, the initials of a name, and the one
date hint of every date field."""

import pytest
from flask import render_template_string

from app.forms import DATE_HINT, IsoDateField, PortalForm
from app.text import initials, place


@pytest.mark.parametrize(
    ("region", "city", "shown"),
    [
        ("Toronto", "Toronto", "Toronto"),
        ("Ottawa region", "Ottawa", "Ottawa"),
        ("Central Ontario", "Barrie", "Barrie, Central Ontario"),
        ("Central Ontario", None, "Central Ontario"),
        (None, "Kenora", "Kenora"),
        (None, "  ", None),
        (None, None, None),
    ],
)
def test_a_place_is_named_once(region, city, shown):
    assert place(region, city) == shown


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Jean-Luc Côté", "JC"),
        ("Mary Anne van der Berg", "MB"),
        ("Cher", "C"),
        ("  ", ""),
        (None, ""),
        ("Mentor 07", "M"),
    ],
)
def test_initials(name, letters):
    assert initials(name) == letters


class _Form(PortalForm):
    day = IsoDateField("Day", description="The first day.")
    other = IsoDateField("Other")


def test_every_date_field_shows_the_one_hint_and_a_clear_message(app):
    with app.test_request_context("/", method="POST", data={"day": "31/03/2027"}):
        form = _Form(meta={"csrf": False})
        assert not form.validate()
        html = render_template_string(
            '{% from "_macros/forms.html" import field %}'
            "{{ field(form.day) }}{{ field(form.other) }}",
            form=form,
        )
    assert f'<p class="hint" id="day-hint">The first day. {DATE_HINT}</p>' in html
    assert f'<p class="hint" id="other-hint">{DATE_HINT}</p>' in html
    assert 'type="date"' in html and 'value="31/03/2027"' in html  # what was typed stays
    assert "Enter the date as year-month-day, for example 2027-03-31." in html
