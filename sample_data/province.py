"""The levels above the sample county: a fictional city (示例市) or province (示例省) of sample counties.

With one county the tree is the classic sample county 示例县 (code 429999000000), unchanged. With
more, every code lies in the unused province range 99 (no real province has it), so a generated
province can never be mistaken for real data: 示例省 990000000000, 示例市N 99KK00000000, 示例县N
99KKCC000000. Counties are copies of a few generated geographies, shifted onto a grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely

from sample_data.areas import COUNTY_CODE, COUNTY_NAME
from sample_data.geometry import CENTRE_LAT, CENTRE_LON, Geography

PROVINCE_CODE = "990000000000"
PROVINCE_NAME = "示例省"
CITY_NAME = "示例市"
GEOGRAPHY_VARIANTS = 3  # distinct county shapes; building one takes a few seconds
GRID_STEP = (0.52, 0.34)  # degrees between county centres: the sample county is ~0.50 x 0.32


@dataclass(frozen=True)
class UpperArea:
    """A province or city above the counties."""

    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True)
class CountyPlan:
    """One county to generate: its place in the tree, size, shape and random-stream key."""

    number: int  # 0 for the first county: it uses exactly the single-county random streams
    code: str
    name: str
    parent_code: str | None
    households: int
    geography_seed: int
    offset: tuple[float, float]  # degrees east, north

    @property
    def centre(self) -> tuple[float, float]:
        """The point the county grew around (for remoteness)."""
        return CENTRE_LON + self.offset[0], CENTRE_LAT + self.offset[1]


def plan_counties(households: int, counties: int, cities: int,
                  seed: int) -> tuple[list[UpperArea], list[CountyPlan]]:
    """The areas above county level (top first) and the counties, with households spread evenly."""
    if counties < 1 or cities < 1:
        raise ValueError("counties and cities must be at least 1")
    if cities > counties:
        raise ValueError("each city needs at least one county")
    if cities > 99 or math.ceil(counties / cities) > 99:
        raise ValueError("at most 99 cities and 99 counties per city (two-digit codes)")
    if counties == 1:
        return [], [CountyPlan(0, COUNTY_CODE, COUNTY_NAME, None, households, seed, (0.0, 0.0))]
    uppers: list[UpperArea] = []
    if cities > 1:
        uppers.append(UpperArea(PROVINCE_CODE, PROVINCE_NAME, "province", None))
        uppers += [UpperArea(f"99{k + 1:02d}00000000", f"{CITY_NAME}{k + 1}", "city", PROVINCE_CODE)
                   for k in range(cities)]
    else:
        uppers.append(UpperArea("990100000000", CITY_NAME, "city", None))
    city_codes = [u.code for u in uppers if u.level == "city"]
    columns = math.ceil(math.sqrt(counties))
    plans = []
    for j in range(counties):
        city = j * len(city_codes) // counties  # contiguous runs of counties per city
        within = j - next(i for i in range(counties) if i * len(city_codes) // counties == city)
        share = households // counties + (1 if j < households % counties else 0)
        offset = ((j % columns) * GRID_STEP[0], -(j // columns) * GRID_STEP[1])
        plans.append(CountyPlan(j, f"{city_codes[city][:4]}{within + 1:02d}000000", f"示例县{j + 1}",
                                city_codes[city], share, seed + j % GEOGRAPHY_VARIANTS, offset))
    return uppers, plans


def shifted(geo: Geography, offset: tuple[float, float]) -> Geography:
    """The same geography moved by (east, north) degrees."""
    if offset == (0.0, 0.0):
        return geo

    def move(polygon):
        return shapely.transform(polygon, lambda xy: xy + offset)

    return Geography(county=move(geo.county), villages=[move(p) for p in geo.villages],
                     townships=[move(p) for p in geo.townships], village_township=geo.village_township,
                     township_seat=geo.township_seat, central_township=geo.central_township,
                     village_adjacency=geo.village_adjacency)
