"""Households of a block of villages: size, poverty status, labour capacity, location, helpers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sample_data import people
from sample_data.areas import Village
from sample_data.geometry import points_in_polygon

LABOR_NONE, LABOR_WEAK, LABOR_NORMAL = 0, 1, 2
LABOR_CODES = ("none", "weak", "normal")
SIZE_P = np.array([0.14, 0.22, 0.24, 0.20, 0.12, 0.05, 0.03])  # sizes 1..7, mean about 3.2
EXITED_YEAR_P = np.array([0.08, 0.14, 0.18, 0.2, 0.19, 0.13, 0.08])  # 2014..2020
# Units whose cadres are paired with households (结对帮扶), with rough shares.
HELPER_UNITS = (("fpb", 5), ("nyj", 3), ("mzb", 3), ("czj", 2), ("rszx", 2), ("xq", 2), ("wsy", 2),
                ("zzb", 1), ("dzb", 1), ("jmj", 1), ("slk", 1), ("cjb", 1))


@dataclass
class HouseholdBlock:
    """Household attributes of one block as parallel arrays; helpers filled in after the cases."""

    ids: np.ndarray
    village: np.ndarray  # index into the block's village list
    village_codes: list[str]
    township: np.ndarray
    poverty_village: np.ndarray
    size: np.ndarray
    exited: np.ndarray
    exited_year: np.ndarray
    labor: np.ndarray
    relocated: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    head_name: list[str]
    id_number: list[str]
    phone: list[str]
    helper_name: list[str | None] = field(default_factory=list)
    helper_unit: list[str | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)


def make_block(first_id: int, villages: list[Village], sizes: np.ndarray, polygons: dict[str, object],
               ids: people.IdNumberMaker, rng: np.random.Generator) -> HouseholdBlock:
    """The households of the given villages, ids from first_id, sizes fixed in advance."""
    counts = np.array([v.households for v in villages])
    total = int(counts.sum())
    village = np.repeat(np.arange(len(villages)), counts)
    poor = np.array([v.is_poverty for v in villages])[village]
    exited = rng.random(total) < np.where(poor, 0.32, 0.125)
    exited_year = np.where(exited, 2014 + rng.choice(7, size=total, p=EXITED_YEAR_P), 0)
    draw = rng.random(total)
    # Households that left poverty more often lack labour: the reason many were poor.
    none_cut = np.where(exited, 0.15, 0.045)
    weak_cut = none_cut + np.where(exited, 0.25, 0.13)
    labor = np.where(draw < none_cut, LABOR_NONE, np.where(draw < weak_cut, LABOR_WEAK, LABOR_NORMAL))
    relocated = exited & (rng.random(total) < 0.08)
    points = [points_in_polygon(polygons[v.code], v.households, rng) for v in villages if v.households]
    xy = np.concatenate(points) if points else np.empty((0, 2))
    return HouseholdBlock(
        ids=np.arange(first_id, first_id + total),
        village=village,
        village_codes=[v.code for v in villages],
        township=np.array([v.township for v in villages])[village],
        poverty_village=poor,
        size=sizes,
        exited=exited,
        exited_year=exited_year,
        labor=labor,
        relocated=relocated,
        lon=xy[:, 0],
        lat=xy[:, 1],
        head_name=people.names(total, rng),
        id_number=ids.make(total, rng),
        phone=people.phones(total, rng),
    )


def assign_helpers(block: HouseholdBlock, helped: np.ndarray, rng: np.random.Generator) -> None:
    """Pair every helped household with a cadre of its village (about 12 households each)."""
    block.helper_name = [None] * len(block)
    block.helper_unit = [None] * len(block)
    codes = [code for code, _ in HELPER_UNITS]
    shares = np.array([share for _, share in HELPER_UNITS], dtype=float)
    for v in range(len(block.village_codes)):
        members = np.flatnonzero(helped & (block.village == v))
        if len(members) == 0:
            continue
        cadres = max(2, math.ceil(len(members) / 12))
        cadre_names = people.names(cadres, rng)
        cadre_units = rng.choice(len(codes), size=cadres, p=shares / shares.sum())
        pick = rng.integers(0, cadres, size=len(members))
        for member, c in zip(members.tolist(), pick.tolist()):
            block.helper_name[member] = cadre_names[c]
            block.helper_unit[member] = codes[cadre_units[c]]


def household_rows(block: HouseholdBlock) -> list[dict]:
    """The block as household table rows with plain Python values."""
    rows = []
    exited_year = block.exited_year.tolist()
    columns = zip(block.ids.tolist(), block.village.tolist(), block.head_name, block.id_number,
                  block.phone, block.size.tolist(), block.exited.tolist(), exited_year,
                  block.labor.tolist(), block.relocated.tolist(), block.lon.tolist(), block.lat.tolist(),
                  block.helper_name, block.helper_unit)
    for hid, v, name, idn, phone, size, exited, year, labor, relocated, lon, lat, helper, unit in columns:
        rows.append({
            "id": hid, "village_code": block.village_codes[v], "head_name": name, "id_number": idn,
            "phone": phone, "size": size, "poverty_status": "exited" if exited else "general",
            "exited_year": year if exited else None, "labor_capacity": LABOR_CODES[labor],
            "relocated": relocated, "lon": lon, "lat": lat, "helper_name": helper,
            "helper_unit_code": unit,
        })
    return rows
