"""Mentor Match: the application factory."""

import logging
import os

from flask import Flask
from flask_babel import lazy_gettext
from werkzeug.middleware.proxy_fix import ProxyFix

from app.query_args import RecordIdConverter
from config import BASE_DIR, CONFIGS, DEFAULT_SECRET_KEY, Config


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Create and wire the application.

    `config_name` is one of config.CONFIGS (default: $APP_ENV, else "development").
    `overrides` are applied last; tests use them for per-test settings.
    """
    config_name = config_name or os.environ.get("APP_ENV", "development")
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(BASE_DIR / "instance"),
    )
    app.config.from_mapping(CONFIGS[config_name].from_environment())
    app.config.update(overrides)
    _refuse_unsafe_production(app)
    _refuse_unknown_time_zone(app)
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if app.config["PROXY_FIX_X_FOR"]:
        # Behind a reverse proxy: take the client's address (rate limits) and the scheme from it.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1, x_host=0
        )
    os.makedirs(app.instance_path, exist_ok=True)

    _init_extensions(app)
    app.url_map.converters["int"] = RecordIdConverter  # before any route is added
    _register_blueprints(app)

    from app import cli, clock, errors, i18n, program, security, templating

    clock.set_zone_source(program.time_zone)

    i18n.register(app)
    errors.register(app)
    security.register(app)
    templating.register(app)
    cli.register(app)
    return app


def _refuse_unsafe_production(app: Flask) -> None:
    if app.config["NAME"] != "production":
        return
    if app.config["SECRET_KEY"] in (DEFAULT_SECRET_KEY, "", None):
        raise RuntimeError(
            "Refusing to start in production without SECRET_KEY: set it to a long random value."
        )
    if app.config["RATELIMIT_ENABLED"] and app.config["RATELIMIT_STORAGE_URI"].startswith(
        "memory://"
    ):
        raise RuntimeError(
            "Refusing to start in production with RATELIMIT_STORAGE_URI=memory://: each "
            "gunicorn worker would count on its own, multiplying every limit. Leave it unset "
            "(the database counts) or use redis://."
        )
    if app.config["BASE_URL"] == Config.BASE_URL:
        raise RuntimeError(
            "Refusing to start in production without BASE_URL: set it to the site's public "
            "address (e.g. https://mentoring.example.org), which links in e-mail use."
        )


def _refuse_unknown_time_zone(app: Flask) -> None:
    from app import clock

    name = app.config["PROGRAM_TIME_ZONE"]
    if not clock.is_time_zone_name(name):
        raise RuntimeError(
            f"Refusing to start with PROGRAM_TIME_ZONE={name!r}: use an IANA time zone name "
            "such as America/Toronto."
        )


def _init_extensions(app: Flask) -> None:
    from app import rate_limits  # noqa: F401  (registers the "database://" rate-limit storage)
    from app.extensions import csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    mail.init_app(app)
    csrf.init_app(app)
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        # A Redis that is down or unreachable is noticed within a second, not a TCP timeout.
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1}
        )
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in to see that page.")
    # Flashed in the language of the page it is shown on.
    login_manager.localize_callback = str
    login_manager.login_message_category = "info"
    login_manager.needs_refresh_message_category = "info"

    from app import models  # noqa: F401  (registers the models and the user loader)


def _register_blueprints(app: Flask) -> None:
    from app.auth.routes import bp as auth_bp
    from app.committee.routes import bp as committee_bp
    from app.main.routes import bp as main_bp
    from app.mentors.routes import bp as mentors_bp
    from app.mentorships.routes import bp as mentorships_bp
    from app.profiles.routes import bp as profiles_bp
    from app.requests.routes import bp as requests_bp
    from app.respond.routes import bp as respond_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(profiles_bp)
    app.register_blueprint(committee_bp, url_prefix="/committee")
    app.register_blueprint(mentors_bp, url_prefix="/mentors")
    # Full paths in its routes: /mentors/<id>/request and /requests.
    app.register_blueprint(requests_bp)
    app.register_blueprint(respond_bp)
    app.register_blueprint(mentorships_bp, url_prefix="/mentorships")
