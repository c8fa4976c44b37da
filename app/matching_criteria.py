"""What the committee asks of a match in the matching workbench, and why anyone is left out:
pure code (numpy; no Flask, no database session).

For a run each of CRITERIA is required, preferred with a weight from 0 to 10, or ignored
(`Criteria`). `evaluate` compares every mentee of a pool with every mentor at once, as numpy
arrays, so that pools of thousands take a moment: which criteria each pair meets, which pairs
are allowed (every required criterion met, no conflict of interest, not a pair the committee
removed, not a member with themself) and the fit of each pair: the weights of the preferred
criteria it meets, added up. `pair_reasons` says why one pair fits; `explain_mentees` and
`explain_mentors` say, from the same arrays, why a mentee or a mentor's spots are left out of
an assignment and what would help; `describe` writes those explanations for people.

Conflicts of interest are never matched, whatever the criteria: the same employer
(`app.matching.same_employer`), and a pair whose mentor declined the mentee before or whose
mentorship ended early.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np

from app.matching import Member, Term, name_key, normalise_employer
from app.matching_solver import Assignment, assign

REQUIRED, PREFERRED, IGNORED = "required", "preferred", "ignored"
MODES = {REQUIRED: "Required", PREFERRED: "Preferred", IGNORED: "Ignored"}
WEIGHT_MAX = 10
GAP_MAX = 40


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    hint: str  # what meeting it means
    # What a member's profile lists for it, for "none listed": None for a criterion every
    # eligible profile meets the need of (a region, a number of years).
    listed_as: str | None


EXPERTISE = "expertise"
SECTOR = "sector"
REGION = "region"
LANGUAGE = "language"
CONTACT = "contact"
EXPERIENCE = "experience"

CRITERIA = (
    Criterion(
        EXPERTISE,
        "Expertise and objectives",
        "The mentor offers an objective the mentee seeks, or knows an area they want to "
        "learn about.",
        "objective or area of expertise",
    ),
    Criterion(SECTOR, "Sector", "They share a library sector.", "sector"),
    Criterion(REGION, "Region", "They live in the same region.", None),
    Criterion(LANGUAGE, "Language", "They share a language.", "language"),
    Criterion(CONTACT, "Ways to meet", "They share a way to meet.", "way to meet"),
    Criterion(
        EXPERIENCE,
        "Experience gap",
        "The mentor has at least the chosen number of years of library experience more than "
        "the mentee.",
        None,
    ),
)
CRITERIA_BY_CODE = {criterion.code: criterion for criterion in CRITERIA}


@dataclass(frozen=True)
class Setting:
    mode: str
    weight: int = 0  # counts for a preferred criterion only


@dataclass(frozen=True)
class Criteria:
    """A setting for each of CRITERIA, and the gap in years the experience criterion asks."""

    settings: Mapping[str, Setting]
    experience_gap: int = 3

    def setting(self, code: str) -> Setting:
        return self.settings.get(code, Setting(IGNORED))

    @cached_property
    def required(self) -> list[str]:
        return [c.code for c in CRITERIA if self.setting(c.code).mode == REQUIRED]

    @cached_property
    def preferred(self) -> list[tuple[str, int]]:
        return [
            (c.code, self.setting(c.code).weight)
            for c in CRITERIA
            if self.setting(c.code).mode == PREFERRED
        ]

    @cached_property
    def used(self) -> list[str]:
        """The criteria that are not ignored, in CRITERIA's order."""
        return [c.code for c in CRITERIA if self.setting(c.code).mode != IGNORED]

    def as_json(self) -> dict:
        return {code: [s.mode, s.weight] for code, s in self.settings.items()}

    @classmethod
    def from_json(cls, data: Mapping, experience_gap: int) -> "Criteria":
        return cls(
            {code: Setting(mode, int(weight)) for code, (mode, weight) in data.items()},
            experience_gap,
        )


DEFAULT_CRITERIA = Criteria(
    {
        EXPERTISE: Setting(PREFERRED, 8),
        SECTOR: Setting(PREFERRED, 5),
        REGION: Setting(PREFERRED, 3),
        LANGUAGE: Setting(PREFERRED, 4),
        CONTACT: Setting(PREFERRED, 2),
        EXPERIENCE: Setting(PREFERRED, 2),
    },
    experience_gap=3,
)

# Why a pair with a conflict of interest is never made (the kinds of history with a pair).
DECLINED = "declined"
ENDED_EARLY = "ended_early"


# --- one pair -----------------------------------------------------------------------------


def _names(terms: Iterable[Term]) -> str:
    return "; ".join(term.name for term in sorted(terms))


def _years(n: int) -> str:
    return f"{n} year{'' if n == 1 else 's'}"


def _meets(code: str, mentee: Member, mentor: Member, gap: int) -> tuple[bool, str]:
    """Whether the pair meets criterion `code`, and what it shares (or why not)."""
    if code == EXPERTISE:
        objectives = mentee.objectives & mentor.objectives
        areas = mentee.expertise & mentor.expertise
        parts = []
        if objectives:
            parts.append(f"Objectives: {_names(objectives)}")
        if areas:
            parts.append(f"Expertise: {_names(areas)}")
        if parts:
            return True, " · ".join(parts)
        return False, "No objective or area of expertise in common"
    if code == REGION:
        same = mentee.region is not None and mentee.region == mentor.region
        return (True, mentor.region.name) if same else (False, "Not the same region")
    if code == EXPERIENCE:
        theirs, mine = mentor.years_experience, mentee.years_experience or 0
        if theirs is None:
            return False, "The mentor's experience is not known"
        met = theirs - mine >= gap
        detail = f"{_years(theirs)} and {_years(mine)}: {theirs - mine} more"
        return met, detail if met else f"{detail}, {gap} asked"
    shared = {
        SECTOR: (mentee.sectors & mentor.sectors, "No sector in common"),
        LANGUAGE: (mentee.languages & mentor.languages, "No language in common"),
        CONTACT: (mentee.contact_methods & mentor.contact_methods, "No way to meet in common"),
    }
    terms, missing = shared[code]
    return (True, _names(terms)) if terms else (False, missing)


class PairReason(NamedTuple):
    """One criterion of a pair: met or not, the points it gave, what they share. A tuple, so
    that a draft's thousands of stored reasons read back cheaply."""

    code: str
    met: bool
    points: int
    detail: str
    required: bool = False

    @property
    def label(self) -> str:
        return CRITERIA_BY_CODE[self.code].label


def reasons_in_words(reasons: Iterable) -> tuple[str, str]:
    """What a pair shares, with the points each criterion gave ("Sector: Public libraries
    (+5); Language: French (required)"), and the preferred criteria it misses ("Region").
    `reasons` are PairReasons, or the lists they are stored as."""
    shared, missed = [], []
    for code, met, points, detail, required in reasons:
        label = CRITERIA_BY_CODE[code].label
        if not met:
            missed.append(label)
        elif points:
            shared.append(f"{label}: {detail} (+{points})")
        elif required:
            shared.append(f"{label}: {detail} (required)")
        else:
            shared.append(f"{label}: {detail}")
    return "; ".join(shared), "; ".join(missed)


def pair_reasons(mentee: Member, mentor: Member, criteria: Criteria) -> tuple[PairReason, ...]:
    """Each criterion the run uses, for this pair: the points first (most first), then the
    required criteria met, then the preferred ones missed; CRITERIA's order within each."""
    reasons = []
    for code in criteria.used:
        setting = criteria.setting(code)
        met, detail = _meets(code, mentee, mentor, criteria.experience_gap)
        points = setting.weight if met and setting.mode == PREFERRED else 0
        reasons.append(PairReason(code, met, points, detail, setting.mode == REQUIRED))
    order = {code: index for index, code in enumerate(criteria.used)}
    reasons.sort(key=lambda r: (-r.points, not r.met, not r.required, order[r.code]))
    return tuple(reasons)


def pair_fit(reasons: Iterable[PairReason]) -> int:
    return sum(reason.points for reason in reasons)


# --- the whole pool at once ---------------------------------------------------------------


@dataclass
class Evaluation:
    """Every (mentee, mentor) pair of a pool, as arrays of shape (mentees, mentors)."""

    mentees: Sequence[Member]
    mentors: Sequence[Member]
    criteria: Criteria
    met: dict[str, np.ndarray]  # each criterion the run uses: the pairs that meet it
    same_person: np.ndarray
    same_employer: np.ndarray
    declined: np.ndarray
    ended_early: np.ndarray
    forbidden: np.ndarray  # pairs the committee removed
    excluded: np.ndarray  # never made: a member with themself, conflicts, removed pairs
    required_ok: np.ndarray  # every required criterion met
    allowed: np.ndarray
    fit: np.ndarray


# Rows of mentees compared at a time, so that the temporary arrays stay small.
_BLOCK = 256


def _masks(members: Sequence[Member], fields: tuple[str, ...], index: dict) -> np.ndarray:
    """Each member's entries of `fields` as bits: (members, words) unsigned 64-bit words."""
    words = max(1, -(-len(index) // 64))
    masks = np.zeros((len(members), words), dtype=np.uint64)
    for row, member in enumerate(members):
        for field_name in fields:
            for term in getattr(member, field_name):
                bit = index[(field_name, term.id)]
                masks[row, bit // 64] |= np.uint64(1 << (bit % 64))
    return masks


def _share_any(mentees: Sequence[Member], mentors: Sequence[Member], *fields: str) -> np.ndarray:
    """Whether each pair has an entry of `fields` in common (the same entry of the same
    field): a bitwise AND of their entries, a block of mentees at a time."""
    keys = {(f, term.id) for m in (*mentees, *mentors) for f in fields for term in getattr(m, f)}
    index = {key: bit for bit, key in enumerate(sorted(keys))}
    theirs = _masks(mentors, fields, index)
    mine = _masks(mentees, fields, index)
    shared = np.zeros((len(mentees), len(mentors)), dtype=bool)
    for start in range(0, len(mentees), _BLOCK):
        block = shared[start : start + _BLOCK]
        for word in range(mine.shape[1]):
            block |= (mine[start : start + _BLOCK, word, None] & theirs[None, :, word]) != 0
    return shared


def _equal_codes(left: Sequence, right: Sequence) -> np.ndarray:
    """left[i] == right[j] for every pair, None never equal to anything."""
    codes: dict = {}
    a = np.array([codes.setdefault(v, len(codes)) if v is not None else -1 for v in left])
    b = np.array([codes.setdefault(v, len(codes)) if v is not None else -2 for v in right])
    return a.reshape(-1, 1) == b.reshape(1, -1)


def _pairs_matrix(mentees, mentors, pairs: Iterable[tuple[int, int]]) -> np.ndarray:
    rows = {member.id: index for index, member in enumerate(mentees)}
    columns = {member.id: index for index, member in enumerate(mentors)}
    matrix = np.zeros((len(mentees), len(mentors)), dtype=bool)
    for mentee_id, mentor_id in pairs:
        if mentee_id in rows and mentor_id in columns:
            matrix[rows[mentee_id], columns[mentor_id]] = True
    return matrix


def _met(code: str, mentees, mentors, gap: int) -> np.ndarray:
    if code == EXPERTISE:
        return _share_any(mentees, mentors, "objectives", "expertise")
    if code == REGION:
        return _equal_codes(
            [m.region.id if m.region else None for m in mentees],
            [m.region.id if m.region else None for m in mentors],
        )
    if code == EXPERIENCE:
        mine = np.array([m.years_experience or 0 for m in mentees], dtype=np.int64)
        theirs = np.array(
            [m.years_experience if m.years_experience is not None else -(10**6) for m in mentors],
            dtype=np.int64,
        )
        return theirs.reshape(1, -1) - mine.reshape(-1, 1) >= gap
    field_name = {SECTOR: "sectors", LANGUAGE: "languages", CONTACT: "contact_methods"}[code]
    return _share_any(mentees, mentors, field_name)


def evaluate(
    mentees: Sequence[Member],
    mentors: Sequence[Member],
    criteria: Criteria,
    history: Mapping[tuple[int, int], Iterable[str]] | None = None,
    forbidden: Iterable[tuple[int, int]] = (),
) -> Evaluation:
    """Compare every mentee with every mentor under `criteria`.

    `history` maps (mentee id, mentor id) to what happened between them before (DECLINED,
    ENDED_EARLY): such a pair is a conflict of interest. `forbidden` holds the (mentee id,
    mentor id) pairs the committee removed.
    """
    shape = (len(mentees), len(mentors))
    met = {code: _met(code, mentees, mentors, criteria.experience_gap) for code in criteria.used}
    required_ok = np.ones(shape, dtype=bool)
    for code in criteria.required:
        required_ok &= met[code]
    fit = np.zeros(shape, dtype=np.int32)  # at most 6 x 10
    for code, weight in criteria.preferred:
        fit[met[code]] += weight
    history = history or {}
    same_person = _equal_codes([m.id for m in mentees], [m.id for m in mentors])
    same_employer = _equal_codes(
        [normalise_employer(m.employer) or None for m in mentees],
        [normalise_employer(m.employer) or None for m in mentors],
    )
    declined = _pairs_matrix(mentees, mentors, (p for p, k in history.items() if DECLINED in k))
    ended_early = _pairs_matrix(
        mentees, mentors, (p for p, k in history.items() if ENDED_EARLY in k)
    )
    removed = _pairs_matrix(mentees, mentors, forbidden)
    excluded = same_person | same_employer | declined | ended_early | removed
    return Evaluation(
        mentees=mentees,
        mentors=mentors,
        criteria=criteria,
        met=met,
        same_person=same_person,
        same_employer=same_employer,
        declined=declined,
        ended_early=ended_early,
        forbidden=removed,
        excluded=excluded,
        required_ok=required_ok,
        allowed=required_ok & ~excluded,
        fit=fit,
    )


# --- why someone is left out --------------------------------------------------------------

# Mentees
NO_MENTORS = "no_mentors"  # no mentor in the pool
NO_MENTOR_MEETS = "no_mentor_meets"  # a required criterion no mentor meets
NO_MENTOR_MEETS_ALL = "no_mentor_meets_all"  # each is met by some, all together by none
MENTORS_EXCLUDED = "mentors_excluded"  # the mentors who fit are conflicts (or removed)
MENTORS_FULL = "mentors_full"  # the mentors who fit have no spot left
MENTORS_FREE = "mentors_free"  # a mentor who fits still has a spot (after a change by hand)
PAIR_REMOVED = "pair_removed"  # the committee removed the mentee's pair
# Mentors
NO_MENTEES = "no_mentees"
NO_MENTEE_MEETS = "no_mentee_meets"
NO_MENTEE_MEETS_ALL = "no_mentee_meets_all"
MENTEES_EXCLUDED = "mentees_excluded"
MENTEES_MATCHED = "mentees_matched"  # every mentee who fits has another mentor
MENTEES_WAITING = "mentees_waiting"  # a mentee who fits has no mentor (after a change by hand)
SPOT_FREED = "spot_freed"  # the committee's change left a spot


@dataclass(frozen=True)
class LeftOut:
    """Why a mentee has no mentor, or a mentor has spots left: a code, plain values (counts,
    criteria codes, the member's own entries) and the member the fix names, if any."""

    code: str
    detail: dict = field(default_factory=dict)
    suggested: int | None = None  # a member id


def _value_text(code: str, member: Member, gap: int, as_mentee: bool) -> str:
    """What `member` brings to criterion `code`, e.g. "French" or "none listed"."""
    if code == EXPERTISE:
        terms = member.objectives | member.expertise
    elif code == REGION:
        return member.region.name if member.region else "none given"
    elif code == EXPERIENCE:
        years = member.years_experience or 0
        if as_mentee:
            return f"at least {gap} more than their {_years(years)}"
        return f"at least {gap} fewer than their {_years(years)}"
    else:
        terms = {
            SECTOR: member.sectors,
            LANGUAGE: member.languages,
            CONTACT: member.contact_methods,
        }[code]
    return _names(terms) if terms else ""


def _by_name(member: Member) -> tuple[str, int]:
    return name_key(member.name), member.id


class _Side:
    """The arrays of an evaluation seen from the mentees (rows) or the mentors (columns)."""

    def __init__(self, evaluation: Evaluation, as_mentee: bool):
        self.as_mentee = as_mentee
        self.evaluation = evaluation

        def view(matrix):
            return matrix if as_mentee else matrix.T

        self.met = {code: view(matrix) for code, matrix in evaluation.met.items()}
        self.not_self = ~view(evaluation.same_person)
        self.required_ok = view(evaluation.required_ok)
        self.allowed = view(evaluation.allowed)
        self.excluded = view(evaluation.excluded)
        self.same_employer = view(evaluation.same_employer)
        self.declined = view(evaluation.declined)
        self.ended_early = view(evaluation.ended_early)
        self.forbidden = view(evaluation.forbidden)
        self.fit = view(evaluation.fit)
        self.members = evaluation.mentees if as_mentee else evaluation.mentors
        self.others = evaluation.mentors if as_mentee else evaluation.mentees
        # Each member of the other side's place in name order (then id), to break ties.
        order = sorted(range(len(self.others)), key=lambda k: _by_name(self.others[k]))
        self.name_rank = np.empty(len(self.others), dtype=np.int64)
        self.name_rank[order] = np.arange(len(self.others))

    def explain(self, index: int, others_taken: np.ndarray) -> LeftOut:
        """Why member `index` of this side is left out; `others_taken[k]` says whether member k
        of the other side has no room for them (a full mentor, a matched mentee)."""
        codes = _CODES[self.as_mentee]
        criteria = self.evaluation.criteria
        not_self = self.not_self[index]
        total = int(not_self.sum())
        if total == 0:
            return LeftOut(codes["none"])
        counts = {code: int((self.met[code][index] & not_self).sum()) for code in criteria.required}
        member = self.members[index]
        gap = criteria.experience_gap
        zero = [code for code, count in counts.items() if count == 0]
        if zero:
            values = {code: _value_text(code, member, gap, self.as_mentee) for code in zero}
            return LeftOut(codes["meets"], {"criteria": zero, "values": values, "of": total})
        fitting = self.required_ok[index] & not_self
        relax, would_fit = self._best_relaxation(index)
        if not fitting.any():
            detail = {"counts": counts, "of": total, "relax": relax, "would_fit": would_fit}
            return LeftOut(codes["meets_all"], detail)
        allowed = self.allowed[index]
        if not allowed.any():
            detail = {
                "fitting": int(fitting.sum()),
                "same_employer": int((fitting & self.same_employer[index]).sum()),
                DECLINED: int((fitting & self.declined[index]).sum()),
                ENDED_EARLY: int((fitting & self.ended_early[index]).sum()),
                "forbidden": int((fitting & self.forbidden[index]).sum()),
                "relax": relax,
                "would_fit": would_fit,
            }
            return LeftOut(codes["excluded"], detail)
        room = allowed & ~others_taken
        candidates = room if room.any() else allowed
        best = self._best_of(index, candidates)
        detail = {"fitting": int(allowed.sum()), "with_room": int(room.sum())}
        if self.as_mentee:
            return LeftOut(MENTORS_FREE if room.any() else MENTORS_FULL, detail, best)
        return LeftOut(MENTEES_WAITING if room.any() else MENTEES_MATCHED, detail, best)

    def _best_relaxation(self, index: int) -> tuple[str | None, int]:
        """The required criterion whose relaxation (preferred instead) lets the most members
        of the other side be allowed, and how many; (None, 0) when none would."""
        criteria = self.evaluation.criteria
        available = self.not_self[index] & ~self.excluded[index]
        best, most = None, 0
        for relaxed in criteria.required:
            fitting = available.copy()
            for code in criteria.required:
                if code != relaxed:
                    fitting &= self.met[code][index]
            count = int(fitting.sum())
            if count > most:
                best, most = relaxed, count
        return best, most

    def _best_of(self, index: int, candidates: np.ndarray) -> int:
        """The id of the best-fitting candidate (then by name, then id)."""
        fit = self.fit[index]
        best = candidates & (fit == fit[candidates].max())
        positions = np.flatnonzero(best)
        return self.others[int(positions[np.argmin(self.name_rank[positions])])].id


_CODES = {
    True: {
        "none": NO_MENTORS,
        "meets": NO_MENTOR_MEETS,
        "meets_all": NO_MENTOR_MEETS_ALL,
        "excluded": MENTORS_EXCLUDED,
    },
    False: {
        "none": NO_MENTEES,
        "meets": NO_MENTEE_MEETS,
        "meets_all": NO_MENTEE_MEETS_ALL,
        "excluded": MENTEES_EXCLUDED,
    },
}


def explain_mentees(
    evaluation: Evaluation, assignment: Assignment, capacities: Sequence[int]
) -> dict[int, LeftOut]:
    """{mentee index: why} for every mentee the assignment leaves without a mentor."""
    matched = assignment.mentor_of()
    full = assignment.load(len(evaluation.mentors)) >= np.asarray(capacities, dtype=np.int64)
    side = _Side(evaluation, as_mentee=True)
    return {
        index: side.explain(index, full)
        for index in range(len(evaluation.mentees))
        if index not in matched
    }


def explain_mentors(
    evaluation: Evaluation, assignment: Assignment, capacities: Sequence[int]
) -> dict[int, tuple[int, LeftOut]]:
    """{mentor index: (spots left, why)} for every mentor the assignment leaves spots to."""
    load = assignment.load(len(evaluation.mentors))
    matched = np.zeros(len(evaluation.mentees), dtype=bool)
    for mentee, _ in assignment.pairs:
        matched[mentee] = True
    side = _Side(evaluation, as_mentee=False)
    totals = {"spots": int(sum(capacities)), "mentees": len(evaluation.mentees)}
    explained = {}
    for index in range(len(evaluation.mentors)):
        if capacities[index] > load[index]:
            why = side.explain(index, matched)
            if why.code == MENTEES_MATCHED:
                why = LeftOut(why.code, {**why.detail, **totals}, why.suggested)
            explained[index] = (int(capacities[index] - load[index]), why)
    return explained


# --- a whole run ------------------------------------------------------------------------------

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


# --- the explanations, in words -------------------------------------------------------------


def _label(code: str) -> str:
    return CRITERIA_BY_CODE[code].label


def counted(n: int, noun: str) -> str:
    """ "1 mentor", "3 mentors", "1,200 spots"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _relax_fix(detail: Mapping, role: str) -> str | None:
    if not detail.get("relax") or not detail.get("would_fit"):
        return None
    return (
        f"Making {_label(detail['relax'])} preferred instead of required would let "
        f"{counted(detail['would_fit'], role)} fit."
    )


def _unmet(detail: Mapping, role: str) -> tuple[str, str]:
    parts, fixes = [], []
    for code in detail["criteria"]:
        label, value = _label(code), detail["values"].get(code) or ""
        listed_as = CRITERIA_BY_CODE[code].listed_as
        parts.append(f"{label}: {value or f'no {listed_as} listed'} (0 of {detail['of']:,})")
        if not value and listed_as:
            fixes.append(
                f"Their profile lists no {listed_as}: ask them to add one, or make {label} "
                "preferred instead of required."
            )
        else:
            fixes.append(f"Make {label} preferred instead of required.")
    return f"No {role} meets " + "; nor ".join(parts) + ".", " ".join(fixes)


def _excluded(detail: Mapping, role: str) -> tuple[str, str | None]:
    fitting = detail["fitting"]
    as_mentee = role == "mentor"  # the left-out member is a mentee: the others are mentors
    kinds = [
        ("same_employer", "at the same employer"),
        (DECLINED, "declined them before" if as_mentee else "they declined before"),
        (ENDED_EARLY, "ended a mentorship early with them"),
        ("forbidden", "removed by you from this draft"),
    ]
    found = [(detail.get(kind, 0), words) for kind, words in kinds if detail.get(kind, 0)]
    if detail.get("same_employer") == fitting and len(found) == 1:
        reason = f"Only same-employer {role}s fit ({fitting:,})."
    else:
        listed = ", ".join(f"{n:,} {words}" for n, words in found)
        who = (
            f"The one {role} who fits is"
            if fitting == 1
            else f"The {fitting:,} {role}s who fit are all"
        )
        reason = f"{who} excluded: {listed}."
    fix = _relax_fix(detail, role)
    if fix is None and detail.get("forbidden"):
        fix = f"Choose a {role} by hand, or re-run without removing that pair."
    if fix is None:
        fix = f"Conflicts of interest are always excluded: another {role} who fits is needed."
    return reason, fix


def _still_room(detail: Mapping, role: str, verb: str) -> str:
    n = detail["with_room"]
    return f"{counted(n, role)} who fit still {verb if n == 1 else verb.replace('has', 'have')}"


def describe(left_out: LeftOut, name_of: Callable[[int | None], str]) -> tuple[str, str | None]:
    """The reason and the fix (None: nothing to suggest) of `left_out`, in words.
    `name_of(member id)` gives the name to show of the member the fix names."""
    detail, code = left_out.detail, left_out.code
    if code == NO_MENTORS:
        return "No mentor in the pool has an open spot.", "Mentors with a spot left are needed."
    if code == NO_MENTEES:
        return "No mentee is in the pool.", None
    if code in (NO_MENTOR_MEETS, NO_MENTEE_MEETS):
        return _unmet(detail, "mentor" if code == NO_MENTOR_MEETS else "mentee")
    if code in (NO_MENTOR_MEETS_ALL, NO_MENTEE_MEETS_ALL):
        role = "mentor" if code == NO_MENTOR_MEETS_ALL else "mentee"
        counts = "; ".join(
            f"{_label(c)}: {n:,} of {detail['of']:,}" for c, n in detail["counts"].items()
        )
        reason = f"No {role} meets every required criterion at once ({counts})."
        return reason, _relax_fix(detail, role)
    if code in (MENTORS_EXCLUDED, MENTEES_EXCLUDED):
        return _excluded(detail, "mentor" if code == MENTORS_EXCLUDED else "mentee")
    name = name_of(left_out.suggested)
    fitting = detail.get("fitting", 0)
    if code == MENTORS_FULL:
        if fitting == 1:
            reason = f"The one mentor who fits, {name}, is full."
        else:
            reason = f"{fitting:,} mentors fit, all full."
        return reason, f"One more spot for {name} would match this mentee."
    if code == MENTORS_FREE:
        return _still_room(detail, "mentor", "has a spot") + " in this draft.", (
            f"Choose {name}, or re-run."
        )
    if code == MENTEES_MATCHED:
        if fitting == 1:
            reason = "The one mentee who fits has another mentor in this draft."
        else:
            reason = f"The {fitting:,} mentees who fit all have other mentors in this draft."
        fix = None
        if detail.get("spots", 0) > detail.get("mentees", 0):
            fix = (
                f"Nothing to fix: the pool has more open spots ({detail['spots']:,}) than "
                f"mentees ({detail['mentees']:,})."
            )
        return reason, fix
    if code == MENTEES_WAITING:
        return _still_room(detail, "mentee", "has no mentor") + " in this draft.", (
            f"Choose {name}, or re-run."
        )
    if code == PAIR_REMOVED:
        return (
            f"You removed their pair with {name}.",
            "Choose another mentor, or re-run: the pair you removed is not proposed again.",
        )
    if code == SPOT_FREED:
        return "A spot was freed when you changed the draft.", "Choose a mentee, or re-run."
    raise ValueError(f"unknown explanation {code!r}")
