"""The mentors one mentee of a matching run could have instead (reading only): the page a
committee member opens to choose a mentee's mentor by hand or swap two mentees' mentors."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from app.committee.matching import pool
from app.committee.matching.review import (
    LeftOutRow,
    PairRow,
    criteria_of,
    left_out_rows,
    pair_rows,
    removed_pairs,
)
from app.extensions import db
from app.matching import Member
from app.matching_criteria import PairReason, evaluate, pair_reasons
from app.mentors.services import load_vocabularies
from app.models import MatchingPoolEntry, MatchingRun

# How many mentors the page lists, unless asked for all.
CHOICES_SHOWN = 25


@dataclass
class SwapChoice:
    """Swap mentors with the pair `pair_id`: its mentee takes this mentee's mentor."""

    pair_id: int
    mentee_id: int
    mentee_name: str


@dataclass
class MentorChoice:
    mentor_id: int
    name: str
    fit: int
    reasons: list[PairReason]
    spots_left: int
    current: bool = False
    swaps: list[SwapChoice] = field(default_factory=list)


@dataclass
class MenteeChoices:
    run: MatchingRun
    mentee: Member
    current: PairRow | None
    left_out: LeftOutRow | None
    choices: list[MentorChoice]
    total: int  # mentors allowed with this mentee
    not_allowed: int  # mentors in the pool who are not

    @property
    def all_shown(self) -> bool:
        return len(self.choices) == self.total


def mentee_choices(run: MatchingRun, mentee_id: int, show_all: bool = False):
    """The mentors of the run's pool this mentee may have (every required criterion, no
    conflict of interest, not removed), best fit first, with the spots each has left in the
    draft and, for a full one, the swaps that keep every pair allowed. None: the member is not
    among the run's mentees."""
    E = MatchingPoolEntry
    entries = db.session.execute(
        select(E.role, E.user_id, E.open_spots).where(
            E.run_id == run.id, or_(E.role == E.MENTOR, E.user_id == mentee_id)
        )
    ).all()
    if not any(role == E.MENTEE and user_id == mentee_id for role, user_id, _ in entries):
        return None
    open_spots = {user_id: spots for role, user_id, spots in entries if role == E.MENTOR}
    pairs = pair_rows(run)
    current = next((pair for pair in pairs if pair.mentee_id == mentee_id), None)
    vocab = load_vocabularies()
    members = pool.members([mentee_id, *open_spots], vocab)
    mentee = members.get(mentee_id)
    if mentee is None:
        return None
    mentors = [members[i] for i in sorted(open_spots) if i in members]
    criteria = criteria_of(run)
    forbidden = removed_pairs(run)
    evaluation = evaluate(
        [mentee],
        mentors,
        criteria,
        pool.history({mentee_id}, {m.id for m in mentors}),
        forbidden,
    )
    taken = Counter(pair.mentor_id for pair in pairs)
    allowed = [(j, m) for j, m in enumerate(mentors) if evaluation.allowed[0, j]]
    allowed.sort(key=lambda item: (-int(evaluation.fit[0, item[0]]), item[1].name.lower()))
    shown = allowed if show_all else allowed[:CHOICES_SHOWN]
    choices = [
        MentorChoice(
            mentor_id=mentor.id,
            name=mentor.name,
            fit=int(evaluation.fit[0, j]),
            reasons=list(pair_reasons(mentee, mentor, criteria)),
            spots_left=open_spots[mentor.id] - taken[mentor.id],
            current=current is not None and current.mentor_id == mentor.id,
        )
        for j, mentor in shown
    ]
    if current is not None:
        _add_swaps(choices, pairs, current, criteria, forbidden, vocab)
    left_out = None
    if current is None:
        left_out = next((r for r in left_out_rows(run)[0] if r.user_id == mentee_id), None)
    return MenteeChoices(
        run=run,
        mentee=mentee,
        current=current,
        left_out=left_out,
        choices=choices,
        total=len(allowed),
        not_allowed=len(mentors) - len(allowed) - sum(m.id == mentee_id for m in mentors),
    )


def _add_swaps(choices, pairs, current: PairRow, criteria, forbidden, vocab) -> None:
    """For each full mentor of `choices`, the pairs whose mentee may take `current`'s mentor."""
    full = {choice.mentor_id for choice in choices if choice.spots_left <= 0 and not choice.current}
    candidates = [pair for pair in pairs if pair.mentor_id in full]
    if not candidates:
        return
    members = pool.members([current.mentor_id, *(p.mentee_id for p in candidates)], vocab)
    mentor = members.get(current.mentor_id)
    others = [members[p.mentee_id] for p in candidates if p.mentee_id in members]
    if mentor is None or not others:
        return
    evaluation = evaluate(
        others,
        [mentor],
        criteria,
        pool.history({m.id for m in others}, {mentor.id}),
        forbidden,
    )
    may_swap = {other.id for i, other in enumerate(others) if evaluation.allowed[i, 0]}
    by_mentor: dict[int, list[SwapChoice]] = {}
    for pair in candidates:
        if pair.mentee_id in may_swap:
            by_mentor.setdefault(pair.mentor_id, []).append(
                SwapChoice(pair.id, pair.mentee_id, pair.mentee_name)
            )
    for choice in choices:
        choice.swaps = by_mentor.get(choice.mentor_id, [])
