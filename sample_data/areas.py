"""The sample county's area tree: invented names, division codes and village classes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from sample_data.geometry import CENTRE_LAT, CENTRE_LON, Geography

COUNTY_CODE = "429999000000"
COUNTY_NAME = "示例县"
STREET_NAME = "城关街道"
# Invented, deliberately plain names; none is a real county or a well-known township.
TOWN_NAMES = ("青石镇", "柳湾镇", "白鹭镇", "枣林镇", "双桥镇", "新塘镇", "黄岗镇", "金河镇")
XIANG_NAMES = ("云岭乡", "杉木乡", "马鞍乡", "石鼓乡", "茶园乡")
_FIRST = tuple("柳石东西南北青桃杨龙凤黄白新高马金花竹梅松樟枫李陈刘王张赵周胡何方丰和安永长大双红罗岩沙泉田")
_SECOND = tuple("塘门湖岭桥湾坪冲岗河山庙铺垸港坡堰畈集庄林溪店嘴口洲台坝寨园")
POVERTY_VILLAGES = 25


@dataclass
class Township:
    """A township with its code, name and kind (street/town/township)."""

    index: int
    code: str
    name: str
    kind: str


@dataclass
class Village:
    """A village or community: code, name, township, class and planned household count."""

    index: int
    code: str
    name: str
    township: int
    is_community: bool
    is_poverty: bool
    village_class: str
    households: int = 0


def plan_areas(geo: Geography, rng: np.random.Generator, county_code: str = COUNTY_CODE,
               centre: tuple[float, float] = (CENTRE_LON, CENTRE_LAT)) -> tuple[list[Township], list[Village]]:
    """Name and code townships and villages; mark former poverty villages and classes."""
    township_centres = shapely.get_coordinates(shapely.centroid(np.asarray(geo.townships, dtype=object)))
    distance = np.hypot(township_centres[:, 0] - centre[0], township_centres[:, 1] - centre[1])
    prefix = county_code[:6]
    others = sorted((i for i in range(len(geo.townships)) if i != geo.central_township),
                    key=lambda i: float(distance[i]))
    # The outlying townships are the 乡 and the poorer ones, as in most hilly counties.
    towns, xiangs = others[:len(TOWN_NAMES)], others[len(TOWN_NAMES):]
    townships = [Township(geo.central_township, f"{prefix}001000", STREET_NAME, "street")]
    townships += [Township(t, f"{prefix}{101 + k:03d}000", TOWN_NAMES[k], "town") for k, t in enumerate(towns)]
    townships += [Township(t, f"{prefix}{201 + k:03d}000", XIANG_NAMES[k], "township") for k, t in enumerate(xiangs)]
    townships.sort(key=lambda t: t.index)

    names = _village_names(len(geo.villages), rng)
    village_centres = shapely.get_coordinates(shapely.centroid(np.asarray(geo.villages, dtype=object)))
    villages: list[Village] = []
    for township in townships:
        members = [v for v in range(len(geo.villages)) if geo.village_township[v] == township.index]
        seat = geo.township_seat[township.index]
        seat_xy = village_centres[seat]
        members.sort(key=lambda v: (float(np.hypot(*(village_centres[v] - seat_xy))), v))
        n_communities = len(members) if township.kind == "street" else (2 if township.kind == "town" else 0)
        for rank, v in enumerate(members):
            community = rank < n_communities
            number = rank + 1 if community else 200 + rank - n_communities
            if community and township.kind == "town" and rank == 0:
                name = township.name[:-1] + "社区"  # the town seat carries the town's name
            else:
                name = names[v] + ("社区" if community else "村")
            villages.append(Village(v, township.code[:9] + f"{number:03d}", name, township.index,
                                    community, False, "overall"))
    villages.sort(key=lambda v: v.code)
    _mark_poverty_and_classes(villages, townships, village_centres, rng, centre)
    return townships, villages


def _village_names(count: int, rng: np.random.Generator) -> list[str]:
    combos = [a + b for a in _FIRST for b in _SECOND if a != b]
    picked = rng.choice(len(combos), size=count, replace=False)
    return [combos[i] for i in picked]


def _mark_poverty_and_classes(villages: list[Village], townships: list[Township], centres: np.ndarray,
                              rng: np.random.Generator, centre: tuple[float, float]) -> None:
    kind_of = {t.index: t.kind for t in townships}
    remoteness = np.array([float(np.hypot(centres[v.index][0] - centre[0], centres[v.index][1] - centre[1]))
                           for v in villages])
    rural = [0.0 if v.is_community else (4.0 if kind_of[v.township] == "township" else 1.0) for v in villages]
    weight = remoteness ** 2 * np.array(rural)
    poor = rng.choice(len(villages), size=min(POVERTY_VILLAGES, int((weight > 0).sum())), replace=False,
                      p=weight / weight.sum())
    for i in poor:
        villages[i].is_poverty = True
    n = len(villages)
    order = rng.permutation(n)
    key_target, demo_target = round(n * 0.25), round(n * 0.15)
    # Most former poverty villages need key support; a few have become models.
    key = [i for i in order if villages[i].is_poverty][: max(0, len(poor) - 4)]
    rest = [i for i in np.argsort(-remoteness, kind="stable") if not villages[i].is_poverty and i not in key]
    key += rest[: max(0, key_target - len(key))]
    for i in key:
        villages[i].village_class = "key_support"
    candidates = [i for i in np.argsort(remoteness, kind="stable") if villages[i].village_class == "overall"]
    near = candidates[: demo_target * 2]
    demo = rng.choice(len(near), size=min(demo_target, len(near)), replace=False)
    for j in demo:
        villages[near[j]].village_class = "demonstration"


def plan_household_counts(villages: list[Village], total: int, rng: np.random.Generator) -> None:
    """Spread total households over villages (50-200 at 20,000, scaled for other totals)."""
    # Skewed towards small villages so the mean stays near 100 at 20,000 while the range is 50-200.
    weight = rng.triangular(52, 70, 190, len(villages))
    weight *= np.array([1.1 if v.is_community else (0.9 if v.is_poverty else 1.0) for v in villages])
    exact = weight / weight.sum() * total
    counts = np.floor(exact).astype(int)
    # Largest remainders get the leftover households so the total is exact.
    leftover = total - int(counts.sum())
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:leftover]] += 1
    for village, count in zip(villages, counts.tolist()):
        village.households = count
