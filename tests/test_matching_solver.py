"""The matching workbench's assignment (app/matching_solver.py): optimal for each objective
against brute force on many small random instances, and never breaking a rule (allowed pairs
only, capacities, locks, each mentee once)."""

import random

import numpy as np
import pytest

from app.matching_solver import BEST_FIT, MOST_MATCHES, InvalidLock, assign

INSTANCES = 300


def brute_force(fit, allowed, capacities, locked, objective) -> tuple[int, int]:
    """The best (matched, total fit) for `objective`, found by trying every assignment."""
    mentees, mentors = allowed.shape
    forced = dict(locked)
    spots = list(capacities)
    for mentor in forced.values():
        spots[mentor] -= 1
    best = None

    def key(matched, total):
        return (matched, total) if objective == MOST_MATCHES else (total, matched)

    def walk(mentee, matched, total):
        nonlocal best
        if mentee == mentees:
            if best is None or key(matched, total) > key(*best):
                best = (matched, total)
            return
        if mentee in forced:
            mentor = forced[mentee]
            walk(mentee + 1, matched + 1, total + int(fit[mentee, mentor]))
            return
        walk(mentee + 1, matched, total)
        for mentor in range(mentors):
            if allowed[mentee, mentor] and spots[mentor] > 0:
                spots[mentor] -= 1
                walk(mentee + 1, matched + 1, total + int(fit[mentee, mentor]))
                spots[mentor] += 1

    walk(0, 0, 0)
    return best


def random_instance(rng: random.Random):
    mentees, mentors = rng.randint(0, 6), rng.randint(0, 4)
    density = rng.choice((0.2, 0.5, 0.8, 1.0))
    top = rng.choice((0, 1, 3, 10, 60))
    allowed = np.array(
        [[rng.random() < density for _ in range(mentors)] for _ in range(mentees)], dtype=bool
    ).reshape(mentees, mentors)
    fit = np.array(
        [[rng.randint(0, top) for _ in range(mentors)] for _ in range(mentees)], dtype=np.int64
    ).reshape(mentees, mentors)
    capacities = [rng.randint(0, 3) for _ in range(mentors)]
    locked, spots = [], list(capacities)
    for mentee in range(mentees):
        choices = [m for m in range(mentors) if allowed[mentee, m] and spots[m] > 0]
        if choices and rng.random() < 0.15:
            mentor = rng.choice(choices)
            spots[mentor] -= 1
            locked.append((mentee, mentor))
    return fit, allowed, capacities, locked


def check_rules(result, fit, allowed, capacities, locked):
    mentees_seen = [mentee for mentee, _ in result.pairs]
    assert len(mentees_seen) == len(set(mentees_seen)), "a mentee matched twice"
    for mentee, mentor in result.pairs:
        assert allowed[mentee, mentor], "a pair that is not allowed"
    load = result.load(len(capacities))
    assert all(load[m] <= capacities[m] for m in range(len(capacities))), "over capacity"
    assert set(locked) <= set(result.pairs), "a locked pair is missing"
    assert result.locked == frozenset(locked)
    assert result.total_fit == sum(int(fit[mentee, mentor]) for mentee, mentor in result.pairs)


@pytest.mark.parametrize("objective", [MOST_MATCHES, BEST_FIT])
def test_the_assignment_is_optimal_and_keeps_every_rule(objective):
    rng = random.Random(f"solver-{objective}")
    for _ in range(INSTANCES):
        fit, allowed, capacities, locked = random_instance(rng)
        result = assign(fit, allowed, capacities, locked, objective)
        check_rules(result, fit, allowed, capacities, locked)
        expected = brute_force(fit, allowed, capacities, locked, objective)
        assert (result.matched, result.total_fit) == expected, (fit, allowed, capacities, locked)


def test_most_matches_gives_up_fit_for_one_more_match():
    # Mentor 0 fits mentee 0 best, but only mentor 0 can take mentee 1.
    fit = np.array([[9, 1], [2, 0]])
    allowed = np.array([[True, True], [True, False]])
    assert assign(fit, allowed, [1, 1], objective=MOST_MATCHES).pairs == ((0, 1), (1, 0))
    assert assign(fit, allowed, [1, 1], objective=BEST_FIT).pairs == ((0, 0),)


def test_best_fit_still_prefers_more_matches_when_the_fit_is_equal():
    fit = np.array([[0, 0], [0, 0]])
    allowed = np.ones((2, 2), dtype=bool)
    assert assign(fit, allowed, [1, 1], objective=BEST_FIT).matched == 2


def test_a_mentor_takes_as_many_mentees_as_their_capacity():
    fit = np.array([[5], [4], [3]])
    allowed = np.ones((3, 1), dtype=bool)
    result = assign(fit, allowed, [2])
    assert result.pairs == ((0, 0), (1, 0))
    assert result.total_fit == 9


def test_locks_count_against_capacity():
    fit = np.array([[1], [9]])
    allowed = np.ones((2, 1), dtype=bool)
    assert assign(fit, allowed, [1], locked=[(0, 0)]).pairs == ((0, 0),)


@pytest.mark.parametrize(
    ("locked", "capacities", "message"),
    [
        ([(0, 1)], [1, 1], "not allowed"),
        ([(0, 0), (0, 0)], [2, 1], "locked twice"),
        ([(0, 0), (1, 0)], [1, 1], "more locks than spots"),
        ([(5, 0)], [1, 1], "outside the pool"),
    ],
)
def test_a_lock_that_breaks_a_rule_is_refused(locked, capacities, message):
    allowed = np.array([[True, False], [True, True]])
    with pytest.raises(InvalidLock, match=message):
        assign(np.zeros((2, 2)), allowed, capacities, locked=locked)


def test_empty_pools():
    assert assign(np.zeros((0, 3)), np.zeros((0, 3), dtype=bool), [1, 1, 1]).pairs == ()
    assert assign(np.zeros((3, 0)), np.zeros((3, 0), dtype=bool), []).pairs == ()
    assert assign(np.zeros((2, 2)), np.ones((2, 2), dtype=bool), [0, 0]).pairs == ()


def test_fits_too_large_to_add_exactly_are_refused():
    with pytest.raises(ValueError, match="exactly"):
        assign(np.full((2, 2), 2**52), np.ones((2, 2), dtype=bool), [1, 1])


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="objective"):
        assign(np.zeros((1, 1)), np.ones((1, 1), dtype=bool), [1], objective="luck")
    with pytest.raises(ValueError, match="below 0"):
        assign(np.full((1, 1), -1), np.ones((1, 1), dtype=bool), [1])
    with pytest.raises(ValueError, match="same mentors"):
        assign(np.zeros((1, 2)), np.ones((1, 2), dtype=bool), [1])
