"""Each eligibility rule has a Python twin, for one member, and a SQL twin, for lists of
thousands (app.eligibility and app.eligibility.sql). The directory asks SQL who may mentor,
the committee's figures and lists ask it who may be a mentee and whose membership is in which
state; members are told by Python. Both must agree on every case."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.agreements import AGREEMENT_VERSIONS, has_current_agreement
from app.eligibility import MEMBERSHIP_STATUSES, membership_status, mentee_reasons, mentor_reasons
from app.eligibility.sql import (
    eligible_mentee_conditions,
    listed_mentor_conditions,
    membership_status_condition,
    taking_requests,
)
from app.extensions import db
from app.models import Profile, User
from app.models.profiles import BOTH, MENTEE, MENTOR
from tests.factories import agree

CASES = {
    "eligible": {},
    "role both": {"role": BOTH},
    "role mentee": {"role": MENTEE},
    "no role": {"role": None},
    "empty role": {"role": ""},
    "two years": {"years_experience": 2},
    "three years": {"years_experience": 3},
    "no years": {"years_experience": None},
    "no position": {"position": None},
    "empty position": {"position": ""},
    "no region": {"region": None},
    "no sectors": {"sectors": ()},
    "no contact methods": {"contact_methods": ()},
    "no membership number": {"membership_number": None},
    "empty membership number": {"membership_number": ""},
    "no expiry": {"membership_expires_on": None},
    "expired yesterday": {"membership_expires_on": -1},  # days from today (see the test)
    "expires today": {"membership_expires_on": 0},
    "unverified membership": {"membership_verified_at": None},
    "unverified e-mail": {"verified": False},
    "deactivated": {"active": False},
    "no agreement": {"agreement": False},
    "old agreement": {"agreement": "2000-01"},
    "not accepting (still eligible)": {"accepting_requests": False},
    "no employer (not required)": {"employer": None},
}


def _with_days(options: dict, today) -> dict:
    options = dict(options)
    if isinstance(options.get("membership_expires_on"), int):
        options["membership_expires_on"] = today + timedelta(days=options["membership_expires_on"])
    return options


def _sql_says(user, conditions) -> bool:
    return (
        db.session.scalar(
            select(User.id)
            .outerjoin(Profile, Profile.user_id == User.id)
            .where(User.id == user.id, *conditions)
        )
        is not None
    )


@pytest.mark.parametrize("case", list(CASES))
def test_sql_and_python_agree_on_who_may_mentor(make_mentor, case):
    today = clock.today()
    user = make_mentor(f"Case {case}", directory=True, **_with_days(CASES[case], today))
    python_says = not mentor_reasons(user, today, has_current_agreement(user, MENTOR))
    sql_says = _sql_says(user, listed_mentor_conditions(today, AGREEMENT_VERSIONS[MENTOR]))
    assert sql_says == python_says
    expected = case in {"eligible", "role both", "three years", "expires today"} or "still" in case
    expected = expected or "not required" in case
    assert python_says == expected


def test_a_member_without_a_profile_is_never_listed(make_member):
    user = make_member()
    agree(user, MENTOR)
    today = clock.today()
    assert mentor_reasons(user, today, True)
    assert (
        db.session.scalar(
            select(User.id)
            .join(Profile, Profile.user_id == User.id)
            .where(*listed_mentor_conditions(today, AGREEMENT_VERSIONS[MENTOR]))
        )
        is None
    )


MENTEE_CASES = {
    **{
        case: options
        for case, options in CASES.items()
        if case not in {"role mentee", "two years", "three years", "not accepting (still eligible)"}
    },
    "role mentee": {"role": MENTEE},
    "role mentor": {"role": MENTOR},
    "no years of experience": {"years_experience": 0},
}
MENTEE_ELIGIBLE = {
    "eligible",
    "role both",
    "role mentee",
    "expires today",
    "no employer (not required)",
    "no years of experience",
}


@pytest.mark.parametrize("case", list(MENTEE_CASES))
def test_sql_and_python_agree_on_who_may_be_a_mentee(make_mentee, case):
    today = clock.today()
    options = {"role": MENTEE, **_with_days(MENTEE_CASES[case], today)}
    user = make_mentee(f"Case {case}", directory=True, **options)
    python_says = not mentee_reasons(user, today, has_current_agreement(user, MENTEE))
    sql_says = _sql_says(user, eligible_mentee_conditions(today, AGREEMENT_VERSIONS[MENTEE]))
    assert sql_says == python_says
    assert python_says == (case in MENTEE_ELIGIBLE)


def test_a_member_without_a_profile_is_never_an_eligible_mentee(make_member):
    user = make_member()
    agree(user, MENTEE)
    today = clock.today()
    assert mentee_reasons(user, today, True)
    assert not _sql_says(user, eligible_mentee_conditions(today, AGREEMENT_VERSIONS[MENTEE]))


MEMBERSHIP_CASES = {
    "verified": {},
    "no number": {"membership_number": None},
    "blank number": {"membership_number": "  "},
    "no expiry": {"membership_expires_on": None},
    "expired yesterday": {"membership_expires_on": -1},
    "expired and unverified": {"membership_expires_on": -1, "membership_verified_at": None},
    "expires today": {"membership_expires_on": 0},
    "unverified": {"membership_verified_at": None},
    "unverified, no expiry": {"membership_verified_at": None, "membership_expires_on": None},
}


@pytest.mark.parametrize("case", list(MEMBERSHIP_CASES))
def test_sql_and_python_agree_on_a_membership_status(make_mentee, case):
    today = clock.today()
    user = make_mentee(f"Case {case}", directory=True, **_with_days(MEMBERSHIP_CASES[case], today))
    status = membership_status(user.profile, today)
    assert [
        s for s in MEMBERSHIP_STATUSES if _sql_says(user, [membership_status_condition(s, today)])
    ] == [status]


def test_a_member_without_a_profile_has_no_membership_number(make_member):
    user = make_member()
    today = clock.today()
    assert membership_status(None, today) == "missing"
    matching = [
        s for s in MEMBERSHIP_STATUSES if _sql_says(user, [membership_status_condition(s, today)])
    ]
    assert matching == ["missing"]


# Days from today of the return day (None: never away), and whether they accept requests.
TAKING_CASES = {
    "never away": (None, True),
    "back tomorrow (away today)": (1, False),
    "back in a year (away today)": (365, False),
    "back today": (0, True),
    "back yesterday, not brought back yet": (-1, True),
    "not accepting, never away": (None, False),
    "not accepting, back today": (0, False),
    "not accepting, away": (10, False),
}


@pytest.mark.parametrize("case", list(TAKING_CASES))
def test_sql_and_python_agree_on_who_takes_requests(make_mentor, case):
    today = clock.today()
    back_in, accepting = TAKING_CASES[case]
    user = make_mentor(f"Case {case}", directory=True, accepting_requests=accepting)
    if back_in is not None:
        user.profile.away_until = today + timedelta(days=back_in)
        db.session.commit()
    python_says = user.profile.takes_requests_on(today)
    assert _sql_says(user, taking_requests(today)) == python_says
    expected = accepting and (back_in is None or back_in <= 0)
    assert python_says == expected
