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

from app.committee.messages import N_, Message, english, message
from app.committee.roster.parsing import RosterRow, SkippedRow, normalise_number

# What applying a row would do, in the order the preview lists them.
WILL_VERIFY = "will_verify"
ALREADY_VERIFIED = "already_verified"
MISMATCH = "mismatch"
UNKNOWN = "unknown"
EXPIRED = "expired"
DUPLICATE = "duplicate"
# Their names and what each means, for the preview page (msgids: the page translates them).
OUTCOMES = {
    WILL_VERIFY: N_("Will verify"),
    ALREADY_VERIFIED: N_("Already verified"),
    MISMATCH: N_("Mismatch"),
    UNKNOWN: N_("Unknown"),
    EXPIRED: N_("Expired"),
    DUPLICATE: N_("Duplicate"),
}
OUTCOME_HELP = {
    WILL_VERIFY: N_(
        "The number and e-mail match a member whose membership is not verified yet, or whose "
        "expiry date changes. Applying verifies it until the file's date."
    ),
    ALREADY_VERIFIED: N_("The member is verified with the same expiry date. Nothing changes."),
    MISMATCH: N_(
        "The member with this e-mail has another membership number (or none), or the number "
        "belongs to another member. Not applied: check with the member."
    ),
    UNKNOWN: N_("No member has this e-mail address or membership number. Not applied."),
    EXPIRED: N_("The expiry date is before today. Not applied."),
    DUPLICATE: N_(
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
    message: Message  # why, for the committee
    member_id: int | None = None  # the member the row is about, when there is one

    @property
    def label(self) -> str:
        """The outcome's msgid."""
        return OUTCOMES[self.outcome]

    @property
    def note(self) -> str:
        """Why, in English."""
        return english(self.message)


def _duplicate(one: str, several: str, lines: list[int], but: int) -> Message:
    """The same number (or e-mail) is on another row, or on several: `one` or `several`."""
    others = [str(line) for line in lines if line != but]
    return message(one if len(others) == 1 else several, rows=", ".join(others))


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
                    _duplicate(
                        N_("The same membership number is on row %(rows)s."),
                        N_("The same membership number is on rows %(rows)s."),
                        number_lines[number],
                        row.line,
                    ),
                    member_id,
                )
            )
            continue
        if len(email_lines[row.email]) > 1:
            outcomes.append(
                RowOutcome(
                    row,
                    DUPLICATE,
                    _duplicate(
                        N_("The same e-mail address is on row %(rows)s."),
                        N_("The same e-mail address is on rows %(rows)s."),
                        email_lines[row.email],
                        row.line,
                    ),
                    member_id,
                )
            )
            continue
        if row.expires_on < today:
            outcomes.append(
                RowOutcome(
                    row,
                    EXPIRED,
                    message(
                        N_("The membership expired on %(day)s."), day=row.expires_on.isoformat()
                    ),
                    member_id,
                )
            )
            continue
        holders = by_number.get(number, [])
        if member is None and not holders:
            outcomes.append(
                RowOutcome(row, UNKNOWN, message(N_("No member has this e-mail or number.")))
            )
            continue
        if member is None:
            outcomes.append(
                RowOutcome(
                    row,
                    MISMATCH,
                    message(
                        N_(
                            "This membership number belongs to a member with another e-mail "
                            "address."
                        )
                    ),
                    holders[0].user_id,
                )
            )
            continue
        if not normalise_number(member.membership_number):
            outcomes.append(
                RowOutcome(
                    row,
                    MISMATCH,
                    message(N_("The member with this e-mail has not entered a membership number.")),
                    member_id,
                )
            )
            continue
        if normalise_number(member.membership_number) != number:
            outcomes.append(
                RowOutcome(
                    row,
                    MISMATCH,
                    message(
                        N_(
                            "The member with this e-mail entered another membership number "
                            "(%(number)s)."
                        ),
                        number=member.membership_number,
                    ),
                    member_id,
                )
            )
            continue
        if any(holder.user_id != member.user_id for holder in holders):
            outcomes.append(
                RowOutcome(
                    row,
                    MISMATCH,
                    message(N_("Another member entered the same membership number.")),
                    member_id,
                )
            )
            continue
        if member.verified and member.expires_on == row.expires_on:
            outcomes.append(
                RowOutcome(
                    row,
                    ALREADY_VERIFIED,
                    message(N_("Verified until %(day)s."), day=row.expires_on.isoformat()),
                    member_id,
                )
            )
            continue
        new = row.expires_on.isoformat()
        if member.verified and member.expires_on:
            note = message(
                N_("Verified; the expiry changes from %(old)s to %(new)s."),
                old=member.expires_on.isoformat(),
                new=new,
            )
        elif member.verified:
            note = message(N_("Verified; the expiry changes from none to %(new)s."), new=new)
        elif member.expires_on and member.expires_on != row.expires_on:
            note = message(
                N_("Not verified yet; the expiry the member entered (%(old)s) becomes %(new)s."),
                old=member.expires_on.isoformat(),
                new=new,
            )
        else:
            note = message(N_("Not verified yet; will be verified until %(new)s."), new=new)
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
