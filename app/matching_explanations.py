"""Why a mentee has no mentor, or a mentor has spots left, after a matching run: pure code
(numpy; no Flask, no database session).

`explain_mentees` and `explain_mentors` read the arrays of `app.matching_criteria.evaluate` and
an assignment, and give each member left out a `LeftOut`: a code, plain values (counts, the
criteria concerned, the member's own entries) and the member a fix names. They are computed
from the data, in this order: nobody on the other side at all; a required criterion nobody
meets; required criteria nobody meets together; the only fits are conflicts of interest (or
pairs the committee removed); every fit is taken. `describe` writes a LeftOut for people, with
the fix that would help ("One more spot for ... would match this mentee"), as Phrases
(`app.phrases`): English strs that a page shows in its own language.

A LeftOut is stored with its run (JSON): its detail holds data (counts, codes, the member's
entries, years), never words, so that it is written in the language of whoever reads it.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from app.matching import Member, name_key
from app.matching_criteria import (
    CONTACT,
    CRITERIA_BY_CODE,
    DECLINED,
    ENDED_EARLY,
    EXPERIENCE,
    EXPERTISE,
    LANGUAGE,
    REGION,
    SECTOR,
    Evaluation,
    names_of,
    years,
)
from app.matching_solver import Assignment
from app.phrases import N_, Phrase, ngettext

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


def _value_text(code: str, member: Member, gap: int, as_mentee: bool):
    """What `member` brings to criterion `code`: their entries' names ("French"; "" for none)
    or, for the experience gap, the years asked of the other side (put in words by
    `_value_words`)."""
    if code == EXPERTISE:
        terms = member.objectives | member.expertise
    elif code == REGION:
        return member.region.name if member.region else ""
    elif code == EXPERIENCE:
        return {"gap": gap, "own": member.years_experience or 0, "more": as_mentee}
    else:
        terms = {
            SECTOR: member.sectors,
            LANGUAGE: member.languages,
            CONTACT: member.contact_methods,
        }[code]
    return names_of(terms) if terms else ""


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


# --- the explanations, in words -------------------------------------------------------------


def _label(code: str) -> Phrase:
    return CRITERIA_BY_CODE[code].label


def _counted(n: int, role: str) -> Phrase:
    if role == "mentor":
        return ngettext("%(num)s mentor", "%(num)s mentors", n)
    return ngettext("%(num)s mentee", "%(num)s mentees", n)


def _relax_fix(detail: Mapping, role: str) -> Phrase | None:
    if not detail.get("relax") or not detail.get("would_fit"):
        return None
    return Phrase(
        N_("Making %(criterion)s preferred instead of required would let %(who)s fit."),
        criterion=_label(detail["relax"]),
        who=_counted(detail["would_fit"], role),
    )


def _value_words(code: str, value):
    """A stored value of `_value_text` in words (a text stored by earlier runs as it is)."""
    if isinstance(value, Mapping):
        own = years(value["own"])
        if value["more"]:
            return Phrase(N_("at least %(gap)s more than their %(own)s"), gap=value["gap"], own=own)
        return Phrase(N_("at least %(gap)s fewer than their %(own)s"), gap=value["gap"], own=own)
    if not value and code == REGION:
        return Phrase(N_("none given"))
    return value or ""


_NONE_LISTED = {
    EXPERTISE: N_("no objective or area of expertise listed"),
    SECTOR: N_("no sector listed"),
    LANGUAGE: N_("no language listed"),
    CONTACT: N_("no way to meet listed"),
}


def _unmet(detail: Mapping, role: str) -> tuple[Phrase, Phrase]:
    parts, fixes = [], []
    for code in detail["criteria"]:
        label, value = _label(code), _value_words(code, detail["values"].get(code))
        listed = code in _NONE_LISTED
        shown = (value or Phrase(_NONE_LISTED[code])) if listed else value
        parts.append(
            Phrase(
                N_("%(criterion)s: %(value)s (0 of %(of)s)"),
                criterion=label,
                value=shown,
                of=detail["of"],
            )
        )
        if not value and listed:
            fixes.append(
                Phrase(
                    N_(
                        "Their profile lists no %(entry)s: ask them to add one, or make "
                        "%(criterion)s preferred instead of required."
                    ),
                    entry=CRITERIA_BY_CODE[code].listed_as,
                    criterion=label,
                )
            )
        else:
            fixes.append(
                Phrase(N_("Make %(criterion)s preferred instead of required."), criterion=label)
            )
    unmet = Phrase.listing(Phrase(N_("; nor ")), parts)
    if role == "mentor":
        reason = Phrase(N_("No mentor meets %(unmet)s."), unmet=unmet)
    else:
        reason = Phrase(N_("No mentee meets %(unmet)s."), unmet=unmet)
    return reason, Phrase.listing(" ", fixes)


def _excluded(detail: Mapping, role: str) -> tuple[Phrase, Phrase]:
    fitting = detail["fitting"]
    as_mentee = role == "mentor"  # the left-out member is a mentee: the others are mentors

    def kind(key: str, n: int) -> Phrase:
        if key == "same_employer":
            return ngettext("%(num)s at the same employer", "%(num)s at the same employer", n)
        if key == DECLINED and as_mentee:
            return ngettext("%(num)s declined them before", "%(num)s declined them before", n)
        if key == DECLINED:
            return ngettext("%(num)s they declined before", "%(num)s they declined before", n)
        if key == ENDED_EARLY:
            return ngettext(
                "%(num)s ended a mentorship early with them",
                "%(num)s ended a mentorship early with them",
                n,
            )
        return ngettext(
            "%(num)s removed by you from this draft", "%(num)s removed by you from this draft", n
        )

    found = [
        kind(key, detail[key])
        for key in ("same_employer", DECLINED, ENDED_EARLY, "forbidden")
        if detail.get(key, 0)
    ]
    if detail.get("same_employer") == fitting and len(found) == 1:
        if as_mentee:
            reason = Phrase(N_("Only same-employer mentors fit (%(num)s)."), num=fitting)
        else:
            reason = Phrase(N_("Only same-employer mentees fit (%(num)s)."), num=fitting)
    else:
        listed = Phrase.listing(", ", found)
        if as_mentee:
            reason = ngettext(
                "The one mentor who fits is excluded: %(listed)s.",
                "The %(num)s mentors who fit are all excluded: %(listed)s.",
                fitting,
                listed=listed,
            )
        else:
            reason = ngettext(
                "The one mentee who fits is excluded: %(listed)s.",
                "The %(num)s mentees who fit are all excluded: %(listed)s.",
                fitting,
                listed=listed,
            )
    fix = _relax_fix(detail, role)
    if fix is None and detail.get("forbidden"):
        if as_mentee:
            fix = Phrase(N_("Choose a mentor by hand, or re-run without removing that pair."))
        else:
            fix = Phrase(N_("Choose a mentee by hand, or re-run without removing that pair."))
    if fix is None:
        if as_mentee:
            fix = Phrase(
                N_("Conflicts of interest are always excluded: another mentor who fits is needed.")
            )
        else:
            fix = Phrase(
                N_("Conflicts of interest are always excluded: another mentee who fits is needed.")
            )
    return reason, fix


def describe(
    left_out: LeftOut, name_of: Callable[[int | None], str]
) -> tuple[Phrase, Phrase | None]:
    """The reason and the fix (None: nothing to suggest) of `left_out`, in words (Phrases).
    `name_of(member id)` gives the name to show of the member the fix names."""
    detail, code = left_out.detail, left_out.code
    if code == NO_MENTORS:
        return Phrase(N_("No mentor in the pool has an open spot.")), Phrase(
            N_("Mentors with a spot left are needed.")
        )
    if code == NO_MENTEES:
        return Phrase(N_("No mentee is in the pool.")), None
    if code in (NO_MENTOR_MEETS, NO_MENTEE_MEETS):
        return _unmet(detail, "mentor" if code == NO_MENTOR_MEETS else "mentee")
    if code in (NO_MENTOR_MEETS_ALL, NO_MENTEE_MEETS_ALL):
        role = "mentor" if code == NO_MENTOR_MEETS_ALL else "mentee"
        counts = Phrase.listing(
            "; ",
            (
                Phrase(
                    N_("%(criterion)s: %(met)s of %(of)s"),
                    criterion=_label(c),
                    met=n,
                    of=detail["of"],
                )
                for c, n in detail["counts"].items()
            ),
        )
        if role == "mentor":
            reason = Phrase(
                N_("No mentor meets every required criterion at once (%(counts)s)."), counts=counts
            )
        else:
            reason = Phrase(
                N_("No mentee meets every required criterion at once (%(counts)s)."), counts=counts
            )
        return reason, _relax_fix(detail, role)
    if code in (MENTORS_EXCLUDED, MENTEES_EXCLUDED):
        return _excluded(detail, "mentor" if code == MENTORS_EXCLUDED else "mentee")
    name = name_of(left_out.suggested)
    fitting = detail.get("fitting", 0)
    if code == MENTORS_FULL:
        reason = ngettext(
            "The one mentor who fits, %(name)s, is full.",
            "%(num)s mentors fit, all full.",
            fitting,
            name=name,
        )
        return reason, Phrase(N_("One more spot for %(name)s would match this mentee."), name=name)
    choose = Phrase(N_("Choose %(name)s, or re-run."), name=name)
    if code == MENTORS_FREE:
        reason = ngettext(
            "%(num)s mentor who fits still has a spot in this draft.",
            "%(num)s mentors who fit still have a spot in this draft.",
            detail["with_room"],
        )
        return reason, choose
    if code == MENTEES_MATCHED:
        reason = ngettext(
            "The one mentee who fits has another mentor in this draft.",
            "The %(num)s mentees who fit all have other mentors in this draft.",
            fitting,
        )
        fix = None
        if detail.get("spots", 0) > detail.get("mentees", 0):
            fix = Phrase(
                N_(
                    "Nothing to fix: the pool has more open spots (%(spots)s) than mentees "
                    "(%(mentees)s)."
                ),
                spots=detail["spots"],
                mentees=detail["mentees"],
            )
        return reason, fix
    if code == MENTEES_WAITING:
        reason = ngettext(
            "%(num)s mentee who fits still has no mentor in this draft.",
            "%(num)s mentees who fit still have no mentor in this draft.",
            detail["with_room"],
        )
        return reason, choose
    if code == PAIR_REMOVED:
        return (
            Phrase(N_("You removed their pair with %(name)s."), name=name),
            Phrase(
                N_("Choose another mentor, or re-run: the pair you removed is not proposed again.")
            ),
        )
    if code == SPOT_FREED:
        return Phrase(N_("A spot was freed when you changed the draft.")), Phrase(
            N_("Choose a mentee, or re-run.")
        )
    raise ValueError(f"unknown explanation {code!r}")
