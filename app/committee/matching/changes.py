"""Changing a matching draft by hand: remove pairs (a re-run never proposes them again), lock
or unlock them (a re-run keeps them), allow a removed pair again, give a mentee another mentor
or swap two mentees' mentors. Each change takes the draft first (`drafts.take_draft`), keeps
every pair allowed (the run's required criteria, no conflict of interest, not removed) and the
mentors' spots, updates why members are left out, records its audit event and commits; or
raises a DomainError and changes nothing."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from app import clock
from app.committee.audit import trail
from app.committee.matching import pool
from app.committee.matching.drafts import names_of, run_name, take_draft
from app.committee.matching.review import criteria_of, reasons_to_store, removed_pairs
from app.errors_domain import DomainError
from app.extensions import db
from app.matching import Member
from app.matching_criteria import (
    CRITERIA_BY_CODE,
    DECLINED,
    ENDED_EARLY,
    Criteria,
    counted,
    evaluate,
    pair_fit,
    pair_reasons,
)
from app.matching_explanations import PAIR_REMOVED, SPOT_FREED
from app.mentors.services import load_vocabularies
from app.models import MatchingExclusion, MatchingPair, MatchingPoolEntry, MatchingRun, User

E = MatchingPoolEntry


def _pair_of(run: MatchingRun, pair_id) -> MatchingPair:
    pair = db.session.get(MatchingPair, pair_id) if isinstance(pair_id, int) else None
    if pair is None or pair.run_id != run.id:
        db.session.rollback()
        raise DomainError(_("That pair is no longer in this draft."))
    return pair


def _pool_entry(run: MatchingRun, role: str, user_id: int) -> MatchingPoolEntry | None:
    return db.session.get(MatchingPoolEntry, (run.id, role, user_id))


def _set_left_out(entry: MatchingPoolEntry | None, code: str | None, suggested=None) -> None:
    if entry is not None:
        entry.left_out = code
        entry.left_out_detail = {} if code else None
        entry.suggested_id = suggested


def _chosen_pairs(run: MatchingRun, pair_ids) -> list[MatchingPair]:
    """The pairs of the draft the committee ticked (DomainError: none, or one that is gone)."""
    ids = sorted({pair_id for pair_id in pair_ids if isinstance(pair_id, int)})
    if not ids:
        db.session.rollback()
        raise DomainError(_("Tick the pairs first, then choose what to do with them."))
    pairs = list(
        db.session.scalars(
            select(MatchingPair).where(MatchingPair.run_id == run.id, MatchingPair.id.in_(ids))
        )
    )
    if len(pairs) != len(ids):
        db.session.rollback()
        raise DomainError(_("A pair you ticked is no longer in this draft: nothing changed."))
    return pairs


def remove_pairs(actor: User, run: MatchingRun, pair_ids) -> list[tuple[str, str]]:
    """Take the pairs out of the draft; a re-run of it never proposes them again. Returns the
    names of each one's mentee and mentor."""
    take_draft(run)
    pairs = _chosen_pairs(run, pair_ids)
    names = names_of({p.mentee_id for p in pairs} | {p.mentor_id for p in pairs})
    removed = [(pair.mentee_id, pair.mentor_id) for pair in pairs]
    now = clock.utcnow()
    for pair in pairs:
        db.session.delete(pair)
        db.session.merge(
            MatchingExclusion(
                run_id=run.id, mentee_id=pair.mentee_id, mentor_id=pair.mentor_id, created_at=now
            )
        )
        _set_left_out(_pool_entry(run, E.MENTEE, pair.mentee_id), PAIR_REMOVED, pair.mentor_id)
        _set_left_out(_pool_entry(run, E.MENTOR, pair.mentor_id), SPOT_FREED)
    _record_change(actor, run, f"removed {counted(len(pairs), 'pair')}", removed)
    db.session.commit()
    return [(names[mentee], names[mentor]) for mentee, mentor in removed]


def set_locked(actor: User, run: MatchingRun, pair_ids, locked: bool) -> int:
    """Lock the pairs (a re-run keeps them) or unlock them. Returns how many changed."""
    take_draft(run)
    changed = [pair for pair in _chosen_pairs(run, pair_ids) if pair.locked != locked]
    for pair in changed:
        pair.locked = locked
    if changed:
        verb = "locked" if locked else "unlocked"
        pairs = [(pair.mentee_id, pair.mentor_id) for pair in changed]
        _record_change(actor, run, f"{verb} {counted(len(changed), 'pair')}", pairs)
    db.session.commit()
    return len(changed)


def allow_again(actor: User, run: MatchingRun, mentee_id, mentor_id) -> None:
    """Let a re-run propose again a pair the committee removed."""
    take_draft(run)
    result = db.session.execute(
        delete(MatchingExclusion).where(
            MatchingExclusion.run_id == run.id,
            MatchingExclusion.mentee_id == mentee_id,
            MatchingExclusion.mentor_id == mentor_id,
        )
    )
    if result.rowcount:
        _record_change(actor, run, "allowed a removed pair again", [(mentee_id, mentor_id)])
    db.session.commit()


def _record_change(actor, run, change: str, pairs: list[tuple[int, int]]) -> None:
    """The audit event of a change to the draft; `pairs` as (mentee id, mentor id)."""
    trail.record(
        actor,
        trail.MATCHING_CHANGED,
        run,
        name=run_name(run),
        change=change,
        pair_ids=[list(pair) for pair in pairs],
    )


@dataclass
class _PairCheck:
    members: dict[int, Member]
    criteria: Criteria
    forbidden: set

    def refusal(self, mentee_id: int, mentor_id: int) -> str | None:
        """Why this pair may not be made (None: it may), for the committee."""
        mentee, mentor = self.members.get(mentee_id), self.members.get(mentor_id)
        if mentee is None or mentor is None:
            return _("One of them no longer has a profile.")
        history = pool.history({mentee_id}, {mentor_id})
        evaluation = evaluate([mentee], [mentor], self.criteria, history, self.forbidden)
        if evaluation.allowed[0, 0]:
            return None
        names = {"mentee": mentee.name, "mentor": mentor.name}
        if evaluation.same_person[0, 0]:
            return _("A member can't be their own mentor.")
        if evaluation.same_employer[0, 0]:
            return _(
                "%(mentee)s and %(mentor)s work at the same employer: a conflict of interest.",
                **names,
            )
        kinds = history.get((mentee_id, mentor_id), set())
        if DECLINED in kinds:
            return _("%(mentor)s declined %(mentee)s before: a conflict of interest.", **names)
        if ENDED_EARLY in kinds:
            return _(
                "%(mentee)s and %(mentor)s ended a mentorship early before: a conflict of "
                "interest.",
                **names,
            )
        if evaluation.forbidden[0, 0]:
            return _("You removed the pair %(mentee)s and %(mentor)s from this draft.", **names)
        unmet = [
            _(str(CRITERIA_BY_CODE[r.code].label))
            for r in pair_reasons(mentee, mentor, self.criteria)
            if r.required and not r.met
        ]
        return _(
            "%(mentee)s and %(mentor)s don't meet the required criteria: %(criteria)s.",
            criteria=", ".join(unmet),
            **names,
        )


def _checker(run: MatchingRun, user_ids) -> _PairCheck:
    members = pool.members(user_ids, load_vocabularies())
    return _PairCheck(members, criteria_of(run), removed_pairs(run))


def _repair(pair: MatchingPair, check: _PairCheck, mentor_id: int) -> None:
    """Give `pair` the mentor `mentor_id`, with its fit and reasons, locked as the committee's."""
    reasons = pair_reasons(check.members[pair.mentee_id], check.members[mentor_id], check.criteria)
    pair.mentor_id = mentor_id
    pair.fit = pair_fit(reasons)
    pair.reasons = reasons_to_store(reasons)
    pair.locked = True
    pair.origin = MatchingPair.COMMITTEE


def choose_mentor(
    actor: User, run: MatchingRun, mentee_id: int, mentor_id=None, swap_with=None
) -> str:
    """Give the mentee the mentor `mentor_id` in the draft, as a locked pair of the committee,
    into a spot the mentor has left; or, with `swap_with` (another pair of the draft), swap
    mentors with that pair's mentee. Every pair made must be allowed (the required criteria,
    no conflict of interest, not removed). Returns what was done, for the committee."""
    take_draft(run)
    other = _pair_of(run, swap_with) if swap_with is not None else None
    if other is not None:
        mentor_id = other.mentor_id
    mentor_entry = _pool_entry(run, E.MENTOR, mentor_id) if isinstance(mentor_id, int) else None
    if _pool_entry(run, E.MENTEE, mentee_id) is None or mentor_entry is None:
        db.session.rollback()
        raise DomainError(
            _("Both must be in this draft's pool: re-run it to bring in new members.")
        )
    current = db.session.scalar(
        select(MatchingPair).where(
            MatchingPair.run_id == run.id, MatchingPair.mentee_id == mentee_id
        )
    )
    if current is not None and current.mentor_id == mentor_id:
        db.session.rollback()
        raise DomainError(_("They are already a pair in this draft."))
    swapping = other is not None and current is not None
    check = _checker(
        run, {mentee_id, mentor_id} | ({other.mentee_id, current.mentor_id} if swapping else set())
    )
    refusal = check.refusal(mentee_id, mentor_id) or (
        _swap_refusal(current, other, check)
        if other is not None
        else _full_refusal(run, mentor_entry, check.members[mentor_id].name)
    )
    if refusal is not None:
        db.session.rollback()
        raise DomainError(refusal)
    if other is not None:
        done = _swap(actor, run, check, current, other)
    else:
        done = _give(actor, run, check, current, mentee_id, mentor_id)
    _set_left_out(_pool_entry(run, E.MENTEE, mentee_id), None)
    db.session.commit()
    return done


def _swap(actor, run, check: _PairCheck, current: MatchingPair, other: MatchingPair) -> str:
    """`current`'s mentee takes `other`'s mentor, and `other`'s mentee `current`'s."""
    mentee_id, mentor_id = current.mentee_id, other.mentor_id
    _repair(other, check, current.mentor_id)
    _repair(current, check, mentor_id)
    _record_change(
        actor,
        run,
        "swapped mentors",
        [(mentee_id, mentor_id), (other.mentee_id, other.mentor_id)],
    )
    return _(
        "%(mentee)s and %(other)s swapped mentors.",
        mentee=check.members[mentee_id].name,
        other=check.members[other.mentee_id].name,
    )


def _give(actor, run, check: _PairCheck, current, mentee_id: int, mentor_id: int) -> str:
    """The mentee gets the mentor, in a spot they have left; a previous mentor's spot frees."""
    mentee, mentor = check.members[mentee_id].name, check.members[mentor_id].name
    if current is not None:
        _set_left_out(_pool_entry(run, E.MENTOR, current.mentor_id), SPOT_FREED)
        done = _(
            "%(mentee)s now has %(mentor)s as their mentor in this draft.",
            mentee=mentee,
            mentor=mentor,
        )
    else:
        current = MatchingPair(run_id=run.id, mentee_id=mentee_id)
        db.session.add(current)
        done = _(
            "%(mentee)s and %(mentor)s are a pair in this draft.", mentee=mentee, mentor=mentor
        )
    _repair(current, check, mentor_id)
    _record_change(actor, run, "chose a mentor", [(mentee_id, mentor_id)])
    return done


def _swap_refusal(current, other: MatchingPair, check: _PairCheck) -> str | None:
    if current is None:
        return _("To swap mentors, the mentee needs a mentor in this draft first.")
    return check.refusal(other.mentee_id, current.mentor_id)


def _full_refusal(run: MatchingRun, mentor_entry: MatchingPoolEntry, name: str) -> str | None:
    taken = db.session.scalar(
        select(func.count(MatchingPair.id)).where(
            MatchingPair.run_id == run.id, MatchingPair.mentor_id == mentor_entry.user_id
        )
    )
    if taken >= mentor_entry.open_spots:
        return _(
            "%(name)s has no spot left in this draft: swap with one of their mentees instead.",
            name=name,
        )
    return None
