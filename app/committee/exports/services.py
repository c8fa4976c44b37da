"""The committee's CSV exports: what each one is, and starting one (which the audit trail
records)."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import LazyString, gettext, lazy_gettext

from app import clock
from app.committee.audit import trail
from app.committee.exports.csv_file import csv_chunks
from app.committee.exports.rows import (
    MEMBER_HEADER,
    MENTORSHIP_HEADER,
    REQUEST_HEADER,
    member_rows,
    mentorship_rows,
    request_rows,
)
from app.extensions import db
from app.models import User


@dataclass(frozen=True)
class Export:
    """One export: its name (in its address and file name), its title and description (lazy:
    written in the page's language), its column headings and its rows."""

    name: str
    title: LazyString
    description: LazyString
    header: list[LazyString]
    rows: Callable[[date], Iterable]

    def filename(self, today: date) -> str:
        return f"mentor-match-{self.name}-{today.isoformat()}.csv"


EXPORTS = {
    export.name: export
    for export in [
        Export(
            "members",
            lazy_gettext("Members"),
            lazy_gettext(
                "Every account: name, e-mail, role, membership, vocabulary choices, and counts "
                "of mentorships and requests."
            ),
            MEMBER_HEADER,
            member_rows,
        ),
        Export(
            "requests",
            lazy_gettext("Requests"),
            lazy_gettext(
                "Every mentorship request: who asked whom, its status and dates, the objectives "
                "and the preferred way to meet. No messages, no decline notes."
            ),
            REQUEST_HEADER,
            request_rows,
        ),
        Export(
            "mentorships",
            lazy_gettext("Mentorships"),
            lazy_gettext(
                "Every mentorship: the pair, status and dates, the agreement's state, and counts "
                "of check-ins, minutes and goals. No notes, no agreement text."
            ),
            MENTORSHIP_HEADER,
            mentorship_rows,
        ),
    ]
}


def start_export(actor: User, name: str, today: date) -> tuple[Export, Iterator[bytes]]:
    """Record the export in the audit trail (committed before any row is read), and return it
    with the generator of its file, its headings and words in the language of the page (the
    committee member's). The caller streams the generator within the request
    (`stream_with_context`), which keeps the database session open while it runs."""
    export = EXPORTS[name]
    trail.record(actor, trail.EXPORT_DOWNLOADED, ("export", None), export=name)
    db.session.commit()
    header = [str(heading) for heading in export.header]
    yes_no = (gettext("yes"), gettext("no"))
    return export, csv_chunks(header, export.rows(today), clock.program_zone(), yes_no)
