from flask import jsonify

from ..services.queries import grids
from . import bp


@bp.get("/geo/grids")
def grid_polygons():
    """The grid polygons as a GeoJSON FeatureCollection (for maps)."""
    return jsonify({"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "geometry": g.geometry,
        "properties": {"code": g.code, "name": g.name, "town_code": g.town.code, "town_name": g.town.name},
    } for g in grids()]})

