"""The 11 towns and streets (镇街) of 市中区 and 500 demo grids, generated deterministically.

Each town is a rectangle laid roughly where the real one lies around the district centre
(≈ 34.86 N, 117.56 E): the six urban streets in the centre, the five towns around them. A town's
rectangle is cut into rows × columns of grids — small, dense grids in the streets, larger ones in
the towns.

Real grids follow streets, walls and streams, and the district surveyed more than 50,000 points for
its 500 (根据全区11个镇街的责任区域…划分网格500个，测量建立坐标5万余个), so the rectangles are bent into
irregular shapes of about a hundred points each: every boundary line carries a point every 25 m in
the streets and every 50 m in the towns, and every point is moved by one smooth displacement of the
whole plane, a few sine waves none of which is steep enough to fold it. The points along a line are
the same whichever grid's edge lies on it — grid corners of the towns on either side included — so
neighbours share their boundary point for point and the grids still tile the district with neither
gap nor overlap. A real deployment imports its own GeoJSON instead.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TownLayout:
    code: str
    name: str
    kind: str                 # street 街道 | town 镇
    west: float
    south: float
    east: float
    north: float
    rows: int
    cols: int


TOWNS: tuple[TownLayout, ...] = (
    TownLayout("longshanlu", "龙山路街道", "street", 117.52, 34.86, 117.55, 34.89, 6, 7),
    TownLayout("zhongxinjie", "中心街街道", "street", 117.55, 34.86, 117.58, 34.89, 6, 7),
    TownLayout("guangminglu", "光明路街道", "street", 117.58, 34.86, 117.61, 34.89, 6, 7),
    TownLayout("wenhualu", "文化路街道", "street", 117.52, 34.83, 117.55, 34.86, 6, 7),
    TownLayout("getabu", "垎塔埠街道", "street", 117.55, 34.83, 117.58, 34.86, 6, 7),
    TownLayout("kuangqu", "矿区街道", "street", 117.58, 34.83, 117.61, 34.86, 6, 7),
    TownLayout("qicun", "齐村镇", "town", 117.40, 34.83, 117.52, 35.00, 7, 7),
    TownLayout("mengzhuang", "孟庄镇", "town", 117.52, 34.89, 117.72, 35.00, 5, 10),
    TownLayout("shuiguo", "税郭镇", "town", 117.61, 34.74, 117.72, 34.89, 10, 5),
    TownLayout("yongan", "永安镇", "town", 117.52, 34.74, 117.61, 34.83, 7, 7),
    TownLayout("xiwangzhuang", "西王庄镇", "town", 117.40, 34.74, 117.52, 34.83, 5, 10),
)

DISTRICT_CENTRE = (34.86, 117.56)  # lat, lng

WEST, SOUTH = min(t.west for t in TOWNS), min(t.south for t in TOWNS)
URBAN = (117.52, 34.83, 117.61, 34.89)   # west, south, east, north of the six streets
STEP = 0.0005                            # degrees between boundary points in the towns (≈ 45–55 m)
URBAN_STEP = STEP / 2                    # the streets are surveyed twice as densely

# The displacement: sine waves (amplitude °, wavelength °, heading °, phase) moving points east–west
# and north–south. The steepest slope either shift can have, Σ 2π·amplitude / wavelength, stays below
# 0.4, so the plane is stretched but never folded: no boundary can cross another.
SHIFT_X = ((0.00030, 0.0410, 20, 0.3), (0.00018, 0.0113, 115, 1.9),
           (0.00008, 0.0047, 62, 4.1), (0.00003, 0.0019, 160, 2.7))
SHIFT_Y = ((0.00028, 0.0370, 105, 5.2), (0.00017, 0.0127, 35, 0.8),
           (0.00008, 0.0051, 150, 3.3), (0.00003, 0.0021, 80, 1.2))


@dataclass(frozen=True)
class DemoGrid:
    code: str
    name: str
    town_code: str
    geometry: dict
    centre: tuple[float, float]  # lat, lng


def demo_grids() -> list[DemoGrid]:
    """500 grids: code ``<town>-NNN``, numbered 第1网格… row by row within each town."""
    cells = [(town, number, *box) for town in TOWNS for number, box in enumerate(_rectangles(town), 1)]
    # The grid corners on each horizontal line (by its y) and each vertical line (by its x).
    corners_x: dict[float, set[float]] = defaultdict(set)
    corners_y: dict[float, set[float]] = defaultdict(set)
    for _, _, west, south, east, north in cells:
        corners_x[south] |= {west, east}
        corners_x[north] |= {west, east}
        corners_y[west] |= {south, north}
        corners_y[east] |= {south, north}
    urban_x, urban_y = (URBAN[0], URBAN[2]), (URBAN[1], URBAN[3])
    along_x = {y: _stops(xs, WEST, urban_x if _inside(y, urban_y) else None) for y, xs in corners_x.items()}
    along_y = {x: _stops(ys, SOUTH, urban_y if _inside(x, urban_x) else None) for x, ys in corners_y.items()}
    rings, centres = [], []
    for _, _, west, south, east, north in cells:
        # Counter-clockwise from the south-west corner, as GeoJSON wants an outer ring.
        rings.append([(x, south) for x in _between(along_x[south], west, east)]
                     + [(east, y) for y in _between(along_y[east], south, north)[1:]]
                     + [(x, north) for x in _between(along_x[north], west, east)[::-1][1:]]
                     + [(west, y) for y in _between(along_y[west], south, north)[::-1][1:]])
        centres.append((round((west + east) / 2, 6), round((south + north) / 2, 6)))
    # Each distinct point is moved once, so a point that two grids share stays one point.
    points = list(dict.fromkeys(p for ring in rings for p in ring))
    moved = dict(zip(points + centres, map(tuple, _warp(np.array(points + centres)).tolist())))
    return [DemoGrid(code=f"{town.code}-{number:03d}", name=f"{town.name}第{number}网格", town_code=town.code,
                     geometry={"type": "Polygon", "coordinates": [[list(moved[p]) for p in ring]]},
                     centre=(moved[centre][1], moved[centre][0]))
            for (town, number, *_), ring, centre in zip(cells, rings, centres)]


def _warp(points: np.ndarray) -> np.ndarray:
    """The displacement applied to an array of (lng, lat) rows, rounded to 6 decimals (≈ 0.1 m)."""
    x, y = points[:, 0] - WEST, points[:, 1] - SOUTH
    shifts = [sum(amplitude * np.sin(2 * np.pi * (x * math.cos(math.radians(heading)) +
                                                  y * math.sin(math.radians(heading))) / wavelength + phase)
                  for amplitude, wavelength, heading, phase in waves)
              for waves in (SHIFT_X, SHIFT_Y)]
    return np.round(points + np.column_stack(shifts), 6)


def _rectangles(town: TownLayout) -> list[tuple[float, float, float, float]]:
    """The town's rows × columns cut (west, south, east, north), row by row from the south-west."""
    height = (town.north - town.south) / town.rows
    width = (town.east - town.west) / town.cols
    return [(round(town.west + col * width, 6), round(town.south + row * height, 6),
             round(town.west + (col + 1) * width, 6), round(town.south + (row + 1) * height, 6))
            for row in range(town.rows) for col in range(town.cols)]


def _stops(corners: set[float], origin: float, urban: tuple[float, float] | None) -> list[float]:
    """Where a boundary line gets a point: its corners, and a regular step between them — finer along
    the ``urban`` stretch — kept clear of the corners so that no two points crowd together."""
    fixed = np.array(sorted(corners))
    fine = np.arange(math.ceil((fixed[0] - origin) / URBAN_STEP), math.floor((fixed[-1] - origin) / URBAN_STEP) + 1)
    at = np.round(origin + fine * URBAN_STEP, 6)
    step = np.where(_inside(at, urban) if urban else False, URBAN_STEP, STEP)
    after = np.clip(np.searchsorted(fixed, at), 1, len(fixed) - 1)
    clear = np.minimum(np.abs(at - fixed[after - 1]), np.abs(fixed[after] - at)) >= 0.4 * step
    keep = ((fine % 2 == 0) | (step == URBAN_STEP)) & clear
    return sorted(set(corners) | set(at[keep].tolist()))


def _between(stops: list[float], low: float, high: float) -> list[float]:
    return stops[bisect_left(stops, low):bisect_right(stops, high)]


def _inside(value, interval: tuple[float, float]):
    return (interval[0] <= value) & (value <= interval[1])
