"""`python -m db import-boundaries`: Gauss-Krüger shapefiles made from the sample's WGS84 outlines."""

from __future__ import annotations

import json
import zipfile

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import shape
from sqlalchemy import insert, select

from db.__main__ import main
from db.engine import make_engine
from db.schema import area, area_boundary, import_batch, import_problem, metadata

# The sample county lies near 112.9°E: 3-degree zone 38, central meridian 114°E.
WITH_ZONE = "EPSG:4526"  # easting 38 xxx xxx
WITHOUT_ZONE = "EPSG:4547"  # easting xxx xxx, CM 114°E


@pytest.fixture(scope="module")
def sample_areas(sample_db_url):
    """The sample's areas and village outlines (WGS84), read without the app's code."""
    engine = make_engine(sample_db_url)
    with engine.connect() as connection:
        areas = [dict(row) for row in connection.execute(
            select(area.c.code, area.c.name, area.c.level, area.c.parent_code, area.c.kind).order_by(area.c.code)).mappings()]
        outlines = dict(connection.execute(select(area_boundary.c.area_code, area_boundary.c.geojson)).all())
    engine.dispose()
    villages = [a for a in areas if a["level"] == "village" and a["code"] in outlines]
    frame = gpd.GeoDataFrame(
        {"ZLDWDM": [v["code"] + "0000000" for v in villages],  # 19-digit 坐落单位代码
         "ZLDWMC": [v["name"] + "村民委员会" if v["name"].endswith("村") else v["name"] for v in villages]},
        geometry=[shape(json.loads(outlines[v["code"]])) for v in villages], crs="EPSG:4326")
    return areas, frame


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def db_url(request, tmp_path, server_database, sample_areas) -> str:
    """A database holding only the sample's area list (no boundaries), on each reachable engine."""
    url = f"sqlite:///{tmp_path / 'geo.db'}" if request.param == "sqlite" else server_database(request.param, "geo")
    engine = make_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(area), sample_areas[0])
    engine.dispose()
    return url


@pytest.fixture
def sqlite_url(tmp_path, sample_areas) -> str:
    url = f"sqlite:///{tmp_path / 'geo.db'}"
    engine = make_engine(url)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(area), sample_areas[0])
    engine.dispose()
    return url


def split_in_two(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """三调 has many polygons per village: cut each outline in two along its centre meridian."""
    pieces = []
    for _, row in frame.iterrows():
        geometry = row.geometry
        x0, y0, x1, y1 = geometry.bounds
        middle = (x0 + x1) / 2
        for box in (shapely.box(x0 - 1, y0 - 1, middle, y1 + 1), shapely.box(middle, y0 - 1, x1 + 1, y1 + 1)):
            part = geometry.intersection(box)
            if not part.is_empty:
                pieces.append({**row.drop("geometry").to_dict(), "geometry": part})
    return gpd.GeoDataFrame(pieces, crs=frame.crs)


def zipped_shapefile(frame: gpd.GeoDataFrame, folder, name: str = "CJDCQ"):
    """Write a shapefile and zip it with its sidecar files, as a bureau sends it."""
    folder.mkdir(exist_ok=True)
    frame.to_file(folder / f"{name}.shp", engine="pyogrio")
    archive = folder.parent / f"{folder.name}.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(folder.iterdir()):
            bundle.write(path, path.name)
    return archive


def stored_outlines(url: str) -> dict[str, shapely.Geometry]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(area_boundary.c.area_code, area_boundary.c.geojson)).all()
    engine.dispose()
    return {code: shape(json.loads(text)) for code, text in rows}


def last_batch(url: str) -> tuple[dict, list[dict]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        batch = dict(connection.execute(select(import_batch).order_by(import_batch.c.id.desc()).limit(1)).mappings().one())
        problems = [dict(row) for row in connection.execute(
            select(import_problem).where(import_problem.c.batch_id == batch["id"]).order_by(import_problem.c.id)).mappings()]
    engine.dispose()
    return batch, problems


def max_distance_m(source: gpd.GeoDataFrame, stored: dict[str, shapely.Geometry]) -> float:
    """The largest Hausdorff distance, in metres, between each source outline and the stored one."""
    codes = [code[:12] for code in source.ZLDWDM]
    metric = source.estimate_utm_crs()
    ours = gpd.GeoSeries([stored[code] for code in codes], crs="EPSG:4326").to_crs(metric)
    theirs = source.geometry.to_crs(metric)
    return max(a.hausdorff_distance(b) for a, b in zip(ours.values, theirs.values))


def test_zipped_gauss_kruger_shapefile_with_zone_number_lands_within_a_metre(db_url, sample_areas, tmp_path, capsys):
    _, villages = sample_areas
    pieces = split_in_two(villages)
    archive = zipped_shapefile(pieces.to_crs(WITH_ZONE), tmp_path / "cjdcq")
    assert main(["import-boundaries", str(archive), "--level", "village", "--db", db_url]) == 0
    output = capsys.readouterr().out
    assert "导入完成" in output
    stored = stored_outlines(db_url)
    assert set(stored) == {code[:12] for code in villages.ZLDWDM}  # two pieces each, one outline each
    assert max_distance_m(villages, stored) < 1.0
    batch, problems = last_batch(db_url)
    assert len(pieces) > len(villages)
    assert (batch["status"], batch["rows_read"], batch["rows_written"]) == ("done", len(pieces), len(villages))
    # The one sample village without an outline is named; nothing else is wrong.
    assert [(p["code"], p["value"]) for p in problems] == [("no_boundary", _village_without_outline(sample_areas))]
    engine = make_engine(db_url)
    with engine.connect() as connection:
        lon, lat = connection.execute(select(area.c.lon, area.c.lat).where(
            area.c.code == villages.ZLDWDM.iloc[0][:12])).one()
    engine.dispose()
    assert villages.geometry.iloc[0].contains(shapely.Point(lon, lat))  # a point inside, for labels


def _village_without_outline(sample_areas) -> str:
    areas, villages = sample_areas
    outlined = {code[:12] for code in villages.ZLDWDM}
    [code] = [a["code"] for a in areas if a["level"] == "village" and a["code"] not in outlined]
    return code


def test_shapefile_without_zone_number_and_a_guessed_code_field_is_also_exact(sqlite_url, sample_areas, tmp_path):
    _, villages = sample_areas
    renamed = villages.rename(columns={"ZLDWDM": "BM", "ZLDWMC": "CUNMING"}).to_crs(WITHOUT_ZONE)
    folder = tmp_path / "shp"
    folder.mkdir()
    renamed.to_file(folder / "villages.shp", engine="pyogrio")
    assert main(["import-boundaries", str(folder / "villages.shp"), "--level", "village", "--db", sqlite_url]) == 0
    assert max_distance_m(villages, stored_outlines(sqlite_url)) < 1.0
    # Re-importing the same file updates in place: same outlines, no duplicates.
    assert main(["import-boundaries", str(folder / "villages.shp"), "--level", "village", "--db", sqlite_url]) == 0
    assert len(stored_outlines(sqlite_url)) == len(villages)


def test_a_file_without_crs_is_refused_and_recorded_then_loads_with_crs(sqlite_url, sample_areas, tmp_path, capsys):
    _, villages = sample_areas
    folder = tmp_path / "noprj"
    folder.mkdir()
    villages.to_crs(WITH_ZONE).to_file(folder / "CJDCQ.shp", engine="pyogrio")
    (folder / "CJDCQ.prj").unlink()
    assert main(["import-boundaries", str(folder / "CJDCQ.shp"), "--level", "village", "--db", sqlite_url]) == 2
    assert "没有声明坐标系" in capsys.readouterr().out
    assert stored_outlines(sqlite_url) == {}
    batch, problems = last_batch(sqlite_url)
    assert batch["status"] == "refused" and [p["code"] for p in problems] == ["no_crs"]
    assert main(["import-boundaries", str(folder / "CJDCQ.shp"), "--level", "village", "--crs", WITH_ZONE,
                 "--db", sqlite_url]) == 0
    assert max_distance_m(villages, stored_outlines(sqlite_url)) < 1.0


@pytest.mark.parametrize(("written", "declared", "finding", "suggestion"), [
    (WITH_ZONE, "EPSG:4490", "projected_as_geographic", "EPSG:4526"),  # metres declared as degrees
    (WITHOUT_ZONE, WITH_ZONE, "zone_prefix_missing", "EPSG:4547"),
    (WITH_ZONE, WITHOUT_ZONE, "zone_prefix_present", "EPSG:4526"),
    (WITH_ZONE, "EPSG:4527", "wrong_zone", "EPSG:4526"),  # zone 39 declared, zone 38 in the eastings
])
def test_an_obviously_wrong_crs_is_refused_with_the_likely_one(sqlite_url, sample_areas, tmp_path, capsys,
                                                                  written, declared, finding, suggestion):
    _, villages = sample_areas
    frame = villages.to_crs(written).set_crs(declared, allow_override=True)
    archive = zipped_shapefile(frame, tmp_path / "wrong")
    assert main(["import-boundaries", str(archive), "--level", "village", "--db", sqlite_url]) == 2
    assert suggestion in capsys.readouterr().out
    assert stored_outlines(sqlite_url) == {}
    _, problems = last_batch(sqlite_url)
    assert [(p["code"], p["level"]) for p in problems] == [(finding, "error")]


def _interior_village(villages: gpd.GeoDataFrame) -> int:
    """A village wholly surrounded by others: shrinking it leaves a hole inside the coverage."""
    union_of_all = shapely.union_all(villages.geometry.values)
    for index, geometry in enumerate(villages.geometry):
        if not geometry.boundary.intersects(union_of_all.boundary.buffer(1e-6)):
            return index
    raise AssertionError("no interior village in the sample")


def test_unmatched_features_gaps_and_overlaps_are_reported_by_name(sqlite_url, sample_areas, tmp_path, capsys):
    _, villages = sample_areas
    metric = villages.to_crs(WITH_ZONE).reset_index(drop=True)
    inner = _interior_village(villages)
    geometries = list(metric.geometry)
    geometries[inner] = geometries[inner].buffer(-30)  # a gap ring of ~30 m all round
    wide = next(i for i in range(len(geometries)) if i != inner and not geometries[i].touches(metric.geometry[inner])
                and not geometries[i].intersects(metric.geometry[inner]))
    geometries[wide] = geometries[wide].buffer(25)  # overlaps its neighbours
    metric = metric.set_geometry(geometries)
    stray = gpd.GeoDataFrame({"ZLDWDM": ["4299999999990000000"], "ZLDWMC": ["不存在村"]},
                             geometry=[shapely.box(38_400_000, 3_380_000, 38_400_500, 3_380_500)], crs=WITH_ZONE)
    by_name = metric.iloc[[wide]].assign(ZLDWDM="9999", geometry=[metric.geometry[wide]])  # bad code, right name
    frame = gpd.GeoDataFrame(list(metric.to_dict("records")) + list(stray.to_dict("records"))
                             + list(by_name.to_dict("records")), crs=WITH_ZONE)
    archive = zipped_shapefile(frame, tmp_path / "faults")
    assert main(["import-boundaries", str(archive), "--level", "village", "--db", sqlite_url]) == 0
    output = capsys.readouterr().out
    _, problems = last_batch(sqlite_url)
    unmatched = [p for p in problems if p["code"] == "unmatched_feature"]
    assert [(p["row"], p["value"]) for p in unmatched] == [(len(metric) + 1, "4299999999990000000 不存在村")]
    inner_name = villages.ZLDWMC.iloc[inner].removesuffix("村民委员会")
    gaps = [p for p in problems if p["code"] == "gap"]
    assert len(gaps) == 1 and inner_name in gaps[0]["message"] and "空隙" in output
    overlaps = [p for p in problems if p["code"] == "overlap"]
    wide_code = villages.ZLDWDM.iloc[wide][:12]
    assert overlaps and all(wide_code in p["value"] for p in overlaps)
    assert len(stored_outlines(sqlite_url)) == len(villages)  # the name-matched piece joined its village
    # A tolerance above the gap's size (a 30 m ring round a village: far over 10,000 m²) hides it.
    gap_size = float(gaps[0]["message"].split("之间有 ")[1].split(" ")[0])
    main(["import-boundaries", str(archive), "--level", "village", "--tolerance", str(gap_size + 1), "--db", sqlite_url])
    assert not [p for p in last_batch(sqlite_url)[1] if p["code"] == "gap"]


def test_an_invalid_polygon_is_repaired_and_reported(sqlite_url, sample_areas, tmp_path):
    _, villages = sample_areas
    first = villages.iloc[[0]].to_crs(WITH_ZONE)
    x, y = first.geometry.iloc[0].representative_point().coords[0]
    bowtie = shapely.Polygon([(x, y), (x + 50, y + 50), (x + 50, y), (x, y + 50)])  # self-intersecting
    frame = gpd.GeoDataFrame({"ZLDWDM": [first.ZLDWDM.iloc[0]] * 2, "ZLDWMC": [first.ZLDWMC.iloc[0]] * 2},
                             geometry=[first.geometry.iloc[0], bowtie], crs=WITH_ZONE)
    archive = zipped_shapefile(frame, tmp_path / "bowtie")
    assert main(["import-boundaries", str(archive), "--level", "village", "--db", sqlite_url]) == 0
    _, problems = last_batch(sqlite_url)
    assert [(p["code"], p["row"]) for p in problems if p["code"] == "repaired_geometry"] == [("repaired_geometry", 2)]
    assert stored_outlines(sqlite_url)[first.ZLDWDM.iloc[0][:12]].is_valid


def test_a_gbk_dbf_without_cpg_matches_by_name_under_the_township_named_beside_it(sqlite_url, sample_areas, tmp_path):
    areas, villages = sample_areas
    names = {a["code"]: a["name"] for a in areas}
    # Two villages of different townships share a name, as happens (两个 新华村): only the township tells.
    first, twin = villages.ZLDWDM.iloc[0][:12], villages.ZLDWDM.iloc[-1][:12]
    assert first[:9] != twin[:9]
    engine = make_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(area.update().where(area.c.code == twin).values(name=names[first]))
    engine.dispose()
    frame = villages.assign(ZLDWMC=[names[first] if code[:12] == twin else name
                                    for code, name in zip(villages.ZLDWDM, villages.ZLDWMC)])
    frame = frame.drop(columns="ZLDWDM").assign(XZMC=[names[code[:9] + "000"] for code in villages.ZLDWDM])
    folder = tmp_path / "gbk"
    folder.mkdir()
    frame.to_crs(WITH_ZONE).to_file(folder / "CJDCQ.shp", engine="pyogrio", encoding="GBK")
    (folder / "CJDCQ.cpg").unlink()  # as many bureau files come: GBK names and nothing saying so
    assert main(["import-boundaries", str(folder / "CJDCQ.shp"), "--level", "village", "--db", sqlite_url]) == 0
    assert set(stored_outlines(sqlite_url)) == {code[:12] for code in villages.ZLDWDM}
    assert max_distance_m(villages, stored_outlines(sqlite_url)) < 1.0  # the twins did not swap
    # Without the township field the twins cannot be told apart: both named, neither guessed.
    frame.drop(columns="XZMC").to_crs(WITH_ZONE).to_file(folder / "CJDCQ.shp", engine="pyogrio", encoding="GBK")
    (folder / "CJDCQ.cpg").unlink()
    main(["import-boundaries", str(folder / "CJDCQ.shp"), "--level", "village", "--db", sqlite_url])
    _, problems = last_batch(sqlite_url)
    assert sorted(p["row"] for p in problems if p["code"] == "ambiguous_name") == [1, len(villages)]


def test_geopackage_layer_is_chosen_and_village_codes_give_township_outlines(sqlite_url, sample_areas, tmp_path):
    areas, villages = sample_areas
    package = tmp_path / "三调.gpkg"
    villages.to_crs("EPSG:4490").to_file(package, layer="CJDCQ", engine="pyogrio")
    villages.head(3).to_crs("EPSG:4490").to_file(package, layer="OTHER", engine="pyogrio")
    assert main(["import-boundaries", str(package), "--level", "township", "--db", sqlite_url]) == 2  # which layer?
    assert main(["import-boundaries", str(package), "--level", "township", "--layer", "CJDCQ", "--db", sqlite_url]) == 0
    stored = stored_outlines(sqlite_url)
    townships = {a["code"] for a in areas if a["level"] == "township"}
    assert set(stored) == townships  # each township dissolved from its villages
    township = sorted(townships)[0]
    parts = villages[villages.ZLDWDM.str.startswith(township[:9])].geometry
    merged = gpd.GeoSeries([shapely.union_all(parts.values)], crs="EPSG:4326")
    metric = merged.estimate_utm_crs()
    assert merged.to_crs(metric).iloc[0].hausdorff_distance(
        gpd.GeoSeries([stored[township]], crs="EPSG:4326").to_crs(metric).iloc[0]) < 1.0


def test_a_named_field_the_file_lacks_and_an_empty_area_list_are_refused(sqlite_url, tmp_path, sample_areas, capsys):
    _, villages = sample_areas
    archive = zipped_shapefile(villages.to_crs(WITH_ZONE), tmp_path / "fields")
    assert main(["import-boundaries", str(archive), "--level", "village", "--code-field", "BM", "--db", sqlite_url]) == 2
    assert "ZLDWDM" in capsys.readouterr().out  # the fields it has are listed
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["import-boundaries", str(archive), "--level", "village", "--db", empty]) == 2
    assert "import-areas" in capsys.readouterr().out
    assert last_batch(empty)[1][0]["code"] == "no_areas"


@pytest.mark.parametrize(("name", "driver", "crs"), [("CJDCQ.gdb", "OpenFileGDB", WITH_ZONE),
                                                     ("villages.geojson", "GeoJSON", "EPSG:4326")])
def test_file_geodatabase_and_geojson_load_too(sqlite_url, sample_areas, tmp_path, name, driver, crs):
    _, villages = sample_areas
    villages.to_crs(crs).to_file(tmp_path / name, driver=driver, engine="pyogrio",
                                 **({"layer": "CJDCQ"} if driver == "OpenFileGDB" else {}))
    assert main(["import-boundaries", str(tmp_path / name), "--level", "village", "--db", sqlite_url]) == 0
    assert max_distance_m(villages, stored_outlines(sqlite_url)) < 1.0


def test_check_only_writes_nothing_and_an_unreadable_file_is_refused(sqlite_url, sample_areas, tmp_path, capsys):
    _, villages = sample_areas
    archive = zipped_shapefile(villages.to_crs(WITH_ZONE), tmp_path / "checked")
    assert main(["import-boundaries", str(archive), "--level", "village", "--check", "--db", sqlite_url]) == 0
    assert "检查完成" in capsys.readouterr().out
    assert stored_outlines(sqlite_url) == {} and last_batch(sqlite_url)[0]["status"] == "checked"
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["import-boundaries", str(broken), "--level", "village", "--db", sqlite_url]) == 2
    assert "broken.zip" in capsys.readouterr().out
    assert main(["import-boundaries", str(tmp_path / "villages.dwg"), "--level", "village", "--db", sqlite_url]) == 2
    batch, problems = last_batch(sqlite_url)
    assert batch["status"] == "refused" and problems[0]["code"] == "no_file"
