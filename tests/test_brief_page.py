"""The 汇报材料 page and the download popover through AppTest: preview, build on click, downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from brief.build import FORMATS
from brief.sections import section_keys
from labels import t
from tests.conftest import read_table

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = str(Path(__file__).resolve().parent.parent / "views" / "brief.py")
ASOF = "2026-11-20"


@pytest.fixture
def brief_page(sample_db_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", sample_db_url)

    def open_page(**params: str) -> AppTest:
        test = AppTest.from_file(APP, default_timeout=120)
        for name, value in {"asof": ASOF, **params}.items():
            test.query_params[name] = value
        test.run()
        return test.switch_page(PAGE).run()

    return open_page


def _text(test: AppTest) -> str:
    return "\n".join(str(e.value) for e in (*test.markdown, *test.caption, *test.info, *test.error, *test.success))


def test_preview_shows_commentary_and_nothing_is_built_before_the_click(brief_page, sample_db_url):
    test = brief_page()
    assert not test.exception
    assert test.title[0].value == t("brief.page")
    assert not test.get("download_button")  # building happens only on click
    text = _text(test)
    for key in section_keys():
        assert t(f"brief_section.{key}") in text
    households = len(read_table(sample_db_url, "household"))
    assert f"全域农户{households:,}户" in text
    assert len(test.dataframe) == len(section_keys())


def test_build_on_click_offers_four_downloads(brief_page):
    test = brief_page()
    test.multiselect(key="brief_page_sections").set_value(["overview", "tasks"]).run()
    test.button(key="brief_page_build").click().run()
    assert not test.exception and not test.error
    downloads = test.get("download_button")
    assert [d.proto.label for d in downloads] == [t("brief.download_pptx"), t("brief.download_pdf"),
                                                   t("brief.download_xlsx"), t("brief.download_docx")]
    assert t("brief.done", sections=2, seconds="|").split("|")[0] in test.success[0].value
    # Another comparison is another pack: the old files are not offered for it.
    test.selectbox(key="brief_page_compare").set_value("year").run()
    assert not test.get("download_button")


def test_no_section_chosen_says_so(brief_page):
    test = brief_page()
    test.multiselect(key="brief_page_sections").set_value([]).run()
    assert not test.exception
    assert t("brief.no_sections") in _text(test)


def test_township_view_previews_only_that_township(brief_page, sample_db_url):
    areas = read_table(sample_db_url, "area")
    township = areas[areas["level"] == "township"].sort_values("code").iloc[0]
    test = brief_page(area=township["code"])
    assert not test.exception
    text = _text(test) + "\n".join(frame.value.to_csv() for frame in test.dataframe)
    assert township["name"] in text
    others = areas.loc[(areas["level"] == "township") & (areas["code"] != township["code"]), "name"]
    assert not [name for name in others if name in text]


def _popover_script(db: str) -> None:
    from datetime import date

    from components.brief_button import render_brief_download
    from components.view import View
    from queries.scope import Scope

    scope = Scope(roots=(("429999000000", "county"),), household_detail=True)
    render_brief_download(View(db=db, scope=scope, area_code="429999000000", area_level="county",
                               asof=date(2026, 11, 20)), ("risk",), "risk")


def test_download_popover_builds_the_pages_own_sections(sample_db_url):
    test = AppTest.from_function(_popover_script, args=(sample_db_url,), default_timeout=120).run()
    assert not test.exception
    test.button(key="brief_button_risk_build").click().run()
    assert not test.exception and not test.error
    downloads = test.get("download_button")
    assert len(downloads) == len(FORMATS)  # pptx, pdf, xlsx, docx
    assert t("brief.done", sections=1, seconds="|").split("|")[0] in test.success[0].value


def _exports(db: str, detail_start: str) -> list[str]:
    log = read_table(db, "audit_log")
    return [d for d, action in zip(log["detail"], log["action"]) if action == "export" and d.startswith(detail_start)]


def test_building_a_pack_logs_it(brief_page, sample_db_url, monkeypatch):
    from brief.build import PACKS

    PACKS.clear()
    monkeypatch.setenv("DASHBOARD_BRIEF_COOLDOWN", "0")
    before = len(_exports(sample_db_url, "build: assets"))
    test = brief_page()
    test.multiselect(key="brief_page_sections").set_value(["assets"]).run()
    test.button(key="brief_page_build").click().run()
    assert not test.exception and not test.error
    assert len(_exports(sample_db_url, "build: assets")) == before + 1
    # (That no file is served before its click is checked in the browser: AppTest has no media server.)


def test_a_session_waits_between_builds_but_the_same_request_is_reused(brief_page, sample_db_url, monkeypatch):
    from brief.build import PACKS

    PACKS.clear()
    monkeypatch.setenv("DASHBOARD_BRIEF_COOLDOWN", "600")
    test = brief_page()
    test.multiselect(key="brief_page_sections").set_value(["assets"]).run()
    test.button(key="brief_page_build").click().run()
    assert t("brief.done", sections=1, seconds="|").split("|")[0] in test.success[0].value
    test.multiselect(key="brief_page_sections").set_value(["overview"]).run()
    test.button(key="brief_page_build").click().run()  # another request within the cooldown: refused
    assert not test.exception and t("brief.cooldown", seconds="|").split("|")[0] in test.warning[0].value
    assert not test.get("download_button")
    test.multiselect(key="brief_page_sections").set_value(["assets"]).run()
    test.button(key="brief_page_build").click().run()  # the same request again: reused, no wait
    assert not test.warning and t("brief.reused", sections=1, seconds="|").split("|")[0] in test.success[0].value
    assert len(test.get("download_button")) == len(FORMATS)
    other = brief_page()  # another session asking for the same pack gets it at once
    other.multiselect(key="brief_page_sections").set_value(["assets"]).run()
    other.button(key="brief_page_build").click().run()
    assert t("brief.reused", sections=1, seconds="|").split("|")[0] in other.success[0].value
