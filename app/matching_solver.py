"""The optimal assignment of mentees to mentors who each take up to their capacity: pure code
(numpy and scipy; no Flask, no database session).

`assign` takes the fit of every (mentee, mentor) pair, which pairs are allowed, each mentor's
capacity, the pairs locked in beforehand and the objective, and returns an assignment that no
other beats for that objective:

- MOST_MATCHES: as many mentees matched as possible, then the best total fit among those;
- BEST_FIT: the best total fit, then as many mentees matched as possible among those.

The method. Each mentor becomes one column per spot left once the locked pairs are counted,
each mentee not locked one row, and `scipy.optimize.linear_sum_assignment` (an exact shortest
augmenting path algorithm) finds the assignment of rows to columns of the largest value. The
objective is folded into the value of each pair with whole numbers, so that it is compared in
order (lexicographically):

- MOST_MATCHES: value = BIG + fit, with BIG larger than any total fit: one more match
  outweighs every difference in fit;
- BEST_FIT: value = fit * K + 1, with K larger than the number of pairs: the fit decides, and
  the one point per pair only breaks ties in favour of more matches.

A pair that is not allowed is worth 0, as much as leaving the mentee out. An assignment of rows
to columns then holds a set of allowed pairs worth the same, and every set of allowed pairs can
be completed into an assignment by pairs worth 0, so the best assignment gives the best set of
pairs. The values stay below 2**53, where floating point adds whole numbers exactly.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from app.committee.messages import N_

MOST_MATCHES = "most_matches"
BEST_FIT = "best_fit"
# What a run aims for (msgids: the pages translate them).
OBJECTIVES = {
    MOST_MATCHES: N_("Match as many mentees as possible, then the best total fit"),
    BEST_FIT: N_("The best total fit only"),
}

_EXACT_LIMIT = 2**53


class InvalidLock(ValueError):
    """A locked pair that can't be kept: not allowed, a mentee locked twice, or more locks
    than a mentor's capacity."""


@dataclass(frozen=True)
class Assignment:
    """Pairs as (mentee index, mentor index), by mentee; the locked ones among them."""

    pairs: tuple[tuple[int, int], ...]
    total_fit: int
    locked: frozenset[tuple[int, int]] = frozenset()

    @property
    def matched(self) -> int:
        return len(self.pairs)

    def mentor_of(self) -> dict[int, int]:
        """{mentee index: mentor index} of the matched mentees."""
        return dict(self.pairs)

    def load(self, mentors: int) -> np.ndarray:
        """How many mentees each of the `mentors` mentors has."""
        taken = np.zeros(mentors, dtype=np.int64)
        for _, mentor in self.pairs:
            taken[mentor] += 1
        return taken


def assign(
    fit: np.ndarray,
    allowed: np.ndarray,
    capacities: Sequence[int],
    locked: Iterable[tuple[int, int]] = (),
    objective: str = MOST_MATCHES,
) -> Assignment:
    """The best assignment for `objective` (see the module's docstring).

    `fit` holds whole numbers of at least 0, `allowed` booleans, both of shape (mentees,
    mentors); `capacities` one whole number per mentor. Every pair of `locked` is kept and
    counts against its mentor's capacity; a lock that is not allowed, a mentee locked twice, or
    more locks than a capacity raises InvalidLock.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}")
    fit = np.asarray(fit)
    allowed = np.asarray(allowed, dtype=bool)
    mentees, mentors = allowed.shape
    if fit.shape != allowed.shape or len(capacities) != mentors:
        raise ValueError("fit, allowed and capacities don't describe the same mentors")
    if (fit < 0).any():
        raise ValueError("a fit is below 0")
    locks = _checked_locks(locked, allowed, capacities)
    spots = np.asarray(capacities, dtype=np.int64) - _count_by_mentor(locks, mentors)

    free = np.ones(mentees, dtype=bool)
    free[[mentee for mentee, _ in locks]] = False
    usable = allowed & free[:, None] & (spots > 0)[None, :]
    rows = np.flatnonzero(usable.any(axis=1))
    open_mentors = np.flatnonzero(usable.any(axis=0))
    # One column per spot: the column's index into `open_mentors`, repeated per spot.
    seats = np.repeat(np.arange(open_mentors.size), spots[open_mentors])
    pairs = list(locks)
    if rows.size and seats.size:
        # Imported here: scipy.optimize takes a second or two to import, which every start of
        # the application (web workers, commands, tests) would pay for the workbench's sake.
        from scipy.optimize import linear_sum_assignment

        most_pairs = min(rows.size, seats.size)
        costs = _costs(
            fit[np.ix_(rows, open_mentors)],
            usable[np.ix_(rows, open_mentors)],
            objective,
            most_pairs,
        )
        # The costs are the values negated, so that the smallest total is the best: asking
        # linear_sum_assignment to maximize would make it copy the whole matrix to negate it.
        chosen_rows, chosen_seats = linear_sum_assignment(costs[:, seats])
        for row, seat in zip(chosen_rows, chosen_seats, strict=True):
            mentee, mentor = int(rows[row]), int(open_mentors[seats[seat]])
            if usable[mentee, mentor]:
                pairs.append((mentee, mentor))
    pairs.sort()
    return Assignment(
        pairs=tuple(pairs),
        total_fit=sum(int(fit[mentee, mentor]) for mentee, mentor in pairs),
        locked=frozenset(locks),
    )


def _checked_locks(locked, allowed: np.ndarray, capacities: Sequence[int]) -> list:
    locks, seen = [], set()
    mentees, mentors = allowed.shape
    for mentee, mentor in locked:
        if not (0 <= mentee < mentees and 0 <= mentor < mentors):
            raise InvalidLock(f"locked pair {(mentee, mentor)} is outside the pool")
        if mentee in seen:
            raise InvalidLock(f"mentee {mentee} is locked twice")
        if not allowed[mentee, mentor]:
            raise InvalidLock(f"locked pair {(mentee, mentor)} is not allowed")
        seen.add(mentee)
        locks.append((int(mentee), int(mentor)))
    over = _count_by_mentor(locks, mentors) > np.asarray(capacities, dtype=np.int64)
    if over.any():
        raise InvalidLock(f"mentor {int(np.flatnonzero(over)[0])} has more locks than spots")
    return locks


def _count_by_mentor(pairs, mentors: int) -> np.ndarray:
    counts = np.zeros(mentors, dtype=np.int64)
    for _, mentor in pairs:
        counts[mentor] += 1
    return counts


def _costs(fit: np.ndarray, usable: np.ndarray, objective: str, most_pairs: int) -> np.ndarray:
    """Each pair's value for `objective`, negated, when at most `most_pairs` pairs can be made;
    0 for a pair that can't be made. Computed in place: one float64 matrix."""
    largest_fit = int(fit.max(initial=0))
    costs = fit.astype(np.float64)
    if objective == MOST_MATCHES:
        big = largest_fit * most_pairs + 1
        costs += big
        best_total = (big + largest_fit) * most_pairs
    else:
        k = most_pairs + 1
        costs *= k
        costs += 1
        best_total = (largest_fit * k + 1) * most_pairs
    if best_total >= _EXACT_LIMIT:
        raise ValueError("the fits are too large to be added exactly")
    np.negative(costs, out=costs)
    costs[~usable] = 0.0
    return costs
