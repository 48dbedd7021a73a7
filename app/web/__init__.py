"""Blueprints: public forms, staff pages, the JSON API, and health."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from app.web import routing

    routing.init_app(app)
    from app.web import (
        accounts,
        api,
        complaints,
        correspondence,
        email,
        equality,
        errors,
        health,
        jobs,
        metrics,
        own_account,
        public,
        reports,
        safeguarding,
        sms,
        staff,
        trends,
    )

    app.register_blueprint(public.bp)
    app.register_blueprint(staff.bp, url_prefix="/staff")
    app.register_blueprint(accounts.bp, url_prefix="/staff/accounts")
    app.register_blueprint(own_account.bp, url_prefix="/staff/account")
    app.register_blueprint(complaints.bp, url_prefix="/staff/complaints")
    app.register_blueprint(correspondence.bp, url_prefix="/staff/correspondence")
    app.register_blueprint(safeguarding.bp, url_prefix="/staff/safeguarding")
    app.register_blueprint(trends.bp, url_prefix="/staff/trends")
    app.register_blueprint(reports.bp, url_prefix="/staff/reports")
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(health.bp)
    app.register_blueprint(jobs.bp, url_prefix="/staff/jobs")
    app.register_blueprint(metrics.bp)
    app.register_blueprint(sms.bp, url_prefix="/sms")
    app.register_blueprint(email.bp)
    app.register_blueprint(equality.bp)
    app.register_blueprint(equality.staff_bp, url_prefix="/staff/equality")
    errors.init_app(app)
