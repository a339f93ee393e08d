"""Hotspot alerts (未诉先办): a minor category spiking in a grid, raised once per spike."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .geo import Grid, Town
from .taxonomy import MinorCategory
from .types import UTCDateTime, utcnow


class HotspotAlert(db.Model):
    __tablename__ = "hotspot_alerts"
    __table_args__ = (
        UniqueConstraint("grid_id", "minor_id", "window_start", name="uq_hotspot_alerts_grid_minor_window"),
        Index("ix_hotspot_alerts_town_created", "town_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"))
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    minor_id: Mapped[int] = mapped_column(ForeignKey("minor_categories.id"))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    recent_count: Mapped[int]
    baseline_mean: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(80))
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the town office and 指挥中心 were told

    grid: Mapped[Grid] = relationship()
    town: Mapped[Town] = relationship()
    minor: Mapped[MinorCategory] = relationship()
