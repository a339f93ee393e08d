"""The 11 towns and streets (镇街) of 市中区 and 500 demo grids, generated deterministically.

Each town is a rectangle laid roughly where the real one lies around the district centre
(≈ 34.86 N, 117.56 E): the six urban streets in the centre, the five towns around them. A town's
rectangle is cut into rows × columns of grids — small, dense grids in the streets, larger ones in
the towns. A real deployment imports its own GeoJSON instead.
"""
from __future__ import annotations

from dataclasses import dataclass


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


@dataclass(frozen=True)
class DemoGrid:
    code: str
    name: str
    town_code: str
    geometry: dict
    centre: tuple[float, float]  # lat, lng


def demo_grids() -> list[DemoGrid]:
    """500 rectangular grids: code ``<town>-<row><col>``, numbered 第1网格… within each town."""
    grids = []
    for town in TOWNS:
        height = (town.north - town.south) / town.rows
        width = (town.east - town.west) / town.cols
        number = 0
        for row in range(town.rows):
            for col in range(town.cols):
                number += 1
                south, west = town.south + row * height, town.west + col * width
                north, east = south + height, west + width
                ring = [[round(x, 6), round(y, 6)] for x, y in
                        ((west, south), (east, south), (east, north), (west, north), (west, south))]
                grids.append(DemoGrid(
                    code=f"{town.code}-{number:03d}", name=f"{town.name}第{number}网格", town_code=town.code,
                    geometry={"type": "Polygon", "coordinates": [ring]},
                    centre=(round((south + north) / 2, 6), round((west + east) / 2, 6)),
                ))
    return grids
