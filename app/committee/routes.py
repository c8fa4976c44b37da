from app.committee import bp  # noqa: F401
