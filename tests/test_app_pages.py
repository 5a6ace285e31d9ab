"""Every page through streamlit's AppTest: what a user sees, on the sample county."""

from __future__ import annotations


import pandas as pd
import pytest
from sqlalchemy import create_engine
from streamlit.testing.v1 import AppTest

from components.auth_users import AUTH_FILE_ENV
from components.state import Keys
from labels import has_label, t
from components.page_registry import PAGES
from components.text import md_escape
from queries.drill import figures_by_area
from queries.scope import Scope
from tests.conftest import APP, on_page, read_table, shown
from tests.conftest import copy_sample
from tests.conftest import APP_ASOF as ASOF

COUNTY = "429999000000"


def all_text(test: AppTest) -> str:
    parts = [e.value for e in (*test.title, *test.subheader, *test.markdown, *test.caption,
                                *test.info, *test.warning, *test.error)]
    parts += [str(e.value) for e in test.metric]
    for frame in (*test.dataframe, *test.table):
        parts.append(frame.value.to_csv())
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_every_page_renders_without_exception(app, spec):
    test = app()
    test.switch_page(str(spec.path)).run()
    assert not test.exception
    # t() of a missing key returns the key itself, so comparing t() with t() alone could not fail.
    assert has_label(spec.label_key), f"no label {spec.label_key} in the catalogue"
    assert test.title and test.title[0].value == t(spec.label_key) != spec.label_key


def test_county_view_shows_tiles_and_townships(app, sample_db_url):
    test = app()
    assert not test.exception
    tiles = {m.label: m.value for m in test.metric}
    figures = figures_by_area(sample_db_url, Scope(((COUNTY, "county"),), household_detail=True), COUNTY, "county", "county",
                              pd.Timestamp(ASOF).date()).loc[COUNTY]
    assert tiles[t("drill.metric_households")] == f"{int(figures['households']):,}"
    assert tiles[t("drill.metric_open_cases")] == f"{int(figures['open_cases']):,}"
    townships = test.dataframe[0].value
    areas = read_table(sample_db_url, "area")
    assert set(townships["code"]) == set(areas.loc[areas["level"] == "township", "code"])
    assert townships["households"].sum() == figures["households"]


def test_township_lists_its_villages_and_breadcrumbs_lead_up(app, sample_db_url):
    areas = read_table(sample_db_url, "area")
    township = areas[areas["level"] == "township"].iloc[0]
    test = app(area=township["code"])
    assert not test.exception
    villages = test.dataframe[0].value
    assert set(villages["code"]) == set(areas.loc[areas["parent_code"] == township["code"], "code"])
    crumbs = [button.label for button in test.button]
    assert areas.set_index("code").at[COUNTY, "name"] in crumbs
    assert all(link.startswith("drill?") for link in villages["link"])
    # Clicking the crumb is tested in the browser (tests/browser/test_drill.py): AppTest does not
    # apply a URL changed inside a callback the way the browser does.


def test_village_lists_masked_households_with_links(app, sample_db_url):
    households = read_table(sample_db_url, "household")
    village = households["village_code"].mode()[0]
    test = app(area=village)
    assert not test.exception
    listed = test.dataframe[0].value
    expected = households[households["village_code"] == village]
    assert len(listed) == min(50, len(expected))
    assert not set(listed["head_name"]) & set(expected["head_name"])
    assert listed["link"].str.contains("household=").all()
    page_count = -(-len(expected) // 50)
    assert t("drill.page_of", page=1, pages=page_count, total=f"{len(expected):,}") in all_text(test)


def test_household_profile_is_masked(app, sample_db_url):
    person = read_table(sample_db_url, "household").iloc[0]
    test = app(household=str(person["id"]))
    assert not test.exception
    village_picker = test.selectbox[-1]  # a household link alone opens its village in the sidebar
    assert village_picker.value == person["village_code"]
    text = all_text(test)
    for secret in (person["head_name"], person["id_number"], person["phone"]):
        assert secret not in text
    assert person["id_number"][:6] in text and person["id_number"][-4:] in text


def test_malformed_parameters_give_a_message_not_a_crash(app):
    test = app(area="' OR 1=1 --", household="abc", asof="2026-02-30")
    assert not test.exception
    warning = shown(test.warning[0].value)
    assert "' OR 1=1 --" in warning and "abc" in warning and "2026-02-30" in warning
    assert test.metric  # the county view still shows


def test_unknown_area_falls_back_to_the_county(app):
    test = app(area="429999999999")
    assert not test.exception
    assert "429999999999" in test.warning[0].value
    assert len(test.dataframe[0].value) >= 12


def test_unknown_household_says_so(app):
    test = app(household="999999999")
    assert not test.exception
    assert t("drill.household_not_found", id=999999999) in all_text(test)


def _as_county_leader(monkeypatch, tmp_path) -> AppTest:
    """The app with one configured county leader, already signed in: who may read why the database fails."""
    users = tmp_path / "users.toml"
    users.write_text('[users.chief]\nrole = "county_leader"\n', encoding="utf-8")
    monkeypatch.setenv(AUTH_FILE_ENV, str(users))
    test = AppTest.from_file(APP, default_timeout=30)
    test.session_state[Keys.USER] = "chief"
    return test


@pytest.mark.parametrize("url, problem", [
    ("sqlite:////nonexistent/dir/monitoring.db", "missing_file"),
    ("postgresql+psycopg://reader:s3cretpw@127.0.0.1:1/monitoring", "unreachable"),
    ("not a url", "bad_url"),
])
def test_unusable_database_gets_a_clear_chinese_page(monkeypatch, tmp_path, url, problem):
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    test = _as_county_leader(monkeypatch, tmp_path).run()
    assert not test.exception
    assert test.title[0].value == t("error.title")
    assert test.error and "s3cretpw" not in test.error[0].value
    template_opening = t(f"error.{problem}").split("{")[0]  # the text before the first value
    assert test.error[0].value.startswith(template_opening)


def test_database_without_tables_names_them(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    create_engine(url).connect().close()
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    test = _as_county_leader(monkeypatch, tmp_path).run()
    assert "household" in test.error[0].value and "python -m db init" in test.error[0].value


@pytest.mark.engines
def test_app_serves_every_engine(engine_db_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", engine_db_url)
    test = on_page(AppTest.from_file(APP, default_timeout=60))
    test.query_params["asof"] = ASOF
    test.run()
    assert not test.exception and not test.error
    figures = figures_by_area(engine_db_url, Scope(((COUNTY, "county"),), household_detail=True), COUNTY, "county", "county",
                              pd.Timestamp(ASOF).date()).loc[COUNTY]
    tiles = {m.label: m.value for m in test.metric}
    assert tiles[t("drill.metric_open_cases")] == f"{int(figures['open_cases']):,}"
    assert len(test.dataframe[0].value) >= 12


def test_names_from_the_database_show_as_typed(app, sample_db_url, tmp_path, monkeypatch):

    from sqlalchemy import text

    copy = tmp_path / "copy.db"
    copy_sample(sample_db_url, copy)
    engine = create_engine(f"sqlite:///{copy}")
    with engine.begin() as connection:
        township = connection.execute(text("SELECT code FROM area WHERE level = 'township' LIMIT 1")).scalar()
        connection.execute(text("UPDATE area SET name = :name WHERE code = :code"),
                           {"name": "<img src=x onerror=alert(1)>**镇**", "code": township})
    engine.dispose()
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{copy}")
    test = on_page(AppTest.from_file(APP, default_timeout=60))
    test.query_params["area"] = township
    test.run()
    assert not test.exception
    crumb = [m.value for m in test.markdown if "onerror" in m.value][0]
    assert crumb == "**" + md_escape("<img src=x onerror=alert(1)>**镇**") + "**"


def test_page_switch_keeps_the_valid_area_and_forgets_a_bad_one(app, sample_db_url):
    areas = read_table(sample_db_url, "area")
    township = areas[areas["level"] == "township"].iloc[0]["code"]
    test = app(area=township)
    del test.query_params["area"]  # what st.navigation does when the user switches pages
    test.run()
    assert set(test.dataframe[0].value["code"]) == set(areas.loc[areas["parent_code"] == township, "code"])

    test = app(area="123")
    assert test.warning
    del test.query_params["area"]
    test.run()
    assert not test.warning and not test.exception


def test_village_list_filters_to_monitored_households(app, sample_db_url):
    cases = read_table(sample_db_url, "monitoring_case")
    households = read_table(sample_db_url, "household").set_index("id")
    open_ids = set(cases.loc[cases["eliminated_on"].isna(), "household_id"])
    village = households.loc[list(open_ids), "village_code"].mode()[0]
    monitored = [i for i in open_ids if households.at[i, "village_code"] == village]
    test = app(area=village)
    test.button_group[0].set_value("monitored").run()
    assert not test.exception
    listed = test.dataframe[0].value
    assert sorted(listed["id"]) == sorted(monitored)
    assert (listed["case_status"] != t("monitoring.none")).all()
