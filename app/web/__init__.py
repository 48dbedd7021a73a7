"""Blueprints: public forms, staff pages, the JSON API, and health."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from app.web import routing

    routing.init_app(app)
    from app.web import api, email, equality, errors, health, metrics, notices, public, sms, staff

    app.register_blueprint(public.bp)
    staff.register(app)
    app.register_blueprint(notices.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(sms.bp, url_prefix="/sms")
    app.register_blueprint(email.bp)
    app.register_blueprint(equality.bp)
    errors.init_app(app)
