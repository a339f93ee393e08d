from flask import jsonify

from ..domain.geo import display_geometries
from ..services.queries import grids
from . import bp
from .paging import choice_arg


@bp.get("/geo/grids")
def grid_polygons():
    """The grid polygons as a GeoJSON FeatureCollection: as surveyed, or with ``?detail=map`` thinned
    for drawing (under a third of the size: what the phone forms load)."""
    detail = choice_arg("detail", ("full", "map"), "full")
    rows = grids()
    geometries = [g.geometry for g in rows]
    if detail == "map":
        geometries = display_geometries(geometries)
    return jsonify({"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "geometry": geometry,
        "properties": {"code": g.code, "name": g.name, "town_code": g.town.code, "town_name": g.town.name},
    } for g, geometry in zip(rows, geometries)]})
