"""未诉先办 endpoints: the hotspot alerts (a static route, so it wins over ``/stats/<dimension>``)."""
from flask import jsonify

from ..domain import hotspots as rule
from ..domain.lifecycle import Role
from ..services import hotspots as hotspot_service
from . import bp
from .auth import current_actor, roles_required
from .serializers import iso

READERS = (Role.DISPATCHER, Role.LEADER, Role.SUPERVISOR, Role.ADMIN, Role.HANDLER)


def alert_json(alert) -> dict:
    return {
        "id": alert.id,
        "grid": alert.grid.ref(), "town": alert.town.ref(),
        "category": {"major": alert.minor.major.ref(), "minor": alert.minor.ref()},
        "window_start": iso(alert.window_start), "window_end": iso(alert.window_end),
        "recent_count": alert.recent_count, "baseline_mean": alert.baseline_mean,
        "score": rule.score(alert.recent_count, alert.baseline_mean),
        "created_at": iso(alert.created_at),
        "acknowledged": alert.acknowledged_at is not None, "acknowledged_at": iso(alert.acknowledged_at),
    }


@bp.get("/stats/hotspots")
@roles_required(*READERS)
def hotspot_list():
    """Hotspot alerts, newest first; a town office's handler sees its own town's only."""
    town_id = hotspot_service.town_of(current_actor())
    return jsonify({"items": [alert_json(a) for a in hotspot_service.alerts(town_id=town_id)]})


@bp.post("/stats/hotspots/<int:alert_id>/acknowledge")
@roles_required(Role.DISPATCHER, Role.HANDLER)
def hotspot_acknowledge(alert_id: int):
    """The dispatcher or the grid's town office has taken the alert in hand."""
    return jsonify(alert_json(hotspot_service.acknowledge(alert_id, current_actor())))
