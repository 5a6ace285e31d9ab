"""From an empty database: a banner's area list, its village outlines in a Gauss-Krüger shapefile, then two
monthly exports; every page opens on it."""

from __future__ import annotations

import sqlite3

import pytest

from components.page_registry import PAGES
from db.__main__ import main
from labels import label_of, t
from queries.gateway import clear_caches, engine_for
from tests.test_import_areas import BANNER, write_csv
from tests.test_import_boundaries import zipped_shapefile

HEADER = ("县(市、区、旗),乡(镇),行政村,户编号,姓名,证件号码,家庭人口数,与户主关系,劳动技能,户类型,监测对象类别,"
          "风险识别时间,风险是否消除,风险消除时间,风险消除方式,致贫原因1,家庭人均纯收入(元),是否危房户")
PEOPLE = {  # 户编号 -> (township, village, people as (name, ID number, relation, skill))
    "H1": ("乌兰镇", "巴彦嘎查", [("巴特尔", "150999198001010014", "户主", "普通劳动力"),
                                 ("其其格", "150999198203050020", "配偶", "弱劳动力或半劳动力")]),
    "H2": ("宝力格苏木", "宝力格嘎查", [("乌云", "150999196506070022", "户主", "丧失劳动力")]),
    "H3": ("新城街道", "新城社区", [("张伟", "150999197011110011", "户主", "技能劳动力")]),
    "H4": ("宝力格苏木", "哈日嘎查", [("格日勒", "150999199002020035", "户主", "普通劳动力")]),
}
# 户编号 -> (户类型, 监测对象类别, identified, eliminated flag, eliminated, how, risk, income, unsafe house)
MAY = {
    "H1": ("监测户", "边缘易致贫户", "202403", "否", "", "", "因病", "5200", "否"),
    "H2": ("脱贫户", "", "", "", "", "", "", "9100", "否"),
    "H3": ("监测户", "突发严重困难户", "202404", "否", "", "", "因灾", "4100", "是"),
}
JUNE = {
    **MAY,
    "H1": ("监测户", "边缘易致贫户", "202403", "是", "202406", "帮扶消除", "因病", "8300", "否"),
    "H4": ("监测户", "脱贫不稳定户", "202406", "否", "", "", "因残", "4600", "否"),
}


def _export(path, day: str, households: dict) -> None:
    lines = ["（自定义）监测对象信息", f"导出时间：{day}", HEADER]
    for key, values in households.items():
        township, village, people = PEOPLE[key]
        for name, number, relation, skill in people:
            lines.append(",".join(("示例旗", township, village, key, name, number, str(len(people)), relation,
                                   skill, *values)))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


# 3-degree Gauss-Krüger zone 37 (central meridian 111°E) with the zone number in the false easting, as a
# natural-resources bureau in Inner Mongolia sends it; 三调 fields: the 19-digit ZLDWDM and ZLDWMC.
GAUSS_KRUGER_ZONE_37 = "EPSG:4525"


def _outlines(folder):
    """A zipped shapefile of 3 km squares, one per village of the banner, side by side in two rows."""
    import geopandas as gpd
    from shapely.geometry import box

    villages = [(code, name) for code, _kind, name, _count in BANNER if code[9:] != "000"]
    size, east, north = 3000.0, 37_500_000.0, 4_500_000.0
    shapes = [box(east + (i % 3) * size, north + (i // 3) * size, east + (i % 3 + 1) * size, north + (i // 3 + 1) * size)
              for i in range(len(villages))]
    frame = gpd.GeoDataFrame({"ZLDWDM": [code + "0000000" for code, _ in villages],
                              "ZLDWMC": [name for _, name in villages]}, geometry=shapes, crs=GAUSS_KRUGER_ZONE_37)
    return zipped_shapefile(frame, folder)


def _number(number: str) -> str:
    from sample_data.people import check_digit

    return number[:17] + check_digit(number[:17])


@pytest.fixture
def banner(tmp_path, monkeypatch):
    for key, (township, village, people) in PEOPLE.items():
        PEOPLE[key] = (township, village, [(n, _number(i), r, s) for n, i, r, s in people])
    url = f"sqlite:///{tmp_path / 'banner.db'}"
    assert main(["import-areas", str(write_csv(tmp_path / "areas.csv", BANNER)), "--db", url]) == 0
    assert main(["import-boundaries", str(_outlines(tmp_path / "cjdcq")), "--level", "village", "--db", url]) == 0
    connection = sqlite3.connect(tmp_path / "banner.db")
    connection.execute("INSERT INTO monitoring_line (year, amount) VALUES (2024, 7000)")  # a setting
    connection.commit()
    connection.close()
    _export(tmp_path / "may.csv", "2024年05月31日", MAY)
    _export(tmp_path / "june.csv", "2024年06月30日", JUNE)
    assert main(["import-ledger", str(tmp_path / "may.csv"), str(tmp_path / "june.csv"), "--db", url]) == 0
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    from components.auth_users import AUTH_FILE_ENV

    users = tmp_path / "users.toml"  # real data: the app signs people in (a county leader and the data office)
    users.write_text('[users.leader]\ndisplay_name = "leader"\nrole = "county_leader"\nareas = []\n'
                     'password_hash = "x"\n[users.office]\ndisplay_name = "office"\nrole = "data_admin"\n'
                     'areas = []\npassword_hash = "x"\n', encoding="utf-8")
    monkeypatch.setenv(AUTH_FILE_ENV, str(users))
    clear_caches()
    yield url
    engine_for(url).dispose()
    clear_caches()


def _open(page: str, asof: str, user: str = "leader", **params: str):
    from streamlit.testing.v1 import AppTest

    from components.state import Keys
    from tests.conftest import APP, on_page

    test = AppTest.from_file(APP, default_timeout=60)
    test.session_state[Keys.USER] = user
    test.query_params["asof"] = asof
    for name, value in params.items():
        test.query_params[name] = value
    return on_page(test, page).run()


@pytest.mark.parametrize("user", ["leader", "office"])
def test_every_page_opens_on_the_imported_banner(banner, user):
    from components.roles import may_open

    role = {"leader": "county_leader", "office": "data_admin"}[user]
    for spec in PAGES:
        if not may_open(role, spec.url_path):
            continue
        test = _open(spec.url_path, "2024-06-30", user)
        assert not test.exception, spec.url_path
        assert test.title and test.title[0].value == t(spec.label_key)


def test_the_outlines_land_on_the_banner_in_wgs84(banner):
    import json

    from sqlalchemy import create_engine, text

    engine = create_engine(banner)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT area_code, geojson FROM area_boundary")).fetchall()
        points = dict(connection.execute(text("SELECT code, lon FROM area WHERE level = 'village'")).fetchall())
    engine.dispose()
    assert len(rows) == 6
    for code, geojson in rows:
        lon, lat = json.loads(geojson)["coordinates"][0][0][:2]
        assert 110.9 < lon < 111.3 and 40.5 < lat < 40.8, code  # zone 37 read from the file, not degrees
        assert 110.9 < points[code] < 111.3


def test_the_june_export_updates_the_figures_and_may_still_reads_as_it_was(banner):
    tiles = {m.label: m.value for m in _open("drill", "2024-06-30").metric}
    assert tiles[t("drill.metric_open_cases")] == "2"  # H3 and H4; H1 eliminated in June
    assert tiles[t("drill.metric_eliminated")] == "1"
    assert tiles[t("drill.metric_exited")] == "1"
    assert tiles[t("drill.metric_under_line")] == "2"  # H3 4100 and H4 4600 under 7000
    may = {m.label: m.value for m in _open("drill", "2024-05-31").metric}
    assert may[t("drill.metric_open_cases")] == "2" and may[t("drill.metric_eliminated")] == "0"
    drill = _open("drill", "2024-06-30")
    assert t("quality.base_note", base=label_of("rate_base", "area_list")) in [c.value for c in drill.caption]
    townships = drill.dataframe[0].value
    assert set(townships["name"]) == {"新城街道", "乌兰镇", "宝力格苏木"}
    quality = _open("quality", "2024-06-30").dataframe[0].value
    total = quality.iloc[-1]
    assert total["village_no_boundary"] == "0" and total["bad_id_number"] == "0"  # every village has its outline
    assert total["size_mismatch"] == "0" and total["open_case_no_income"] == "0"
