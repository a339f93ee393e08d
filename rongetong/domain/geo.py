"""网格 boundaries: the rules a GeoJSON FeatureCollection of grids must pass before it is imported.

Pure: Shapely and the standard library, no Flask or SQL. ``validate_grids`` reports every problem it
finds, each with the feature's index and code, so one run shows everything there is to fix. Also a
point sure to lie inside a grid, and the grids thinned for drawing on a map.
"""
from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shapely import STRtree, coverage_simplify
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

MAX_CODE_LENGTH = 40                      # Grid.code
MAX_NAME_LENGTH = 60                      # Grid.name
REQUIRED_PROPERTIES = ("code", "name", "town_code")
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
WORLD = (-180.0, -90.0, 180.0, 90.0)      # west, south, east, north: WGS84 lng/lat
CHINA = (73.0, 3.0, 136.0, 54.0)
OVERLAP_TOLERANCE = 1e-10                 # square degrees: shared edges and rounding are not overlaps
# How far display_geometries thins boundaries: no drawn line strays more than about 0.00005° (5 m) from
# the surveyed one, a fraction of a pixel on a map of the district.
DISPLAY_TOLERANCE = 0.0002


@dataclass(frozen=True)
class Problem:
    """One thing wrong; ``index`` is the feature's position in ``features`` (None: the file or the database)."""
    message: str
    index: int | None = None
    code: str | None = None

    def __str__(self) -> str:
        where = [f"features[{self.index}]"] if self.index is not None else []
        where += [f"code {self.code!r}"] if self.code else []
        return f"{' '.join(where) or 'file'}: {self.message}"


@dataclass(frozen=True)
class GridFeature:
    """A feature that passed every rule: what the importer writes."""
    index: int
    code: str
    name: str
    town_code: str
    geometry: dict    # {"type", "coordinates"} only


@dataclass
class GridCheck:
    grids: list[GridFeature] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    codes: set[str] = field(default_factory=set)   # every code in the file, valid feature or not

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_grids(document: str | bytes, town_codes: Collection[str],
                   existing: Mapping[str, Mapping] | None = None, *, replace: bool = False) -> GridCheck:
    """Check a FeatureCollection of grids against the known towns and the grids already in place.

    ``existing`` maps the codes of the grids in the database to their geometry. Those the file does
    not update stay — unless ``replace`` — and a grid of the file must not overlap them.
    """
    check = GridCheck()
    features = read_features(document, check.problems)
    placed: list[tuple[int, str | None, BaseGeometry]] = []
    first_use: dict[str, int] = {}
    for index, feature in enumerate(features):
        grid, geometry, problems = check_feature(index, feature, town_codes)
        check.problems += problems
        code = _text(feature, "code")
        if code is not None:
            check.codes.add(code)
            if code in first_use:   # reported once: neither written nor checked for overlaps
                check.problems.append(Problem(f"duplicate code; first used by features[{first_use[code]}]",
                                              index, code))
                continue
            first_use[code] = index
        if geometry is not None:
            placed.append((index, code, geometry))
        if grid is not None:
            check.grids.append(grid)
    kept = {} if replace else {code: g for code, g in (existing or {}).items() if code not in check.codes}
    check.problems += overlap_problems(placed, kept)
    return check


def read_features(document: str | bytes, problems: list[Problem]) -> list:
    """The ``features`` of a GeoJSON FeatureCollection; what is wrong with the document goes to ``problems``."""
    try:
        data = json.loads(document)
    except ValueError as exc:
        problems.append(Problem(f"not valid JSON: {exc}"))
        return []
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        found = data.get("type") if isinstance(data, Mapping) else type(data).__name__
        problems.append(Problem(f"not a GeoJSON FeatureCollection (found {found!r})"))
        return []
    features = data.get("features")
    if not isinstance(features, list) or not features:
        problems.append(Problem("the FeatureCollection has no features"))
        return []
    return features


def check_feature(index: int, feature: Any, town_codes: Collection[str]
                  ) -> tuple[GridFeature | None, BaseGeometry | None, list[Problem]]:
    """One feature's own rules: its properties and its geometry (not yet its neighbours)."""
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        return None, None, [Problem("not a GeoJSON Feature", index)]
    values = {key: _text(feature, key) for key in REQUIRED_PROPERTIES}
    messages = [f"property {key!r} is missing or blank" for key, value in values.items() if value is None]
    code, name, town_code = values["code"], values["name"], values["town_code"]
    if code and len(code) > MAX_CODE_LENGTH:
        messages.append(f"code is longer than {MAX_CODE_LENGTH} characters")
    if name and len(name) > MAX_NAME_LENGTH:
        messages.append(f"name is longer than {MAX_NAME_LENGTH} characters")
    if town_code and town_code not in town_codes:
        messages.append(f"unknown town_code {town_code!r}; known towns: {', '.join(sorted(town_codes))}")
    geometry, geometry_messages = check_geometry(feature.get("geometry"))
    messages += geometry_messages
    if messages:
        return None, geometry, [Problem(message, index, code) for message in messages]
    raw = feature["geometry"]
    grid = GridFeature(index, code, name, town_code, {"type": raw["type"], "coordinates": raw["coordinates"]})
    return grid, geometry, []


def check_geometry(geometry: Any) -> tuple[BaseGeometry | None, list[str]]:
    """The Shapely shape of a GeoJSON Polygon or MultiPolygon in WGS84 lng/lat, or what is wrong with it."""
    if not isinstance(geometry, Mapping):
        return None, ["geometry is missing"]
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        return None, [f"geometry type is {kind!r}; a grid must be a Polygon or MultiPolygon"]
    coordinates = geometry.get("coordinates")
    errors = ring_errors([coordinates] if kind == "Polygon" else coordinates)
    if errors:
        return None, errors
    polygon = shape(geometry)
    if polygon.is_empty:
        return None, ["geometry is empty"]
    west, south, east, north = polygon.bounds
    span = f"lng {west:g}..{east:g}, lat {south:g}..{north:g}"
    if not _within(polygon.bounds, WORLD):
        return None, [f"coordinates ({span}) are outside lng -180..180 / lat -90..90: GeoJSON is WGS84 "
                      "[lng, lat] — lat and lng swapped, or projected coordinates?"]
    if not _within(polygon.bounds, CHINA):
        return None, [f"coordinates ({span}) lie outside China (lng 73..136, lat 3..54)"]
    if not polygon.is_valid:
        return None, [f"invalid geometry: {explain_validity(polygon)}"]
    return polygon, []


def ring_errors(polygons: Any) -> list[str]:
    """What Shapely would silently repair: rings not closed, too short, or with non-numeric positions."""
    if not isinstance(polygons, list) or not polygons:
        return ["geometry has no coordinates"]
    errors = []
    for p, rings in enumerate(polygons):
        if not isinstance(rings, list) or not rings:
            errors.append(f"polygon {p} has no rings")
            continue
        for r, ring in enumerate(rings):
            where = f"ring {r}" if len(polygons) == 1 else f"polygon {p} ring {r}"
            if not isinstance(ring, list) or not all(map(_is_position, ring)):
                errors.append(f"{where}: every position must be [lng, lat] in finite numbers")
            elif len(ring) < 4:
                errors.append(f"{where} has {len(ring)} positions; a closed ring needs at least 4")
            elif list(ring[0][:2]) != list(ring[-1][:2]):
                errors.append(f"{where} is not closed: it starts at {ring[0]} and ends at {ring[-1]}")
    return errors


def overlap_problems(placed: list[tuple[int, str | None, BaseGeometry]],
                     kept: Mapping[str, Mapping]) -> list[Problem]:
    """Grids of the file that share area with each other or with a kept grid of the database.

    One STRtree over both, queried once per grid of the file: O(n log n), not n². Only an
    intersection larger than ``OVERLAP_TOLERANCE`` counts, so neighbours may share edges.
    """
    if not placed:
        return []
    shapes = [geometry for _, _, geometry in placed]
    kept_codes = list(kept)
    tree = STRtree(shapes + [shape(kept[code]) for code in kept_codes])
    problems = []
    for i, j in zip(*tree.query(shapes, predicate="intersects").tolist()):
        if j <= i:      # itself, or a pair of the file already seen from the other side
            continue
        area = shapes[i].intersection(tree.geometries[j]).area
        if area <= OVERLAP_TOLERANCE:
            continue
        index, code, _ = placed[i]
        if j < len(placed):
            other_index, other, _ = placed[j]
            message = f"overlaps grid {other!r} (features[{other_index}])"
        else:
            message = f"overlaps existing grid {kept_codes[j - len(placed)]!r} in the database"
        problems.append(Problem(f"{message} by {area:.3g} square degrees", index, code))
    return sorted(problems, key=lambda p: (p.index, p.message))


def point_inside(geometry: Mapping) -> tuple[float, float]:
    """(lat, lng) of a point inside the grid, off its boundary: a grid's bounding-box middle need not be."""
    point = shape(geometry).point_on_surface()
    return point.y, point.x


def display_geometries(geometries: Sequence[Mapping]) -> list[dict]:
    """The grids' geometries thinned for drawing on a map — never for locating a point.

    Surveyed boundaries carry a point every few dozen metres, far more than a map of the district can
    show. The grids are simplified together as one coverage, so neighbours keep the very same
    boundary and the map shows neither gaps nor overlaps between them.
    """
    shapes = coverage_simplify([shape(g) for g in geometries], DISPLAY_TOLERANCE)
    return [mapping(s) for s in shapes]


def _text(feature: Any, key: str) -> str | None:
    """A property as stripped text; None when missing, blank or not a string."""
    properties = feature.get("properties") if isinstance(feature, Mapping) else None
    value = properties.get(key) if isinstance(properties, Mapping) else None
    return (value.strip() or None) if isinstance(value, str) else None


def _is_position(position: Any) -> bool:
    return (isinstance(position, list) and len(position) >= 2
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
                    for x in position[:2]))


def _within(bounds: tuple[float, ...], box: tuple[float, ...]) -> bool:
    west, south, east, north = bounds
    return box[0] <= west and box[1] <= south and east <= box[2] and north <= box[3]
