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
import unicodedata
from dataclasses import dataclass
from datetime import date

from app.committee.messages import N_, Message, english, message
from app.committee.roster.dates import ISO, DateProblem, read_date

# The largest roster file accepted. (The app refuses any request over MAX_CONTENT_LENGTH,
# 4 MB, before it reaches a view; files between the two get this module's message.)
MAX_BYTES = 2 * 1024 * 1024
# At most this many problems are listed; the rest are counted.
MAX_PROBLEMS_LISTED = 20

DATE_FORMAT = "YYYY-MM-DD"
DATE_EXAMPLE = "2027-03-31"

NUMBER, EMAIL, EXPIRY = "membership_number", "email", "expires_on"
COLUMNS = (NUMBER, EMAIL, EXPIRY)
# What is wrong with a column, one sentence for each column (French words them differently).
_NO_COLUMN = {
    NUMBER: N_("The first row has no column for the membership number."),
    EMAIL: N_("The first row has no column for the e-mail."),
    EXPIRY: N_("The first row has no column for the expiry date."),
}
_TWO_COLUMNS = {
    NUMBER: N_(
        'Two columns hold the membership number: "%(first)s" and "%(second)s". Keep one of them.'
    ),
    EMAIL: N_('Two columns hold the e-mail: "%(first)s" and "%(second)s". Keep one of them.'),
    EXPIRY: N_('Two columns hold the expiry date: "%(first)s" and "%(second)s". Keep one of them.'),
}
_EMPTY = {
    NUMBER: N_("The membership number is empty."),
    EMAIL: N_("The e-mail is empty."),
    EXPIRY: N_("The expiry date is empty."),
}
# Header spellings accepted, English and French, compared lowercased without accents and with
# everything but letters and digits removed ("Membership number", "membership_number" and
# "MEMBERSHIP-NUMBER" are all "membershipnumber"; "Numéro de membre" is "numerodemembre").
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
        "numerodemembre",
        "numerodadhesion",
        "nodemembre",
        "nodadhesion",
        "ndemembre",
        "ndadhesion",
    },
    EMAIL: {"email", "emailaddress", "mail", "memberemail", "courriel", "adressecourriel"},
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
        "datedexpiration",
        "dateexpiration",
        "echeance",
        "datedecheance",
    },
}
DELIMITERS = (",", ";", "\t")

# What the first bytes of common non-CSV files look like, and what to say of each.
_SIGNATURES = (
    (
        b"PK\x03\x04",
        N_(
            "This is not a CSV file: it looks like a spreadsheet or other zipped file (such as "
            '.xlsx or .ods). In your spreadsheet, choose "Save as" and the format "CSV UTF-8", '
            "then upload that."
        ),
    ),
    (
        b"\xd0\xcf\x11\xe0",
        N_(
            "This is not a CSV file: it looks like an older Excel workbook (.xls). In your "
            'spreadsheet, choose "Save as" and the format "CSV UTF-8", then upload that.'
        ),
    ),
    (
        b"%PDF",
        N_(
            "This is not a CSV file: it looks like a PDF document. In your spreadsheet, choose "
            '"Save as" and the format "CSV UTF-8", then upload that.'
        ),
    ),
)
_SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".numbers")
_EMPTY_FILE = N_("The file is empty. Choose the roster file and upload it again.")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RosterError(Exception):
    """The file can't be used. `messages` lists what is wrong, each a message for the
    committee (`problems`: the same in English); `rows` the rows that could not be read when
    not one could, the first MAX_PROBLEMS_LISTED of them; `more` counts those left out."""

    def __init__(self, messages: list[Message], rows: list["SkippedRow"] = (), more: int = 0):
        self.messages = messages
        self.rows = list(rows)
        self.more = more
        super().__init__(self.problems[0])

    @property
    def problems(self) -> list[str]:
        return [english(m) for m in self.messages] + [problem_text(row) for row in self.rows]


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
    its member is not also listed as missing from the roster. `problems` are messages (kept as
    two-item lists in the import's JSON); a plain string is English text kept by an older
    version."""

    line: int
    problems: tuple[Message | str, ...]
    membership_number: str = ""
    email: str = ""

    def as_json(self) -> list:
        problems = [p if isinstance(p, str) else list(p) for p in self.problems]
        return [self.line, problems, self.membership_number, self.email]

    @classmethod
    def from_json(cls, value: list) -> "SkippedRow":
        line, problems, number, email = value
        return cls(
            line, tuple(p if isinstance(p, str) else tuple(p) for p in problems), number, email
        )


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
    unaccented = unicodedata.normalize("NFKD", text.strip().lower())
    return re.sub(r"[^a-z0-9]", "", unaccented)


def _column_for(header: str) -> str | None:
    key = _header_key(header)
    for column, aliases in HEADER_ALIASES.items():
        if key in aliases:
            return column
    return None


def decode(data: bytes, filename: str = "") -> str:
    """The file's text, or RosterError if it is empty, too large or not a CSV file."""
    if len(data) > MAX_BYTES:
        raise RosterError(
            [
                message(
                    N_(
                        "The file is %(size).1f MB; the largest roster file accepted is "
                        "%(largest)d MB. Remove the columns other than the membership number, "
                        "e-mail and expiry date, or split the file, and upload it again."
                    ),
                    size=len(data) / (1024 * 1024),
                    largest=MAX_BYTES // (1024 * 1024),
                )
            ]
        )
    if not data.strip():
        raise RosterError([message(_EMPTY_FILE)])
    for signature, sentence in _SIGNATURES:
        if data.startswith(signature):
            raise RosterError([message(sentence)])
    if filename.lower().endswith(_SPREADSHEET_EXTENSIONS):
        raise RosterError(
            [
                message(
                    N_(
                        "This is not a CSV file: it is a spreadsheet. In your spreadsheet, choose "
                        '"Save as" and the format "CSV UTF-8", then upload that.'
                    )
                )
            ]
        )
    if b"\x00" in data:
        raise RosterError(
            [
                message(
                    N_(
                        "This is not a CSV file: it contains binary data. In your spreadsheet, "
                        'choose "Save as" and the format "CSV UTF-8", then upload that.'
                    )
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(
            [
                message(
                    N_(
                        "This is not a CSV file we can read: its text is not UTF-8. In your "
                        'spreadsheet, choose "Save as" and the format "CSV UTF-8", then upload '
                        "that."
                    )
                )
            ]
        ) from None
    if not text.strip():
        raise RosterError([message(_EMPTY_FILE)])
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
                message(
                    _TWO_COLUMNS[column],
                    first=header[positions[column]].strip(),
                    second=cell.strip(),
                )
            )
        else:
            positions[column] = index
    missing = [_NO_COLUMN[column] for column in COLUMNS if column not in positions]
    if missing:
        found = ", ".join(f'"{cell.strip()}"' for cell in header if cell.strip())
        problems[:0] = [
            message(N_("The first row must name the columns.")),
            *(message(msgid) for msgid in missing),
            message(N_("The first row has: %(found)s."), found=found)
            if found
            else message(N_("The first row is empty.")),
            message(
                N_(
                    'Accepted names include "Membership number", "Email" and "Expiry date" (or '
                    '"Numéro de membre", "Courriel" and "Date d\'expiration").'
                )
            ),
        ]
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
            for column in COLUMNS:
                if not values[column]:
                    row_problems.append(message(_EMPTY[column]))
            if values[EMAIL] and not _EMAIL.match(values[EMAIL]):
                row_problems.append(
                    message(N_('"%(value)s" is not an e-mail address.'), value=values[EMAIL])
                )
            expires_on = None
            if values[EXPIRY]:
                try:
                    expires_on = read_date(values[EXPIRY], date_order)
                except DateProblem as problem:
                    row_problems.append(problem.message)
            if row_problems:
                skipped.append(
                    SkippedRow(line, tuple(row_problems), values[NUMBER], values[EMAIL].lower())
                )
                continue
            rows.append(RosterRow(line, values[NUMBER], values[EMAIL].lower(), expires_on))
    except csv.Error as error:
        raise RosterError(
            [
                message(
                    N_("This is not a CSV file we can read (line %(line)d: %(error)s)."),
                    line=reader.line_num,
                    error=str(error),
                )
            ]
        ) from None
    if not rows and skipped:
        listed = skipped[:MAX_PROBLEMS_LISTED]
        raise RosterError(
            [message(N_("Not one row of the file can be read."))],
            rows=listed,
            more=len(skipped) - len(listed),
        )
    if not rows:
        raise RosterError(
            [
                message(
                    N_("The file has no members: below the row of column names there are no rows.")
                )
            ]
        )
    return ParsedRoster(rows, skipped)


def problem_text(row: SkippedRow) -> str:
    """What is wrong with a skipped row, in English: "Row 3: The e-mail is empty. ..."."""
    return f"Row {row.line}: " + " ".join(english(problem) for problem in row.problems)
