"""The app starts, the migrations give the models' schema, and the basic pages answer."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_migrations_give_the_models_schema(app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_vocabularies_are_filled_by_the_migrations(app):
    from sqlalchemy import func, select

    from app.models import Objective, Region

    assert db.session.scalar(select(func.count(Objective.id))) == 5
    assert db.session.scalar(select(func.count(Region.id))) == 8


def test_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "mentoring program" in page
    assert "mailto:mentoring@example.org" in page
    assert "mailto:webmaster@example.org" in page


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
