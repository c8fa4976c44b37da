"""Migrations that move data, run on a database of their own (a temporary SQLite file) from the
revision before them."""

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from app import clock, create_app
from app.extensions import db
from app.models import CheckIn, ContactMethod, Mentorship, Objective, User


def _migrated_app(tmp_path, revision: str):
    url = f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    app = create_app("testing", DATABASE_URL=url, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(revision=revision)
    return app


def _member(number: int) -> int:
    """A member's id, inserted with the columns every revision has (the model may have more
    than the revision under test)."""
    now = clock.utcnow()
    db.session.execute(
        text(
            "INSERT INTO users (email, name, password_hash, email_verified_at, "
            "is_active_account, is_committee, privacy_notice_version, privacy_accepted_at, "
            "created_at) VALUES (:email, :name, '-', :now, true, false, '1', :now, :now)"
        ),
        {"email": f"member{number}@example.org", "name": f"Member {number}", "now": now},
    )
    return db.session.scalar(select(User.id).where(User.email == f"member{number}@example.org"))


def test_0009_copies_each_check_in_date_to_its_objectives(tmp_path):
    app = _migrated_app(tmp_path, "0008")
    with app.app_context():
        mentor_id, mentee_id = _member(1), _member(2)
        mentorship = Mentorship(
            mentor_id=mentor_id,
            mentee_id=mentee_id,
            started_on=date(2026, 1, 5),
            minimum_end_on=date(2026, 7, 5),
        )
        # Only the id: the model has columns that later migrations add.
        method_id = db.session.scalars(select(ContactMethod.id).order_by(ContactMethod.id)).first()
        check_ins = [
            CheckIn(
                mentorship=mentorship,
                author_id=mentee_id,
                met_on=met_on,
                method_id=method_id,
                minutes=30,
                how_it_is_going=4,
            )
            for met_on in (date(2026, 2, 1), date(2026, 3, 15))
        ]
        db.session.add_all(check_ins)
        db.session.commit()
        first, second = (check_in.id for check_in in check_ins)
        objective_ids = db.session.scalars(select(Objective.id).order_by(Objective.id)).all()
        links = [(first, objective_ids[0]), (first, objective_ids[1]), (second, objective_ids[0])]
        for check_in_id, objective_id in links:
            db.session.execute(
                text("INSERT INTO check_in_objectives VALUES (:check_in, :objective)"),
                {"check_in": check_in_id, "objective": objective_id},
            )
        db.session.commit()
        db.session.remove()

        upgrade()
        rows = db.session.execute(
            text("SELECT check_in_id, objective_id, met_on FROM check_in_objectives")
        ).all()
        assert sorted(rows) == [
            (first, objective_ids[0], "2026-02-01"),
            (first, objective_ids[1], "2026-02-01"),
            (second, objective_ids[0], "2026-03-15"),
        ]
        db.session.remove()

        downgrade(revision="0008")
        columns = {c["name"] for c in inspect(db.engine).get_columns("check_in_objectives")}
        assert columns == {"check_in_id", "objective_id"}
        assert db.session.scalar(text("SELECT count(*) FROM check_in_objectives")) == 3
