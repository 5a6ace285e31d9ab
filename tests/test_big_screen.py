"""Big-screen settings and playlist: validated parameters, cockpit first, most change next."""

from __future__ import annotations

from components import big_screen
from components.big_screen import build_playlist, next_page, screen_settings
from components.page_registry import PageSpec


def test_dwell_and_playlist_from_the_url_or_the_environment():
    assert screen_settings({}, env={}).dwell == big_screen.DEFAULT_DWELL_SECONDS
    assert screen_settings({"dwell": "45"}, env={"DASHBOARD_SCREEN_DWELL": "90"}).dwell == 45
    assert screen_settings({}, env={"DASHBOARD_SCREEN_DWELL": "90"}).dwell == 90
    for bad in ("4", "3601", "abc", "-5"):
        settings = screen_settings({"dwell": bad}, env={})
        assert settings.dwell == big_screen.DEFAULT_DWELL_SECONDS
        assert settings.problems == (("screen_params.bad_dwell", bad),)


def test_playlist_keeps_known_pages_and_names_unknown_ones():
    settings = screen_settings({"playlist": "overview,nowhere,drill"}, env={})
    assert settings.playlist == ("overview",)  # drill shows households: never on screen
    assert settings.problems == (("screen_params.bad_playlist", "nowhere,drill"),)
    assert screen_settings({"playlist": ""}, env={"DASHBOARD_SCREEN_PLAYLIST": "overview"}).playlist == ("overview",)


def test_playlist_puts_the_cockpit_first_then_the_most_changed(monkeypatch):
    pages = tuple(PageSpec(f"{name}.py", name, f"page.{name}") for name in ("drill", "overview", "map", "risk", "trends"))
    monkeypatch.setattr(big_screen, "PAGES", pages)
    assert build_playlist({"risk": 9, "trends": 2, "map": 0}, None) == ["overview", "risk", "trends", "map"]
    assert build_playlist({}, None) == ["overview", "map", "risk", "trends"]  # ties keep page order
    assert build_playlist({"risk": 9}, ("trends", "overview")) == ["trends", "overview"]


def test_next_page_wraps_around():
    assert next_page(["overview", "risk"], "overview") == "risk"
    assert next_page(["overview", "risk"], "risk") == "overview"
    assert next_page(["overview", "risk"], "drill") == "overview"


def test_big_screen_shows_no_household_rows_even_when_asked(app, sample_db_url):
    import json

    from labels import t
    from queries.dataset import dataset_facts
    from tests.conftest import read_table

    households = read_table(sample_db_url, "household")
    cases = read_table(sample_db_url, "monitoring_case")
    documented = json.loads(dataset_facts(sample_db_url)["rule_breaks"])["same_month"]
    broken = cases.set_index("id").loc[documented[0], "household_id"]  # its village has a finding
    person = households.set_index("id", drop=False).loc[broken]
    for params in ({"area": person["village_code"]}, {"household": str(person["id"])}):
        test = app("drill", screen="1", **params)
        assert not test.exception
        # The wall says it in its stage (st.html); the frame's refusal of a household is a warning.
        notices = [element.value for element in (*test.info, *test.warning)] + [
            element.proto.body for element in test.get("html")]
        assert any(t("screen.personal_hidden") in notice or str(person["id"]) in notice for notice in notices)
        shown = "\n".join(frame.value.to_csv() for frame in (*test.dataframe, *test.table))
        names = {value for value in households.loc[households.village_code == person["village_code"], "head_name"]}
        assert not any(name[0] + "*" in shown for name in names if len(name) > 1)
        assert "head_name" not in shown
