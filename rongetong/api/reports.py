"""月度考核报告 download: the month's 考核 workbook (.xlsx) for leaders and supervisors."""
from io import BytesIO

from flask import request, send_file

from ..domain.lifecycle import Role
from ..services import reports
from . import bp
from .auth import roles_required
from .errors import ApiError


@bp.get("/reports/monthly")
@roles_required(Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
def monthly_report():
    """The workbook of one calendar month (month=YYYY-MM), as an attachment."""
    try:
        month = reports.parse_month(request.args.get("month"))
    except ValueError as exc:
        raise ApiError(422, "参数 month 须为月份，如 2026-10", "validation_error") from exc
    return send_file(BytesIO(reports.monthly_report(month)), mimetype=reports.XLSX, as_attachment=True,
                     download_name=reports.filename(month))
