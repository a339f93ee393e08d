"""月度考核报告: one calendar month's 考核 figures as an Excel workbook (openpyxl).

Sheets: 汇总 (headline figures, received per day, score per town), 单位排名, one per town (镇街),
超期与督办 (the month's cases with supervision records or overdue now). The figures are those of
``services.stats``; this module only lays them out.
"""
from __future__ import annotations

import os
import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path

from flask import current_app
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from ..domain.lifecycle import STATUS_LABELS
from ..domain.sla import overdue_deadline
from ..extensions import db
from ..models import Case, MajorCategory, MinorCategory, SupervisionRecord, Town, Unit
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
CENTRED = Alignment(horizontal="center")
DATETIME = "yyyy-mm-dd hh:mm"


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
    """The .xlsx of the calendar month containing ``month``.

    Each sheet is laid out in memory and streamed into a write-only workbook: a month of a large
    district lists tens of thousands of overdue and supervised cases, which a regular workbook holds
    and re-scans cell by cell."""
    f = month_filter(month)
    wb = Workbook(write_only=True)
    _summary_sheet(wb, f)
    _table_sheet(wb, "单位排名", f"单位排名 {_period(f)}", "单位", stats.grouped("units", f))
    for town in db.session.scalars(select(Town).order_by(Town.id)):
        town_filter = stats.StatsFilter(start=f.start, end=f.end, town=town.code)
        total = {"rank": None, "name": f"{town.name}合计"} | stats.summary(town_filter)
        _table_sheet(wb, _sheet_name(town.name), f"{town.name} {_period(f)}", "单位",
                     stats.grouped("units", town_filter), total=total)
    _overdue_sheet(wb, f)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _period(f: stats.StatsFilter) -> str:
    return f"{f.start:%Y-%m-%d} 至 {f.end:%Y-%m-%d}"


@dataclass(frozen=True)
class Styled:
    """A cell value with its look."""
    value: object
    font: Font | None = None
    fill: PatternFill | None = None
    number_format: str | None = None
    alignment: Alignment | None = None


class Layout:
    """A sheet's cells by (row, column), 1-based as in Excel, written out in one pass at the end
    (a write-only sheet takes rows in order, with column widths and frozen panes before them)."""

    def __init__(self):
        self.rows: list[list] = []

    def put(self, row: int, column: int, value, **look) -> None:
        while len(self.rows) < row:
            self.rows.append([])
        cells = self.rows[row - 1]
        cells.extend([None] * (column - len(cells)))
        cells[column - 1] = Styled(value, **look) if look else value

    def append(self, values: list, **look) -> None:
        self.rows.append([Styled(v, **look) if look else v for v in values])

    def header(self, row: int, labels: list[str], column: int = 1) -> None:
        for offset, label in enumerate(labels):
            self.put(row, column + offset, label, font=BOLD, fill=HEADER_FILL, alignment=CENTRED)

    def write(self, ws: WriteOnlyWorksheet, *, freeze: str, fit_from_row: int = 1) -> None:
        for column, width in _widths(self.rows[fit_from_row - 1:]).items():
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.freeze_panes = freeze
        for cells in self.rows:
            ws.append([_cell(ws, c) if isinstance(c, Styled) else c for c in cells])


def _cell(ws: WriteOnlyWorksheet, styled: Styled) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=styled.value)
    if styled.font:
        cell.font = styled.font
    if styled.fill:
        cell.fill = styled.fill
    if styled.number_format:
        cell.number_format = styled.number_format
    if styled.alignment:
        cell.alignment = styled.alignment
    return cell


def _summary_sheet(wb: Workbook, f: stats.StatsFilter) -> None:
    ws, sheet = wb.create_sheet("汇总"), Layout()
    sheet.put(1, 1, f"融e通 月度考核报告（{f.start.year}年{f.start.month}月）", font=TITLE)
    sheet.append(["统计期间", _period(f)])
    sheet.append(["生成时间", datetime.now(working_calendar().tz).strftime("%Y-%m-%d %H:%M")])
    sheet.append([])
    sheet.header(5, ["指标", "数值"])
    figures = stats.summary(f)
    for offset, (key, label, kind) in enumerate(HEADLINE):
        sheet.put(6 + offset, 1, label)
        sheet.put(6 + offset, 2, _value(figures[key]), number_format=FORMATS[kind])

    # Chart data: every day of the month (0 when nothing was filed) and every town's score.
    per_day = {row["date"]: row["received"] for row in stats.trend(f)}
    sheet.header(5, ["日期", "诉求件数"], column=4)
    days = (f.end - f.start).days + 1
    for offset in range(days):
        day = f.start + timedelta(days=offset)
        sheet.put(6 + offset, 4, f"{day:%m-%d}")
        sheet.put(6 + offset, 5, per_day.get(day.isoformat(), 0))
    towns = stats.grouped("towns", f)
    sheet.header(5, ["镇街", "综合得分"], column=7)
    for offset, row in enumerate(towns):
        sheet.put(6 + offset, 7, row["name"])
        sheet.put(6 + offset, 8, row["score"], number_format="0.0")

    ws.add_chart(_bar_chart("每日受理诉求件数", "件", ws, 4, 5, 5 + days), "J2")
    if towns:
        ws.add_chart(_bar_chart("各镇街综合得分", "分", ws, 7, 8, 5 + len(towns)), "J20")
    sheet.write(ws, freeze="A6", fit_from_row=2)


def _bar_chart(title: str, unit: str, ws: WriteOnlyWorksheet, label_col: int, value_col: int,
               last_row: int) -> BarChart:
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


def _table_sheet(wb: Workbook, name: str, title: str, name_label: str, rows: list[dict],
                 total: dict | None = None) -> None:
    """Title, a header row, an optional total row, then the ranked rows; rank and name stay in view."""
    ws, sheet = wb.create_sheet(name), Layout()
    labels = {key: (label, kind) for key, label, kind in HEADLINE}
    sheet.put(1, 1, title, font=TITLE)
    sheet.header(2, ["排名", name_label] + [labels[key][0] for key in TABLE_COLUMNS])
    for row in ([total] if total else []) + rows:
        font = BOLD if row is total else None
        sheet.append([Styled(row["rank"], font=font), Styled(row["name"], font=font)]
                     + [Styled(_value(row[key]), font=font, number_format=FORMATS[labels[key][1]])
                        for key in TABLE_COLUMNS])
    sheet.write(ws, freeze="C4" if total else "C3", fit_from_row=2)


def _overdue_sheet(wb: Workbook, f: stats.StatsFilter) -> None:
    """The month's cases with supervision records (one row per record) or overdue now (one row)."""
    now, tz = utcnow(), working_calendar().tz
    ws, sheet = wb.create_sheet("超期与督办"), Layout()
    sheet.put(1, 1, f"超期与督办 {_period(f)}", font=TITLE)
    sheet.header(2, ["受理编号", "承办单位", "类别", "状态", "时限类型", "时限", "督办状态", "当前超期"])
    for row in _overdue_rows(f, now):
        overdue = overdue_deadline(row.status, row.accept_due, row.resolve_due, now)
        if row.deadline_kind is not None:
            kind, due, record_status = row.deadline_kind, row.deadline_at, RECORD_STATUS.get(row.record_status,
                                                                                          row.record_status)
        else:
            kind, due, record_status = overdue, row.accept_due if overdue == "accept" else row.resolve_due, "未督办"
        category = " / ".join(name for name in (row.major, row.minor) if name is not None)
        sheet.append([row.tracking_code, row.unit or "", category, STATUS_LABELS.get(row.status, row.status),
                      DEADLINE_KINDS.get(kind, kind),
                      Styled(due.astimezone(tz).replace(tzinfo=None) if due else None, number_format=DATETIME),
                      record_status, "是" if overdue else "否"])
    sheet.write(ws, freeze="B3", fit_from_row=2)


def _overdue_rows(f: stats.StatsFilter, now: datetime):
    """One row per supervision record of the month's cases, and one for each overdue case without any;
    plain columns, no objects (a large month has tens of thousands)."""
    major, minor = aliased(MajorCategory), aliased(MinorCategory)
    query = (select(Case.tracking_code, Case.status, Case.accept_due, Case.resolve_due, Unit.name.label("unit"),
                    major.name.label("major"), minor.name.label("minor"), SupervisionRecord.deadline_kind,
                    SupervisionRecord.deadline_at, SupervisionRecord.status.label("record_status"))
             .select_from(Case).outerjoin(Unit, Unit.id == Case.unit_id).outerjoin(major, major.id == Case.major_id)
             .outerjoin(minor, minor.id == Case.minor_id)
             .outerjoin(SupervisionRecord, SupervisionRecord.case_id == Case.id)
             .where(or_(SupervisionRecord.id.is_not(None), Case.is_overdue(now))))
    return db.session.execute(stats.filtered(query, f).order_by(Case.created_at, Case.id, SupervisionRecord.id))


def _value(value):
    return MISSING if value is None else value


def _sheet_name(name: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31]


def _widths(rows: list[list]) -> dict[int, float]:
    """Widths from the longest text of each column; a Chinese character is two columns wide."""
    widths: dict[int, float] = {}
    for cells in rows:
        for column, cell in enumerate(cells, start=1):
            styled = cell if isinstance(cell, Styled) else None
            value = styled.value if styled else cell
            if value is None:
                continue
            text = value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)
            if styled and styled.number_format and styled.number_format.endswith("%"):
                text += "0%"
            width = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
            widths[column] = max(widths.get(column, 0), width)
    return {column: min(max(width + 2, 8), 50) for column, width in widths.items()}
