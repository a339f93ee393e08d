"""月度考核报告: one calendar month's 考核 figures as an Excel workbook (openpyxl).

Sheets: 汇总 (headline figures, received per day, score per town), 单位排名, one per town (镇街),
超期与督办 (the month's cases with supervision records or overdue now). The figures are those of
``services.stats``; this module only lays them out.
"""
from __future__ import annotations

import os
import re
from calendar import monthrange
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path

from flask import current_app
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from ..domain.lifecycle import STATUS_LABELS
from ..extensions import db
from ..models import Case, SupervisionRecord, Town
from ..models.types import utcnow
from . import stats
from .workflow import working_calendar

# (field of stats.summary, label, kind): kind "pct" for rates, "int" for counts, "num" otherwise.
HEADLINE = (
    ("received", "诉求件数", "int"),
    ("closure_rate", "办结率", "pct"),
    ("on_time_closure_rate", "按期办结率", "pct"),
    ("accepted_on_time_rate", "及时签收率", "pct"),
    ("return_rate", "退单率", "pct"),
    ("rework_rate", "重办率", "pct"),
    ("satisfaction_rate", "满意率", "pct"),
    ("rated", "评价件数", "int"),
    ("supervised", "督办件数", "int"),
    ("supervision_closure_rate", "督办办结率", "pct"),
    ("avg_handling_working_hours", "平均办理工时（小时）", "num"),
    ("score", "综合得分", "num"),
)
FORMATS = {"pct": "0.0%", "int": "0", "num": "0.0"}
MISSING = "—"  # a rate with nothing to judge
DEADLINE_KINDS = {"accept": "签收时限", "resolve": "办结时限"}
RECORD_STATUS = {"open": "督办中", "closed": "已销号"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def parse_month(raw: str | None) -> date:
    """``"2026-10"`` → 2026-10-01; ValueError when it is not a month."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (raw or "").strip())
    if not match:
        raise ValueError(f"not a month (YYYY-MM): {raw!r}")
    return date(int(match[1]), int(match[2]), 1)


def month_filter(month: date) -> stats.StatsFilter:
    """The calendar month containing ``month``, first to last day."""
    first = month.replace(day=1)
    return stats.StatsFilter(start=first, end=first.replace(day=monthrange(first.year, first.month)[1]))


def last_month() -> date:
    """The first day of last month, in the district's time zone."""
    today = datetime.now(working_calendar().tz).date()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def filename(month: date) -> str:
    return f"rongetong-{month:%Y-%m}.xlsx"


def headline(figures: dict) -> list[tuple[str, str]]:
    """(label, text) of the headline figures, rates as percentages — for the CLI."""
    def text(value, kind: str) -> str:
        if value is None:
            return MISSING
        return f"{value:.1%}" if kind == "pct" else f"{value:g}" if kind == "int" else f"{value:.1f}"
    return [(label, text(figures[key], kind)) for key, label, kind in HEADLINE]


def store_monthly_report(month: date, folder: str | None = None) -> Path:
    """Write ``rongetong-<YYYY-MM>.xlsx`` under REPORT_FOLDER, replacing an earlier one (idempotent)."""
    target = Path(folder or current_app.config["REPORT_FOLDER"]) / filename(month)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(monthly_report(month))
    os.replace(partial, target)  # readers never see half a file
    return target


def monthly_report(month: date) -> bytes:
    """The .xlsx of the calendar month containing ``month``."""
    f = month_filter(month)
    wb = Workbook()
    _summary_sheet(wb.active, f)
    _table_sheet(wb.create_sheet("单位排名"), f"单位排名 {_period(f)}", "单位", stats.grouped("units", f))
    for town in db.session.scalars(select(Town).order_by(Town.id)):
        town_filter = stats.StatsFilter(start=f.start, end=f.end, town=town.code)
        total = {"rank": None, "name": f"{town.name}合计"} | stats.summary(town_filter)
        _table_sheet(wb.create_sheet(_sheet_name(town.name)), f"{town.name} {_period(f)}", "单位",
                     stats.grouped("units", town_filter), total=total)
    _overdue_sheet(wb.create_sheet("超期与督办"), f)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _period(f: stats.StatsFilter) -> str:
    return f"{f.start:%Y-%m-%d} 至 {f.end:%Y-%m-%d}"


def _summary_sheet(ws: Worksheet, f: stats.StatsFilter) -> None:
    ws.title = "汇总"
    ws["A1"] = f"融e通 月度考核报告（{f.start.year}年{f.start.month}月）"
    ws["A1"].font = TITLE
    ws.append(["统计期间", _period(f)])
    ws.append(["生成时间", datetime.now(working_calendar().tz).strftime("%Y-%m-%d %H:%M")])
    ws.append([])
    _header(ws, 5, ["指标", "数值"])
    figures = stats.summary(f)
    for key, label, kind in HEADLINE:
        ws.append([label, _value(figures[key])])
        ws.cell(ws.max_row, 2).number_format = FORMATS[kind]

    # Chart data: every day of the month (0 when nothing was filed) and every town's score.
    per_day = {row["date"]: row["received"] for row in stats.trend(f)}
    _header(ws, 5, ["日期", "诉求件数"], column=4)
    days = (f.end - f.start).days + 1
    for offset in range(days):
        day = f.start + timedelta(days=offset)
        ws.cell(6 + offset, 4, f"{day:%m-%d}")
        ws.cell(6 + offset, 5, per_day.get(day.isoformat(), 0))
    towns = stats.grouped("towns", f)
    _header(ws, 5, ["镇街", "综合得分"], column=7)
    for offset, row in enumerate(towns):
        ws.cell(6 + offset, 7, row["name"])
        ws.cell(6 + offset, 8, row["score"]).number_format = "0.0"

    ws.add_chart(_bar_chart("每日受理诉求件数", "件", ws, 4, 5, 5 + days), "J2")
    if towns:
        ws.add_chart(_bar_chart("各镇街综合得分", "分", ws, 7, 8, 5 + len(towns)), "J20")
    ws.freeze_panes = "A6"
    _fit_columns(ws, from_row=2)


def _bar_chart(title: str, unit: str, ws: Worksheet, label_col: int, value_col: int, last_row: int) -> BarChart:
    chart = BarChart()
    chart.title, chart.y_axis.title, chart.legend = title, unit, None
    chart.add_data(Reference(ws, min_col=value_col, min_row=5, max_row=last_row), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=label_col, min_row=6, max_row=last_row))
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl ≥ 3.1 hides the axes otherwise
    chart.width, chart.height = 24, 8
    return chart


TABLE_COLUMNS = ("received", "accepted_on_time_rate", "return_rate", "closure_rate", "on_time_closure_rate",
                 "rework_rate", "rated", "satisfaction_rate", "supervised", "supervision_closure_rate",
                 "avg_handling_working_hours", "score")


def _table_sheet(ws: Worksheet, title: str, name_label: str, rows: list[dict], total: dict | None = None) -> None:
    """Title, a header row, an optional total row, then the ranked rows; rank and name stay in view."""
    labels = {key: (label, kind) for key, label, kind in HEADLINE}
    ws["A1"] = title
    ws["A1"].font = TITLE
    _header(ws, 2, ["排名", name_label] + [labels[key][0] for key in TABLE_COLUMNS])
    for row in ([total] if total else []) + rows:
        ws.append([row["rank"], row["name"]] + [_value(row[key]) for key in TABLE_COLUMNS])
        for index, key in enumerate(TABLE_COLUMNS, start=3):
            ws.cell(ws.max_row, index).number_format = FORMATS[labels[key][1]]
        if row is total:
            for cell in ws[ws.max_row]:
                cell.font = BOLD
    ws.freeze_panes = "C4" if total else "C3"
    _fit_columns(ws, from_row=2)


def _overdue_sheet(ws: Worksheet, f: stats.StatsFilter) -> None:
    """The month's cases with supervision records (one row per record) or overdue now (one row)."""
    now, tz = utcnow(), working_calendar().tz
    supervised = exists().where(SupervisionRecord.case_id == Case.id)
    query = stats.filtered(select(Case).where(or_(supervised, Case.is_overdue(now))), f)
    cases = db.session.scalars(query.order_by(Case.created_at, Case.id).options(
        selectinload(Case.unit), selectinload(Case.major), selectinload(Case.minor),
        selectinload(Case.supervision_records))).all()
    ws["A1"] = f"超期与督办 {_period(f)}"
    ws["A1"].font = TITLE
    _header(ws, 2, ["受理编号", "承办单位", "类别", "状态", "时限类型", "时限", "督办状态", "当前超期"])
    for case in cases:
        overdue = case.overdue_deadline(now)
        category = " / ".join(c.name for c in (case.major, case.minor) if c is not None)
        base = [case.tracking_code, case.unit.name if case.unit else "", category,
                STATUS_LABELS.get(case.status, case.status)]
        lines = [(r.deadline_kind, r.deadline_at, RECORD_STATUS.get(r.status, r.status))
                 for r in case.supervision_records]
        if not lines:
            due = case.accept_due if overdue == "accept" else case.resolve_due
            lines = [(overdue, due, "未督办")]
        for kind, due, record_status in lines:
            ws.append(base + [DEADLINE_KINDS.get(kind, kind),
                              due.astimezone(tz).replace(tzinfo=None) if due else None,
                              record_status, "是" if overdue else "否"])
            ws.cell(ws.max_row, 6).number_format = "yyyy-mm-dd hh:mm"
    ws.freeze_panes = "B3"
    _fit_columns(ws, from_row=2)


def _header(ws: Worksheet, row: int, labels: list[str], column: int = 1) -> None:
    for offset, label in enumerate(labels):
        cell = ws.cell(row, column + offset, label)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(horizontal="center")


def _value(value):
    return MISSING if value is None else value


def _sheet_name(name: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31]


def _fit_columns(ws: Worksheet, from_row: int = 1) -> None:
    """Widths from the longest text of each column; a Chinese character is two columns wide."""
    widths: dict[int, float] = {}
    for row in ws.iter_rows(min_row=from_row):
        for cell in row:
            if cell.value is None:
                continue
            text = cell.value.strftime("%Y-%m-%d %H:%M") if isinstance(cell.value, datetime) else str(cell.value)
            if cell.number_format.endswith("%"):
                text += "0%"
            width = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
            widths[cell.column] = max(widths.get(cell.column, 0), width)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 50)
