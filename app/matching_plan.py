"""A whole run of the matching workbench, as pure code (no Flask, no database session): every
pair compared under the criteria (`app.matching_criteria`), the optimal assignment keeping the
locks that can be kept (`app.matching_solver`), why everyone left out is
(`app.matching_explanations`) and the reasons of each pair made."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.matching import Member
from app.matching_criteria import Criteria, Evaluation, PairReason, evaluate, pair_reasons
from app.matching_explanations import LeftOut, explain_mentees, explain_mentors
from app.matching_solver import Assignment, assign

# Why a lock asked for is not kept.
LOCK_NOT_ALLOWED = "not_allowed"  # the pair breaks a required criterion, or is a conflict
LOCK_NO_SPOT = "no_spot"  # the mentor's spots are taken by other locks


@dataclass
class Plan:
    """What a run works out: every pair compared, the best assignment, why each member left
    out is, the reasons of each pair made, and the locks that could not be kept."""

    evaluation: Evaluation
    assignment: Assignment
    mentees_left: dict[int, LeftOut]
    mentors_left: dict[int, tuple[int, LeftOut]]
    reasons: dict[tuple[int, int], tuple[PairReason, ...]]
    dropped_locks: list[tuple[int, int, str]]  # (mentee index, mentor index, LOCK_...)


def plan(
    mentees: Sequence[Member],
    mentors: Sequence[Member],
    spots: Sequence[int],
    criteria: Criteria,
    objective: str,
    history: Mapping[tuple[int, int], Iterable[str]] | None = None,
    forbidden: Iterable[tuple[int, int]] = (),
    locks: Iterable[tuple[int, int]] = (),
) -> Plan:
    """Match `mentees` with `mentors` (who have `spots`) for `objective` under `criteria`
    (`evaluate`), keeping each of `locks` (mentee index, mentor index) that is allowed and has
    a spot, in their order."""
    evaluation = evaluate(mentees, mentors, criteria, history, forbidden)
    kept, dropped, used = [], [], [0] * len(mentors)
    for i, j in locks:
        if not evaluation.allowed[i, j]:
            dropped.append((i, j, LOCK_NOT_ALLOWED))
        elif used[j] >= spots[j]:
            dropped.append((i, j, LOCK_NO_SPOT))
        else:
            used[j] += 1
            kept.append((i, j))
    assignment = assign(evaluation.fit, evaluation.allowed, spots, kept, objective)
    return Plan(
        evaluation=evaluation,
        assignment=assignment,
        mentees_left=explain_mentees(evaluation, assignment, spots),
        mentors_left=explain_mentors(evaluation, assignment, spots),
        reasons={
            (i, j): pair_reasons(mentees[i], mentors[j], criteria) for i, j in assignment.pairs
        },
        dropped_locks=dropped,
    )
