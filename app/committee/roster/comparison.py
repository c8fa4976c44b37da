"""Comparing the rows of a roster file with our members: what applying each row would do.

Pure functions: no Flask, no database session. `classify` says, for each row, what applying it
would do, given what we know of our members; `preview_fingerprint` lets the apply check that
this is still what the committee saw.
"""

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.committee.roster.parsing import RosterRow, SkippedRow, normalise_number

# What applying a row would do, in the order the preview lists them.
WILL_VERIFY = "will_verify"
ALREADY_VERIFIED = "already_verified"
MISMATCH = "mismatch"
UNKNOWN = "unknown"
EXPIRED = "expired"
DUPLICATE = "duplicate"
OUTCOMES = {
    WILL_VERIFY: "Will verify",
    ALREADY_VERIFIED: "Already verified",
    MISMATCH: "Mismatch",
    UNKNOWN: "Unknown",
    EXPIRED: "Expired",
    DUPLICATE: "Duplicate",
}
# What each outcome means, for the preview page.
OUTCOME_HELP = {
    WILL_VERIFY: (
        "The number and e-mail match a member whose membership is not verified yet, or whose "
        "expiry date changes. Applying verifies it until the file's date."
    ),
    ALREADY_VERIFIED: "The member is verified with the same expiry date. Nothing changes.",
    MISMATCH: (
        "The member with this e-mail has another membership number (or none), or the number "
        "belongs to another member. Not applied: check with the member."
    ),
    UNKNOWN: "No member has this e-mail address or membership number. Not applied.",
    EXPIRED: "The expiry date is before today. Not applied.",
    DUPLICATE: (
        "The membership number or e-mail address is on more than one row of the file. Not "
        "applied: correct the file and upload it again."
    ),
}


@dataclass(frozen=True)
class MemberRecord:
    """What the comparison needs to know about one of our members."""

    user_id: int
    email: str
    membership_number: str | None
    expires_on: date | None
    verified: bool
    name: str = ""


@dataclass(frozen=True)
class RowOutcome:
    row: RosterRow
    outcome: str  # one of OUTCOMES
    note: str  # why, for the committee
    member_id: int | None = None  # the member the row is about, when there is one

    @property
    def label(self) -> str:
        return OUTCOMES[self.outcome]


def _lines(lines: list[int], but: int) -> str:
    others = [str(line) for line in lines if line != but]
    return ("row " if len(others) == 1 else "rows ") + ", ".join(others)


def classify(
    rows: Iterable[RosterRow], members: Iterable[MemberRecord], today: date
) -> list[RowOutcome]:
    """What applying each row would do.

    In order of precedence: `duplicate` when its membership number or e-mail is on another row
    of the file (such rows are never applied: fix the file); `expired` when its expiry date is
    before `today`; `unknown` when no member has its e-mail or number; `mismatch` when the
    member with its e-mail has another number (or none), or its number belongs to another
    member; otherwise `already_verified` when the member is verified with the same expiry, else
    `will_verify`.
    """
    rows = list(rows)
    by_email = {member.email: member for member in members}
    by_number: dict[str, list[MemberRecord]] = defaultdict(list)
    for member in by_email.values():
        if normalise_number(member.membership_number):
            by_number[normalise_number(member.membership_number)].append(member)

    number_lines: dict[str, list[int]] = defaultdict(list)
    email_lines: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        number_lines[normalise_number(row.membership_number)].append(row.line)
        email_lines[row.email].append(row.line)

    outcomes = []
    for row in rows:
        number = normalise_number(row.membership_number)
        member = by_email.get(row.email)
        member_id = member.user_id if member else None
        if len(number_lines[number]) > 1:
            outcomes.append(
                RowOutcome(
                    row,
                    DUPLICATE,
                    "The same membership number is on "
                    + _lines(number_lines[number], row.line)
                    + ".",
                    member_id,
                )
            )
            continue
        if len(email_lines[row.email]) > 1:
            outcomes.append(
                RowOutcome(
                    row,
                    DUPLICATE,
                    "The same e-mail address is on "
                    + _lines(email_lines[row.email], row.line)
                    + ".",
                    member_id,
                )
            )
            continue
        if row.expires_on < today:
            outcomes.append(
                RowOutcome(
                    row,
                    EXPIRED,
                    f"The membership expired on {row.expires_on.isoformat()}.",
                    member_id,
                )
            )
            continue
        holders = by_number.get(number, [])
        if member is None and not holders:
            outcomes.append(RowOutcome(row, UNKNOWN, "No member has this e-mail or number."))
            continue
        if member is None:
            outcomes.append(
                RowOutcome(
                    row,
                    MISMATCH,
                    "This membership number belongs to a member with another e-mail address.",
                    holders[0].user_id,
                )
            )
            continue
        if not normalise_number(member.membership_number):
            outcomes.append(
                RowOutcome(
                    row,
                    MISMATCH,
                    "The member with this e-mail has not entered a membership number.",
                    member_id,
                )
            )
            continue
        if normalise_number(member.membership_number) != number:
            outcomes.append(
                RowOutcome(
                    row,
                    MISMATCH,
                    "The member with this e-mail entered another membership number "
                    f"({member.membership_number}).",
                    member_id,
                )
            )
            continue
        if any(holder.user_id != member.user_id for holder in holders):
            outcomes.append(
                RowOutcome(
                    row,
                    MISMATCH,
                    "Another member entered the same membership number.",
                    member_id,
                )
            )
            continue
        if member.verified and member.expires_on == row.expires_on:
            outcomes.append(
                RowOutcome(
                    row,
                    ALREADY_VERIFIED,
                    f"Verified until {row.expires_on.isoformat()}.",
                    member_id,
                )
            )
            continue
        if member.verified:
            note = (
                f"Verified; the expiry changes from "
                f"{member.expires_on.isoformat() if member.expires_on else 'none'} "
                f"to {row.expires_on.isoformat()}."
            )
        elif member.expires_on and member.expires_on != row.expires_on:
            note = (
                f"Not verified yet; the expiry the member entered "
                f"({member.expires_on.isoformat()}) becomes {row.expires_on.isoformat()}."
            )
        else:
            note = f"Not verified yet; will be verified until {row.expires_on.isoformat()}."
        outcomes.append(RowOutcome(row, WILL_VERIFY, note, member_id))
    return outcomes


def not_in_roster(
    rows: Iterable[RosterRow],
    skipped: Iterable[SkippedRow],
    members: Iterable[MemberRecord],
    today: date,
) -> list[MemberRecord]:
    """Our members with an active membership (verified, not expired on `today`) whom no row
    of the file names, by e-mail or by membership number (a row that could not be read counts:
    its member is on the roster). If the file is the association's whole roster their
    membership may have lapsed; the committee reviews them, nothing is changed for them."""
    emails, numbers = set(), set()
    for row in [*rows, *skipped]:
        emails.add(row.email.lower())
        numbers.add(normalise_number(row.membership_number))
    numbers.discard("")
    return sorted(
        (
            member
            for member in members
            if member.verified
            and member.expires_on is not None
            and member.expires_on >= today
            and member.email not in emails
            and normalise_number(member.membership_number) not in numbers
        ),
        key=lambda member: (member.name.lower(), member.email),
    )


def count_outcomes(outcomes: Iterable[RowOutcome]) -> dict[str, int]:
    """The number of rows of each outcome, every outcome present (0 when none)."""
    counter = Counter(outcome.outcome for outcome in outcomes)
    return {outcome: counter.get(outcome, 0) for outcome in OUTCOMES}


def preview_fingerprint(digest: str, outcomes: Iterable[RowOutcome]) -> str:
    """A digest of the file and of what applying it would do to which member.

    The preview page carries it to "Apply": if the file or any outcome differs when the
    committee applies it (the members changed, or the form was altered), the apply is refused.
    """
    summary = [[o.row.line, o.outcome, o.member_id, o.note] for o in outcomes]
    payload = json.dumps([digest, summary], separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()
