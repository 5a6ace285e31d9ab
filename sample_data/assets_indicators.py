"""Project assets per village, area income, monitoring lines and monthly indicators with targets."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import numpy as np

from sample_data.areas import COUNTY_CODE, Township, Village
from sample_data.dates import month_index, month_start
from sample_data.geometry import points_in_polygon
from sample_data.records import last_income_year, monitoring_line

# kind -> (share of assets, [(name suffix, lowest value, highest value, custodian unit codes)])
ASSET_TYPES = {
    "public_welfare": (0.6, [("通组公路", 200_000, 3_000_000, ("cjb", "jmj")),
                             ("安全饮水工程", 100_000, 1_500_000, ("gsz", "slk")),
                             ("灌溉水渠", 80_000, 900_000, ("slk", "nyj")),
                             ("便民桥", 60_000, 600_000, ("cjb",)),
                             ("村级文化广场", 50_000, 400_000, ("whz", "cjb"))]),
    "operating": (0.3, [("光伏电站", 300_000, 3_000_000, ("fpb", "gds")),
                        ("蔬菜大棚", 100_000, 1_200_000, ("nyj", "fpb")),
                        ("扶贫车间", 200_000, 2_000_000, ("jmj", "fpb")),
                        ("农产品冷库", 150_000, 1_000_000, ("nyj", "jmj"))]),
    "household": (0.1, [("到户肉牛养殖", 20_000, 200_000, ("nyj",)),
                        ("到户果树种植", 20_000, 150_000, ("nyj", "fpb"))]),
}
INDICATORS = (
    ("exited_labor_employed", "脱贫劳动力务工就业人数", "人", "higher"),
    ("public_welfare_posts", "公益性岗位在岗人数", "人", "higher"),
    ("microcredit_overdue_rate", "小额信贷逾期率", "%", "lower"),
    ("dangerous_houses_renovated", "危房改造完成数", "户", "higher"),
    ("sanitary_toilet_rate", "卫生厕所普及率", "%", "higher"),
    ("collective_income_villages", "村集体经济收入10万元以上村数", "个", "higher"),
)


def asset_rows(villages: list[Village], polygons: dict[str, object], until: dt.date,
               rng: np.random.Generator, prng: random.Random) -> list[dict]:
    """3-8 assets per village, named after it, located inside it."""
    kinds = list(ASSET_TYPES)
    shares = [ASSET_TYPES[k][0] for k in kinds]
    rows = []
    for village in villages:
        count = prng.randint(3, 8)
        points = points_in_polygon(polygons[village.code], count, rng, clustered=0.0)
        used: set[str] = set()
        short = village.name
        for k in range(count):
            kind = prng.choices(kinds, weights=shares)[0]
            suffix, low, high, custodians = prng.choice(ASSET_TYPES[kind][1])
            name = short + suffix
            if name in used:
                name += "二期"
            if name in used:
                continue
            used.add(name)
            value = round(prng.uniform(low, high) / 1000) * 1000
            rows.append({
                "name": name, "kind": kind, "village_code": village.code, "value": float(value),
                "formed_year": prng.randint(2016, min(2025, until.year)),
                "registered": prng.random() < 0.8, "custodian_unit_code": prng.choice(custodians),
                "annual_income": float(round(value * prng.uniform(0.04, 0.1))) if kind == "operating" else None,
                "lon": float(points[k, 0]), "lat": float(points[k, 1]),
            })
    return rows


def monitoring_line_rows(until: dt.date) -> list[dict]:
    """The monitoring line of every year from 2021 (at least through 2026)."""
    return [{"year": y, "amount": float(monitoring_line(y))} for y in range(2021, max(2026, until.year) + 1)]


def area_income_rows(townships: list[Township], population: dict[str, int], until: dt.date,
                     prng: random.Random, county_code: str = COUNTY_CODE) -> list[dict]:
    """Rural per-capita disposable income of each township and the county, about +6.5% a year, for
    the years that have ended: the bureau publishes a year's figure after it (issue 20, rule 5). The
    unfinished year's growth is still drawn, so every published figure stays as it was."""
    rows, county = [], {}
    published = last_income_year(until)
    years = range(2021, until.year + 1)
    for township in townships:
        level = 16_000 * {"street": 1.12, "town": 1.0, "township": 0.88}[township.kind] * prng.uniform(0.95, 1.05)
        for year in years:
            if year > 2021:
                level *= 1 + prng.uniform(0.06, 0.07)
            if year > published:
                continue
            rows.append({"area_code": township.code, "year": year, "rural_per_capita": float(round(level))})
            weight = population.get(township.code, 0)
            total, people = county.get(year, (0.0, 0))
            county[year] = (total + level * weight, people + weight)
    for year in range(2021, published + 1):
        total, people = county[year]
        rows.append({"area_code": county_code, "year": year,
                     "rural_per_capita": float(round(total / max(people, 1)))})
    return rows


def indicator_rows() -> list[dict]:
    """The indicator catalogue."""
    return [{"code": c, "name": n, "unit": u, "better": b} for c, n, u, b in INDICATORS]


def indicator_value_rows(townships: list[Township], exited: dict[str, int], villages_of: dict[str, int],
                         until: dt.date, rng: np.random.Generator, county_code: str = COUNTY_CODE) -> list[dict]:
    """Monthly values for each township and the county, with yearly targets (pro-rated to the
    month for the within-year count of renovated houses)."""
    months = month_index(until) + 1
    rows: list[dict] = []
    county: dict[tuple[str, int], list[float]] = {}
    for township in townships:
        base = max(exited.get(township.code, 0), 1)
        n_villages = villages_of.get(township.code, 1)
        quality = rng.uniform(0.9, 1.08)  # a township's general performance against the plan
        for m in range(months):
            year, month = 2021 + m // 12, m % 12 + 1
            t = m / 12
            noise = rng.normal(0.0, 0.02, 6)
            values = {
                # Fewer at work in January and February: migrant workers are home for the Spring Festival.
                "exited_labor_employed": (base * 1.1 * (1 + 0.03 * t) * quality * (0.9 if month in (1, 2) else 1)
                                          * (1 + noise[0]), base * 1.1 * (1 + 0.03 * (year - 2021))),
                "public_welfare_posts": (base * 0.08 * quality * (1 + noise[1]), base * 0.08),
                "microcredit_overdue_rate": (max(0.1, 1.6 - 0.2 * t + 8 * noise[2]) / quality, 1.0),
                "dangerous_houses_renovated": (max(0.0, base * 0.02 * month / 12 * quality * (1 + noise[3])),
                                               base * 0.02 * month / 12),
                "sanitary_toilet_rate": (min(99.5, (78 + 3.2 * t) * quality ** 0.3 + 50 * noise[4] / 10),
                                         min(95.0, 80 + 3 * (year - 2021))),
                "collective_income_villages": (min(n_villages, n_villages * (0.35 + 0.1 * t) * quality),
                                               min(n_villages, n_villages * (0.4 + 0.1 * (year - 2021)))),
            }
            period = month_start(m).strftime("%Y-%m")
            for code, (value, target) in values.items():
                value, target = _rounded(code, value), _rounded(code, target)
                rows.append({"area_code": township.code, "indicator_code": code, "period": period,
                             "value": value, "target": target})
                sums = county.setdefault((code, m), [0.0, 0.0, 0.0])
                weight = base if code.endswith("_rate") else 1.0
                sums[0] += value * weight
                sums[1] += target * weight
                sums[2] += weight
    for (code, m), (value, target, weight) in sorted(county.items()):
        divide = weight if code.endswith("_rate") else 1.0
        rows.append({"area_code": county_code, "indicator_code": code,
                     "period": month_start(m).strftime("%Y-%m"), "value": _rounded(code, value / divide),
                     "target": _rounded(code, target / divide)})
    return rows


def _rounded(code: str, value: float) -> float:
    return round(float(value), 2) if code.endswith("_rate") else float(round(value))


NATIONAL_INCOME_CSV = Path(__file__).resolve().parent / "national_income.csv"


def income_benchmark_rows(until: dt.date) -> list[dict]:
    """The published national rural per-capita disposable income (not sample data: the statistics
    bureau's yearly communiqués, each row with its source), for the years before `until`'s year."""
    with open(NATIONAL_INCOME_CSV, encoding="utf-8", newline="") as handle:
        return [{"series": row["series"], "year": int(row["year"]), "amount": float(row["amount"]),
                 "source": row["source"]} for row in csv.DictReader(handle) if int(row["year"]) < until.year]


INCOME_USES = ("maintenance", "consolidation", "village_public", "cash")
HANDED_OUT_SHARE = 0.04  # operating assets whose income is simply handed out (一分了之), for the check


def asset_income_use_rows(assets: list[dict], until: dt.date, seed: int) -> list[dict]:
    """How each operating asset's income was used, per finished year since it was formed (and 2021):
    mostly maintenance, consolidation and village public works; a few hand it all out as cash."""
    rows = []
    last = until.year if (until.month, until.day) == (12, 31) else until.year - 1
    for asset in assets:
        if asset["kind"] != "operating" or not asset.get("annual_income"):
            continue
        local = random.Random(f"{seed}:income_use:{asset['id']}")
        handed_out = local.random() < HANDED_OUT_SHARE
        for year in range(max(2021, asset["formed_year"]), last + 1):
            income = asset["annual_income"]
            if handed_out:
                rows.append({"asset_id": asset["id"], "year": year, "use": "cash", "amount": income})
                continue
            shares = [local.uniform(0.1, 0.3), local.uniform(0.3, 0.5), local.uniform(0.1, 0.3), local.uniform(0.0, 0.1)]
            total = sum(shares)
            for use, share in zip(INCOME_USES, shares):
                rows.append({"asset_id": asset["id"], "year": year, "use": use,
                             "amount": float(round(income * share / total))})
    return rows
