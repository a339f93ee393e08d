"""Flask CLI commands: ``flask --app wsgi <command>``."""
from __future__ import annotations

import click
from flask import Flask

from .extensions import db


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--cases", default=3000, show_default=True, help="Case history to generate into an empty database.")
    def seed_demo_command(cases: int) -> None:
        """Load the district's reference data, demo users and a case history (idempotent)."""
        from .demo.seed import seed_demo

        summary = seed_demo(cases=cases)
        click.echo("seed-demo: " + ", ".join(f"{k}={v}" for k, v in summary.items()))

    @app.cli.command("demo-logins")
    def demo_logins_command() -> None:
        """Print the demo accounts."""
        from .demo.seed import demo_logins

        click.echo(f"Demo logins (password: {app.config['DEMO_PASSWORD']}):")
        for username, role in demo_logins():
            click.echo(f"  {username:<28} {role}")

    @app.cli.command("due-date")
    @click.option("--start", required=True, help='The start moment in local time, e.g. "2026-09-30 16:00".')
    @click.option("--working-days", type=click.IntRange(min=0), help="N working days (same clock time on day N).")
    @click.option("--working-hours", type=click.FloatRange(min=0), help="N working hours.")
    def due_date_command(start: str, working_days: int | None, working_hours: float | None) -> None:
        """Print the due moment of a time limit on the working-time calendar (to check a rule)."""
        from datetime import datetime

        if (working_days is None) == (working_hours is None):
            raise click.UsageError("give exactly one of --working-days and --working-hours")
        calendar = app.extensions["rongetong.calendar"]
        try:
            moment = datetime.fromisoformat(start)
        except ValueError as exc:
            raise click.BadParameter(f"not a date and time: {start!r}", param_hint="--start") from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=calendar.tz)
        due = (calendar.add_working_days(moment, working_days) if working_days is not None
               else calendar.add_working_hours(moment, working_hours))
        click.echo(due.strftime("%Y-%m-%d %H:%M %a") + f" ({due.isoformat()})")

    @app.cli.command("sweep-overdue")
    def sweep_overdue_command() -> None:
        """Open supervision records for every deadline passed (what celery beat runs every minute)."""
        from .services.supervision import sweep_overdue

        click.echo(f"supervision records opened: {sweep_overdue()}")

    @app.cli.command("relay-outbox")
    def relay_outbox_command() -> None:
        """Publish outbox rows the broker has not taken yet."""
        from .services.outbox import relay

        click.echo(f"outbox messages published: {relay()}")

    @app.cli.command("db-ready")
    def db_ready_command() -> None:
        """Exit 0 when the database schema exists and holds demo data, 1 otherwise."""
        from sqlalchemy import inspect, select

        from .models import User

        if "users" not in inspect(db.engine).get_table_names() or db.session.scalar(select(User.id).limit(1)) is None:
            raise SystemExit(1)
