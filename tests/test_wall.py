"""The wall's pieces without a browser: figures, rankings, news, the rotation line, and every
rotating page run under AppTest with ?screen=1 (a composed stage, no control but the hidden pause)."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from components.area_ranking import build_area_ranking
from components.big_screen import NEVER_ON_SCREEN, page_title, rotation_html
from components.overview_panels import build_changes, build_tiles
from components.page_registry import PAGES
from components.wall import svg
from components.wall.panels import change_html
from labels import t
from queries.overview import weekly_cases
from queries.scope import Scope
from tests.conftest import SAMPLE_UNTIL

ROTATING = [spec.url_path for spec in PAGES if spec.url_path not in NEVER_ON_SCREEN]
PANEL = "#111a2c"


def _contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_chart_text_inside_the_svg_images_reads_on_the_panels():
    # The browser test cannot see text drawn inside an <img>: its colours are checked here.
    for colour in (svg.TEXT, svg.MUTED, "#ffffff"):
        assert _contrast(colour, PANEL) >= 4.5
    assert _contrast("#ffffff", svg.HALO) >= 4.5  # map labels: white with a dark halo
    assert _contrast("#ffffff", svg.heat_colour(1.0)) >= 4.5 and _contrast("#ffffff", svg.heat_colour(0.0)) >= 4.5


@pytest.mark.parametrize("high", [0.4, 7, 17, 100, 116, 21_174])
def test_the_value_axis_always_reaches_the_highest_value(high):
    ticks = svg._ticks(0, high)
    assert ticks[0] == 0 and ticks[-1] >= high and len(ticks) <= 7


def test_the_map_keeps_its_shape_and_escapes_names():
    square = {"type": "Polygon", "coordinates": [[[110, 30], [110.1, 30], [110.1, 30.1], [110, 30.1], [110, 30]]]}
    drawn = svg.build_map_svg({"a": square}, {"a": "#ff0000"}, {"a": "<b>甲&乙</b>"}, width=1000)
    width, height = map(float, re.search(r'viewBox="0 0 (\S+) (\S+)"', drawn).groups())
    assert height / width == pytest.approx(1 / 0.866, rel=0.01)  # cos(30°): a degree of longitude is shorter
    assert "<b>" not in drawn and "&lt;b&gt;甲&amp;乙" in drawn
    assert svg.as_image(drawn, "wall-svg").startswith('<img class="wall-svg"')


def test_children_are_ranked_worst_first_with_the_weeks_change():
    kids = pd.DataFrame({"name": ["甲镇", "乙镇", "丙镇"]}, index=["a", "b", "c"])
    now = pd.DataFrame({"open_rate": [1.0, 3.5, 3.5], "open_cases": [10, 7, 9], "open_problems": [1, 2, 3],
                        "under_line": [0, 0, 0]}, index=["a", "b", "c"])
    before = pd.DataFrame({"open_cases": [12, 7, 5]}, index=["a", "b", "c"])
    ranking = build_area_ranking(kids, now, before)
    assert list(ranking.index) == ["c", "b", "a"]  # equal rates: more open cases first
    assert list(ranking["change"]) == [4, 0, -2]
    assert "↑4" in change_html(4) and "wall-bad" in change_html(4) and t("wall.flat") in change_html(0)


def _weeks(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_the_news_names_the_township_and_explains_the_problems_move_once():
    cases = _weeks(open_cases=[10, 12], identified=[1, 3], eliminated=[2, 1],
                   open_unstable=[5, 6], open_marginal=[3, 4], open_sudden=[2, 2])
    problems = _weeks(open_problems=[227, 187], found=[25, 29])
    tree = pd.DataFrame({"name": ["示例县", "双桥镇", "桃岭村"], "parent_code": [None, "c", "t"]}, index=["c", "t", "v"])
    villages = pd.DataFrame({"village_code": ["v"], "new_cases": [2]})
    changes = build_changes(cases, villages, tree, {"new_guarantee_problem": 29, "no_recent_visit": 1}, problems,
                            lambda code: {})
    texts = [change.text for change in changes]
    assert t("overview.change_village", township="双桥镇", name="桃岭村", count=2) in texts
    assert any(text.startswith("双桥镇") and "桃岭村" in text for text in texts)
    problem_lines = [text for text in texts if "三保障" in text]
    assert problem_lines == [t("overview.change_problems", move=t("overview.move_down", count=40), found=29, cleared=69)]
    tiles = {tile.key: tile for tile in build_tiles(cases, problems, (3, 3), {"registered": 1, "assets": 2, "value": 0}, {})}
    assert tiles["open_problems"].delta == -40 and "69" in tiles["open_problems"].note


def test_the_rotation_line_is_translated():
    line = rotation_html(False, 60, page_title("brief"))
    assert t("brief.page") in line and "page." not in line
    assert not re.search(r"[A-Za-z]{2,}", re.sub(r"<[^>]+>", "", line))
    assert "brief" not in [name for name in ROTATING] and "audit" not in ROTATING


def _html(test) -> str:
    return "\n".join(element.proto.body for element in test.get("html"))


@pytest.mark.parametrize("page", ROTATING + ["drill", "brief"])
def test_every_page_on_the_wall_is_a_composed_stage_without_controls(app, page):
    test = app(page, screen="1")
    assert not test.exception
    assert 'class="wall-stage"' in _html(test)
    assert [button.key for button in test.button] == ["screen_pause"]  # moved off the wall by CSS
    for kind in ("selectbox", "multiselect", "date_input", "number_input", "text_input", "radio", "tabs",
                 "dataframe", "metric", "download_button", "segmented_control"):
        assert len(test.get(kind)) == 0, kind


def test_the_wall_cockpit_shows_the_desk_cockpits_numbers(app, sample_db_url):
    test = app("overview", screen="1", area="429999000000")
    weekly = weekly_cases(sample_db_url, Scope((("429999000000", "county"),), household_detail=True), "429999000000", "county",
                          date.fromisoformat(str(SAMPLE_UNTIL)))
    shown = _html(test)
    open_cases = f'{int(weekly["open_cases"].iloc[-1]):,}'
    assert f'<div class="wall-tile-value" style="--chars:{len(open_cases)}">{open_cases}</div>' in shown
    assert t("wall.ranking_title", level=t("level.township")) in shown


def test_the_desk_cockpit_ranks_the_townships_worst_first_with_the_weeks_change(app):
    test = app("overview")
    assert not test.exception
    tables = [frame.value for frame in test.dataframe if t("wall.col_change") in frame.value.columns]
    assert len(tables) == 1
    table = tables[0]
    rates = list(table[t("wall.col_rate")])
    assert len(table) == 14 and rates == sorted(rates, reverse=True)
    assert all(value == t("wall.flat") or re.fullmatch(r"[+-]\d+", value) for value in table[t("wall.col_change")])
