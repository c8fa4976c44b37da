"""The roster import: reading the file, the preview, applying it, and every way a file can be
wrong (each refused with a precise message, writing nothing)."""

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.committee.audit import trail as audit
from app.committee.roster.comparison import (
    ALREADY_VERIFIED,
    DUPLICATE,
    EXPIRED,
    MISMATCH,
    UNKNOWN,
    WILL_VERIFY,
    MemberRecord,
    classify,
    count_outcomes,
)
from app.committee.roster.dates import DAY_FIRST, ISO, MONTH_FIRST
from app.committee.roster.parsing import (
    MAX_BYTES,
    RosterError,
    RosterRow,
    parse_roster,
    problem_text,
)
from app.extensions import db
from app.models import AuditEvent, Profile, RosterImport
from tests.factories import NOW, TODAY
from tests.support import profile_of, unescaped_html

pytestmark = pytest.mark.usefixtures("fixed_time")  # today is 30 November 2026


def rows_of(text: str, filename: str = "roster.csv") -> list[RosterRow]:
    return parse_roster(text.encode(), filename).rows


def skipped_of(text: str, order: str = ISO) -> list[str]:
    """What is wrong with each row that can't be read, as the preview lists it."""
    return [problem_text(row) for row in parse_roster(text.encode(), "roster.csv", order).skipped]


def problems_of(data: bytes | str, filename: str = "roster.csv") -> list[str]:
    if isinstance(data, str):
        data = data.encode()
    with pytest.raises(RosterError) as caught:
        parse_roster(data, filename)
    return caught.value.problems


# --- reading the file (pure) ------------------------------------------------------------------


def test_a_plain_roster_is_read():
    rows = rows_of(
        "Membership number,Email,Expiry date\n"
        "OLA-1,Ada@Example.org ,2027-03-31\n"
        "\n"
        " OLA-2 ,sam@example.org,2026-12-31\n"
    )
    assert rows == [
        RosterRow(2, "OLA-1", "ada@example.org", date(2027, 3, 31)),
        RosterRow(4, "OLA-2", "sam@example.org", date(2026, 12, 31)),
    ]


@pytest.mark.parametrize(
    "header",
    [
        "membership_number,email,expiry",
        "Membership Number,E-mail,Expires",
        "MEMBERSHIP NO,Email Address,Expiration date",
        "Member ID,e-mail,expires_on",
        "Name,Membership number,Email,Expiry date,Notes",  # extra columns are ignored
    ],
)
def test_reasonable_header_spellings_are_accepted(header):
    columns = header.split(",")
    values = {"name": "Ada", "notes": "x"}

    def value(column):
        key = re.sub(r"[^a-z]", "", column.lower())
        if "mail" in key:
            return "ada@example.org"
        if "exp" in key:
            return "2027-03-31"
        if "member" in key:
            return "OLA-1"
        return values.get(key, "")

    line = ",".join(value(column) for column in columns)
    assert rows_of(f"{header}\n{line}\n") == [
        RosterRow(2, "OLA-1", "ada@example.org", date(2027, 3, 31))
    ]


def test_columns_may_come_in_any_order():
    assert rows_of("Expiry,Email,Number\n2027-03-31,ada@example.org,OLA-1\n") == [
        RosterRow(2, "OLA-1", "ada@example.org", date(2027, 3, 31))
    ]


def test_a_utf8_bom_and_windows_line_ends_are_accepted():
    data = "\ufeffMembership number,Email,Expiry\r\nOLA-1,ada@example.org,2027-03-31\r\n"
    assert parse_roster(data.encode("utf-8"), "roster.csv").rows[0].membership_number == "OLA-1"


def test_semicolons_are_accepted():
    rows = rows_of(
        "Membership number;Email;Expiry date\nOLA-1;ada@example.org;2027-03-31\n"
        '"OLA;2";sam@example.org;2027-01-31\n'
    )
    assert [row.membership_number for row in rows] == ["OLA-1", "OLA;2"]


def test_tabs_are_accepted():
    assert (
        len(rows_of("Membership number\tEmail\tExpiry\nOLA-1\tada@example.org\t2027-03-31\n")) == 1
    )


def test_quoted_fields_with_commas_are_read():
    rows = rows_of(
        'Name,Membership number,Email,Expiry\n"Reader, Ada",OLA-1,ada@example.org,2027-03-31\n'
    )
    assert rows[0].email == "ada@example.org"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "Name,Email,Expiry\nAda,ada@example.org,2027-03-31\n",
            'The first row has: "Name", "Email", "Expiry".',
        ),
        (
            "Number\nOLA-1\n",
            "The first row has no column for the e-mail.",
        ),
        (
            "Number\nOLA-1\n",
            "The first row has no column for the expiry date.",
        ),
        (
            "OLA-1,ada@example.org,2027-03-31\n",
            "The first row has no column for the membership number.",
        ),
        (
            "Number,Email,E-mail,Expiry\n",
            'Two columns hold the e-mail: "Email" and "E-mail". Keep one of them.',
        ),
    ],
)
def test_missing_or_doubled_headers_are_named(data, expected):
    assert any(expected in problem for problem in problems_of(data))


def test_bad_rows_are_listed_with_their_line_and_the_good_rows_are_read():
    text = (
        "Number,Email,Expiry\n"
        "OLA-1,a@example.org,2027-03-31\n"
        "OLA-2,b@example.org,31/03/2027\n"
        "OLA-3,c@example.org,2027-02-30\n"
        "OLA-4,d@example.org,March 2027\n"
        ",e@example.org,2027-03-31\n"
        "OLA-6,not-an-address,2027-03-31\n"
        "OLA-7,g@example.org\n"
    )
    assert [row.line for row in rows_of(text)] == [2]
    assert skipped_of(text) == [
        'Row 3: "31/03/2027" is not a date in the form YYYY-MM-DD (for example 2027-03-31). '
        "If the file writes dates with the year last, choose its order on the upload form.",
        'Row 4: "2027-02-30" is not a real date.',
        'Row 5: "March 2027" is not a date we can read. Write it as YYYY-MM-DD (for example '
        "2027-03-31).",
        "Row 6: The membership number is empty.",
        'Row 7: "not-an-address" is not an e-mail address.',
        "Row 8: The expiry date is empty.",
    ]


def test_a_file_without_one_readable_row_is_refused_with_its_problems():
    lines = "".join(f"OLA-{n},m{n}@example.org,someday\n" for n in range(30))
    with pytest.raises(RosterError) as caught:
        parse_roster(f"Number,Email,Expiry\n{lines}".encode(), "roster.csv")
    problems = caught.value.problems
    assert problems[0] == "Not one row of the file can be read."
    assert problems[1].startswith('Row 2: "someday" is not a date we can read.')
    assert len(problems) == 21
    assert caught.value.more == 10


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        ("2027-03-31", DAY_FIRST, date(2027, 3, 31)),
        ("2027-03-31", MONTH_FIRST, date(2027, 3, 31)),
        ("2027-03-31", ISO, date(2027, 3, 31)),
        ("2027/3/31", ISO, date(2027, 3, 31)),
        ("2027-03-31 00:00:00", ISO, date(2027, 3, 31)),
        ("31/03/2027", DAY_FIRST, date(2027, 3, 31)),
        ("03/04/2027", DAY_FIRST, date(2027, 4, 3)),
        ("03/04/2027", MONTH_FIRST, date(2027, 3, 4)),
        ("3/31/2027", MONTH_FIRST, date(2027, 3, 31)),
        ("31-03-27", DAY_FIRST, date(2027, 3, 31)),
        ("31.03.2027", DAY_FIRST, date(2027, 3, 31)),
        ("31/03/2027 0:00", DAY_FIRST, date(2027, 3, 31)),
        ("46477", ISO, date(2027, 3, 31)),  # an Excel serial number
        ("46477.0", DAY_FIRST, date(2027, 3, 31)),
        ("31 March 2027", ISO, date(2027, 3, 31)),
        ("31-Mar-27", MONTH_FIRST, date(2027, 3, 31)),
        ("March 31, 2027", DAY_FIRST, date(2027, 3, 31)),
        ("Sept. 30, 2027", DAY_FIRST, date(2027, 9, 30)),
        ("31 mars 2027", DAY_FIRST, date(2027, 3, 31)),
    ],
)
def test_dates_as_spreadsheets_export_them(value, order, expected):
    (row,) = parse_roster(
        f'Number,Email,Expiry\nOLA-1,a@example.org,"{value}"\n'.encode(), "roster.csv", order
    ).rows
    assert row.expires_on == expected


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        (
            "31/03/2027",
            MONTH_FIRST,
            "not a date in the order you chose (month/day/year): there is no month 31",
        ),
        (
            "03/31/2027",
            DAY_FIRST,
            "not a date in the order you chose (day/month/year): there is no month 31",
        ),
        ("31/02/2027", DAY_FIRST, '"31/02/2027" is not a real date.'),
        ("123", DAY_FIRST, "is not a date we can read"),
        ("99999", DAY_FIRST, "is a number, not a date"),
        ("12345", DAY_FIRST, "is a number, not a date"),
        ("31 Smarch 2027", DAY_FIRST, '"Smarch" is not the name of a month.'),
        ("3000-01-01", DAY_FIRST, "too far in the past or the future"),
    ],
)
def test_dates_that_can_not_be_read_say_why(value, order, expected):
    text = f"Number,Email,Expiry\nOLA-1,a@example.org,2027-03-31\nOLA-2,b@example.org,{value}\n"
    (problem,) = skipped_of(text, order)
    assert problem.startswith("Row 3: ")
    assert expected in problem


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"", "roster.csv", "The file is empty."),
        (b"\n\n  \n", "roster.csv", "The file is empty."),
        (b"\xef\xbb\xbf", "roster.csv", "The file is empty."),
        (b"Number,Email,Expiry\n\n", "roster.csv", "The file has no members"),
        (
            b"PK\x03\x04\x14\x00\x06\x00",
            "roster.xlsx",
            "This is not a CSV file: it looks like a spreadsheet",
        ),
        (b"Number,Email,Expiry\n", "roster.xlsx", "This is not a CSV file: it is a spreadsheet."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "roster.xls",
            "This is not a CSV file: it looks like an older Excel",
        ),
        (b"%PDF-1.7\n", "roster.csv", "This is not a CSV file: it looks like a PDF"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "roster.csv",
            "This is not a CSV file: it contains binary data.",
        ),
        (
            "Number,Email,Expiry\nOLA-1,é@example.org,2027-03-31\n".encode("latin-1"),
            "roster.csv",
            "its text is not UTF-8",
        ),
    ],
)
def test_files_that_are_not_rosters_are_refused(data, filename, expected):
    (problem,) = problems_of(data, filename)
    assert expected in problem


def test_non_csv_messages_say_how_to_fix_it():
    (problem,) = problems_of(b"PK\x03\x04", "roster.xlsx")
    assert 'choose "Save as" and the format "CSV UTF-8"' in problem


def test_a_file_over_2_mb_is_refused():
    header = b"Number,Email,Expiry\n"
    data = header + b"OLA-1,a@example.org,2027-03-31\n" * (MAX_BYTES // 30 + 1)
    assert len(data) > MAX_BYTES
    (problem,) = problems_of(data)
    assert problem.startswith("The file is 2.")
    assert "MB; the largest roster file accepted is 2 MB." in problem


def test_a_file_of_exactly_2_mb_is_read():
    row = b"OLA-1,a@example.org,2027-03-31\n"
    header = b"Number,Email,Expiry\n"
    padding = MAX_BYTES - len(header) - len(row)
    data = header + row + b"\n" * padding
    assert len(data) == MAX_BYTES
    assert len(parse_roster(data, "roster.csv").rows) == 1


# --- comparing with the members (pure) --------------------------------------------------------


def record(user_id, email, number, expires=None, verified=False):
    return MemberRecord(user_id, email, number, expires, verified)


MEMBERS = [
    record(1, "ada@example.org", "OLA-1"),
    record(2, "sam@example.org", "ola-2", date(2027, 1, 31), verified=True),
    record(3, "kim@example.org", "OLA-3", date(2026, 12, 31), verified=True),
    record(4, "lee@example.org", None),
    record(5, "twin-a@example.org", "OLA-9"),
    record(6, "twin-b@example.org", "OLA-9"),
]


@pytest.mark.parametrize(
    ("row", "outcome", "member_id", "note"),
    [
        (("OLA-1", "ada@example.org", "2027-03-31"), WILL_VERIFY, 1, "Not verified yet"),
        (("OLA-2", "sam@example.org", "2027-01-31"), ALREADY_VERIFIED, 2, "Verified until"),
        (
            ("OLA-3", "kim@example.org", "2027-12-31"),
            WILL_VERIFY,
            3,
            "expiry changes from 2026-12-31",
        ),
        (
            ("OLA-1", "other@example.org", "2027-03-31"),
            MISMATCH,
            1,
            "belongs to a member with another",
        ),
        (
            ("OLA-7", "ada@example.org", "2027-03-31"),
            MISMATCH,
            1,
            "another membership number (OLA-1)",
        ),
        (
            ("OLA-4", "lee@example.org", "2027-03-31"),
            MISMATCH,
            4,
            "has not entered a membership number",
        ),
        (
            ("OLA-9", "twin-a@example.org", "2027-03-31"),
            MISMATCH,
            5,
            "Another member entered the same",
        ),
        (("OLA-8", "who@example.org", "2027-03-31"), UNKNOWN, None, "No member has"),
        (("OLA-1", "ada@example.org", "2026-11-29"), EXPIRED, 1, "expired on 2026-11-29"),
    ],
)
def test_each_row_gets_an_outcome(row, outcome, member_id, note):
    number, email, expires = row
    (result,) = classify([RosterRow(2, number, email, date.fromisoformat(expires))], MEMBERS, TODAY)
    assert (result.outcome, result.member_id) == (outcome, member_id)
    assert note in result.note


def test_an_expiry_of_today_is_not_expired():
    (result,) = classify([RosterRow(2, "OLA-1", "ada@example.org", TODAY)], MEMBERS, TODAY)
    assert result.outcome == WILL_VERIFY


def test_duplicates_in_the_file_are_never_applied():
    rows = [
        RosterRow(2, "OLA-1", "ada@example.org", date(2027, 3, 31)),
        RosterRow(3, "ola-1", "x@example.org", date(2027, 3, 31)),
        RosterRow(4, "OLA-5", "sam@example.org", date(2027, 3, 31)),
        RosterRow(5, "OLA-6", "sam@example.org", date(2027, 3, 31)),
        RosterRow(6, "OLA-1", "y@example.org", date(2027, 3, 31)),
    ]
    results = classify(rows, MEMBERS, TODAY)
    assert [r.outcome for r in results] == [DUPLICATE] * 5
    assert results[0].note == "The same membership number is on rows 3, 6."
    assert results[2].note == "The same e-mail address is on row 5."
    assert count_outcomes(results) == {
        WILL_VERIFY: 0,
        ALREADY_VERIFIED: 0,
        MISMATCH: 0,
        UNKNOWN: 0,
        EXPIRED: 0,
        DUPLICATE: 5,
    }


# --- through the pages ------------------------------------------------------------------------


@pytest.fixture
def members(make_member, committee):
    """Members as the good roster below expects them."""
    _, chair = committee

    def profile(number, expires=None, verified=False):
        values = {"membership_number": number, "membership_expires_on": expires}
        if verified:
            values |= {
                "membership_verified_at": NOW - timedelta(days=30),
                "membership_verified_by_id": chair.id,
            }
        return values

    return {
        "ada": make_member(email="ada@example.org", profile=profile("OLA-1001", date(2027, 1, 31))),
        "sam": make_member(email="sam@example.org", profile=profile("OLA-1002")),
        "kim": make_member(
            email="kim@example.org", profile=profile("OLA-1003", date(2027, 3, 31), verified=True)
        ),
        "lee": make_member(
            email="lee@example.org", profile=profile("OLA-1004", date(2026, 12, 31), verified=True)
        ),
        "mo": make_member(email="mo@example.org", profile=profile("OLA-5555")),
        "old": make_member(email="old@example.org", profile=profile("OLA-1006")),
    }


GOOD_ROSTER = (
    "Membership number,Email,Expiry date,Name\n"
    "OLA-1001,ada@example.org,2027-03-31,Ada\n"  # will verify (date corrected)
    "OLA-1002,SAM@example.org,2027-06-30,Sam\n"  # will verify
    "OLA-1003,kim@example.org,2027-03-31,Kim\n"  # already verified
    "OLA-1004,lee@example.org,2027-12-31,Lee\n"  # will verify (new expiry)
    "OLA-1005,mo@example.org,2027-03-31,Mo\n"  # mismatch: Mo entered OLA-5555
    "OLA-7777,nobody@example.org,2027-03-31,Nobody\n"  # unknown
    "OLA-1006,old@example.org,2026-10-31,Old\n"  # expired
    "\n"
    "OLA-2000,twice@example.org,2027-03-31,Twice\n"  # duplicate
    "OLA-2000,twice-again@example.org,2027-03-31,Twice\n"  # duplicate
)
GOOD_COUNTS = {
    "will_verify": 3,
    "already_verified": 1,
    "mismatch": 1,
    "unknown": 1,
    "expired": 1,
    "duplicate": 2,
}


def upload(forms, content, filename="roster.csv", date_order=None, **kwargs):
    data = content if isinstance(content, bytes) else content.encode()
    fields = {"file": (io.BytesIO(data), filename)}
    if date_order is not None:
        fields["date_order"] = date_order
    return forms.post("/committee/roster", fields, content_type="multipart/form-data", **kwargs)


def preview_counts(page: str) -> dict[str, int]:
    found = re.findall(
        r'<span class="outcome outcome-(\w+)">[^<]+</span></th>\s*<td>(?:<a [^>]*>)?(\d+)', page
    )
    return {code: int(number) for code, number in found}


def fingerprint_in(page: str) -> str:
    return re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', page).group(1)


def snapshot() -> list[tuple]:
    """Every membership field of every profile, the audit trail and the imports."""
    db.session.expire_all()
    profiles = db.session.execute(
        select(
            Profile.user_id,
            Profile.membership_number,
            Profile.membership_expires_on,
            Profile.membership_verified_at,
            Profile.membership_verified_by_id,
        ).order_by(Profile.user_id)
    ).all()
    return [
        tuple(profiles),
        db.session.scalar(select(func.count(AuditEvent.id))),
        db.session.scalar(select(func.count(RosterImport.id))),
    ]


def test_the_roster_page(committee):
    forms, _ = committee
    page = forms.get("/committee/roster").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert '<label for="file">Roster file (CSV)</label>' in page
    assert "<caption>An example roster file</caption>" in page


def test_a_good_roster_is_previewed_then_applied_once(committee, members):
    forms, chair = committee
    before = snapshot()
    response = upload(forms, GOOD_ROSTER)
    assert response.status_code == 302
    (roster_import,) = db.session.scalars(select(RosterImport))
    assert response.headers["Location"] == f"/committee/roster/{roster_import.id}"
    assert roster_import.row_count == 9
    assert roster_import.uploaded_by_id == chair.id
    assert roster_import.applied_at is None
    # The preview changed no membership; it kept the rows and recorded the upload.
    assert snapshot()[0] == before[0]
    (uploaded,) = db.session.scalars(select(AuditEvent))
    assert uploaded.action == audit.ROSTER_UPLOADED
    assert uploaded.detail == {"filename": "roster.csv", "rows": 9}

    preview = forms.get(response.headers["Location"])
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert preview_counts(page) == GOOD_COUNTS
    assert "Apply: verify 3 memberships" in page
    assert "another membership number (OLA-5555)" in page
    assert "The same membership number is on row 11." in page
    assert "<caption>All rows, in the order of the file</caption>" in page

    only_mismatches = forms.get(f"/committee/roster/{roster_import.id}?outcome=mismatch")
    rows_shown = re.findall(
        r'<tr>\s*<th scope="row">(\d+)</th>', only_mismatches.get_data(as_text=True)
    )
    assert rows_shown == ["6"]

    applied = forms.post(
        f"/committee/roster/{roster_import.id}/apply", {"fingerprint": fingerprint_in(page)}
    )
    assert applied.status_code == 302
    result = forms.get(applied.headers["Location"]).get_data(as_text=True)
    assert (
        "The roster is applied: 3 memberships verified, 1 already verified. Rows not applied: "
        "1 mismatch, 1 unknown, 1 expired, 2 duplicate."
    ) in result
    assert "Roster applied: roster.csv" in result

    ada, sam, kim, lee = (profile_of(members[name]) for name in ("ada", "sam", "kim", "lee"))
    assert (ada.membership_expires_on, ada.membership_verified_at) == (date(2027, 3, 31), NOW)
    assert (sam.membership_expires_on, sam.membership_verified_at) == (date(2027, 6, 30), NOW)
    assert sam.membership_verified_by_id == chair.id
    assert kim.membership_verified_at == NOW - timedelta(days=30)  # untouched
    assert (lee.membership_expires_on, lee.membership_verified_at) == (date(2027, 12, 31), NOW)
    for name in ("mo", "old"):
        assert profile_of(members[name]).membership_verified_at is None

    roster_import = db.session.get(RosterImport, roster_import.id)
    assert roster_import.applied_at == NOW
    assert roster_import.applied_by_id == chair.id
    assert roster_import.rows is None  # the association's data is not kept
    assert roster_import.counts == GOOD_COUNTS

    (applied_event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == audit.ROSTER_APPLIED)
    )
    assert applied_event.actor_id == chair.id
    assert (applied_event.target_type, applied_event.target_id) == (
        "roster_import",
        roster_import.id,
    )
    assert applied_event.detail == {"filename": "roster.csv", "rows": 9, **GOOD_COUNTS}
    verified_events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == audit.MEMBERSHIP_VERIFIED)
    ).all()
    assert sorted(event.target_id for event in verified_events) == sorted(
        members[name].id for name in ("ada", "sam", "lee")
    )
    assert {event.detail["via"] for event in verified_events} == {"roster"}

    # The same apply again: refused, nothing more changes.
    after = snapshot()
    again = forms.post(
        f"/committee/roster/{roster_import.id}/apply", {"fingerprint": fingerprint_in(page)}
    )
    assert "This file was already applied on 2026-11-30 10:00 EST" in forms.get(
        again.headers["Location"]
    ).get_data(as_text=True)
    assert snapshot() == after


def test_the_same_file_again_verifies_nothing_more(committee, members):
    forms, _ = committee
    first = upload(forms, GOOD_ROSTER)
    page = forms.get(first.headers["Location"]).get_data(as_text=True)
    forms.post(first.headers["Location"] + "/apply", {"fingerprint": fingerprint_in(page)})
    memberships = snapshot()[0]

    second = upload(forms, GOOD_ROSTER)
    page = forms.get(second.headers["Location"]).get_data(as_text=True)
    assert preview_counts(page) == {**GOOD_COUNTS, "will_verify": 0, "already_verified": 4}
    assert "Apply: verify 0 memberships" in page
    forms.post(second.headers["Location"] + "/apply", {"fingerprint": fingerprint_in(page)})
    assert snapshot()[0] == memberships
    last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last.action == audit.ROSTER_APPLIED
    assert last.detail["will_verify"] == 0
    assert last.detail["already_verified"] == 4


def test_a_tampered_apply_is_refused(committee, members):
    forms, _ = committee
    response = upload(forms, GOOD_ROSTER)
    before = snapshot()
    for fingerprint in ("0" * 64, "", "nonsense"):
        refused = forms.post(response.headers["Location"] + "/apply", {"fingerprint": fingerprint})
        assert refused.status_code == 409
        assert "Nothing was applied" in refused.get_data(as_text=True)
    assert snapshot() == before


def test_a_stale_apply_is_refused_and_shows_the_new_preview(committee, members):
    forms, _ = committee
    response = upload(forms, GOOD_ROSTER)
    page = forms.get(response.headers["Location"]).get_data(as_text=True)
    # Meanwhile Mo corrects the membership number: the row would now verify Mo.
    members["mo"].profile.membership_number = "OLA-1005"
    db.session.commit()
    before = snapshot()
    refused = forms.post(
        response.headers["Location"] + "/apply", {"fingerprint": fingerprint_in(page)}
    )
    assert refused.status_code == 409
    new_page = refused.get_data(as_text=True)
    assert "The members&#39; details changed since you saw it" in new_page
    assert preview_counts(new_page)["will_verify"] == 4
    assert snapshot() == before
    # Applying the new preview works.
    applied = forms.post(
        response.headers["Location"] + "/apply", {"fingerprint": fingerprint_in(new_page)}
    )
    assert applied.status_code == 302
    assert profile_of(members["mo"]).membership_verified_at == NOW


def test_an_old_preview_can_not_be_applied_and_is_deleted(committee, members):
    forms, _ = committee
    response = upload(forms, GOOD_ROSTER)
    page = forms.get(response.headers["Location"]).get_data(as_text=True)
    # A day passes (moved back in time, so the committee member stays signed in).
    roster_import = db.session.scalar(select(RosterImport))
    roster_import.uploaded_at = NOW - RosterImport.LIFETIME
    db.session.commit()
    assert "can no longer be applied" in forms.get(response.headers["Location"]).get_data(
        as_text=True
    )
    before = snapshot()
    refused = forms.post(
        response.headers["Location"] + "/apply", {"fingerprint": fingerprint_in(page)}
    )
    assert "more than 24 hours old" in forms.get(refused.headers["Location"]).get_data(as_text=True)
    assert snapshot() == before
    # The next upload deletes it.
    upload(forms, GOOD_ROSTER)
    assert db.session.scalar(select(func.count(RosterImport.id))) == 1


def test_an_apply_without_csrf_token_is_refused(committee, members):
    forms, _ = committee
    response = upload(forms, GOOD_ROSTER)
    page = forms.get(response.headers["Location"]).get_data(as_text=True)
    before = snapshot()
    refused = forms.client.post(
        response.headers["Location"] + "/apply", data={"fingerprint": fingerprint_in(page)}
    )
    assert refused.status_code == 400
    assert snapshot() == before


def test_an_unknown_import_is_404(committee):
    forms, _ = committee
    assert forms.get("/committee/roster/12345").status_code == 404
    assert forms.post("/committee/roster/12345/apply", {"fingerprint": "x"}).status_code == 404


# --- bad files through the page: a precise report, nothing written ---------------------------


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (
            "Name,Email,Expiry\nAda,ada@example.org,2027-03-31\n",
            "roster.csv",
            "The first row has no column for the membership number.",
        ),
        (
            "Number,Email,Expiry\nOLA-1001,ada@example.org,someday\n",
            "roster.csv",
            "Row 2: &#34;someday&#34; is not a date we can read.",
        ),
        (b"", "roster.csv", "The file is empty."),
        (b"Number,Email,Expiry\n", "roster.csv", "The file has no members"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "roster.xlsx", "This is not a CSV file"),
        (b"\x00\x01\x02\xff\xfe", "roster.csv", "This is not a CSV file"),
        (b"\xff\xfe\xfd not utf-8", "roster.csv", "This is not a CSV file we can read"),
    ],
)
def test_a_bad_file_is_reported_and_nothing_is_written(
    committee, members, content, filename, expected
):
    forms, _ = committee
    before = snapshot()
    response = upload(forms, content, filename)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This file can't be used. Nothing was changed." in page
    assert expected in page
    assert 'id="file-error"' in page
    assert snapshot() == before


def test_a_file_with_only_duplicates_applies_nothing(committee, members):
    forms, _ = committee
    content = (
        "Number,Email,Expiry\n"
        "OLA-1001,ada@example.org,2027-03-31\n"
        "OLA-1001,ada@example.org,2027-03-31\n"
    )
    response = upload(forms, content)
    page = forms.get(response.headers["Location"]).get_data(as_text=True)
    assert preview_counts(page)["duplicate"] == 2
    assert "The same membership number is on row 3." in page
    forms.post(response.headers["Location"] + "/apply", {"fingerprint": fingerprint_in(page)})
    assert profile_of(members["ada"]).membership_verified_at is None


def test_a_semicolon_file_with_a_bom_works_through_the_page(committee, members):
    forms, _ = committee
    content = "\ufeffMembership number;E-mail;Expires\r\nOLA-1002;sam@example.org;2027-06-30\r\n"
    response = upload(forms, content.encode("utf-8"))
    assert response.status_code == 302
    page = forms.get(response.headers["Location"]).get_data(as_text=True)
    assert preview_counts(page)["will_verify"] == 1


def test_no_file_chosen(committee):
    forms, _ = committee
    response = forms.post("/committee/roster", {}, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose the roster file (a .csv file) to upload." in page
    assert snapshot() == [(), 0, 0]


def multipart(fields: dict, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body built here: Werkzeug's test client would spool a large one to a
    temporary file it never closes (a ResourceWarning)."""
    boundary = "----roster-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_a_file_over_2_mb_gets_a_message_not_a_413(committee, members):
    forms, _ = committee
    before = snapshot()
    content = b"Number,Email,Expiry\n" + b"OLA-1,a@example.org,2027-03-31\n" * 80_000
    assert MAX_BYTES < len(content) < 4 * 1024 * 1024
    body, content_type = multipart({"csrf_token": forms.csrf_token()}, "roster.csv", content)
    response = forms.client.post("/committee/roster", data=body, content_type=content_type)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The file is 2.4 MB; the largest roster file accepted is 2 MB." in page
    assert snapshot() == before


def test_bad_dates_list_every_row(committee, members):
    forms, _ = committee
    content = "Number,Email,Expiry\n" + "".join(
        f"OLA-{n},m{n}@example.org,2027-13-{n:02d}\n" for n in range(1, 25)
    )
    page = upload(forms, content).get_data(as_text=True)
    assert "Not one row of the file can be read." in page
    assert page.count("is not a real date.") == 20
    assert "… and 4 more problems." in page


# --- rows that can't be read, date orders, members not in the roster ------------------------


def test_a_bad_row_is_listed_and_the_good_rows_are_applied(committee, members):
    forms, _ = committee
    content = (
        "Number,Email,Expiry\n"
        "OLA-1001,ada@example.org,31/03/2027\n"  # day first, as chosen
        "OLA-1002,sam@example.org,not a date\n"  # left out, listed
        "OLA-1003,kim@example.org,46477\n"  # an Excel serial: 2027-03-31, already verified
    )
    response = upload(forms, content, date_order=DAY_FIRST)
    assert response.status_code == 302
    (roster_import,) = db.session.scalars(select(RosterImport))
    assert (roster_import.row_count, roster_import.skipped_count) == (2, 1)
    page = forms.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 row could not be read" in page
    assert '<th scope="row">3</th>' in page
    assert "&#34;not a date&#34; is not a date we can read." in page
    assert preview_counts(page)["will_verify"] == 1
    assert preview_counts(page)["already_verified"] == 1

    applied = forms.post(
        f"/committee/roster/{roster_import.id}/apply", {"fingerprint": fingerprint_in(page)}
    )
    result = forms.get(applied.headers["Location"]).get_data(as_text=True)
    assert "1 row of the file could not be read." in result
    assert profile_of(members["ada"]).membership_expires_on == date(2027, 3, 31)
    assert profile_of(members["sam"]).membership_verified_at is None
    roster_import = db.session.get(RosterImport, roster_import.id)
    assert roster_import.skipped_rows is None  # the association's data is not kept
    assert roster_import.skipped_count == 1


@pytest.mark.parametrize(
    ("order", "expected"),
    [(DAY_FIRST, date(2027, 4, 3)), (MONTH_FIRST, date(2027, 3, 4))],
)
def test_the_chosen_order_reads_ambiguous_dates(committee, members, order, expected):
    forms, _ = committee
    response = upload(
        forms, "Number,Email,Expiry\nOLA-1002,sam@example.org,03/04/2027\n", date_order=order
    )
    page = forms.get(response.headers["Location"]).get_data(as_text=True)
    assert f"will be verified until {expected.isoformat()}" in page


def test_an_unknown_date_order_is_a_field_error(committee, members):
    forms, _ = committee
    before = snapshot()
    response = upload(
        forms, "Number,Email,Expiry\nOLA-1002,sam@example.org,2027-03-04\n", date_order="ydm"
    )
    assert response.status_code == 422
    assert "Choose one of the options shown." in response.get_data(as_text=True)
    assert snapshot() == before


def test_the_upload_form_offers_the_date_orders(committee):
    forms, _ = committee
    page = forms.get("/committee/roster").get_data(as_text=True)
    assert "How the file writes dates like 03/04/2027" in page
    assert (
        'value="dmy" checked' in page
        or 'checked value="dmy"' in page
        or re.search(r'<input[^>]*value="dmy"[^>]*checked', page)
    )
    assert 'value="mdy"' in page and 'value="iso"' in page


def test_members_with_an_active_membership_missing_from_the_roster_are_listed(committee, members):
    forms, _ = committee
    # Kim and Lee are verified and not expired; the file names Kim by number only.
    response = upload(forms, "Number,Email,Expiry\nOLA-1003,kim.other@example.org,2027-03-31\n")
    page = forms.get(response.headers["Location"]).get_data(as_text=True)
    section = page.split('id="not-in-roster"')[1]
    assert "Not in this roster (1)" in section
    assert "lee@example.org" in section and "kim@example.org" not in section
    assert f'href="/committee/members/{members["lee"].id}"' in section
    # Listing them changes nothing, and applying the file leaves them verified.
    forms.post(response.headers["Location"] + "/apply", {"fingerprint": fingerprint_in(page)})
    assert profile_of(members["lee"]).membership_verified_at is not None


def test_a_member_on_an_unreadable_row_is_not_listed_as_missing(committee, members):
    forms, _ = committee
    response = upload(
        forms,
        "Number,Email,Expiry\nOLA-1003,kim@example.org,2027-03-31\nOLA-1004,lee@example.org,soon\n",
    )
    page = forms.get(response.headers["Location"]).get_data(as_text=True)
    assert "Every member with an active membership is in this file." in page


# --- in French --------------------------------------------------------------------------------


def test_the_roster_page_and_a_bad_file_in_french(french_committee, members):
    page = unescaped_html(french_committee.get("/committee/roster"))
    assert '<html lang="fr-CA"' in page
    assert "<h1>Importer la liste des membres de l’association</h1>" in page
    assert "Jour d’abord\u00a0: 31/03/2027" in page
    assert '<th scope="col">Numéro de membre</th><th scope="col">Courriel</th>' in page

    before = snapshot()
    for content, filename, expected in [
        (b"", "roster.csv", "Le fichier est vide."),
        (
            b"PK\x03\x04\x14\x00",
            "roster.xlsx",
            "Ce n’est pas un fichier CSV\u00a0: il ressemble à un",
        ),
        ("Nom,Courriel\nAda,ada@example.org\n", "roster.csv", "pas de colonne pour le numéro"),
    ]:
        response = upload(french_committee, content, filename)
        assert response.status_code == 422
        text = unescaped_html(response)
        assert "Ce fichier ne peut pas être utilisé. Rien n’a été changé." in text
        assert expected in text
        assert "Corrigez le fichier, puis choisissez-le de nouveau." in text
    unreadable = upload(french_committee, "Number,Email,Expiry\nOLA-1001,ada@example.org,someday\n")
    assert "Ligne 2\u00a0: Impossible de lire la date «\u00a0someday\u00a0»." in unescaped_html(
        unreadable
    )
    assert snapshot() == before


def test_the_preview_and_its_flash_in_french(french_committee, members):
    # A French file: French column names, a bad row, the roster's other rows.
    content = (
        GOOD_ROSTER.replace(
            "Membership number,Email,Expiry date,Name",
            "Numéro de membre;Courriel;Date d’expiration;Nom",
        ).replace(",", ";")
        + "OLA-3000;bad@example.org;30/02/2027;Bad\n"
    )
    response = upload(french_committee, content)
    assert response.status_code == 302
    page = unescaped_html(french_committee.get(response.headers["Location"]))
    assert "<h1>Aperçu de la liste des membres\u00a0: roster.csv</h1>" in page
    assert preview_counts(page) == GOOD_COUNTS
    assert ">Sera vérifiée</span>" in page and ">Non concordante</span>" in page
    assert "Le membre qui a ce courriel a inscrit un autre numéro de membre (OLA-5555)." in page
    assert "Le même numéro de membre figure à la ligne 11." in page
    assert "1 ligne illisible" in page
    assert "«\u00a030/02/2027\u00a0» n’est pas une date qui existe." in page
    assert "Appliquer\u00a0: vérifier 3 adhésions" in page

    applied = french_committee.post(
        response.headers["Location"] + "/apply", {"fingerprint": fingerprint_in(page)}
    )
    assert applied.status_code == 302
    after = unescaped_html(french_committee.get(applied.headers["Location"]))
    assert (
        "La liste des membres est appliquée\u00a0: 3 adhésions vérifiées, 1 déjà vérifiée(s). "
        "Lignes non appliquées\u00a0: non concordantes 1, inconnues 1, expirées 1, en double 2. "
        "1 ligne du fichier était illisible."
    ) in after
    assert "<h1>Liste des membres appliquée\u00a0: roster.csv</h1>" in after
