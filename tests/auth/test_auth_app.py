"""The sign-in flow, sample mode, refusals and their audit entries, through streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from components.auth_users import AUTH_FILE_ENV
from labels import t
from queries.audit import audit_entries
from components.state import Keys
from tests.conftest import on_page, shown
from tests.conftest import copy_sample
from tests.auth.conftest import APP, ASOF, PASSWORD, audit_rows, tree_text

AUDIT_PAGE = str(Path(APP).parent / "views" / "audit.py")


def _sign_in(test: AppTest, name: str, password: str) -> AppTest:
    test.text_input(key="auth_form_name").input(name)
    test.text_input(key="auth_form_password").input(password)
    return test.button[0].click().run()


def _village_codes(test: AppTest) -> set[str]:
    return set(test.dataframe[0].value["code"])


def test_users_configured_means_sign_in_first(signed_in_app, sample_db_url, sample):
    test = signed_in_app(None)
    assert not test.exception
    assert test.subheader[0].value == t("auth.sign_in_heading") and not test.dataframe and not test.metric

    test = _sign_in(test, "town_a", "wrong password")
    assert test.error[0].value == t("auth.sign_in_failed") and not test.dataframe
    failed = audit_rows(sample_db_url)
    assert ((failed["user_name"] == "town_a") & (failed["action"] == "refused")
            & (failed["detail"] == "signin")).any()

    test = _sign_in(test, "town_a", PASSWORD)
    assert not test.exception
    villages = sample.areas.loc[sample.areas["parent_code"] == sample.town_a, "code"]
    assert _village_codes(test) == set(villages)  # lands on the own township, nothing else
    assert t("auth.signed_in_as", name="town\\_a", role=t("user_role.township_leader")) in [
        c.value for c in test.caption]
    rows = audit_rows(sample_db_url)
    assert ((rows["user_name"] == "town_a") & (rows["action"] == "signin")).any()

    test.button(key="auth_sign_out").click().run()
    assert test.subheader[0].value == t("auth.sign_in_heading") and not test.dataframe


def test_unknown_user_costs_the_same_and_is_refused(signed_in_app, sample_db_url):
    test = _sign_in(signed_in_app(None), "ghost", PASSWORD)
    assert test.error[0].value == t("auth.sign_in_failed")
    assert Keys.USER not in test.session_state


def test_a_user_removed_from_the_file_is_signed_out_at_once(signed_in_app, users_file, tmp_path, monkeypatch):
    test = signed_in_app("town_a")
    assert test.dataframe
    smaller = tmp_path / "fewer.toml"
    smaller.write_text(users_file.read_text(encoding="utf-8").replace("[users.town_a]", "[users.gone]"),
                       encoding="utf-8")
    monkeypatch.setenv(AUTH_FILE_ENV, str(smaller))
    test.run()
    assert test.subheader[0].value == t("auth.sign_in_heading") and not test.dataframe


@pytest.mark.parametrize("user", ["nowhere", "wrong_level"])
def test_no_valid_scope_sees_nothing(signed_in_app, user):
    test = signed_in_app(user)
    assert not test.exception
    assert test.error[0].value == t("auth.no_scope", name=user)
    assert not test.dataframe and not test.metric and not test.selectbox


def test_another_townships_code_is_refused_and_logged(signed_in_app, sample_db_url, sample):
    plain = _village_codes(signed_in_app("town_a"))
    for tampered in (sample.town_b, "429999000000", "' OR 1=1 --", "429999101000' OR '1'='1"):
        test = signed_in_app("town_a", area=tampered)
        assert not test.exception
        assert test.warning and tampered[:20] in shown(test.warning[0].value)
        assert _village_codes(test) == plain  # nothing changed
        sent = tree_text(test)  # the warning repeats the code typed, but nothing about that area shows
        assert sample.villages_b[0] not in sent
        assert sample.areas.set_index("code").at[sample.town_b, "name"] not in sent
    rows = audit_rows(sample_db_url)
    refused = rows[(rows["user_name"] == "town_a") & (rows["action"] == "refused")]
    assert {f"area={sample.town_b}", "area=429999000000", "params.bad_area=' OR 1=1 --"} <= set(refused["detail"])


def test_another_townships_household_is_refused_and_logged(signed_in_app, sample_db_url, sample):
    households = sample.households
    outsider = households[households["village_code"].str.startswith(sample.town_b[:9])].iloc[0]
    test = signed_in_app("town_a", household=str(outsider["id"]))
    assert not test.exception
    text_sent = tree_text(test)
    assert t("drill.household_not_found", id=outsider["id"]) in text_sent
    assert outsider["id_number"][-4:] + "\n" not in text_sent and outsider["village_code"] not in text_sent
    rows = audit_rows(sample_db_url)
    assert ((rows["user_name"] == "town_a") & (rows["action"] == "refused")
            & (rows["detail"] == f"household={outsider['id']}")).any()


def test_aggregate_roles_get_no_household_and_are_told_so(signed_in_app, sample_db_url, sample):
    person = sample.households.iloc[0]
    test = signed_in_app("brief", household=str(person["id"]))
    assert not test.exception
    assert t("auth.household_not_allowed", value=person["id"]) in test.warning[0].value
    assert test.metric and test.dataframe  # the county's aggregates still show
    test = signed_in_app("dept", area=person["village_code"])
    assert t("auth.aggregates_only") in [info.value for info in test.info]
    assert person["id_number"][:6] + "********" not in tree_text(test)


def test_full_detail_views_are_logged_as_detail(signed_in_app, sample_db_url, sample):
    person = sample.households[sample.households["village_code"].str.startswith(sample.town_a[:9])].iloc[0]
    test = signed_in_app("town_a_full", household=str(person["id"]))
    assert person["id_number"] in tree_text(test)  # configured to see full detail
    rows = audit_rows(sample_db_url)
    assert ((rows["user_name"] == "town_a_full") & (rows["action"] == "detail")
            & (rows["household_id"] == person["id"])).any()
    test = signed_in_app("town_a", household=str(person["id"]))
    assert person["id_number"] not in tree_text(test)


def test_department_head_gets_the_own_unit_by_default(signed_in_app):
    test = signed_in_app("dept")
    assert test.session_state[Keys.VIEW].unit == "fpb"
    assert signed_in_app("dept", unit="mzb").session_state[Keys.VIEW].unit == "mzb"


def test_department_head_lands_on_the_own_units_tasks(signed_in_app):
    test = signed_in_app("dept", page=None)  # opened at "/", as a bookmark of the dashboard would
    assert not test.exception
    assert [title.value for title in test.title] == [t("tasks.title")]
    assert test.subheader[0].value.startswith(t("tasks.unit_heading", unit="扶贫办")[:3])
    assert test.markdown[0].value.startswith("#### ") and test.markdown[0].value == \
        f"#### {t('tasks.todo_heading', days=14)}"  # 待办 is the first thing under the unit's name
    county = signed_in_app("county", page=None)
    assert t("tasks.title") not in [title.value for title in county.title]  # leaders keep the cockpit


def test_audit_page_only_for_county_leaders(signed_in_app, sample_db_url):
    audit_entries.clear()  # entries are cached for minutes: an earlier test's read must not hide this one's
    test = signed_in_app("county")
    test.switch_page(AUDIT_PAGE).run()
    assert not test.exception and test.title[0].value == t("audit_log.title")
    log = test.dataframe[0].value
    assert {"user", "action", "detail"} <= set(log.columns) and "county" in set(log["user"])
    for user in ("town_a", "dept", "officer", "brief"):
        test = signed_in_app(user)
        with pytest.raises(ValueError, match="navigation page"):  # not in their navigation at all
            test.switch_page(AUDIT_PAGE)


@pytest.fixture
def sample_mode_app(sample_db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DB_URL", sample_db_url)
    monkeypatch.setenv(AUTH_FILE_ENV, str(tmp_path / "no-users.toml"))

    def open_app(**params: str) -> AppTest:
        test = AppTest.from_file(APP, default_timeout=60)
        for name, value in {"asof": ASOF, **params}.items():
            test.query_params[name] = value
        return on_page(test, "drill").run()

    return open_app


def test_sample_mode_switches_roles(sample_mode_app, sample):
    test = sample_mode_app()
    assert t("auth.sample_banner") in [info.value for info in test.info]
    switcher = test.selectbox(key=Keys.SAMPLE_ROLE)
    assert switcher.value == "county_leader" and len(_village_codes(test)) == 14
    switcher.set_value("township_leader").run()
    assert not test.exception
    assert _village_codes(test) == set(sample.areas.loc[sample.areas["parent_code"] == sample.town_a, "code"])
    test.selectbox(key=Keys.SAMPLE_ROLE).set_value("case_officer").run()
    shown = test.selectbox(key=Keys.ROOT_PICKER)  # three villages: pick one
    assert len(shown.options) == 3 and test.dataframe  # the village's households, unmasked
    test.selectbox(key=Keys.SAMPLE_ROLE).set_value("briefing").run()
    assert len(_village_codes(test)) == 14 and test.session_state[Keys.VIEW].scope.household_detail is False


def test_real_database_without_users_refuses_to_start(sample_db_url, tmp_path, monkeypatch):
    copy = tmp_path / "real.db"
    copy_sample(sample_db_url, copy)
    engine = create_engine(f"sqlite:///{copy}")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM dataset_info WHERE key = 'sample'"))
    engine.dispose()
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{copy}")
    monkeypatch.setenv(AUTH_FILE_ENV, str(tmp_path / "no-users.toml"))
    test = AppTest.from_file(APP, default_timeout=60).run()
    assert not test.exception
    assert test.error[0].value == t("auth.not_configured")
    assert "hash-password" in test.error[0].value and "[users." in test.code[0].value
    assert not test.dataframe and not test.metric


def test_oidc_settings_offer_the_identity_provider(sample_mode_app, monkeypatch):
    test = AppTest.from_file(APP, default_timeout=60)
    test.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
                            "client_id": "dashboard", "client_secret": "s",
                            "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}
    test.run()
    assert not test.exception
    assert test.subheader[0].value == t("auth.sign_in_heading")  # no sample sign-in with a provider
    offered = [b.label for b in test.button] + [w.value for w in test.warning]
    assert t("auth.oidc_sign_in") in offered or t("auth.oidc_needs_authlib") in offered
    assert not test.dataframe


def test_repeated_failures_delay_the_name_even_with_the_right_password(signed_in_app, sample_db_url):
    test = signed_in_app(None)
    for attempt in range(4):  # three free failures, the fourth imposes a delay
        test = _sign_in(test, "brief", f"guess {attempt}")
    assert test.error[0].value.startswith(t("auth.wait", seconds=0)[:8])
    test = _sign_in(test, "brief", PASSWORD)  # right password during the delay: guessing gains nothing
    assert test.error[0].value.startswith(t("auth.wait", seconds=0)[:8]) and not test.dataframe
    rows = audit_rows(sample_db_url)
    assert ((rows["user_name"] == "brief") & (rows["detail"] == "signin locked")).any()
