"""Reference data shipped with the service: departments, the 20 major categories and the minor
categories with their keyword library (``rongetong/data/*.csv``). Loading is an idempotent upsert by code."""
from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import MajorCategory, MinorCategory, Unit

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# The majors file names units by name; 属地镇街 means the grid's town office.
TOWN_OFFICE = "属地镇街"


def read_csv(name: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def split_words(value: str | None) -> list[str]:
    return [w.strip() for w in (value or "").split(";") if w.strip()]


def _upsert(model, code: str, **values):
    row = db.session.scalar(select(model).where(model.code == code))
    if row is None:
        row = model(code=code)
        db.session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    return row


def load_departments() -> dict[str, Unit]:
    return {r["code"]: _upsert(Unit, r["code"], name=r["name"], kind="department", town_id=None)
            for r in read_csv("departments.csv")}


def load_categories(departments: dict[str, Unit]) -> None:
    by_name = {unit.name: unit for unit in departments.values()}
    majors = {}
    for r in read_csv("major_categories.csv"):
        unit = None if r["default_department"] == TOWN_OFFICE else by_name[r["default_department"]]
        majors[r["code"]] = _upsert(MajorCategory, r["code"], name=r["name"], police=r["police"] == "true",
                                    default_unit_id=unit.id if unit else None)
    db.session.flush()
    for r in read_csv("minor_categories.csv"):
        unit = None if r["unit"] == "town" else departments[r["unit"]]
        _upsert(MinorCategory, r["code"], name=r["name"], major_id=majors[r["major"]].id,
                unit_id=unit.id if unit else None, urgent=r["urgent"] == "true",
                keywords=split_words(r["keywords"]), synonyms=split_words(r["synonyms"]),
                negative=split_words(r["negative"]))


def load_taxonomy() -> None:
    departments = load_departments()
    db.session.flush()
    load_categories(departments)
