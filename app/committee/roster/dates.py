"""Reading the expiry dates of a roster file as spreadsheets export them.

Pure functions: no Flask. `read_date(value, order)` answers a date or raises `DateProblem` with
a sentence for the committee. Accepted, whatever the order chosen:

- ISO dates, 2027-03-31 (also 2027/03/31 and 2027.03.31): a four-digit year first is never
  ambiguous;
- dates with the month's name, "31 March 2027", "31-Mar-27", "March 31, 2027";
- Excel serial numbers (a cell formatted as a number: 46477 is 2027-03-31);

and numeric dates with the year last, 31/03/2027 or 03/31/2027 (also 31-03-27), read in the
order the committee chose for the file (day first or month first): 03/04/2027 is April 3 in one
and March 4 in the other, so the file's order is never guessed row by row.
"""

import re
from datetime import date, timedelta

from app.committee.messages import N_, Message, english, message
from app.text import EARLIEST_DAY, LATEST_DAY

ISO = "iso"
DAY_FIRST = "dmy"
MONTH_FIRST = "mdy"
# The choices of the upload form (msgids: the form translates them).
DATE_ORDERS = {
    DAY_FIRST: N_("Day first: 31/03/2027 (how most Canadian spreadsheets write it)"),
    MONTH_FIRST: N_("Month first: 03/31/2027 (as in the United States)"),
    ISO: N_("Only YYYY-MM-DD: refuse any other numeric date"),
}
# A month over 12 in the order chosen, one sentence for each order.
_NO_SUCH_MONTH = {
    DAY_FIRST: N_(
        '"%(value)s" is not a date in the order you chose (day/month/year): there is no month '
        "%(month)s. Check the order of the dates in the file."
    ),
    MONTH_FIRST: N_(
        '"%(value)s" is not a date in the order you chose (month/day/year): there is no month '
        "%(month)s. Check the order of the dates in the file."
    ),
}

# Excel counts days from 1899-12-30 (its day 60 is a 29 February 1900 that never was, so from
# March 1900 on this start gives the right day). Serials of plausible expiry dates only: from
# 1982 (30000) to 2119 (80000); a bare number outside that is not read as a date.
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIALS = range(30_000, 80_001)

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "janvier", "janv"),
            ("february", "feb", "février", "fevrier", "févr", "fevr"),
            ("march", "mar", "mars"),
            ("april", "apr", "avril", "avr"),
            ("may", "mai"),
            ("june", "jun", "juin"),
            ("july", "jul", "juillet", "juil"),
            ("august", "aug", "août", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "décembre", "decembre", "déc"),
        ),
        start=1,
    )
    for name in names
}

_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_YEAR_LAST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})")
_SERIAL = re.compile(r"(\d{5})(?:\.0+)?")
_DAY_NAME_YEAR = re.compile(r"(\d{1,2})[\s\-./]+([^\W\d_]+)\.?[\s\-./,]+(\d{2}|\d{4})")
_NAME_DAY_YEAR = re.compile(r"([^\W\d_]+)\.?[\s\-./]+(\d{1,2})(?:st|nd|rd|th)?,?[\s\-./]+(\d{4})")
# A time after the date, as some exports add ("2027-03-31 00:00:00", "31/03/2027 0:00").
_TIME = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?(\s*[ap]\.?m\.?)?$", re.IGNORECASE)


class DateProblem(ValueError):
    """`value` is not a date we can read; `message` says why, for the committee (str() of
    the exception is that message in English)."""

    def __init__(self, msgid: str, **params):
        self.message: Message = message(msgid, **params)
        super().__init__(english(self.message))


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _day(year: int, month: int, day: int, value: str) -> date:
    try:
        result = date(year, month, day)
    except ValueError:
        raise DateProblem(N_('"%(value)s" is not a real date.'), value=value) from None
    if not EARLIEST_DAY <= result <= LATEST_DAY:
        raise DateProblem(
            N_('"%(value)s" is too far in the past or the future to be an expiry date.'),
            value=value,
        )
    return result


def read_date(value: str, order: str = DAY_FIRST) -> date:
    """The date `value` stands for, numeric dates with the year last read in `order`
    (DAY_FIRST, MONTH_FIRST, or ISO to refuse them). DateProblem otherwise."""
    text = _TIME.sub("", value.strip())
    if match := _YEAR_FIRST.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return _day(year, month, day, value)
    if match := _SERIAL.fullmatch(text):
        serial = int(match.group(1))
        if serial in EXCEL_SERIALS:
            result = EXCEL_EPOCH + timedelta(days=serial)
            return _day(result.year, result.month, result.day, value)
        raise DateProblem(
            N_(
                '"%(value)s" is a number, not a date (as a spreadsheet serial it would be far '
                "from any expiry date)."
            ),
            value=value,
        )
    for pattern, day_group, name_group in ((_DAY_NAME_YEAR, 0, 1), (_NAME_DAY_YEAR, 1, 0)):
        if match := pattern.fullmatch(text):
            groups = match.groups()
            month = MONTHS.get(groups[name_group].lower())
            if month is None:
                raise DateProblem(
                    N_('"%(value)s": "%(name)s" is not the name of a month.'),
                    value=value,
                    name=groups[name_group],
                )
            return _day(_year(groups[2]), month, int(groups[day_group]), value)
    if match := _YEAR_LAST.fullmatch(text):
        first, second, year = match.groups()
        if order == ISO:
            raise DateProblem(
                N_(
                    '"%(value)s" is not a date in the form YYYY-MM-DD (for example 2027-03-31). '
                    "If the file writes dates with the year last, choose its order on the "
                    "upload form."
                ),
                value=value,
            )
        day, month = (first, second) if order == DAY_FIRST else (second, first)
        if int(month) > 12:
            raise DateProblem(_NO_SUCH_MONTH[order], value=value, month=int(month))
        return _day(_year(year), int(month), int(day), value)
    raise DateProblem(
        N_(
            '"%(value)s" is not a date we can read. Write it as YYYY-MM-DD (for example '
            "2027-03-31)."
        ),
        value=value,
    )
