"""网格 import rules on small in-memory FeatureCollections: no database, no Flask."""
import json

import pytest
from shapely.geometry import Point, Polygon

from rongetong.domain.geo import Problem, check_geometry, point_inside, validate_grids

TOWNS = {"qicun", "zhongxinjie"}


def square(west=117.50, south=34.80, size=0.01):
    ring = [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code="qicun-01", geometry=None, name="齐村镇第1网格", town_code="qicun"):
    properties = {key: value for key, value in (("code", code), ("name", name), ("town_code", town_code))
                  if value is not None}
    return {"type": "Feature", "properties": properties, "geometry": geometry or square()}


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def messages(check):
    return [str(problem) for problem in check.problems]


def test_squares_sharing_an_edge_and_a_corner_pass():
    check = validate_grids(collection(
        feature("qicun-01", square(117.50, 34.80)),
        feature("qicun-02", square(117.51, 34.80)),                      # shares an edge
        feature("qicun-03", square(117.51, 34.81), town_code="zhongxinjie"),  # shares a corner with 01
    ), TOWNS)
    assert check.ok, messages(check)
    assert [g.code for g in check.grids] == ["qicun-01", "qicun-02", "qicun-03"]
    assert check.grids[2].town_code == "zhongxinjie"
    assert check.grids[0].geometry == square(117.50, 34.80)


def test_multipolygon_passes_and_extra_geometry_members_are_dropped():
    geometry = {"type": "MultiPolygon", "coordinates": [square()["coordinates"], square(117.52)["coordinates"]],
                "bbox": [117.50, 34.80, 117.53, 34.81]}
    check = validate_grids(collection(feature(geometry=geometry)), TOWNS)
    assert check.ok, messages(check)
    assert set(check.grids[0].geometry) == {"type", "coordinates"}


def test_bow_tie_fails_with_shapely_explanation():
    bow_tie = {"type": "Polygon", "coordinates": [[[117.50, 34.80], [117.51, 34.81], [117.51, 34.80],
                                                   [117.50, 34.81], [117.50, 34.80]]]}
    check = validate_grids(collection(feature("qicun-01"), feature("qicun-02", bow_tie)), TOWNS)
    assert [g.code for g in check.grids] == ["qicun-01"]
    [problem] = check.problems
    assert (problem.index, problem.code) == (1, "qicun-02")
    assert "invalid geometry: Self-intersection" in problem.message


@pytest.mark.parametrize(("ring", "expected"), [
    ([[117.50, 34.80], [117.51, 34.80], [117.51, 34.81], [117.50, 34.81]], "ring 0 is not closed"),
    ([[117.50, 34.80], [117.51, 34.80], [117.50, 34.80]], "ring 0 has 3 positions"),
    ([[117.50, 34.80], [117.51, 34.80], [117.51, 34.80], [117.50, 34.80]], "invalid geometry: Too few points"),
    ([[117.50, 34.80], ["117.51", 34.80], [117.51, 34.81], [117.50, 34.80]], "finite numbers"),
])
def test_broken_rings_are_refused_not_repaired(ring, expected):
    shape, errors = check_geometry({"type": "Polygon", "coordinates": [ring]})
    assert shape is None
    assert expected in errors[0]


def test_overlap_fails_naming_both_codes():
    check = validate_grids(collection(
        feature("qicun-01", square(117.500, 34.80)),
        feature("qicun-02", square(117.505, 34.80)),   # half of 01
        feature("qicun-03", square(117.600, 34.80)),
    ), TOWNS)
    [problem] = check.problems
    assert (problem.index, problem.code) == (0, "qicun-01")
    assert "overlaps grid 'qicun-02' (features[1])" in problem.message


def test_a_grid_inside_another_overlaps():
    check = validate_grids(collection(feature("outer", square(size=0.02)), feature("inner", square(117.505, 34.805))),
                           TOWNS)
    assert "overlaps grid 'inner'" in messages(check)[0]


def test_overlap_with_a_kept_grid_of_the_database_but_not_with_one_updated_or_replaced():
    existing = {"qicun-old": square(117.505, 34.80), "qicun-01": square(117.60, 34.80)}
    check = validate_grids(collection(feature("qicun-01", square(117.50, 34.80))), TOWNS, existing)
    assert messages(check) == [
        "features[0] code 'qicun-01': overlaps existing grid 'qicun-old' in the database by 5e-05 square degrees"]
    assert validate_grids(collection(feature("qicun-old", square(117.50, 34.80))), TOWNS, existing).ok
    assert validate_grids(collection(feature("qicun-01", square(117.50, 34.80))), TOWNS, existing, replace=True).ok


def test_duplicate_code():
    check = validate_grids(collection(feature("qicun-01", square(117.50)), feature("qicun-01", square(117.52))), TOWNS)
    assert messages(check) == ["features[1] code 'qicun-01': duplicate code; first used by features[0]"]


def test_missing_and_blank_properties_are_all_reported():
    check = validate_grids(collection(feature("qicun-01", town_code=None, name="  ")), TOWNS)
    assert messages(check) == ["features[0] code 'qicun-01': property 'name' is missing or blank",
                               "features[0] code 'qicun-01': property 'town_code' is missing or blank"]


def test_unknown_town_lists_the_known_ones():
    check = validate_grids(collection(feature(town_code="nowhere")), TOWNS)
    assert messages(check) == ["features[0] code 'qicun-01': unknown town_code 'nowhere'; "
                               "known towns: qicun, zhongxinjie"]


def test_code_longer_than_the_column():
    check = validate_grids(collection(feature("q" * 41)), TOWNS)
    assert "code is longer than 40 characters" in messages(check)[0]


@pytest.mark.parametrize(("west", "south", "expected"), [
    (34.80, 117.50, "outside lng -180..180 / lat -90..90"),   # lat and lng swapped
    (2.35, 48.85, "outside China"),                            # Paris
    (135.99, 34.80, "outside China"),                          # crosses lng 136
])
def test_outside_china(west, south, expected):
    check = validate_grids(collection(feature(geometry=square(west, south, size=0.02))), TOWNS)
    assert expected in messages(check)[0]


@pytest.mark.parametrize("geometry", [
    {"type": "Point", "coordinates": [117.5, 34.8]},
    {"type": "LineString", "coordinates": [[117.5, 34.8], [117.6, 34.8]]},
    {"type": "GeometryCollection", "geometries": []},
])
def test_wrong_geometry_type(geometry):
    check = validate_grids(collection(feature(geometry=geometry)), TOWNS)
    assert f"geometry type is '{geometry['type']}'; a grid must be a Polygon or MultiPolygon" in messages(check)[0]


@pytest.mark.parametrize(("document", "expected"), [
    ("{not json", "file: not valid JSON"),
    (b"\xff\xfe\x00garbage", "file: not valid JSON"),
    ('{"type": "Feature", "geometry": null}', "file: not a GeoJSON FeatureCollection (found 'Feature')"),
    ("[]", "file: not a GeoJSON FeatureCollection (found 'list')"),
    ('{"type": "FeatureCollection", "features": []}', "file: the FeatureCollection has no features"),
])
def test_not_a_feature_collection(document, expected):
    check = validate_grids(document, TOWNS)
    assert not check.ok and messages(check)[0].startswith(expected)


def test_every_problem_is_reported_with_index_and_code():
    check = validate_grids(collection(
        feature("qicun-01"),
        {"type": "Feature", "properties": None, "geometry": None},
        feature("qicun-03", {"type": "Point", "coordinates": [117.5, 34.8]}, town_code="nowhere"),
        "not a feature",
    ), TOWNS)
    assert [(p.index, p.code) for p in check.problems] == [(1, None)] * 4 + [(2, "qicun-03")] * 2 + [(3, None)]
    assert [g.code for g in check.grids] == ["qicun-01"]
    assert check.codes == {"qicun-01", "qicun-03"}


def test_problem_reads_as_a_line():
    assert str(Problem("not valid JSON")) == "file: not valid JSON"
    assert str(Problem("cannot delete", code="x-1")) == "code 'x-1': cannot delete"
    assert str(Problem("bad", 3, "x-1")) == "features[3] code 'x-1': bad"


def test_a_large_block_of_neighbouring_grids_passes():
    """50 × 50 grids, each touching eight neighbours: the STRtree finds the candidate pairs without n² tests."""
    size = 0.001
    features = [feature(f"g{row}-{col}", square(117.0 + col * size, 34.0 + row * size, size))
                for row in range(50) for col in range(50)]
    check = validate_grids(collection(*features), TOWNS)
    assert check.ok and len(check.grids) == 2500


def test_a_point_inside_is_inside_whatever_the_shape():
    hook = [[0, 0], [3, 0], [3, 3], [0, 3], [0, 2], [2, 2], [2, 1], [0, 1], [0, 0]]
    lat, lng = point_inside({"type": "Polygon", "coordinates": [hook]})   # the bounding box's middle is outside
    assert Polygon(hook).contains(Point(lng, lat))
