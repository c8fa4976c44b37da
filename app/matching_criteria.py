"""What the committee asks of a match in the matching workbench: pure code (numpy; no Flask,
no database session).

For a run each of CRITERIA is required, preferred with a weight from 0 to 10, or ignored
(`Criteria`). `evaluate` compares every mentee of a pool with every mentor at once, as numpy
arrays, so that pools of thousands take a moment: which criteria each pair meets, which pairs
are allowed (every required criterion met, no conflict of interest, not a pair the committee
removed, not a member with themself) and the fit of each pair: the weights of the preferred
criteria it meets, added up. `pair_reasons` says why one pair fits. Why anyone is left out of
an assignment is `app.matching_explanations`; a whole run, `app.matching_plan`.

Labels, details and reasons are Phrases (`app.phrases`): English strs that pages show in
their own language.

Conflicts of interest are never matched, whatever the criteria: the same employer
(`app.matching.same_employer`), and a pair whose mentor declined the mentee before or whose
mentorship ended early.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from app.matching import Member, Term, normalise_employer
from app.phrases import N_, Phrase, ngettext

REQUIRED, PREFERRED, IGNORED = "required", "preferred", "ignored"
MODES = {
    REQUIRED: Phrase(N_("Required")),
    PREFERRED: Phrase(N_("Preferred")),
    IGNORED: Phrase(N_("Ignored")),
}
WEIGHT_MAX = 10
GAP_MAX = 40


@dataclass(frozen=True)
class Criterion:
    code: str
    label: Phrase
    hint: Phrase  # what meeting it means
    # What a member's profile lists for it, for "none listed": None for a criterion every
    # eligible profile meets the need of (a region, a number of years).
    listed_as: Phrase | None


EXPERTISE = "expertise"
SECTOR = "sector"
REGION = "region"
LANGUAGE = "language"
CONTACT = "contact"
EXPERIENCE = "experience"

CRITERIA = (
    Criterion(
        EXPERTISE,
        Phrase(N_("Expertise and objectives")),
        Phrase(
            N_(
                "The mentor offers an objective the mentee seeks, or knows an area they want "
                "to learn about."
            )
        ),
        Phrase(N_("objective or area of expertise")),
    ),
    Criterion(
        SECTOR,
        Phrase(N_("Sector")),
        Phrase(N_("They share a library sector.")),
        Phrase(N_("sector")),
    ),
    Criterion(REGION, Phrase(N_("Region")), Phrase(N_("They live in the same region.")), None),
    Criterion(
        LANGUAGE,
        Phrase(N_("Language")),
        Phrase(N_("They share a language.")),
        Phrase(N_("language")),
    ),
    Criterion(
        CONTACT,
        Phrase(N_("Ways to meet")),
        Phrase(N_("They share a way to meet.")),
        Phrase(N_("way to meet")),
    ),
    Criterion(
        EXPERIENCE,
        Phrase(N_("Experience gap")),
        Phrase(
            N_(
                "The mentor has at least the chosen number of years of library experience "
                "more than the mentee."
            )
        ),
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


def names_of(terms: Iterable[Term]) -> Phrase:
    return Phrase.listing("; ", (term.name for term in sorted(terms)))


def years(n: int) -> Phrase:
    return ngettext("%(num)s year", "%(num)s years", n)


def _meets(code: str, mentee: Member, mentor: Member, gap: int) -> tuple[bool, str]:
    """Whether the pair meets criterion `code`, and what it shares (or why not)."""
    if code == EXPERTISE:
        objectives = mentee.objectives & mentor.objectives
        areas = mentee.expertise & mentor.expertise
        parts = []
        if objectives:
            parts.append(Phrase(N_("Objectives: %(names)s"), names=names_of(objectives)))
        if areas:
            parts.append(Phrase(N_("Expertise: %(names)s"), names=names_of(areas)))
        if parts:
            return True, Phrase.listing(" · ", parts)
        return False, Phrase(N_("No objective or area of expertise in common"))
    if code == REGION:
        same = mentee.region is not None and mentee.region == mentor.region
        if same:
            return True, mentor.region.name
        return False, Phrase(N_("Not the same region"))
    if code == EXPERIENCE:
        theirs, mine = mentor.years_experience, mentee.years_experience or 0
        if theirs is None:
            return False, Phrase(N_("The mentor's experience is not known"))
        values = {"theirs": years(theirs), "mine": years(mine), "more": theirs - mine}
        if theirs - mine >= gap:
            return True, Phrase(N_("%(theirs)s and %(mine)s: %(more)s more"), **values)
        return False, Phrase(
            N_("%(theirs)s and %(mine)s: %(more)s more, %(gap)s asked"), gap=gap, **values
        )
    shared = {
        SECTOR: (mentee.sectors & mentor.sectors, Phrase(N_("No sector in common"))),
        LANGUAGE: (mentee.languages & mentor.languages, Phrase(N_("No language in common"))),
        CONTACT: (
            mentee.contact_methods & mentor.contact_methods,
            Phrase(N_("No way to meet in common")),
        ),
    }
    terms, missing = shared[code]
    return (True, names_of(terms)) if terms else (False, missing)


class PairReason(NamedTuple):
    """One criterion of a pair: met or not, the points it gave, what they share. A tuple, so
    that a draft's thousands of stored reasons read back cheaply."""

    code: str
    met: bool
    points: int
    detail: str  # a Phrase when made here; the English text once stored and read back
    required: bool = False

    @property
    def label(self) -> Phrase:
        return CRITERIA_BY_CODE[self.code].label


def reasons_in_words(reasons: Iterable) -> tuple[Phrase, Phrase]:
    """What a pair shares, with the points each criterion gave ("Sector: Public libraries
    (+5); Language: French (required)"), and the preferred criteria it misses ("Region").
    `reasons` are PairReasons, or the lists they are stored as."""
    shared, missed = [], []
    for code, met, points, detail, required in reasons:
        label = CRITERIA_BY_CODE[code].label
        if not met:
            missed.append(label)
        elif points:
            shared.append(
                Phrase(
                    N_("%(label)s: %(detail)s (+%(points)s)"),
                    label=label,
                    detail=detail,
                    points=points,
                )
            )
        elif required:
            shared.append(
                Phrase(N_("%(label)s: %(detail)s (required)"), label=label, detail=detail)
            )
        else:
            shared.append(Phrase(N_("%(label)s: %(detail)s"), label=label, detail=detail))
    return Phrase.listing("; ", shared), Phrase.listing("; ", missed)


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


_COUNTED = {
    "mentor": lambda n: ngettext("%(num)s mentor", "%(num)s mentors", n),
    "mentee": lambda n: ngettext("%(num)s mentee", "%(num)s mentees", n),
    "spot": lambda n: ngettext("%(num)s spot", "%(num)s spots", n),
    "pair": lambda n: ngettext("%(num)s pair", "%(num)s pairs", n),
}


def counted(n: int, noun: str) -> Phrase | str:
    """ "1 mentor", "3 mentors", "1,200 spots" (a Phrase for mentor, mentee, spot and pair)."""
    if noun in _COUNTED:
        return _COUNTED[noun](n)
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


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
