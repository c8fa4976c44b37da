"""Other mentors to suggest to a mentee whose request was declined or expired."""

from dataclasses import dataclass

from sqlalchemy import select

from app import clock
from app.email import absolute_url
from app.extensions import db
from app.models import (
    MentorshipRequest,
    User,
)

# The path of the mentor directory: a public address, kept stable for links already e-mailed.
DIRECTORY_PATH = "/mentors"


# How many other mentors a declined mentee is shown.
SUGGESTIONS = 3


@dataclass
class Suggestion:
    name: str
    position: str | None
    employer: str | None
    url: str


def suggested_mentors(mentee: User, exclude=(), limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Up to `limit` mentors for `mentee`, best fit first, as the directory ranks them
    (eligible, accepting requests, with a spot left), leaving out the mentors in `exclude`
    and every mentor the mentee has asked before."""
    from app.mentors import services as directory  # here: importing it loads its routes

    asked = set(
        db.session.scalars(
            select(MentorshipRequest.mentor_id).where(MentorshipRequest.mentee_id == mentee.id)
        ).all()
    )
    asked.update(exclude)
    today = clock.today()
    vocab = directory.load_vocabularies()
    viewer = directory.load_viewer(mentee, today, vocab)
    found: list[Suggestion] = []
    page = 1
    while len(found) < limit and page <= 3:
        results = directory.search(viewer, directory.DirectoryQuery(page=page), vocab, today)
        for card in results.mentors:
            if card.id in asked or card.your_mentor or len(found) >= limit:
                continue
            found.append(
                Suggestion(
                    name=card.name,
                    position=card.position,
                    employer=card.employer,
                    url=directory_url() + f"/{card.id}",
                )
            )
        if not results.has_next:
            break
        page += 1
    return found


def directory_url() -> str:
    return absolute_url("main.index").rstrip("/") + DIRECTORY_PATH
