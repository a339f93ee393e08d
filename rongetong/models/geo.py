"""Towns (镇街) and the grids (网格) they are divided into."""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Town(db.Model):
    __tablename__ = "towns"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10), default="street")  # street 街道 | town 镇

    grids: Mapped[list[Grid]] = relationship(back_populates="town", order_by="Grid.code")

    def ref(self) -> dict:
        return {"code": self.code, "name": self.name}


class Grid(db.Model):
    __tablename__ = "grids"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"), index=True)
    # GeoJSON geometry (Polygon or MultiPolygon, lng/lat order): portable across SQLite and PostgreSQL.
    geometry: Mapped[dict] = mapped_column(JSON)

    town: Mapped[Town] = relationship(back_populates="grids")

    def ref(self) -> dict:
        return {"code": self.code, "name": self.name}
