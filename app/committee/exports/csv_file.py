"""Writing an export's CSV file: UTF-8 with a byte-order mark (spreadsheet programs then read
accents right), CHUNK rows at a time, and every text cell that a spreadsheet would take for a
formula (starting with = + - @, a tab or a carriage return) prefixed with a single quote.

Pure functions: no Flask, no database session.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHUNK = 500
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
YES_NO = ("yes", "no")


def safe_cell(value, zone: ZoneInfo = UTC, yes_no: tuple[str, str] = YES_NO) -> str:
    """A value as a CSV cell: dates as YYYY-MM-DD, times (stored naive UTC) as YYYY-MM-DD
    HH:MM:SS on the clock of `zone` (the program's, so that a spreadsheet's dates are the days
    people lived), `yes_no` for True and False (the reader's words), empty for None; text that
    a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if value is True:
        return yes_no[0]
    if value is False:
        return yes_no[1]
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_chunks(
    header: list[str],
    rows: Iterable[Iterable],
    zone: ZoneInfo = UTC,
    yes_no: tuple[str, str] = YES_NO,
) -> Iterator[bytes]:
    """The CSV file, as UTF-8 bytes with a byte-order mark, CHUNK rows at a time; times on the
    clock of `zone`, `yes_no` for True and False. The header is escaped as the cells are (a
    translated heading is text like any other)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([safe_cell(str(name)) for name in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(value, zone, yes_no) for value in row])
        if count % CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
