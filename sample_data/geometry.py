"""Boundaries of the sample county: villages that tile it exactly, grouped into townships.

Method: Voronoi micro-cells of jittered points; the county is the cells whose point lies inside a
noisy ellipse; villages grow over the cell adjacency graph from spread-out seeds; townships grow
the same way over the village graph. Every cell vertex is rounded to 6 decimals before any union,
so neighbours share bit-identical borders and coverage unions stay exact after storage.
"""

from __future__ import annotations

import heapq
import json
import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon, mapping

CENTRE_LON, CENTRE_LAT = 112.9, 30.6
HALF_WIDTH_KM, HALF_HEIGHT_KM = 22.5, 17.5
CELL_COUNT = 4000
VILLAGE_COUNT = 200
TOWNSHIP_COUNT = 14
KM_PER_DEG_LAT = 110.9
KM_PER_DEG_LON = 111.32 * math.cos(math.radians(CENTRE_LAT))
DECIMALS = 6


@dataclass
class Geography:
    """The county, its villages and townships as WGS84 polygons, plus how they nest."""

    county: Polygon
    villages: list[Polygon]
    townships: list[Polygon]
    village_township: list[int]  # township index of each village
    township_seat: list[int]  # the village each township grew from (its seat)
    central_township: int  # the township holding the county seat: it becomes the 街道
    village_adjacency: list[list[int]]


def build_geography(seed: int) -> Geography:
    """Build the county's boundaries; the same seed always gives identical coordinates."""
    rng = np.random.default_rng([seed, 101])
    cells = _county_cells(rng)
    cell_graph = _adjacency(cells)
    for attempt in range(50):
        grow_rng = np.random.default_rng([seed, 102, attempt])
        village_of_cell, _ = _grow(cells, cell_graph, VILLAGE_COUNT, grow_rng, slow_first=False)
        villages = _unions(cells, village_of_cell, VILLAGE_COUNT)
        if _all_simple(villages):
            break
    else:  # pragma: no cover - fifty unlucky draws in a row
        raise RuntimeError("could not grow hole-free villages")
    village_graph = _adjacency(villages)
    for attempt in range(50):
        grow_rng = np.random.default_rng([seed, 103, attempt])
        township_of_village, seats = _grow(villages, village_graph, TOWNSHIP_COUNT, grow_rng,
                                           slow_first=True)
        townships = _unions(villages, township_of_village, TOWNSHIP_COUNT)
        if _all_simple(townships):
            break
    else:  # pragma: no cover
        raise RuntimeError("could not grow hole-free townships")
    county = shapely.coverage_union_all(townships)
    return Geography(
        county=_oriented(county),
        villages=[_oriented(p) for p in villages],
        townships=[_oriented(p) for p in townships],
        village_township=[int(t) for t in township_of_village],
        township_seat=[int(v) for v in seats],
        central_township=0,
        village_adjacency=village_graph,
    )


def _county_cells(rng: np.random.Generator) -> np.ndarray:
    """Rounded Voronoi cells whose generating point lies inside a noisy ellipse, hole-free."""
    spacing = math.sqrt(math.pi * HALF_WIDTH_KM * HALF_HEIGHT_KM / CELL_COUNT)
    xs = np.arange(-HALF_WIDTH_KM * 1.3, HALF_WIDTH_KM * 1.3, spacing)
    ys = np.arange(-HALF_HEIGHT_KM * 1.3, HALF_HEIGHT_KM * 1.3, spacing)
    grid_x, grid_y = np.meshgrid(xs, ys)
    px = grid_x.ravel() + rng.uniform(-0.4, 0.4, grid_x.size) * spacing
    py = grid_y.ravel() + rng.uniform(-0.4, 0.4, grid_y.size) * spacing
    inside = _inside_outline(px, py, rng)
    lon = CENTRE_LON + px / KM_PER_DEG_LON
    lat = CENTRE_LAT + py / KM_PER_DEG_LAT
    points = shapely.points(lon, lat)
    envelope = shapely.box(lon.min() - 0.05, lat.min() - 0.05, lon.max() + 0.05, lat.max() + 0.05)
    diagram = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope, ordered=True)
    cells = shapely.get_parts(diagram)
    # One rounding of every vertex: identical inputs round identically, so borders stay shared.
    cells = shapely.transform(cells, lambda coords: np.round(coords, DECIMALS))
    cells = shapely.remove_repeated_points(cells)
    graph = _adjacency(cells)
    rim = shapely.intersects(cells, envelope.boundary)
    keep = _fill_and_connect(inside, rim, graph)
    selected = cells[keep]
    if not shapely.coverage_is_valid(selected):  # pragma: no cover - guards the exactness claim
        raise RuntimeError("micro-cells do not form an exact coverage")
    return selected


def _inside_outline(px: np.ndarray, py: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Points inside an ellipse whose radius wobbles with a few random harmonics."""
    theta = np.arctan2(py / HALF_HEIGHT_KM, px / HALF_WIDTH_KM)
    radius = np.hypot(px / HALF_WIDTH_KM, py / HALF_HEIGHT_KM)
    wobble = np.ones_like(theta)
    for k in range(2, 9):
        wobble += rng.uniform(0.02, 0.09) / k ** 0.6 * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    return radius < wobble


def _fill_and_connect(inside: np.ndarray, on_rim: np.ndarray, graph: list[list[int]]) -> np.ndarray:
    """Keep the largest connected group of inside cells and fill any enclosed outside cells."""
    component = _largest_component(np.flatnonzero(inside), inside, graph)
    keep = np.zeros(len(inside), dtype=bool)
    keep[component] = True
    # Outside cells reachable from the diagram's rim stay outside; the rest are holes: fill them.
    rim = np.flatnonzero((~keep) & on_rim)
    reachable = np.zeros(len(inside), dtype=bool)
    queue = [int(i) for i in rim]
    reachable[rim] = True
    while queue:
        cell = queue.pop()
        for other in graph[cell]:
            if not keep[other] and not reachable[other]:
                reachable[other] = True
                queue.append(other)
    return ~reachable


def _largest_component(starts: np.ndarray, allowed: np.ndarray, graph: list[list[int]]) -> list[int]:
    label = np.full(len(allowed), -1)
    groups: list[list[int]] = []
    for start in starts:
        if label[start] >= 0:
            continue
        members, queue = [int(start)], [int(start)]
        label[start] = len(groups)
        while queue:
            cell = queue.pop()
            for other in graph[cell]:
                if allowed[other] and label[other] < 0:
                    label[other] = len(groups)
                    members.append(other)
                    queue.append(other)
        groups.append(members)
    return max(groups, key=len)


def _adjacency(polygons: np.ndarray | list) -> list[list[int]]:
    """Neighbours sharing a border of positive length (touching at a corner does not count)."""
    geoms = np.asarray(polygons, dtype=object)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    mask = left < right
    left, right = left[mask], right[mask]
    shared = shapely.length(shapely.intersection(geoms[left], geoms[right]))
    graph: list[list[int]] = [[] for _ in range(len(geoms))]
    for a, b in zip(left[shared > 0].tolist(), right[shared > 0].tolist()):
        graph[a].append(b)
        graph[b].append(a)
    for neighbours in graph:
        neighbours.sort()
    return graph


def _grow(polygons, graph: list[list[int]], count: int, rng: np.random.Generator,
          slow_first: bool) -> tuple[np.ndarray, list[int]]:
    """Multi-source growth with noisy priorities: irregular, contiguous regions."""
    centres = shapely.get_coordinates(shapely.centroid(np.asarray(polygons, dtype=object)))
    seeds = _spread_seeds(centres, count, rng)
    region = np.full(len(polygons), -1)
    heap: list[tuple[float, int, int, int]] = []
    counter = 0
    for index, seed_cell in enumerate(seeds):
        heap.append((0.0, counter, seed_cell, index))
        counter += 1
    heapq.heapify(heap)
    while heap:
        priority, _, cell, index = heapq.heappop(heap)
        if region[cell] >= 0:
            continue
        region[cell] = index
        # The central township grows slower, so the 街道 stays smaller than the towns.
        step = 1.5 if (slow_first and index == 0) else 1.0
        for other in graph[cell]:
            if region[other] < 0:
                heapq.heappush(heap, (priority + step * (1.0 + rng.uniform(0.0, 1.6)), counter, other, index))
                counter += 1
    return region, seeds


def _spread_seeds(centres: np.ndarray, count: int, rng: np.random.Generator) -> list[int]:
    """Best-candidate sampling; the first seed is the polygon nearest the county centre."""
    first = int(np.argmin(np.hypot(centres[:, 0] - CENTRE_LON, centres[:, 1] - CENTRE_LAT)))
    seeds = [first]
    nearest = np.hypot(centres[:, 0] - centres[first, 0], centres[:, 1] - centres[first, 1])
    for _ in range(count - 1):
        candidates = rng.choice(len(centres), size=12, replace=False)
        best = int(candidates[np.argmax(nearest[candidates])])
        seeds.append(best)
        distance = np.hypot(centres[:, 0] - centres[best, 0], centres[:, 1] - centres[best, 1])
        nearest = np.minimum(nearest, distance)
    return seeds


def _unions(polygons, region: np.ndarray, count: int) -> list:
    geoms = np.asarray(polygons, dtype=object)
    return [shapely.coverage_union_all(geoms[region == index]) for index in range(count)]


def _all_simple(polygons: list) -> bool:
    """Every region is one Polygon without holes."""
    return all(p.geom_type == "Polygon" and len(p.interiors) == 0 for p in polygons)


def _oriented(polygon):
    # RFC 7946 wants counter-clockwise exteriors; orienting only reorders shared vertices.
    return shapely.orient_polygons(polygon, exterior_cw=False)


def points_in_polygon(polygon: Polygon, count: int, rng: np.random.Generator,
                      clustered: float = 0.8) -> np.ndarray:
    """count (lon, lat) points strictly inside the polygon, rounded to 6 decimals; most clustered."""
    shapely.prepare(polygon)
    min_x, min_y, max_x, max_y = polygon.bounds
    hamlets = _uniform_points(polygon, int(rng.integers(2, 6)), rng, min_x, min_y, max_x, max_y)
    sigma = math.sqrt(polygon.area) / 6.0
    n_clustered = int(round(count * clustered))
    found: list[np.ndarray] = []
    have = 0
    for _ in range(200):
        if have >= n_clustered:
            break
        need = n_clustered - have
        centre = hamlets[rng.integers(0, len(hamlets), size=2 * need + 4)]
        candidates = np.round(centre + rng.normal(0.0, sigma, size=centre.shape), DECIMALS)
        ok = shapely.contains_xy(polygon, candidates[:, 0], candidates[:, 1])
        picked = candidates[ok][:need]
        found.append(picked)
        have += len(picked)
    found.append(_uniform_points(polygon, count - have, rng, min_x, min_y, max_x, max_y))
    return np.concatenate(found)[:count]


def _uniform_points(polygon: Polygon, count: int, rng: np.random.Generator,
                    min_x: float, min_y: float, max_x: float, max_y: float) -> np.ndarray:
    found: list[np.ndarray] = [np.empty((0, 2))]
    have = 0
    ratio = (max_x - min_x) * (max_y - min_y) / polygon.area
    while have < count:
        batch = int((count - have) * ratio * 1.3) + 8
        candidates = np.round(np.column_stack([rng.uniform(min_x, max_x, batch),
                                               rng.uniform(min_y, max_y, batch)]), DECIMALS)
        ok = shapely.contains_xy(polygon, candidates[:, 0], candidates[:, 1])
        picked = candidates[ok][:count - have]
        found.append(picked)
        have += len(picked)
    return np.concatenate(found)


def geojson_text(polygon) -> str:
    """The polygon as compact GeoJSON geometry text with 6-decimal coordinates."""
    rounded = shapely.transform(polygon, lambda coords: np.round(coords, DECIMALS))
    return json.dumps(mapping(rounded), separators=(",", ":"))
