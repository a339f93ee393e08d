"""Importing real grids (网格) from GeoJSON: validate everything, then upsert by code in one commit.

All or nothing: one problem anywhere — in the file, or a grid ``--replace`` may not delete — and
nothing changes. After a commit the router is rebuilt on next use, so routing sees the new grids.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..domain.geo import Problem, validate_grids
from ..extensions import db
from ..models import Case, Grid, Town, User
from .routing import invalidate_router

ACTIONS = ("inserted", "updated", "deleted", "unchanged")


@dataclass
class GridImport:
    """What an import did — or, with ``dry_run``, would do. With ``problems`` it did nothing."""
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)
    codes: dict[str, list[str]] = field(default_factory=lambda: {action: [] for action in ACTIONS})
    by_town: dict[str, Counter] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def note(self, action: str, code: str, town_code: str) -> None:
        self.codes[action].append(code)
        self.by_town.setdefault(town_code, Counter())[action] += 1

    def summary(self) -> list[str]:
        """The report's lines: totals, then one line per town."""
        totals = ", ".join(f"{action} {len(self.codes[action])}" for action in ACTIONS)
        lines = [totals + (" (dry run: nothing written)" if self.dry_run else "")]
        for town, counts in sorted(self.by_town.items()):
            lines.append(f"  {town}: " + ", ".join(f"{action} {n}" for action in ACTIONS if (n := counts[action])))
        return lines


def import_grids(document: str | bytes, *, replace: bool = False, dry_run: bool = False) -> GridImport:
    """Upsert the grids of a GeoJSON FeatureCollection by code (name, town and geometry), in one commit.

    With ``replace`` the grids the file leaves out are deleted, unless a case or a grid worker refers
    to them. With ``dry_run`` the changes are made, flushed (so the database checks them too) and
    rolled back. Returns the report; when it has problems the database is as it was.
    """
    towns = {town.code: town for town in db.session.scalars(select(Town))}
    grids = db.session.scalars(select(Grid).options(selectinload(Grid.town)).order_by(Grid.code))
    existing = {grid.code: grid for grid in grids}
    check = validate_grids(document, towns, {code: grid.geometry for code, grid in existing.items()},
                           replace=replace)
    left_out = [grid for code, grid in existing.items() if code not in check.codes] if replace else []
    report = GridImport(dry_run=dry_run, problems=check.problems + still_referenced(left_out))
    if not report.ok:
        db.session.rollback()
        return report

    for grid in check.grids:
        row = existing.get(grid.code)
        if row is None:
            db.session.add(Grid(code=grid.code, name=grid.name, town=towns[grid.town_code], geometry=grid.geometry))
            report.note("inserted", grid.code, grid.town_code)
        elif (row.name, row.town.code, row.geometry) != (grid.name, grid.town_code, grid.geometry):
            row.name, row.town, row.geometry = grid.name, towns[grid.town_code], grid.geometry
            report.note("updated", grid.code, grid.town_code)
        else:
            report.note("unchanged", grid.code, grid.town_code)
    for row in left_out:
        db.session.delete(row)
        report.note("deleted", row.code, row.town.code)

    db.session.flush()
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
        invalidate_router()
    return report


def still_referenced(grids: list[Grid]) -> list[Problem]:
    """The grids among ``grids`` that cases or grid workers refer to, and so cannot be deleted."""
    if not grids:
        return []
    ids = [grid.id for grid in grids]
    cases = dict(db.session.execute(
        select(Case.grid_id, func.count()).where(Case.grid_id.in_(ids)).group_by(Case.grid_id)).all())
    workers = dict(db.session.execute(
        select(User.grid_id, func.count()).where(User.grid_id.in_(ids)).group_by(User.grid_id)).all())
    problems = []
    for grid in grids:
        counts = {"case(s)": cases.get(grid.id, 0), "grid worker(s)": workers.get(grid.id, 0)}
        if any(counts.values()):
            refs = " and ".join(f"{n} {noun}" for noun, n in counts.items() if n)
            problems.append(Problem(f"not in the file, but {refs} refer to it: --replace cannot delete it",
                                    code=grid.code))
    return problems
