"""The directory's SQL statements per request do not grow with the number of mentors.

Mentors are bulk-inserted (like app/seed.py) so that 500 of them take a moment.
"""

from datetime import timedelta

from sqlalchemy import event, insert, select

from app import clock
from app.agreements import AGREEMENT_VERSIONS
from app.extensions import db
from app.models import (
    ContactMethod,
    Language,
    Objective,
    Profile,
    Region,
    RoleAgreement,
    Sector,
    User,
)
from app.models.profiles import (
    MENTOR,
    profile_contact_methods,
    profile_languages,
    profile_objectives,
    profile_sectors,
)
from tests.factories import entry, entry_id
from tests.support import listed_mentors as listed

MAX_STATEMENTS = 6


def add_mentors(app, count: int, start: int) -> None:
    now = clock.utcnow()
    ids = {
        "sector": [entry(Sector, c).id for c in ("public", "academic", "school")],
        "region": [entry(Region, c).id for c in ("toronto", "ottawa", "eastern")],
        "contact": [entry(ContactMethod, c).id for c in ("in-person", "email", "video")],
        "language": [entry(Language, c).id for c in ("en", "fr")],
        "objective": [entry(Objective, c).id for c in ("career", "networking", "job-search")],
    }
    users = [
        {
            "email": f"bulk{start + n}@example.org",
            "name": f"Bulk Mentor {start + n:04d}",
            "password_hash": "!",
            "email_verified_at": now,
            "is_active_account": True,
            "is_committee": False,
            "privacy_notice_version": app.config["PRIVACY_NOTICE_VERSION"],
            "privacy_accepted_at": now,
            "created_at": now - timedelta(minutes=n),
        }
        for n in range(count)
    ]
    user_ids = db.session.scalars(
        insert(User).returning(User.id, sort_by_parameter_order=True), users
    ).all()
    db.session.execute(
        insert(Profile),
        [
            {
                "user_id": user_id,
                "display_name": f"Bulk Mentor {start + n:04d}",
                "position": "Librarian",
                "employer": "Somewhere",
                "years_experience": 10,
                "role": MENTOR,
                "region_id": ids["region"][n % 3],
                "membership_number": f"OLA-{user_id}",
                "membership_expires_on": clock.today() + timedelta(days=100),
                "membership_verified_at": now,
                "mentor_capacity": 2,
                "accepting_requests": True,
                "created_at": now,
                "updated_at": now,
            }
            for n, user_id in enumerate(user_ids)
        ],
    )
    for table, column, kind in (
        (profile_sectors, "sector_id", "sector"),
        (profile_contact_methods, "contact_method_id", "contact"),
        (profile_languages, "language_id", "language"),
        (profile_objectives, "objective_id", "objective"),
    ):
        db.session.execute(
            insert(table),
            [
                {"profile_id": user_id, column: ids[kind][n % len(ids[kind])]}
                for n, user_id in enumerate(user_ids)
            ],
        )
    db.session.execute(
        insert(RoleAgreement),
        [
            {"user_id": user_id, "role": MENTOR, "version": AGREEMENT_VERSIONS[MENTOR]}
            for user_id in user_ids
        ],
    )
    db.session.commit()


class StatementCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0
        self.statements = []

    def __call__(self, conn, cursor, statement, *args):
        self.count += 1
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc_info):
        event.remove(self.engine, "before_cursor_execute", self)


def statements_per_page(client, paths) -> dict[str, int]:
    counts = {}
    for path, headers in paths:
        client.get(path, headers=headers)  # warm up (e.g. the program settings row)
        with StatementCounter(db.engine) as counter:
            response = client.get(path, headers=headers)
        assert response.status_code == 200
        counts[path + (" (HTMX)" if headers else "")] = counter.count
    return counts


def test_statements_per_request_are_few_and_constant(app, mentee):
    client, _ = mentee(objectives=("career",), contact_methods=("in-person",))
    sector = entry_id(Sector, "public")
    paths = [
        ("/mentors", {}),
        (f"/mentors?sector={sector}&objective={entry_id(Objective, 'career')}", {}),
        ("/mentors?q=bulk+mentor&order=name", {}),
        ("/mentors?page=2&order=newest", {}),
        (f"/mentors?sector={sector}", {"HX-Request": "true"}),
    ]
    add_mentors(app, 50, 0)
    small = statements_per_page(client, paths)
    assert len(listed(client.get("/mentors"))) == 20
    add_mentors(app, 450, 50)
    large = statements_per_page(client, paths)
    assert "500 mentors found" in client.get("/mentors").get_data(as_text=True)
    assert small == large, (small, large)
    assert max(large.values()) <= MAX_STATEMENTS, large


def test_a_mentors_page_takes_few_statements(app, mentee):
    client, _ = mentee()
    add_mentors(app, 3, 0)
    mentor_id = db.session.scalar(select(User.id).where(User.email == "bulk0@example.org"))
    path = f"/mentors/{mentor_id}"
    client.get(path)
    with StatementCounter(db.engine) as counter:
        assert client.get(path).status_code == 200
    # The directory's statements, plus the mentor's account and whether the two are partners
    # (can_see_contact_details: the contact details the viewer may see).
    assert counter.count <= MAX_STATEMENTS + 2, "\n".join(s[:70] for s in counter.statements)
