"""The directory asks SQL who may mentor (app.eligibility.sql.listed_mentor_conditions); members
are told by Python (app.eligibility.mentor_reasons). Both must agree on every case."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.agreements import AGREEMENT_VERSIONS, has_current_agreement
from app.eligibility import mentor_reasons
from app.eligibility.sql import listed_mentor_conditions
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


@pytest.mark.parametrize("case", list(CASES))
def test_sql_and_python_agree_on_who_may_mentor(make_mentor, case):
    today = clock.today()
    options = dict(CASES[case])
    if isinstance(options.get("membership_expires_on"), int):
        options["membership_expires_on"] = today + timedelta(days=options["membership_expires_on"])
    user = make_mentor(f"Case {case}", directory=True, **options)
    python_says = not mentor_reasons(user, today, has_current_agreement(user, MENTOR))
    sql_says = (
        db.session.scalar(
            select(User.id)
            .join(Profile, Profile.user_id == User.id)
            .where(User.id == user.id, *listed_mentor_conditions(today, AGREEMENT_VERSIONS[MENTOR]))
        )
        is not None
    )
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
