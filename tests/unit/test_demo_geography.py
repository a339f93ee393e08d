"""The demo district's 500 grids: irregular, surveyed-looking boundaries that still tile the district."""
import json
import math
import random
from collections import Counter

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from rongetong.demo.geography import SHIFT_X, SHIFT_Y, TOWNS, demo_grids
from rongetong.domain.geo import display_geometries, validate_grids
from rongetong.domain.routing import GridArea, GridIndex

WEST, SOUTH = min(t.west for t in TOWNS), min(t.south for t in TOWNS)
EAST, NORTH = max(t.east for t in TOWNS), max(t.north for t in TOWNS)


@pytest.fixture(scope="module")
def grids():
    return demo_grids()


@pytest.fixture(scope="module")
def shapes(grids):
    return [shape(g.geometry) for g in grids]


def test_codes_names_and_order_are_those_of_the_towns_rows_and_columns(grids):
    assert len(grids) == 500
    assert Counter(g.town_code for g in grids) == {t.code: t.rows * t.cols for t in TOWNS}
    assert [g.code for g in grids[:2]] == ["longshanlu-001", "longshanlu-002"]
    assert (grids[-1].code, grids[-1].name) == ("xiwangzhuang-050", "西王庄镇第50网格")
    assert demo_grids() == grids   # deterministic


def test_the_grids_pass_the_import_rules(grids):
    document = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": g.geometry,
         "properties": {"code": g.code, "name": g.name, "town_code": g.town_code}} for g in grids]})
    check = validate_grids(document, {t.code for t in TOWNS})
    assert check.ok, [str(p) for p in check.problems[:5]]


def test_boundaries_are_surveyed_lines_of_about_a_hundred_points(grids, shapes):
    coordinates = sum(len(ring) for g in grids for ring in g.geometry["coordinates"])
    assert 50_000 <= coordinates <= 60_000
    assert all(s.geom_type == "Polygon" and not s.interiors and s.exterior.is_ccw for s in shapes)
    assert sum(not shapely.equals(s, s.envelope) for s in shapes) == 500   # no rectangle left


def test_the_grids_tile_the_district_without_gap_or_overlap(grids, shapes):
    district = shapely.union_all(shapes)
    assert district.geom_type == "Polygon" and not district.interiors           # no gap
    assert district.area == pytest.approx(sum(s.area for s in shapes), rel=1e-9)  # no overlap
    assert district.area == pytest.approx((EAST - WEST) * (NORTH - SOUTH), rel=0.01)
    assert np.allclose(district.bounds, (WEST, SOUTH, EAST, NORTH), atol=0.001)
    assert all(shapely.contains_xy(s, g.centre[1], g.centre[0]) for g, s in zip(grids, shapes))


def test_the_displacement_never_folds_the_plane():
    """A shift whose slope stays below 1 keeps the map one-to-one: no boundary crosses another."""
    for waves in (SHIFT_X, SHIFT_Y):
        assert sum(2 * math.pi * amplitude / wavelength for amplitude, wavelength, _, _ in waves) < 0.4


def test_the_grid_index_locates_as_an_exact_test_does(grids, shapes):
    order = sorted(range(len(grids)), key=lambda i: grids[i].code)
    ordered = [shapes[i] for i in order]
    index = GridIndex([GridArea(g.code, g.name, g.town_code, g.geometry) for g in grids])
    rng = random.Random(11)
    points = [(rng.uniform(SOUTH - 0.002, NORTH + 0.002), rng.uniform(WEST - 0.002, EAST + 0.002))
              for _ in range(5000)]
    points += [(y, x) for g in grids[::7] for x, y in g.geometry["coordinates"][0][::9]]   # on borders
    tree = shapely.STRtree(ordered)
    point_index, grid_index = tree.query(shapely.points([(lng, lat) for lat, lng in points]), predicate="covered_by")
    first = np.full(len(points), len(ordered))
    np.minimum.at(first, point_index, grid_index)   # the lowest code among the grids that cover it
    assert (first < len(ordered)).sum() > 4000
    for (lat, lng), exact in zip(points, first.tolist()):
        found = index.locate(lat, lng)
        assert (found.code if found else None) == (grids[order[exact]].code if exact < len(ordered) else None), \
            (lat, lng)


def test_the_map_draws_far_fewer_points_and_neighbours_still_meet(grids, shapes):
    drawn = [shape(g) for g in display_geometries([g.geometry for g in grids])]
    assert sum(len(s.exterior.coords) for s in drawn) < 20_000
    assert max(shapely.hausdorff_distance(shapes, drawn)) < 0.0001
    district = shapely.union_all(drawn)
    assert district.geom_type == "Polygon" and not district.interiors
    assert district.area == pytest.approx(sum(s.area for s in drawn), rel=1e-9)

