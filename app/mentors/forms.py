"""The directory's filters: reading the query string, and the form that shows it.

Query strings are typed by people and edited by hand: anything that is not a known entry, a
known order or a page number is ignored (never an error page). `parse_query` returns the
cleaned request; `DirectoryForm.for_query` renders exactly that, so the page shows the
filters that were applied.
"""

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import SearchField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice

from app.forms import PortalForm
from app.mentors.services import (
    MAX_PAGE,
    ORDERS,
    REGION,
    SEARCH_MAX_LENGTH,
    DirectoryQuery,
    Vocabularies,
)
from app.query_args import page_number, record_id
from app.text import search_text

# Query-string argument -> vocabulary kind (services.VOCABULARIES); the names are the same.
MULTIPLE = ("sector", "expertise", "objective", "contact", "language")
MAX_VALUES = 40  # per argument: more than any vocabulary has


def parse_query(args: MultiDict, vocab: Vocabularies) -> DirectoryQuery:
    """The directory request in `args`, keeping only what is offered."""
    chosen = {}
    for kind in MULTIPLE:
        offered = {term.id for term in vocab.active[kind]}
        ids = {record_id(raw) for raw in args.getlist(kind)[:MAX_VALUES]}
        chosen[kind] = tuple(sorted(i for i in ids if i in offered))
    region = record_id(args.get(REGION))
    if region not in {term.id for term in vocab.active[REGION]}:
        region = None
    order = args.get("order", "")
    return DirectoryQuery(
        q=search_text(args.get("q"), SEARCH_MAX_LENGTH),
        region=region,
        order=order if order in ORDERS else next(iter(ORDERS)),
        page=page_number(args.get("page"), MAX_PAGE),
        **chosen,
    )


class DirectoryForm(PortalForm):
    """What the filters show (GET, nothing changes: no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Search mentors"),
        description=_l(
            "A name, position, employer, area of expertise or word from their introduction."
        ),
        render_kw={"autocomplete": "off", "spellcheck": "false", "maxlength": SEARCH_MAX_LENGTH},
    )
    order = SelectField(_l("Order by"), choices=[SelectChoice(k, v) for k, v in ORDERS.items()])
    objective = SelectMultipleField(_l("Objectives they offer"))
    sector = SelectMultipleField(_l("Library sector"))
    region = SelectField(_l("Region"))
    contact = SelectMultipleField(_l("Ways to meet"))
    language = SelectMultipleField(_l("Language"))
    expertise = SelectMultipleField(_l("Area of expertise"))

    @classmethod
    def for_query(cls, query: DirectoryQuery, vocab: Vocabularies) -> "DirectoryForm":
        data = {kind: [str(i) for i in getattr(query, kind)] for kind in MULTIPLE}
        form = cls(
            q=query.q,
            order=query.order,
            region=str(query.region) if query.region else "",
            **data,
        )
        for kind in MULTIPLE:
            getattr(form, kind).choices = [
                SelectChoice(str(term.id), term.name) for term in vocab.active[kind]
            ]
        form.region.choices = [SelectChoice("", _l("Any region"))] + [
            SelectChoice(str(term.id), term.name) for term in vocab.active[REGION]
        ]
        return form
