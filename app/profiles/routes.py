from app.profiles import bp  # noqa: F401
