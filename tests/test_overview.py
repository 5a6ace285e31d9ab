"""The cockpit: weekly figures against independent counts, reconciled flows, tiles and links."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from labels import t
from queries.drill import figures_by_area
from queries.overview import asset_totals, new_cases_by_village, weekly_cases, weekly_open_problems
from queries.scope import Scope
from tests.conftest import SAMPLE_UNTIL, read_table

COUNTY = "429999000000"
EVERYTHING = Scope(((COUNTY, "county"),), household_detail=True)


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


@pytest.fixture(scope="module")
def cases(sample_db_url):
    frame = _dates(read_table(sample_db_url, "monitoring_case"), "identified_on", "eliminated_on")
    return frame.merge(read_table(sample_db_url, "household")[["id", "village_code"]], left_on="household_id",
                       right_on="id", suffixes=("", "_h"))


@pytest.mark.parametrize("asof", [SAMPLE_UNTIL, date(2023, 8, 10), date(2025, 1, 3)])
def test_weekly_cases_equal_an_independent_count(engine_db_url, cases, asof):
    weekly = weekly_cases(engine_db_url, EVERYTHING, COUNTY, "county", asof)
    assert len(weekly) == 12 and weekly["week_end"].iloc[-1] == asof
    for row in weekly.itertuples():
        end, start = row.week_end, row.week_end - timedelta(days=7)
        open_ = cases[(cases.identified_on <= end) & (cases.eliminated_on.isna() | (cases.eliminated_on > end))]
        assert row.open_cases == len(open_)
        assert row.open_sudden == int((open_.case_type == "sudden").sum())
        assert row.identified == int(((cases.identified_on > start) & (cases.identified_on <= end)).sum())
        assert row.eliminated == int(((cases.eliminated_on > start) & (cases.eliminated_on <= end)).sum())


def test_week_over_week_change_reconciles_with_the_flows(sample_db_url):
    for code, level in ((COUNTY, "county"), ("429999105000", "township")):
        weekly = weekly_cases(sample_db_url, EVERYTHING, code, level, SAMPLE_UNTIL, weeks=30)
        change = weekly["open_cases"].diff().iloc[1:]
        flows = (weekly["identified"] - weekly["eliminated"]).iloc[1:]
        assert change.tolist() == flows.tolist()
        assert weekly["identified"].sum() > 0


def test_open_problems_match_the_drill_tile(sample_db_url):
    problems = weekly_open_problems(sample_db_url, EVERYTHING, COUNTY, "county", SAMPLE_UNTIL)
    for row in problems.itertuples():
        tile = figures_by_area(sample_db_url, EVERYTHING, COUNTY, "county", "county", row.week_end)
        assert row.open_problems == int(tile["open_problems"].sum())
    checks = _dates(read_table(sample_db_url, "guarantee_check"), "checked_on")
    last_week = checks[~checks.ok.astype(bool) & (checks.checked_on > SAMPLE_UNTIL - timedelta(days=7))
                       & (checks.checked_on <= SAMPLE_UNTIL)]
    assert problems["found"].iloc[-1] == len(last_week)


def test_assets_and_new_cases_by_village(sample_db_url, cases):
    assets = read_table(sample_db_url, "asset")
    formed = assets[assets.formed_year.isna() | (assets.formed_year <= SAMPLE_UNTIL.year)]
    totals = asset_totals(sample_db_url, EVERYTHING, COUNTY, "county", SAMPLE_UNTIL)
    assert totals == {"assets": len(formed), "registered": int(formed.registered.sum()),
                      "value": pytest.approx(float(formed.value.sum()))}
    top = new_cases_by_village(sample_db_url, EVERYTHING, COUNTY, "county", SAMPLE_UNTIL)
    recent = cases[(cases.identified_on > SAMPLE_UNTIL - timedelta(days=7)) & (cases.identified_on <= SAMPLE_UNTIL)]
    expected = recent.groupby("village_code").size().sort_values(ascending=False)
    assert top["new_cases"].tolist() == expected.head(5).tolist()


def test_cockpit_is_the_default_page_with_tiles_and_changes(sample_db_url, monkeypatch, cases):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    monkeypatch.setenv("DASHBOARD_DB_URL", sample_db_url)
    test = AppTest.from_file(APP, default_timeout=60)
    test.query_params["asof"] = SAMPLE_UNTIL.isoformat()
    test.run()
    assert not test.exception
    assert test.title[0].value == t("overview.title")
    tiles = {m.label: m for m in test.metric}
    weekly = weekly_cases(sample_db_url, EVERYTHING, COUNTY, "county", SAMPLE_UNTIL)
    open_tile = tiles[t("overview.tile_open_cases")]
    assert open_tile.value == f"{int(weekly['open_cases'].iloc[-1]):,}"
    delta = int(weekly["open_cases"].iloc[-1] - weekly["open_cases"].iloc[-2])
    assert str(open_tile.delta).replace(",", "") == str(delta)
    identified = tiles[t("overview.tile_identified_week")]
    assert identified.value == f"{int(weekly['identified'].iloc[-1]):,}"
    links = {link.proto.label: link.proto for link in test.get("page_link")}
    news = t("overview.change_new_cases", count=int(weekly["identified"].iloc[-1]),
             eliminated=int(weekly["eliminated"].iloc[-1]))
    from components.text import md_escape

    label = t("overview.link", text=md_escape(news))  # a link, marked as one
    assert label in links or md_escape(news) in [m.value for m in test.markdown]
    village = new_cases_by_village(sample_db_url, EVERYTHING, COUNTY, "county", SAMPLE_UNTIL).iloc[0]
    village_links = [proto for label, proto in links.items() if f"{int(village.new_cases)}" in label
                     and proto.page.endswith("drill")]
    assert any(f"area={village.village_code}" in proto.query_string for proto in village_links)
    import json

    ranking = next(frame for frame in test.dataframe if t("wall.col_open") in frame.value.columns)
    config = json.loads(ranking.proto.columns)  # a province's cities count open cases in the ten thousands
    assert all(config[column]["type_config"]["format"] == "localized"
               for column in (t("wall.col_open"), t("wall.col_problems")))


@pytest.mark.parametrize("code, level", [(COUNTY, "county"), ("429999105000", "township")])
def test_week_over_week_deltas_reconcile_with_the_trends_flows(sample_db_url, code, level):
    from queries.trend_cases import area_totals, case_flows
    from rules.calendar import Period

    asof = SAMPLE_UNTIL  # 20 November: the week before ends on 13 November, in the same month
    weekly = weekly_cases(sample_db_url, EVERYTHING, code, level, asof)
    month_start = asof.replace(day=1)

    def month_to(cut: date) -> pd.Series:
        flows = case_flows(sample_db_url, EVERYTHING, code, level, level, Period(month_start, cut))
        return area_totals(flows).iloc[-1]

    now, week_before = month_to(asof), month_to(asof - timedelta(days=7))
    assert weekly["identified"].iloc[-1] == now["identified"] - week_before["identified"]
    assert weekly["eliminated"].iloc[-1] == now["eliminated"] - week_before["eliminated"]
    assert weekly["open_cases"].iloc[-1] == now["open_end"]
    assert weekly["open_cases"].iloc[-2] == week_before["open_end"]
    assert weekly["open_cases"].iloc[-1] - weekly["open_cases"].iloc[-2] == (
        weekly["identified"].iloc[-1] - weekly["eliminated"].iloc[-1])


def test_new_warning_counts_match_the_warning_list(sample_db_url):
    from queries.warnings import EVENT_RULES, area_warnings, new_warning_counts

    for asof in (SAMPLE_UNTIL, date(2025, 10, 31)):
        listed = area_warnings(sample_db_url, EVERYTHING, COUNTY, "county", asof, rules=EVENT_RULES, limit=10**9)
        fresh = listed[listed["since"] > asof - timedelta(days=7)]
        counts = new_warning_counts(sample_db_url, EVERYTHING, COUNTY, "county", asof)
        assert counts == {rule: int((fresh["rule"] == rule).sum()) for rule in EVENT_RULES}


def test_task_tiles_and_changes_against_the_task_queries(sample_db_url, app):
    from components.overview_panels import build_task_changes, build_task_tiles
    from queries.tasks import cell_status, overdue_milestones, tasks_in_scope

    before = SAMPLE_UNTIL - timedelta(days=7)
    cells = [cell_status(sample_db_url, EVERYTHING, day) for day in (SAMPLE_UNTIL, before)]
    late = [overdue_milestones(sample_db_url, EVERYTHING, day) for day in (SAMPLE_UNTIL, before)]
    done_tile, late_tile = build_task_tiles(*cells, *late, {})
    done = sum(all(group["status"] == "done") for _, group in cells[0].groupby("task_code"))
    assert done_tile.value == f"{done} / {cells[0]['task_code'].nunique()}"
    assert late_tile.value == str(len(late[0])) and late_tile.delta == len(late[0]) - len(late[1])
    titles = tasks_in_scope(sample_db_url, EVERYTHING, SAMPLE_UNTIL).set_index("code")["title"]
    changes = build_task_changes(*cells, *late, titles, lambda code: {"task": code} if code else {})
    newly = set(late[0]["id"]) - set(late[1]["id"])
    assert (t("overview.change_overdue", count=len(newly)) in [c.text for c in changes]) == bool(newly)
    test = app("overview")
    tiles = {m.label: m.value for m in test.metric}
    assert tiles[t("overview.tile_tasks_done")] == done_tile.value
    assert tiles[t("overview.tile_tasks_overdue")] == late_tile.value


def test_tile_changes_and_problem_notes_separate_thousands_as_the_values_do():
    """A province's week moves tens of thousands of problems: -57,388, not -57388."""
    from components.overview_panels import _problems_line, delta_text

    assert delta_text(-57388) == "-57,388" and delta_text(839) == "839" and delta_text(12345) == "12,345"
    assert delta_text(0) == 0 and delta_text(None) is None  # no arrow for no change
    problems = pd.DataFrame({"week_end": [date(2026, 11, 26), date(2026, 12, 3)],
                             "open_problems": [72361, 14973], "found": [900, 1044]})
    line = _problems_line(problems)
    assert "1,044" in line and "58,432" in line and "57,388" in line
