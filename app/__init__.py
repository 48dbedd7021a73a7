"""Heard: feedback, complaints and safeguarding triage for children's services."""

import importlib
from pathlib import Path
from typing import Any

from flask import Flask

from app.config import Config, settle


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions and blueprints. It never touches the schema."""
    app = Flask(__name__, static_folder="static/dist", static_url_path="/static")
    app.config.from_object(Config())
    if config:
        app.config.update(config)
    settle(app.config)

    from app import (
        cache,
        cli,
        error_reporting,
        extensions,
        language,
        logs,
        metrics,
        sessions,
        templating,
    )
    from app.services.reports import kept as kept_reports
    from app.web import register_blueprints

    extensions.db.init_app(app)
    importlib.import_module("app.models")  # registers every table on the metadata

    extensions.migrate.init_app(app, extensions.db, directory=_migrations_dir())
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    extensions.babel.init_app(app, locale_selector=language.select_locale)
    extensions.login.init_app(app)
    extensions.queues.init_app(app)
    cache.init_app(app)
    kept_reports.init_app(app)
    logs.init_app(app)
    metrics.init_app(app)
    error_reporting.init_app(app)
    sessions.init_app(app)
    language.init_app(app)
    templating.init_app(app)
    register_blueprints(app)
    # Twilio's webhooks are exempt from every limit (app/web/sms.py).
    extensions.skip_limiter_on(app, ("/sms/",))
    cli.init_app(app)
    return app


def _migrations_dir() -> str:
    return str(Path(__file__).resolve().parent.parent / "migrations")
