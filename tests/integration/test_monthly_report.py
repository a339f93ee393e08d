"""月度考核报告: the workbook from the CLI, the API and the beat task agrees with services.stats."""
from datetime import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from rongetong.extensions import db
from rongetong.models import (
    Town,
)
from rongetong.models.types import utcnow
from rongetong.services import reports, stats
from rongetong.services.workflow import working_calendar

HISTORY_CASES = 150


@pytest.fixture()
def month(app):
    """The current month in the district's time zone (the seeded history reaches today)."""
    with app.app_context():
        return datetime.now(working_calendar().tz).date().replace(day=1)


def headline_of(workbook) -> dict:
    """The 汇总 sheet's figures by stats field ("—" read back as None)."""
    labels = {label: key for key, label, _ in reports.HEADLINE}
    rows = workbook["汇总"].iter_rows(min_row=6, max_row=5 + len(labels), max_col=2, values_only=True)
    return {labels[label]: None if value == reports.MISSING else value for label, value in rows}


def test_the_cli_writes_the_workbook_and_its_figures_agree(app, history, month, tmp_path):
    path = tmp_path / "report.xlsx"
    result = app.test_cli_runner().invoke(args=["report", "--month", f"{month:%Y-%m}", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert str(path) in result.output and "办结率" in result.output and "综合得分" in result.output

    workbook = load_workbook(path)
    with app.app_context():
        towns = db.session.scalars(select(Town.name).order_by(Town.id)).all()
        f = reports.month_filter(month)
        want = stats.summary(f)
        units = stats.grouped("units", f)
        now, tz = utcnow(), working_calendar().tz
        in_month = [c for c in history if f.start <= c.created_at.astimezone(tz).date() <= f.end]
        expected_codes = {c.tracking_code for c in in_month if c.supervision_records or c.overdue_deadline(now)}
    assert len(towns) == 11
    assert workbook.sheetnames == ["汇总", "单位排名", *towns, "超期与督办"]
    assert want["received"] > 0
    assert headline_of(workbook) == want
    assert len(workbook["汇总"]._charts) == 2

    ranking = list(workbook["单位排名"].iter_rows(min_row=3, max_col=3, values_only=True))
    assert [(r[0], r[1], r[2]) for r in ranking] == [(u["rank"], u["name"], u["received"]) for u in units]
    assert sum(r[2] for r in ranking) == sum(c.unit_id is not None for c in in_month)
    listed = {row[0] for row in workbook["超期与督办"].iter_rows(min_row=3, values_only=True)}
    assert listed == expected_codes and expected_codes
    for name in ("汇总", "单位排名", towns[0], "超期与督办"):
        assert workbook[name].freeze_panes
        assert workbook[name].column_dimensions["B"].width >= 10


def test_a_town_sheet_carries_its_summary(app, history, month):
    workbook = load_workbook(BytesIO(_build(app, month)))
    with app.app_context():
        town = db.session.scalars(select(Town).order_by(Town.id)).first()
        want = stats.summary(stats.StatsFilter(start=month, end=reports.month_filter(month).end, town=town.code))
    total = next(workbook[town.name].iter_rows(min_row=3, max_row=3, values_only=True))
    assert total[1] == f"{town.name}合计" and total[2] == want["received"]
    assert total[-1] == (want["score"] if want["score"] is not None else reports.MISSING)


def test_the_api_downloads_the_report_for_leaders_only(client, login, history, month):
    response = client.get(f"/api/v1/reports/monthly?month={month:%Y-%m}", headers=login("leader"))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and f"rongetong-{month:%Y-%m}.xlsx" in disposition
    assert load_workbook(BytesIO(response.data)).sheetnames[0] == "汇总"

    assert client.get(f"/api/v1/reports/monthly?month={month:%Y-%m}",
                      headers=login("handler-huanwei")).status_code == 403
    assert client.get(f"/api/v1/reports/monthly?month={month:%Y-%m}").status_code == 401
    for bad in ("2026-13", "", "October", "2026-10-01"):
        response = client.get(f"/api/v1/reports/monthly?month={bad}", headers=login("supervisor"))
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["code"] == "validation_error"
    assert client.get("/api/v1/reports/monthly", headers=login("leader")).status_code == 422


def test_the_beat_task_writes_last_months_report_idempotently(app, history, tmp_path, monkeypatch):
    from workers.tasks.reports import monthly_report

    monkeypatch.setitem(app.config, "REPORT_FOLDER", str(tmp_path / "reports"))
    with app.app_context():
        first = monthly_report.run()
        second = monthly_report.apply().get()
        want = stats.summary(reports.month_filter(reports.last_month()))
        name = reports.filename(reports.last_month())
    assert first == second == str(tmp_path / "reports" / name)
    assert [p.name for p in (tmp_path / "reports").iterdir()] == [name]
    assert headline_of(load_workbook(first))["received"] == want["received"]
    schedule = app.extensions["celery"].conf.beat_schedule["monthly-report"]
    assert schedule["task"] == "reports.monthly_report"
    assert "workers.tasks.reports" in app.extensions["celery"].conf.include


def test_parse_month():
    assert reports.parse_month("2026-10").isoformat() == "2026-10-01"
    assert reports.month_filter(reports.parse_month("2026-02")).end.isoformat() == "2026-02-28"
    for bad in ("2026-13", "2026-00", "26-10", None):
        with pytest.raises(ValueError):
            reports.parse_month(bad)


def _build(app, month) -> bytes:
    with app.app_context():
        return reports.monthly_report(month)
