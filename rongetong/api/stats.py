"""考核 endpoints: the rates of DESIGN §5 and the evaluation issue, overall, ranked per group, per day."""
from datetime import date

from flask import jsonify, request

from ..domain.lifecycle import Role
from ..services import stats
from . import bp
from .auth import roles_required
from .errors import ApiError

READERS = (Role.LEADER, Role.SUPERVISOR, Role.DISPATCHER, Role.ADMIN)


def _filters() -> stats.StatsFilter:
    def day(name: str) -> date | None:
        raw = request.args.get(name)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError as exc:
            raise ApiError(422, f"参数 {name} 须为日期，如 2026-10-01", "validation_error") from exc
    f = stats.StatsFilter(start=day("from"), end=day("to"), unit=request.args.get("unit") or None,
                          town=request.args.get("town") or None, category=request.args.get("category") or None,
                          channel=request.args.get("channel") or None)
    if f.start and f.end and f.start > f.end:
        raise ApiError(422, "from 不能晚于 to", "validation_error")
    return f


@bp.get("/stats/summary")
@roles_required(*READERS)
def stats_summary():
    """The district's rates (filters: from, to, unit, town, category, channel)."""
    return jsonify(stats.summary(_filters()))


@bp.get("/stats/<dimension>")
@roles_required(*READERS)
def stats_grouped(dimension: str):
    """Per unit, town or major category, with rank by score; or per day (`trend`)."""
    if dimension == "trend":
        return jsonify({"items": stats.trend(_filters())})
    if dimension not in stats.GROUPS:
        raise ApiError(404, f"未知统计维度：{dimension}", "not_found")
    key = {"units": "unit", "towns": "town", "categories": "category"}[dimension]
    items = [{key: {"code": row.pop("code"), "name": row.pop("name")}} | row
             for row in stats.grouped(dimension, _filters())]
    return jsonify({"items": items})
