"""import-grids on the real database: all or nothing, upsert by code, and routing sees the new grids."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rongetong.extensions import db
from rongetong.models import Grid, User
from rongetong.services.routing import get_router, invalidate_router

DATA = Path(__file__).resolve().parent.parent / "data"
NEW_GRID_POINT = (34.50, 118.295)   # lat, lng inside qicun-new-01 of grids_valid.geojson, far from the demo grids


@pytest.fixture()
def import_grids(app, db_session):
    """``import_grids("grids_valid.geojson", "--dry-run")`` → the CLI result; rolled back with the test."""
    runner = app.test_cli_runner()
    yield lambda name, *options: runner.invoke(args=["import-grids", str(DATA / name), *options])
    with app.app_context():
        invalidate_router()   # the cached router may hold the rolled-back grids


def grid_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Grid.id)))


def locate(app, lat, lng) -> str | None:
    with app.app_context():
        grid = get_router().grid_index.locate(lat, lng)
        return grid.code if grid else None


def test_a_valid_file_is_imported_and_routing_finds_its_grids(app, import_grids):
    before = grid_count(app)
    assert locate(app, *NEW_GRID_POINT) is None           # the router is built, and cached, before the import
    result = import_grids("grids_valid.geojson")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["import-grids: inserted 2, updated 0, deleted 0, unchanged 0",
                                          "  qicun: inserted 2"]
    assert grid_count(app) == before + 2
    assert locate(app, *NEW_GRID_POINT) == "qicun-new-01"
    assert locate(app, 34.50, 118.305) == "qicun-new-02"
    with app.app_context():
        grid = db.session.scalar(select(Grid).where(Grid.code == "qicun-new-02"))
        assert (grid.name, grid.town.code, grid.geometry["type"]) == ("齐村镇新建第2网格", "qicun", "MultiPolygon")


def test_one_bad_feature_imports_nothing(app, import_grids):
    before = grid_count(app)
    result = import_grids("grids_one_bad.geojson")
    assert result.exit_code == 1
    assert "1 problem(s)" in result.stderr and "nothing imported" in result.stderr
    assert "features[1] code 'qicun-bowtie': invalid geometry: Self-intersection" in result.stderr
    assert grid_count(app) == before
    assert locate(app, *NEW_GRID_POINT) is None


def test_an_unknown_town_is_refused_with_the_known_ones(app, import_grids):
    result = import_grids("grids_unknown_town.geojson")
    assert result.exit_code == 1
    assert "features[0] code 'nowhere-01': unknown town_code 'nowhere'; known towns: getabu, guangminglu," \
           in result.stderr
    assert "zhongxinjie" in result.stderr


def test_a_grid_overlapping_a_demo_grid_is_refused(app, import_grids):
    before = grid_count(app)
    result = import_grids("grids_overlap_existing.geojson")
    assert result.exit_code == 1
    assert "features[0] code 'zhongxinjie-new-01': overlaps existing grid 'zhongxinjie-002' in the database" \
           in result.stderr
    assert grid_count(app) == before


def test_dry_run_reports_and_writes_nothing(app, import_grids):
    before = grid_count(app)
    result = import_grids("grids_valid.geojson", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "inserted 2, updated 0, deleted 0, unchanged 0 (dry run: nothing written)" in result.stdout
    assert grid_count(app) == before
    assert locate(app, *NEW_GRID_POINT) is None


def test_an_existing_grid_is_updated_by_code(app, import_grids):
    result = import_grids("grids_rename.geojson")
    assert result.exit_code == 0, result.output
    assert "updated 1" in result.stdout and "zhongxinjie: updated 1" in result.stdout
    with app.app_context():
        assert db.session.scalar(select(Grid.name).where(Grid.code == "zhongxinjie-001")) == "建华社区网格"
    again = import_grids("grids_rename.geojson")
    assert "updated 0, deleted 0, unchanged 1" in again.stdout


def test_replace_deletes_the_grids_left_out_only_when_nothing_refers_to_them(app, import_grids):
    before = grid_count(app)
    refused = import_grids("grids_valid.geojson", "--replace")
    assert refused.exit_code == 1
    assert "not in the file, but 1 grid worker(s) refer to it: --replace cannot delete it" in refused.stderr
    assert grid_count(app) == before
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "gridworker")).grid_id = None
        db.session.commit()
    result = import_grids("grids_valid.geojson", "--replace")
    assert result.exit_code == 0, result.output
    assert f"inserted 2, updated 0, deleted {before}, unchanged 0" in result.stdout
    assert grid_count(app) == 2
