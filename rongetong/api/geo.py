from flask import jsonify, request

from ..domain.errors import DomainError
from ..domain.geo import display_geometries
from ..services.queries import grids
from . import bp


@bp.get("/geo/grids")
def grid_polygons():
    """The grid polygons as a GeoJSON FeatureCollection: as surveyed, or with ``?detail=map`` thinned
    for drawing (under a third of the size: what the phone forms load)."""
    detail = request.args.get("detail", "full")
    if detail not in ("full", "map"):
        raise DomainError("detail 只能是 full 或 map", details={"detail": detail})
    rows = grids()
    geometries = [g.geometry for g in rows]
    if detail == "map":
        geometries = display_geometries(geometries)
    return jsonify({"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "geometry": geometry,
        "properties": {"code": g.code, "name": g.name, "town_code": g.town.code, "town_name": g.town.name},
    } for g, geometry in zip(rows, geometries)]})
