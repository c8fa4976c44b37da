"""The association's member roster: reading the CSV file and comparing it with our members.

Pure functions: no Flask, no database session. `parse_roster` turns the uploaded bytes into
rows or raises `RosterError` with every problem found, each written for the committee;
`classify` says, for each row, what applying it would do, given what we know of our members.

The file has a header row naming at least three columns (in any order, extra columns ignored):
the membership number, the e-mail address and the expiry date (YYYY-MM-DD). Commas or
semicolons separate the columns; the file is UTF-8, with or without a byte-order mark.
"""

import csv
import hashlib
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# The largest roster file accepted. (The app refuses any request over MAX_CONTENT_LENGTH,
# 4 MB, before it reaches a view; files between the two get this module's message.)
MAX_BYTES = 2 * 1024 * 1024
# At most this many problems are listed; the rest are counted.
MAX_PROBLEMS_LISTED = 20

DATE_FORMAT = "YYYY-MM-DD"
DATE_EXAMPLE = "2027-03-31"

NUMBER, EMAIL, EXPIRY = "membership_number", "email", "expires_on"
COLUMN_LABELS = {NUMBER: "membership number", EMAIL: "e-mail", EXPIRY: "expiry date"}
# Header spellings accepted, compared lowercased with everything but letters and digits removed
# ("Membership number", "membership_number" and "MEMBERSHIP-NUMBER" are all "membershipnumber").
HEADER_ALIASES = {
    NUMBER: {
        "membershipnumber",
        "membershipno",
        "membershipnum",
        "membershipid",
        "membernumber",
        "memberno",
        "membernum",
        "memberid",
        "number",
    },
    EMAIL: {"email", "emailaddress", "mail", "memberemail"},
    EXPIRY: {
        "expiry",
        "expirydate",
        "expires",
        "expireson",
        "expiration",
        "expirationdate",
        "membershipexpiry",
        "membershipexpires",
        "membershipexpirydate",
        "membershipexpirationdate",
        "validuntil",
    },
}
DELIMITERS = (",", ";", "\t")

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

# What the first bytes of common non-CSV files look like.
_SIGNATURES = (
    (b"PK\x03\x04", "a spreadsheet or other zipped file (such as .xlsx or .ods)"),
    (b"\xd0\xcf\x11\xe0", "an older Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
)
_SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".numbers")
_SAVE_AS_CSV = 'In your spreadsheet, choose "Save as" and the format "CSV UTF-8", then upload that.'
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RosterError(Exception):
    """The file can't be used. `problems` lists what is wrong, each a sentence for the
    committee; `more` counts the problems left out of the list."""

    def __init__(self, problems: list[str], more: int = 0):
        super().__init__(problems[0])
        self.problems = problems
        self.more = more


@dataclass(frozen=True)
class RosterRow:
    line: int  # the line of the file, counting the header as line 1
    membership_number: str
    email: str
    expires_on: date

    def as_json(self) -> list:
        return [self.line, self.membership_number, self.email, self.expires_on.isoformat()]

    @classmethod
    def from_json(cls, value: list) -> "RosterRow":
        line, number, email, expires_on = value
        return cls(line, number, email, date.fromisoformat(expires_on))


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def normalise_number(number: str | None) -> str:
    """Membership numbers are compared without surrounding spaces and case-insensitively."""
    return (number or "").strip().upper()


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.strip().lower())


def _column_for(header: str) -> str | None:
    key = _header_key(header)
    for column, aliases in HEADER_ALIASES.items():
        if key in aliases:
            return column
    return None


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def decode(data: bytes, filename: str = "") -> str:
    """The file's text, or RosterError if it is empty, too large or not a CSV file."""
    if len(data) > MAX_BYTES:
        raise RosterError(
            [
                f"The file is {_size_text(len(data))}; the largest roster file accepted is "
                f"{MAX_BYTES // (1024 * 1024)} MB. Remove the columns other than the membership "
                "number, e-mail and expiry date, or split the file, and upload it again."
            ]
        )
    if not data.strip():
        raise RosterError(["The file is empty. Choose the roster file and upload it again."])
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise RosterError([f"This is not a CSV file: it looks like {kind}. {_SAVE_AS_CSV}"])
    if filename.lower().endswith(_SPREADSHEET_EXTENSIONS):
        raise RosterError([f"This is not a CSV file: it is a spreadsheet. {_SAVE_AS_CSV}"])
    if b"\x00" in data:
        raise RosterError([f"This is not a CSV file: it contains binary data. {_SAVE_AS_CSV}"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(
            [f"This is not a CSV file we can read: its text is not UTF-8. {_SAVE_AS_CSV}"]
        ) from None
    if not text.strip():
        raise RosterError(["The file is empty. Choose the roster file and upload it again."])
    return text


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def detect_delimiter(text: str) -> str:
    """The separator whose split of the header row names the most known columns (else ",")."""
    header = _first_line(text)

    def known_columns(delimiter: str) -> int:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        return len({column for cell in cells if (column := _column_for(cell))})

    return max(DELIMITERS, key=known_columns)


def _columns(header: list[str]) -> dict[str, int]:
    """Where each needed column is in the header row, or RosterError naming what is missing."""
    positions: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(header):
        column = _column_for(cell)
        if column is None:
            continue
        if column in positions:
            problems.append(
                f'Two columns hold the {COLUMN_LABELS[column]}: "{header[positions[column]]}" '
                f'and "{cell.strip()}". Keep one of them.'
            )
        else:
            positions[column] = index
    missing = [label for column, label in COLUMN_LABELS.items() if column not in positions]
    if missing:
        found = ", ".join(f'"{cell.strip()}"' for cell in header if cell.strip()) or "nothing"
        problems.insert(
            0,
            "The first row must name the columns. Missing: "
            + ", ".join(missing)
            + f". The first row has: {found}. Accepted names include "
            '"Membership number", "Email" and "Expiry date".',
        )
    if problems:
        raise RosterError(problems)
    return positions


def _read_date(value: str) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_roster(data: bytes, filename: str = "") -> list[RosterRow]:
    """The rows of a roster file, or RosterError listing every problem in it.

    Blank lines are skipped. Every row needs a membership number, an e-mail address and an
    expiry date as YYYY-MM-DD. E-mail addresses are lowercased; numbers and e-mails are
    stripped of surrounding spaces.
    """
    text = decode(data, filename)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    header = None
    rows: list[RosterRow] = []
    problems: list[str] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = cells
                positions = _columns(header)
                continue
            line = reader.line_num
            values = {
                column: (cells[index].strip() if index < len(cells) else "")
                for column, index in positions.items()
            }
            row_problems = []
            for column, label in COLUMN_LABELS.items():
                if not values[column]:
                    row_problems.append(f"Row {line}: the {label} is empty.")
            if values[EMAIL] and not _EMAIL.match(values[EMAIL]):
                row_problems.append(f'Row {line}: "{values[EMAIL]}" is not an e-mail address.')
            expires_on = _read_date(values[EXPIRY]) if values[EXPIRY] else None
            if values[EXPIRY] and expires_on is None:
                row_problems.append(
                    f'Row {line}: "{values[EXPIRY]}" is not a date in the form {DATE_FORMAT} '
                    f"(for example {DATE_EXAMPLE})."
                )
            if row_problems:
                problems.extend(row_problems)
                continue
            rows.append(RosterRow(line, values[NUMBER], values[EMAIL].lower(), expires_on))
    except csv.Error as error:
        raise RosterError(
            [f"This is not a CSV file we can read (line {reader.line_num}: {error})."]
        ) from None
    if problems:
        listed = problems[:MAX_PROBLEMS_LISTED]
        raise RosterError(listed, more=len(problems) - len(listed))
    if not rows:
        raise RosterError(
            ["The file has no members: below the row of column names there are no rows."]
        )
    return rows


# --- comparing with our members ---------------------------------------------------------------


@dataclass(frozen=True)
class MemberRecord:
    """What the comparison needs to know about one of our members."""

    user_id: int
    email: str
    membership_number: str | None
    expires_on: date | None
    verified: bool


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
