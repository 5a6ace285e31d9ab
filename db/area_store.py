"""Writing checked areas and boundaries (from db.imports) into `area` and `area_boundary`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from db.schema import area, area_boundary


class AreaLike(Protocol):
    """What write_areas needs of a checked row (db.imports.areas.AreaRow)."""

    code: str
    name: str
    level: str
    parent_code: str | None
    kind: str | None
    household_count: int | None


def existing_area_names(connection: Connection) -> dict[str, str]:
    """Every area code in the database with its name."""
    return dict(connection.execute(select(area.c.code, area.c.name)).all())


def write_areas(connection: Connection, rows: Iterable[AreaLike], *, with_households: bool) -> dict[str, int]:
    """Insert new areas and update changed ones (parents first); counts of added/updated/unchanged."""
    fields = ["name", "level", "parent_code", "kind"] + (["household_count"] if with_households else [])
    current = {row.code: row for row in connection.execute(select(area.c.code, *(area.c[f] for f in fields)))}
    added: list[dict] = []
    changed: list[dict] = []
    unchanged = 0
    for row in rows:
        values = {f: getattr(row, f) for f in fields}
        before = current.get(row.code)
        if before is None:
            added.append({"code": row.code, **values})
        elif any(getattr(before, f) != values[f] for f in fields):
            changed.append({"b_code": row.code, **values})
        else:
            unchanged += 1
    if added:
        connection.execute(insert(area), added)  # ordered parents first, so the foreign key holds
    if changed:
        connection.execute(update(area).where(area.c.code == bindparam("b_code")), changed)
    return {"added": len(added), "updated": len(changed), "unchanged": unchanged}


def write_boundaries(connection: Connection, outlines: Mapping[str, str],
                     points: Mapping[str, tuple[float, float]]) -> dict[str, int]:
    """Upsert area_boundary (WGS84 GeoJSON text) and set each area's lon/lat; counts of added/updated."""
    stored = {code for (code,) in connection.execute(select(area_boundary.c.area_code))}
    new = [{"area_code": code, "geojson": text} for code, text in outlines.items() if code not in stored]
    old = [{"b_code": code, "geojson": text} for code, text in outlines.items() if code in stored]
    if new:
        connection.execute(insert(area_boundary), new)
    if old:
        connection.execute(update(area_boundary).where(area_boundary.c.area_code == bindparam("b_code")), old)
    if points:
        connection.execute(update(area).where(area.c.code == bindparam("b_code")).values(
            lon=bindparam("b_lon"), lat=bindparam("b_lat")),
            [{"b_code": code, "b_lon": lon, "b_lat": lat} for code, (lon, lat) in points.items()])
    return {"added": len(new), "updated": len(old)}
