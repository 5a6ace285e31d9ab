"""A generated province (示例省: 2 cities, 3 counties): every page at every level, and the leaders
above the county each see their own area only."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.auth_users import AUTH_FILE_ENV
from components.page_registry import PAGES
from components.roles import may_open
from components.state import Keys
from labels import label_of, t
from tests.auth.conftest import PASSWORD_HASH, tree_text
from tests.conftest import APP, APP_ASOF, SAMPLE_UNTIL, on_page, read_table

LEVELS = ("province", "city", "county", "township", "village")
AREA_CODE = re.compile(r"(?<!\d)\d{12}(?!\d)")


@pytest.fixture(scope="module")
def province_url(tmp_path_factory) -> str:
    """A small province on SQLite: 示例省 → 2 cities → 3 counties (2 + 1) → townships → villages."""
    from db.engine import make_engine
    from db.schema import metadata
    from sample_data.generator import generate

    url = f"sqlite:///{tmp_path_factory.mktemp('province') / 'province.db'}"
    engine = make_engine(url)
    metadata.create_all(engine)
    generate(engine, households=1500, seed=7, until=SAMPLE_UNTIL, counties=3, cities=2)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def areas(province_url) -> pd.DataFrame:
    return read_table(province_url, "area")


def first_at(areas: pd.DataFrame, level: str) -> str:
    """The first area of a level that has households."""
    rows = areas[(areas["level"] == level) & (areas["household_count"] > 0)]
    return str(sorted(rows["code"])[0])


def test_the_generated_tree_has_five_fictional_levels(province_url, areas):
    by_level = areas.groupby("level")["code"].apply(sorted).to_dict()
    assert by_level["province"] == ["990000000000"]
    assert by_level["city"] == ["990100000000", "990200000000"]
    assert by_level["county"] == ["990101000000", "990102000000", "990201000000"]
    assert areas["code"].str.startswith("99").all()  # no real province has code 99
    parents = areas.set_index("code")["parent_code"]
    assert parents["990201000000"] == "990200000000" and parents["990200000000"] == "990000000000"
    indexed = areas.set_index("code")
    for level, child in zip(LEVELS, LEVELS[1:]):  # counts add up level by level
        kids = areas[areas["level"] == child].groupby("parent_code")["household_count"].sum()
        parent_counts = indexed.loc[kids.index, "household_count"]
        assert (kids == parent_counts).all(), level
    assert indexed.at["990000000000", "household_count"] == 1500 == len(read_table(province_url, "household"))
    tasks = read_table(province_url, "task")
    assert set(tasks["area_code"]) == {"990000000000"}  # the matrix belongs to the top area


@pytest.fixture
def province_app(province_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", province_url)

    def open_app(page: str, user: str | None = None, **params: str) -> AppTest:
        test = AppTest.from_file(APP, default_timeout=90)
        if user is not None:
            test.session_state[Keys.USER] = user
        for name, value in {"asof": APP_ASOF, **params}.items():
            test.query_params[name] = value
        return on_page(test, page).run()

    return open_app


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_every_page_renders_at_every_level(province_app, areas, spec, level):
    code = first_at(areas, level)
    test = province_app(spec.url_path, area=code)
    assert not test.exception, test.exception
    assert not [w.value for w in test.warning if code in str(w.value)]  # the area was accepted
    if spec.url_path == "drill" and level != "village":
        # The children are the next level present in the tree, named by the tree.
        shown = set(test.dataframe[0].value["code"])
        assert shown == set(areas.loc[areas["parent_code"] == code, "code"])


@pytest.fixture
def leaders_file(tmp_path, monkeypatch) -> None:
    lines = []
    for name, role, area in (("sheng", "province_leader", "990000000000"), ("shi", "city_leader", "990100000000"),
                             ("shi_wrong", "city_leader", "990101000000")):  # a county for a city role
        lines += [f"[users.{name}]", f'display_name = "{name}"', f'role = "{role}"', f'areas = ["{area}"]',
                  f'password_hash = "{PASSWORD_HASH}"']
    path = tmp_path / "users.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv(AUTH_FILE_ENV, str(path))


def test_leader_roles_are_scoped_to_their_area(province_app, leaders_file):
    for user, roots in (("sheng", {("990000000000", "province")}), ("shi", {("990100000000", "city")}),
                        ("shi_wrong", set())):  # a wrong level is dropped, never widened
        scope = province_app("drill", user=user).session_state[Keys.VIEWER].scope
        assert set(scope.roots) == roots, user


@pytest.mark.parametrize("level", ("city", "county", "township", "village"))
@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_city_leader_sees_only_the_city_at_every_level(province_app, areas, leaders_file, spec, level):
    city = "990100000000"
    code = city if level == "city" else first_at(areas[areas["code"].str.startswith("9901")], level)
    if not may_open("city_leader", spec.url_path):
        return
    test = province_app(spec.url_path, user="shi", area=code)
    assert not test.exception, test.exception
    assert not [w.value for w in test.warning if code in str(w.value)]  # the area was accepted
    sent = tree_text(test)
    codes = set(AREA_CODE.findall(sent)) & set(areas["code"])
    assert {c for c in codes if not c.startswith("9901")} == set(), spec.url_path
    assert "示例市1" in sent and "示例市2" not in sent  # the city's name is shown, the other city's never


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_city_leader_cannot_open_the_province_or_another_city(province_app, areas, leaders_file, spec):
    if not may_open("city_leader", spec.url_path):
        return
    outsides = ("990000000000", "990200000000", "990201000000")
    for outside in outsides:
        # The audit page lists the leader's own refused links (these, from any test before), each code
        # as they typed it; no page names anything else outside the city.
        typed = set(outsides) if spec.url_path == "audit" else {outside}
        test = province_app(spec.url_path, user="shi", area=outside)
        assert not test.exception, test.exception
        codes = set(AREA_CODE.findall(tree_text(test))) & set(areas["code"])
        assert {c for c in codes if c not in typed and not c.startswith("9901")} == set(), (spec.url_path, outside)
        assert test.warning and outside in str(test.warning[0].value)


def test_province_leader_sees_both_cities(province_app, leaders_file):
    test = province_app("drill", user="sheng")
    assert not test.exception
    assert set(test.dataframe[0].value["code"]) == {"990100000000", "990200000000"}


def test_sample_switcher_offers_the_leaders_the_tree_has(province_app, province_url, sample_db_url):
    from components.auth import sample_roles

    test = province_app("drill")
    offered = set(test.selectbox(key=Keys.SAMPLE_ROLE).options)
    assert {t(f"user_role.{code}") for code in ("province_leader", "city_leader", "county_leader")} <= offered
    test.selectbox(key=Keys.SAMPLE_ROLE).set_value("city_leader").run()
    assert not test.exception
    assert set(test.dataframe[0].value["code"]) == {"990101000000", "990102000000"}  # the first city's counties
    county_only = sample_roles(sample_db_url)
    assert "city_leader" not in county_only and "province_leader" not in county_only


def test_the_sample_opens_as_the_leader_of_its_top_and_its_county_leader_sees_a_county(province_app):
    """A province's sample is the province leader's view (not a 县级领导 who would see the province);
    its county leader persona sees the first county."""
    test = province_app("drill")
    assert test.selectbox(key=Keys.SAMPLE_ROLE).value == "province_leader"
    assert set(test.dataframe[0].value["code"]) == {"990100000000", "990200000000"}
    test.selectbox(key=Keys.SAMPLE_ROLE).set_value("county_leader").run()
    assert not test.exception
    shown = set(test.dataframe[0].value["code"])
    assert shown and all(code.startswith("990101") and code.endswith("000") for code in shown)  # its townships


@pytest.mark.parametrize("engine_name", ["postgresql", "mariadb"])
def test_a_province_of_many_counties_builds_on_the_servers(engine_name, server_database):
    """36 counties: the sample's dataset_info lists (a village without a boundary per county, the flood
    townships) pass 500 characters, which a varchar(500) refused at the 10M build's last insert."""
    import json

    from db.engine import make_engine
    from db.schema import metadata
    from sample_data.generator import generate

    url = server_database(engine_name, "many_counties")
    engine = make_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    generate(engine, households=720, seed=7, until=SAMPLE_UNTIL, counties=36, cities=3)
    engine.dispose()
    info = read_table(url, "dataset_info").set_index("key")["value"]
    assert len(json.loads(info["villages_without_boundary"])) == 36
    assert len(info["flood_surge"]) > 500 and info["counties"] == "36"


@pytest.mark.parametrize("level", ["province", "city", "county"])
def test_the_drill_lists_households_from_county_level_down(province_app, areas, level):
    """Above the county the warning and findings tabs give counts and ask to drill down; a county lists."""
    test = province_app("drill", area=first_at(areas, level))
    hint = t("warning_list.drill_down_for_rows")
    hinted = [info.value for info in test.info if info.value == hint]
    warning_lists = [frame for frame in test.dataframe if "rule_code" in frame.value.columns]
    if level == "county":
        assert not hinted and warning_lists  # the warnings tab's list
    else:
        assert len(hinted) == 2 and not warning_lists  # warnings and findings: counts and the hint


@pytest.mark.parametrize("level", ["province", "city", "county"])
def test_the_signals_map_shows_the_children_above_the_county(province_app, areas, level, monkeypatch):
    """Above the county the signals map colours the children (a province's villages would be neither
    legible nor light); county-wide it colours the villages."""
    import components.map_layers as layers

    drawn = []
    real = layers.build_area_map

    def spy(geometries, styles, *args, **kwargs):
        drawn.append(set(styles.index))
        return real(geometries, styles, *args, **kwargs)

    monkeypatch.setattr(layers, "build_area_map", spy)
    code = first_at(areas, level)
    test = province_app("signals", area=code)
    assert not test.exception
    shown = {"province": "city", "city": "county", "county": "village"}[level]
    under = areas[(areas["level"] == shown) & areas["code"].str.startswith(code.rstrip("0"))]
    assert drawn and drawn[-1] == set(under["code"])


@pytest.mark.parametrize("level", ["province", "city", "county"])
def test_the_signals_overdue_table_names_the_childrens_level(province_app, areas, level):
    """Who is late, by child area: a province's rows are cities, a city's counties, a county's townships."""
    test = province_app("signals", area=first_at(areas, level))
    child = label_of("level", {"province": "city", "city": "county", "county": "township"}[level])
    assert t("signals.overdue_header", level=child) in [header.value for header in test.subheader]
    tables = [frame.value for frame in test.dataframe if t("signals.col_overdue") in frame.value.columns]
    assert tables and tables[0].columns[0] == t("signals.col_area", level=child)


@pytest.mark.parametrize("level", ["province", "city", "county"])
def test_the_risk_page_lists_warnings_from_county_level_down(province_app, areas, level):
    """As on the drill: above the county the risk page's warnings are counts with a hint to drill down
    (the newest 300 per rule of a province cost a second and told a leader little); a county lists."""
    test = province_app("risk", area=first_at(areas, level))
    assert not test.exception
    hinted = [info.value for info in test.info if info.value == t("warning_list.drill_down_for_rows")]
    warning_lists = [frame for frame in test.dataframe if "rule_code" in frame.value.columns]
    if level == "county":
        assert not hinted and warning_lists
    else:
        assert len(hinted) == 1 and not warning_lists
