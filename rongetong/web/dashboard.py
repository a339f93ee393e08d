"""领导驾驶舱: the grid map, the intake and 考核 charts, hotspots and the monthly report, for leaders,
supervisors and admins. Pages use the session, not a bearer token, so the map's GeoJSON and the report
download have routes here rather than in the API."""
from io import BytesIO

from flask import abort, current_app, jsonify, render_template, request, send_file, url_for

from ..services import dashboard as dashboard_service
from ..services import reports
from . import bp
from .auth import role_required

READERS = ("leader", "supervisor", "admin")


@bp.get("/dashboard")
@role_required(*READERS)
def dashboard():
    days = request.args.get("days", 30, type=int)
    return render_template("dashboard.html", data=dashboard_service.data(days), periods=dashboard_service.PERIODS,
                           alerts=dashboard_service.hotspot_alerts(), cases_url=_cases_url(),
                           last_month=reports.last_month().strftime("%Y-%m"))


def _cases_url() -> str:
    # The case list is another page's; the map links to it by its route when it is registered.
    return url_for("web.cases") if "web.cases" in current_app.view_functions else "/cases"


@bp.get("/dashboard/grids.json")
@role_required(*READERS)
def dashboard_grids():
    """The grid polygons as GeoJSON, each with its open (在办) and overdue (超期) case counts."""
    return jsonify(dashboard_service.grid_map())


@bp.get("/dashboard/report.xlsx")
@role_required(*READERS)
def dashboard_report():
    """The monthly 考核 workbook (month=YYYY-MM, default last month): the API's report, for a signed-in page."""
    try:
        month = reports.parse_month(request.args.get("month")) if request.args.get("month") else reports.last_month()
    except ValueError:
        abort(400, description="参数 month 须为月份，如 2026-10")
    return send_file(BytesIO(reports.monthly_report(month)), mimetype=reports.XLSX, as_attachment=True,
                     download_name=reports.filename(month))
