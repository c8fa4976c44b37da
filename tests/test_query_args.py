"""Numbers typed into query strings: read without ever an error page."""

import pytest

from app.query_args import MAX_PAGE, page_number, record_id

HUGE = "99999999999999999999999"  # too large for a database integer


@pytest.mark.parametrize(
    ("raw", "page"),
    [(None, 1), ("", 1), ("abc", 1), ("-3", 1), ("0", 1), ("1.5", 1), ("²", 1), (" 7 ", 7)]
    + [("100000", MAX_PAGE), ("100001", MAX_PAGE), (HUGE, MAX_PAGE)],
)
def test_page_number(raw, page):
    assert page_number(raw) == page


def test_page_number_within_a_smaller_maximum():
    assert page_number("25", maximum=20) == 20 and page_number("123", maximum=20) == 20


@pytest.mark.parametrize(
    ("raw", "record"),
    [("42", 42), (" 42 ", 42), ("999999999", 999999999), ("1000000000", None), (HUGE, None)]
    + [(None, None), ("", None), ("-1", None), ("+5", None), ("4.2", None), ("٤", None)],
)
def test_record_id(raw, record):
    assert record_id(raw) == record


@pytest.mark.parametrize(
    "path",
    [
        f"/committee/members?page={HUGE}",
        "/committee/members?page=-2",
        f"/committee/audit?page={HUGE}",
        f"/committee/audit?actor={HUGE}",
        "/committee/audit?actor=abc&page=abc",
        f"/committee/feedback?page={HUGE}",
    ],
)
def test_hand_edited_numbers_in_committee_lists_never_fail(committee, path):
    forms, _ = committee
    assert forms.get(path).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/committee/members/{HUGE}",
        f"/committee/requests/{HUGE}",
        f"/committee/mentorships/{HUGE}",
        f"/mentorships/{HUGE}",
        "/committee/members/2147483648",
    ],
)
def test_an_id_too_large_for_the_database_is_not_found(committee, path):
    forms, _ = committee
    assert forms.get(path).status_code == 404
    assert forms.post(f"/committee/requests/{HUGE}/resend").status_code == 404
