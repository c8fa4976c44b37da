"""The association's member roster: reading the CSV file.

Pure functions: no Flask, no database session. `parse_roster` turns the uploaded bytes into
the rows it could read and the rows it could not (each with its line and the reason, for the
committee), or raises `RosterError` when the file as a whole can't be used: not a CSV file, no
header naming the columns, or not one readable row (`app.committee.roster.comparison` then says
what applying each row would do).

The file has a header row naming at least three columns (in any order, extra columns ignored):
the membership number, the e-mail address and the expiry date (`app.committee.roster.dates`:
ISO dates, month names and spreadsheet serials always, day/month/year or month/day/year in the
order chosen on the upload form). Commas or semicolons separate the columns; the file is UTF-8,
with or without a byte-order mark.
"""

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date

from app.committee.roster.dates import ISO, DateProblem, read_date

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


@dataclass(frozen=True)
class SkippedRow:
    """A row of the file that could not be read: left out of the import, listed for the
    committee. `email` and `membership_number` as the row has them (possibly empty), so that
    its member is not also listed as missing from the roster."""

    line: int
    problems: tuple[str, ...]
    membership_number: str = ""
    email: str = ""

    def as_json(self) -> list:
        return [self.line, list(self.problems), self.membership_number, self.email]

    @classmethod
    def from_json(cls, value: list) -> "SkippedRow":
        line, problems, number, email = value
        return cls(line, tuple(problems), number, email)


@dataclass(frozen=True)
class ParsedRoster:
    rows: list[RosterRow]
    skipped: list[SkippedRow]


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


def parse_roster(data: bytes, filename: str = "", date_order: str = ISO) -> ParsedRoster:
    """The rows of a roster file that can be read, and those that can't, each with its reasons.

    Blank lines are skipped. Every row needs a membership number, an e-mail address and an
    expiry date (read in `date_order` when it is numeric with the year last). E-mail addresses
    are lowercased; numbers and e-mails are stripped of surrounding spaces. RosterError when the
    file can't be used at all, or when none of its rows can be read (listing their problems).
    """
    text = decode(data, filename)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    header = None
    rows: list[RosterRow] = []
    skipped: list[SkippedRow] = []
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
                    row_problems.append(f"The {label} is empty.")
            if values[EMAIL] and not _EMAIL.match(values[EMAIL]):
                row_problems.append(f'"{values[EMAIL]}" is not an e-mail address.')
            expires_on = None
            if values[EXPIRY]:
                try:
                    expires_on = read_date(values[EXPIRY], date_order)
                except DateProblem as problem:
                    row_problems.append(str(problem))
            if row_problems:
                skipped.append(
                    SkippedRow(line, tuple(row_problems), values[NUMBER], values[EMAIL].lower())
                )
                continue
            rows.append(RosterRow(line, values[NUMBER], values[EMAIL].lower(), expires_on))
    except csv.Error as error:
        raise RosterError(
            [f"This is not a CSV file we can read (line {reader.line_num}: {error})."]
        ) from None
    if not rows and skipped:
        problems = [problem_text(row) for row in skipped]
        listed = problems[:MAX_PROBLEMS_LISTED]
        raise RosterError(
            ["Not one row of the file can be read.", *listed], more=len(problems) - len(listed)
        )
    if not rows:
        raise RosterError(
            ["The file has no members: below the row of column names there are no rows."]
        )
    return ParsedRoster(rows, skipped)


def problem_text(row: SkippedRow) -> str:
    """What is wrong with a skipped row, in one sentence: "Row 3: the e-mail is empty. ..."."""
    return f"Row {row.line}: " + " ".join(row.problems)
