"""Reference data shipped with the service: departments, the 20 major categories and the minor
categories with their keyword library (``rongetong/data/*.csv``). Loading is an idempotent upsert by code."""
from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import func, select

from ..domain.errors import NotFound, RuleViolation
from ..domain.lifecycle import Actor
from ..extensions import db
from ..models import KeywordChange, MajorCategory, MinorCategory, Unit

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


# --- editing the keyword library (关键词库维护), versioned -----------------------------------------

EDITABLE = ("keywords", "synonyms", "negative", "urgent", "unit", "accept_minutes", "resolve_days", "resolve_hours")


def minor_by_code(code: str) -> MinorCategory:
    minor = db.session.scalar(select(MinorCategory).where(MinorCategory.code == code))
    if minor is None:
        raise NotFound(f"事项小类不存在：{code}")
    return minor


def snapshot(minor: MinorCategory) -> dict:
    return {"keywords": list(minor.keywords or []), "synonyms": list(minor.synonyms or []),
            "negative": list(minor.negative or []), "urgent": minor.urgent,
            "unit": minor.unit.code if minor.unit else "town", "accept_minutes": minor.accept_minutes,
            "resolve_days": minor.resolve_days, "resolve_hours": minor.resolve_hours}


def history(code: str) -> list[KeywordChange]:
    return list(db.session.scalars(select(KeywordChange).where(KeywordChange.minor_code == code)
                                   .order_by(KeywordChange.version)))


def edit_minor(code: str, changes: dict, actor: Actor, note: str | None = None) -> KeywordChange:
    """Apply an edit and record it as the next version; a new library generation reaches every router."""
    minor = minor_by_code(code)
    before = snapshot(minor)
    after = before | {k: v for k, v in changes.items() if k in EDITABLE}
    if after == before:
        raise RuleViolation("没有任何修改")
    _apply(minor, after)
    last = db.session.scalar(select(func.max(KeywordChange.version)).where(KeywordChange.minor_code == code)) or 0
    change = KeywordChange(minor_code=code, version=last + 1, before=before, after=after, note=note,
                           actor_id=actor.user_id, actor_name=actor.name)
    db.session.add(change)
    db.session.commit()
    return change


def rollback_minor(code: str, version: int, actor: Actor) -> KeywordChange:
    """Restore the entry as it was at ``version`` (0: before its first recorded change), as a new version."""
    versions = {c.version: c for c in history(code)}
    if version == 0 and 1 in versions:
        target = versions[1].before
    elif version in versions:
        target = versions[version].after
    else:
        raise NotFound(f"{code} 没有版本 {version}")
    return edit_minor(code, target, actor, note=f"回滚到版本 {version}")


def _apply(minor: MinorCategory, values: dict) -> None:
    unit_code = values["unit"]
    unit = None
    if unit_code != "town":
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise RuleViolation(f"未知单位：{unit_code}", details={"field": "unit"})
    words = {name: [w.strip() for w in values[name] if w and w.strip()]
             for name in ("keywords", "synonyms", "negative")}
    minor.keywords, minor.synonyms, minor.negative = words["keywords"], words["synonyms"], words["negative"]
    minor.unit, minor.unit_id, minor.urgent = unit, unit.id if unit else None, bool(values["urgent"])
    minor.accept_minutes, minor.resolve_days, minor.resolve_hours = (
        values["accept_minutes"], values["resolve_days"], values["resolve_hours"])


def minors(major: str | None = None) -> list[MinorCategory]:
    query = select(MinorCategory).order_by(MinorCategory.code)
    if major:
        query = query.join(MajorCategory).where(MajorCategory.code == major)
    return list(db.session.scalars(query))
