"""`heard`: the command line, a Flask CLI group over create_app()."""

from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext


def main() -> None:
    """Entry point of the `heard` console script."""
    cli_group()()


def cli_group(create_app: Callable[[], Flask] | None = None) -> FlaskGroup:
    """The `heard` command group. `heard classify` belongs to the group itself, so it runs
    without building the app (the app's commands are only found by building it): it reads
    two settings from the environment, and starts in the time the model takes to load."""
    from app import create_app as build_app
    from app.cli_classifier import classify

    group = FlaskGroup(
        create_app=create_app or build_app, help="Heard: feedback for children's services."
    )
    group.add_command(classify)
    return group


def init_app(app: Flask) -> None:
    from app.cli_classifier import agreement, classify_in_app, evaluate, train

    app.cli.add_command(train)
    app.cli.add_command(evaluate)
    app.cli.add_command(agreement)
    app.cli.add_command(classify_in_app)
    app.cli.add_command(serve)
    app.cli.add_command(demo)
    app.cli.add_command(create_staff)
    app.cli.add_command(email)
    app.cli.add_command(spool_command)
    app.cli.add_command(retention_command)
    app.cli.add_command(complaints)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Bring the database schema up to date, then serve Heard (development server)."""
    from flask_migrate import upgrade
    from werkzeug.serving import run_simple

    upgrade()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    from app.jobs.scheduler import start_in_web_process
    from app.services.classification.pipeline import warm_up_in_background

    start_in_web_process(app)
    warm_up_in_background(app)
    click.echo(f"Heard is at http://{host}:{port}/ (staff pages at /staff/)")
    # Flask's app.run() does nothing when called from its own CLI, so serve directly.
    run_simple(host, port, app, threaded=True)


@click.command()
@click.option("--items", default=300, show_default=True, help="How many feedback items.")
@click.option("--seed", default=2026, show_default=True, help="Random seed, for a repeatable set.")
@with_appcontext
def demo(items: int, seed: int) -> None:
    """Load a realistic demo dataset: teams, staff and a year of feedback."""
    from app.services.demo import load_demo

    summary = load_demo(items=items, seed=seed)
    for line in summary:
        click.echo(line)


@click.command("create-staff")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice(
        ["safeguarding_reviewer", "complaints_officer", "manager", "learning_team", "admin"]
    ),
)
@click.option("--phone", default=None, help="A mobile number for urgent safeguarding alerts.")
@click.password_option()
@with_appcontext
def create_staff(email: str, name: str, role: str, phone: str | None, password: str) -> None:
    """Create a staff account, and print the one-time link with which its owner sets up
    two-factor sign-in (the way in for the first administrator)."""
    from app.extensions import db
    from app.services.staff import enrolment_links
    from app.services.staff.accounts import AccountError, create_account, password_problem
    from channels.sms import normalise_number

    number = normalise_number(phone).e164 if phone else None
    if phone and number is None:
        raise click.ClickException("--phone is not a phone number")
    problem = password_problem(password, None, email, name)
    if problem is not None:
        raise click.ClickException(problem)
    try:
        user = create_account(email=email, name=name, role=role, password=password)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    user.phone = number
    token = enrolment_links.create(user, None)
    db.session.commit()
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    click.echo(
        f"Open this link within 72 hours to set up two-factor sign-in: {base}/staff/enrol/{token}"
    )
    click.echo(f"Created {user.role.value} account {user.email}")


@click.group()
def email() -> None:
    """The feedback mailbox."""


@email.command("poll")
@with_appcontext
def email_poll() -> None:
    """Fetch and store the waiting emails once, as the periodic job does."""
    from app.services.intake.email_conversations import imap_settings, poll_mailbox

    if imap_settings() is None:
        raise click.ClickException("IMAP_HOST is not set: there is no mailbox to poll")
    summary = poll_mailbox()
    click.echo(
        f"Stored {summary.stored} new emails; {summary.already} were already stored; "
        f"{summary.failed} failed and stay for next time"
    )


@click.command("spool")
@click.option("--replay", is_flag=True, help="Store everything waiting now.")
@with_appcontext
def spool_command(replay: bool) -> None:
    """What waits in the spool (kept on disk while the database was down), and replaying it."""
    from app.services.intake import receiving, spool

    if replay:
        summary = receiving.replay_spool()
        click.echo(f"stored {summary.replayed}; {summary.waiting} still waiting")
        return
    waiting = spool.waiting()
    age = spool.oldest_age_seconds()
    oldest = f", the oldest for {age:.0f} s" if age is not None else ""
    click.echo(f"{len(waiting)} waiting{oldest} in {current_app.config['SPOOL_DIR']}")


@click.command("retention")
@click.option("--apply", "apply_now", is_flag=True, help="Anonymise what is due now.")
@with_appcontext
def retention_command(apply_now: bool) -> None:
    """What the retention schedule says is due (the daily job does the same with --apply)."""
    from collections import Counter

    from app.database import utcnow
    from app.services.privacy import retention

    for rule in retention.schedule():
        click.echo(f"{rule.key}: {rule.years} years")
    if apply_now:
        summary = retention.apply_retention()
        click.echo(f"anonymised {dict(summary.anonymised)}; {summary.held} on legal hold")
        return
    due = Counter(item.rule for item in retention.due_items(utcnow()))
    click.echo(f"due now: {dict(due) or 'nothing'} (nothing changed: --apply to anonymise)")


@click.group()
def complaints() -> None:
    """Complaint stages."""


@complaints.command("refresh-deadlines")
@with_appcontext
def complaints_refresh_deadlines() -> None:
    """Work out each open stage's stored next deadline again: run it after changing
    COMPLAINTS_REGIME or NATION, which decide the deadlines."""
    from app.services.complaints import stages

    click.echo(f"{stages.refresh_next_deadlines()} open stages had a new next deadline")
