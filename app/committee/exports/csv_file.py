"""Writing an export's CSV file: UTF-8 with a byte-order mark (spreadsheet programs then read
accents right), CHUNK rows at a time, and every text cell that a spreadsheet would take for a
formula (starting with = + - @, a tab or a carriage return) prefixed with a single quote.

Pure functions: no Flask, no database session.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

CHUNK = 500
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> str:
    """A value as a CSV cell: dates as YYYY-MM-DD, times as YYYY-MM-DD HH:MM:SS (UTC), yes/no,
    empty for None; text that a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_chunks(header: list[str], rows: Iterable[Iterable]) -> Iterator[bytes]:
    """The CSV file, as UTF-8 bytes with a byte-order mark, CHUNK rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(value) for value in row])
        if count % CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
