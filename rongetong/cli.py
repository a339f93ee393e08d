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

    @app.cli.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True)
    def serve_command(host: str, port: int) -> None:
        """Serve the embedded product: the web app, in-process tasks and the periodic jobs in a thread."""
        from werkzeug.serving import run_simple

        from workers.embedded import start_embedded_beat

        if not app.config["CELERY_EAGER"]:
            raise click.UsageError("a broker is configured: run gunicorn, `celery worker` and `celery beat` instead")
        start_embedded_beat(app)
        run_simple(host, port, app, threaded=True)

    @app.cli.command("generate-cases")
    @click.option("--count", default=100_000, show_default=True, help="How many cases to add.")
    def generate_cases_command(count: int) -> None:
        """Add a large synthetic history (PostgreSQL) for load and scale checks."""
        import time

        from .demo.volume import generate_cases

        started = time.perf_counter()
        try:
            generate_cases(count)
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"generate-cases: {count} cases in {time.perf_counter() - started:.1f} s")

    @app.cli.command("rebuild-stats")
    @click.option("--if-empty", is_flag=True, help="Only when cases exist and none has its 考核 facts yet.")
    @click.option("--check", is_flag=True, help="Compare the rollups with a recomputation; change nothing.")
    def rebuild_stats_command(if_empty: bool, check: bool) -> None:
        """Recompute the 考核 rollups from the cases (after upgrading, or after changing cases by hand in SQL)."""
        from sqlalchemy import exists, select

        from .models import Case, CaseFact
        from .services import rollups

        if check:
            drift = rollups.drift()
            for name, differences in drift.items():
                click.echo(f"rebuild-stats: {len(differences)} {name} differ from the cases")
            if drift:
                raise SystemExit(1)
            click.echo("rebuild-stats: the rollups agree with the cases")
            return
        if if_empty and (db.session.scalar(select(exists().where(CaseFact.case_id.is_not(None))))
                         or not db.session.scalar(select(exists().where(Case.id.is_not(None))))):
            return
        click.echo(f"rebuild-stats: {rollups.rebuild(tidy=True):,} cases")

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

    @app.cli.command("eval-routing")
    @click.option("--file", "path", default="tests/data/routing_eval.csv", show_default=True,
                  help="Labelled complaints: id,text,major,second_major,kind.")
    @click.option("--holdout-every", default=5, show_default=True,
                  help="Every Nth row is held out of training and reported on separately.")
    @click.option("--misses", default=0, help="Print this many misclassified held-out texts.")
    def eval_routing_command(path: str, holdout_every: int, misses: int) -> None:
        """Print routing accuracy and confusions: keywords alone, and keywords with the trained model."""
        from .services.evaluation import evaluate_file

        click.echo(evaluate_file(path, holdout_every, misses))

    @app.cli.command("retrain-routing")
    def retrain_routing_command() -> None:
        """Train the routing model now from the library, samples and confirmed cases."""
        from .services.learning import retrain

        record = retrain()
        click.echo(f"routing model {record.id} trained on {record.trained_on} documents")

    @app.cli.command("sweep-overdue")
    def sweep_overdue_command() -> None:
        """Open supervision records for every deadline passed (what celery beat runs every minute)."""
        from .services.supervision import sweep_overdue

        click.echo(f"supervision records opened: {sweep_overdue()}")

    @app.cli.command("report")
    @click.option("--month", help="The month, e.g. 2026-10 (default: last month).")
    @click.option("-o", "--output", help="The .xlsx to write (default: rongetong-<YYYY-MM>.xlsx here).")
    def report_command(month: str | None, output: str | None) -> None:
        """Write the monthly 考核 report (月度考核报告) as an Excel workbook and print its headline figures."""
        from pathlib import Path

        from .services import reports, stats

        try:
            first = reports.parse_month(month) if month else reports.last_month()
        except ValueError as exc:
            raise click.BadParameter(f"not a month: {month!r} (YYYY-MM)", param_hint="--month") from exc
        path = Path(output or reports.filename(first))
        path.write_bytes(reports.monthly_report(first))
        click.echo(f"report {first:%Y-%m}: {path.resolve()}")
        for label, text in reports.headline(stats.summary(reports.month_filter(first))):
            click.echo(f"  {label}: {text}")

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

    @app.cli.command("import-grids")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--replace", is_flag=True, help="Also delete the grids the file leaves out, unless in use.")
    @click.option("--dry-run", is_flag=True, help="Validate and report what would change; write nothing.")
    def import_grids_command(path: str, replace: bool, dry_run: bool) -> None:
        """Import grids (网格) from a GeoJSON FeatureCollection, upserted by code: all or nothing."""
        from pathlib import Path

        from .services.grid_import import import_grids

        report = import_grids(Path(path).read_bytes(), replace=replace, dry_run=dry_run)
        if not report.ok:
            click.echo(f"import-grids: {len(report.problems)} problem(s) in {path}; nothing imported", err=True)
            for problem in report.problems:
                click.echo(f"  {problem}", err=True)
            raise SystemExit(1)
        click.echo("import-grids: " + "\n".join(report.summary()))
