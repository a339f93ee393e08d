"""The category taxonomy: 20 major categories (大类) and their minor categories (小类).

Each minor carries its keyword library entry, its handling unit (None = the grid's town office,
属地管理) and its time limits; admins edit both.
"""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .org import Unit


class MajorCategory(db.Model):
    __tablename__ = "major_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    police: Mapped[bool] = mapped_column(default=False)
    default_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    minors: Mapped[list[MinorCategory]] = relationship(back_populates="major", order_by="MinorCategory.code")

    def ref(self) -> dict:
        return {"code": self.code, "name": self.name}


class MinorCategory(db.Model):
    __tablename__ = "minor_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    major_id: Mapped[int] = mapped_column(ForeignKey("major_categories.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    urgent: Mapped[bool] = mapped_column(default=False)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    synonyms: Mapped[list] = mapped_column(JSON, default=list)
    negative: Mapped[list] = mapped_column(JSON, default=list)
    # Time limits (时限), in working time; None means the service-wide default.
    accept_minutes: Mapped[int | None]
    resolve_days: Mapped[int | None]
    resolve_hours: Mapped[int | None]

    major: Mapped[MajorCategory] = relationship(back_populates="minors")
    unit: Mapped[Unit | None] = relationship()

    def ref(self) -> dict:
        return {"code": self.code, "name": self.name}
