"""`python -m db import-boundaries FILE --level …`: area outlines from a zipped shapefile, .shp, GeoPackage
or GeoJSON (三调 村级调查区 CJDCQ with ZLDWDM/ZLDWMC, or a natural-resources bureau's layer).

The file's own CRS is used (refused without one unless --crs), checked against its coordinates
(geo.crs_check), and everything is reprojected to WGS84 for storage. Features are matched to areas of
the chosen level by code (the 19-digit ZLDWDM starts with the 12-digit area code; the field is guessed
when not given), else by name under the parent the code still names. Invalid geometry is repaired,
several features of one area are dissolved, and overlaps and gaps between neighbours larger than
the tolerance (m², measured in the local UTM zone) are reported. Unmatched features and areas left
without a boundary are warnings; a file that matches nothing, or whose CRS is wrong, is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from db.area_store import write_boundaries
from db.imports.batch import ImportSummary, Problem
from db.imports.boundary_match import (
    guess_code_field,
    guess_name_field,
    guess_parent_field,
    match_features,
    normal_name,
)
from db.imports.runner import Plan, run_import
from db.imports.table import UnreadableFile
from db.schema import area, area_boundary
from geo.coverage import gaps, overlaps, repair
from geo.crs_check import check_crs
from labels import label_of, t

KIND = "boundaries"
DEFAULT_TOLERANCE_M2 = 100.0
DECIMALS = 7  # about 1 cm in WGS84: far below any survey's accuracy, far less text than full floats
SUFFIXES = (".zip", ".shp", ".gpkg", ".geojson", ".json", ".gdb")
PREFERRED_LAYERS = {"village": ("CJDCQ",), "township": ("XZQ",), "county": ("XZQ",)}
SCOPE = {"county": 4, "township": 6, "village": 6}  # areas without a boundary are sought in this prefix


@dataclass(frozen=True)
class BoundaryOptions:
    """The command's options."""

    level: str
    code_field: str | None = None
    name_field: str | None = None
    crs: str | None = None
    layer: str | None = None
    tolerance_m2: float = DEFAULT_TOLERANCE_M2


@dataclass
class Layer:
    """The features read, with the layer's name."""

    name: str | None
    frame: gpd.GeoDataFrame


def _source(path: Path) -> str:
    return f"/vsizip/{path}" if path.suffix.lower() == ".zip" else str(path)


def _pick_layer(path: Path, source: str, options: BoundaryOptions) -> str | None:
    try:
        layers = [str(name) for name, geometry in pyogrio.list_layers(source)
                  if geometry is None or "POLYGON" in str(geometry).upper()]
    except Exception as error:  # pyogrio raises DataSourceError and friends for a damaged file
        raise UnreadableFile(Problem.error("bad_file", t("boundary_import.bad_file", name=path.name,
                                                         detail=str(error)[:200]))) from error
    if options.layer:
        if options.layer not in layers:
            raise UnreadableFile(Problem.error("no_layer", t("boundary_import.no_layer", layer=options.layer,
                                                             layers="、".join(layers) or "-")))
        return options.layer
    if len(layers) == 1:
        return layers[0]
    preferred = [name for name in layers
                 if any(name.upper().startswith(p) for p in PREFERRED_LAYERS[options.level])]
    if len(preferred) == 1:
        return preferred[0]
    raise UnreadableFile(Problem.error("which_layer", t("boundary_import.which_layer", layers="、".join(layers) or "-")))


def _mojibake(frame: gpd.GeoDataFrame) -> bool:
    # A GBK .dbf without a .cpg file read as Latin-1 shows characters U+0080–U+00FF instead of Chinese.
    texts = frame.select_dtypes(include=["object", "string"]).astype(str).head(200)
    return bool(texts.apply(lambda column: column.str.contains("[\u0080-\u00ff]", regex=True)).any().any())


def read_boundaries(path: Path, options: BoundaryOptions) -> Layer:
    """The features of the file's polygon layer, CRS as declared; UnreadableFile when it cannot be read."""
    if not path.exists():
        raise UnreadableFile(Problem.error("no_file", t("imports.no_file", path=str(path))))
    if path.suffix.lower() not in SUFFIXES:
        raise UnreadableFile(Problem.error("bad_format", t("boundary_import.bad_format", suffix=path.suffix or path.name)))
    source = _source(path)
    layer = _pick_layer(path, source, options)
    try:
        frame = gpd.read_file(source, layer=layer, engine="pyogrio")
        if path.suffix.lower() in (".zip", ".shp") and _mojibake(frame):
            frame = gpd.read_file(source, layer=layer, engine="pyogrio", encoding="gb18030")
    except Exception as error:
        raise UnreadableFile(Problem.error("bad_file", t("boundary_import.bad_file", name=path.name,
                                                         detail=str(error)[:200]))) from error
    return Layer(layer, frame)


def _declared_crs(frame: gpd.GeoDataFrame, options: BoundaryOptions, problems: list[Problem]) -> CRS | None:
    declared = frame.crs
    if options.crs:
        try:
            given = CRS.from_user_input(options.crs)
        except CRSError:
            problems.append(Problem.error("bad_crs", t("boundary_import.bad_crs"), value=options.crs))
            return None
        if declared is not None and not CRS(declared).equals(given):
            problems.append(Problem.warning("crs_overridden", t("boundary_import.crs_overridden",
                                                                declared=CRS(declared).to_string()), value=options.crs))
        return given
    if declared is None:
        problems.append(Problem.error("no_crs", t("boundary_import.no_crs")))
    return declared


def plan_boundaries(connection: Connection, layer: Layer, options: BoundaryOptions) -> Plan:
    """Check, match, repair, dissolve and measure the features; the Plan writes area_boundary."""
    frame, sheet, level = layer.frame, layer.name, options.level
    problems: list[Problem] = []
    refused = lambda: Plan(problems, len(frame), len(frame), lambda _c: {})
    crs = _declared_crs(frame, options, problems)
    if crs is None:
        return refused()
    frame = frame.set_crs(crs, allow_override=True)
    valid_rows = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    for finding in check_crs(CRS(crs), tuple(valid_rows.total_bounds)) if len(valid_rows) else []:
        hint = (t("boundary_import.hint", suggestion=finding.suggestion) if finding.suggestion
                else t("boundary_import.no_hint"))
        west, south, east, north = (round(value, 2) for value in finding.where or (0, 0, 0, 0))
        problems.append(Problem.error(finding.code, t(f"boundary_import.{finding.code}", crs=CRS(crs).to_string(),
                                                      hint=hint, west=west, south=south, east=east, north=north)))
    if any(problem.is_error for problem in problems):
        return refused()
    areas = {code: (name, parent) for code, name, parent in connection.execute(
        select(area.c.code, area.c.name, area.c.parent_code).where(area.c.level == level))}
    absent = [field for field in (options.code_field, options.name_field) if field and field not in frame.columns]
    if absent:
        fields = "、".join(str(c) for c in frame.columns if c != frame.geometry.name)
        problems.append(Problem.error("unknown_field", t("boundary_import.unknown_field", fields=fields), value=absent[0]))
        return refused()
    if not areas:
        problems.append(Problem.error("no_areas", t("boundary_import.no_areas", level=label_of("level", level))))
        return refused()
    code_field = options.code_field or guess_code_field(frame, set(areas), level)
    name_field = options.name_field or guess_name_field(frame, {normal_name(n) for n, _ in areas.values()}, code_field)
    parent_level = {"village": "township", "township": "county", "county": "city"}[level]
    parents = dict(connection.execute(select(area.c.code, area.c.name).where(area.c.level == parent_level)).all())
    parent_field = guess_parent_field(frame, {normal_name(n) for n in parents.values()}, {code_field, name_field})
    frame = frame.assign(area_code=match_features(frame, areas, parents, (code_field, name_field, parent_field),
                                                  level, sheet, problems))
    repaired_geometries = []
    for number, geometry in enumerate(frame.geometry, start=1):
        fixed, was_repaired = repair(geometry)
        if fixed is None:
            problems.append(Problem.warning("empty_geometry", t("boundary_import.empty_geometry"), sheet=sheet, row=number))
        elif was_repaired:
            problems.append(Problem.warning("repaired_geometry", t("boundary_import.repaired_geometry"),
                                            sheet=sheet, row=number))
        repaired_geometries.append(fixed)
    frame = frame.set_geometry(gpd.GeoSeries(repaired_geometries, index=frame.index, crs=crs))
    usable = frame[frame.area_code.notna() & frame.geometry.notna()]
    if usable.empty:
        problems.append(Problem.error("nothing_matched", t("boundary_import.nothing_matched",
                                                           level=label_of("level", level),
                                                           code_field=code_field or "-", name_field=name_field or "-")))
        return refused()
    metric = usable.to_crs(usable.estimate_utm_crs())
    dissolved = gpd.GeoSeries({code: repair(shapely.union_all(group.geometry.values))[0]
                               for code, group in metric.groupby("area_code")}, crs=metric.crs)
    _measure(dissolved, areas, options.tolerance_m2, problems)
    in_degrees = dissolved.to_crs("EPSG:4326")
    outlines = {code: shapely.to_geojson(shapely.transform(geometry, lambda xy: np.round(xy, DECIMALS)))
                for code, geometry in in_degrees.items()}
    points = {code: (round(p.x, 6), round(p.y, 6)) for code, p in in_degrees.representative_point().items()}
    without = _without_boundary(connection, areas, set(outlines), level)
    problems.extend(Problem.warning("no_boundary", t("boundary_import.no_boundary", name=areas[code][0]), value=code)
                    for code in without)

    def write(write_connection: Connection) -> dict[str, int]:
        return write_boundaries(write_connection, outlines, points)

    unmatched = int(frame.area_code.isna().sum())
    return Plan(problems, len(frame), len(frame) - len(usable), write,
                counts={"matched": len(outlines), "unmatched": unmatched, "without_boundary": len(without)})


def _measure(dissolved: gpd.GeoSeries, areas: dict[str, tuple[str, str | None]], tolerance_m2: float,
             problems: list[Problem]) -> None:
    for overlap in overlaps(dissolved, tolerance_m2):
        problems.append(Problem.warning("overlap", t(
            "boundary_import.overlap", first=areas[overlap.first][0], second=areas[overlap.second][0],
            m2=round(overlap.square_metres), tolerance=tolerance_m2), value=f"{overlap.first} {overlap.second}"))
    for gap in gaps(dissolved, tolerance_m2):
        names = "、".join(areas[code][0] for code in gap.neighbours) or "-"
        problems.append(Problem.warning("gap", t("boundary_import.gap", names=names, m2=round(gap.square_metres),
                                                 tolerance=tolerance_m2, lon=round(gap.lon, 5), lat=round(gap.lat, 5)),
                                        value=" ".join(gap.neighbours)))


def _without_boundary(connection: Connection, areas: dict[str, tuple[str, str | None]], outlined: set[str],
                      level: str) -> list[str]:
    prefixes = {code[:SCOPE[level]] for code in outlined}
    stored = {code for (code,) in connection.execute(select(area_boundary.c.area_code))}
    return sorted(code for code in areas
                  if code[:SCOPE[level]] in prefixes and code not in outlined and code not in stored)


def import_boundaries(engine: Engine, path: Path, options: BoundaryOptions, *, check: bool = False,
                      imported_by: str | None = None) -> ImportSummary:
    """Check the file and (unless check) write its outlines in one transaction; record the attempt."""
    return run_import(engine, KIND, path, lambda source: read_boundaries(source, options),
                      lambda connection, layer: plan_boundaries(connection, layer, options),
                      check=check, imported_by=imported_by)
