"""Department signals on every engine: import classifies like an independent count, refuses a bad ID,
never duplicates; the verification loop moves the county's figures and stays inside a township."""

from __future__ import annotations

import csv
import random
import statistics
import json
import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from db.engine import make_engine
from db.imports.signals import import_signals
from db.schema import signal, signal_review
from labels import label_of, t
from queries.scope import Scope, ScopeError
from queries.signals import (funnel, household_signals, overdue_by_area, overdue_count, pending_list,
                             record_verification, review_history, weighted_median)
from sample_data.people import check_digit
from tests.conftest import build_sample, copy_sample, read_table, vega_rows

RECEIVED = dt.date(2026, 11, 20)
COUNTY = "429999000000"


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def db(request, sample_db_url, server_database, tmp_path_factory) -> str:
    """A private copy of the sample county on each engine (these tests write)."""
    if request.param == "sqlite":
        target = tmp_path_factory.mktemp("signals") / "signals.db"
        copy_sample(sample_db_url, target)
        return f"sqlite:///{target}"
    return build_sample(server_database(request.param, "signals"))


def unknown_id(number: int) -> str:
    """A valid ID number of a person the sample does not know (region 429997)."""
    first17 = f"429997198{number % 10}0101{number % 1000:03d}"
    return first17 + check_digit(first17)


def held_out_people(url: str, count: int = 60) -> list[str]:
    """ID numbers of members and heads (every second row of each), plus a few strangers."""
    members = read_table(url, "household_member")["id_number"].dropna().sort_values().tolist()
    heads = read_table(url, "household")["id_number"].dropna().sort_values().tolist()
    return members[::max(1, len(members) // count)][:count] + heads[::max(1, len(heads) // count)][:count] + \
        [unknown_id(n) for n in range(7)]


def write_file(path, ids: list[str], occurred: str = "2026-11-18", amount: str = "") -> None:
    """A department's CSV as counties have it: a title line above the header."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["县卫健局新发大病人员名单"])
        writer.writerow(["序号", "姓名", "身份证号码", "发生日期", "金额"])
        for number, id_number in enumerate(ids, start=1):
            writer.writerow([number, "某某", id_number, occurred, amount])


def expected_matches(url: str, ids: list[str], on: dt.date) -> pd.Series:
    """The class of each ID number, counted with pandas from the stored tables (not the importer's code)."""
    households = read_table(url, "household")
    members = read_table(url, "household_member")
    cases = read_table(url, "monitoring_case")
    frame = pd.DataFrame({"id_number": ids})
    by_member = members[["id_number", "household_id"]].dropna().drop_duplicates("id_number")
    by_head = households[["id_number", "id"]].dropna().rename(columns={"id": "household_id"})
    frame = frame.merge(by_member, how="left", on="id_number").merge(
        by_head, how="left", on="id_number", suffixes=("", "_head"))
    frame["household_id"] = frame["household_id"].fillna(frame["household_id_head"])
    identified = pd.to_datetime(cases["identified_on"]).dt.date
    eliminated = pd.to_datetime(cases["eliminated_on"]).dt.date
    open_households = set(cases.loc[(identified <= on) & (cases["eliminated_on"].isna() | (eliminated > on)),
                                    "household_id"])
    status = households.set_index("id")["poverty_status"]

    def classify(household_id) -> str:
        if pd.isna(household_id):
            return "unknown"
        if household_id in open_households:
            return "open_case"
        return "exited" if status.get(household_id) == "exited" else "general"

    return frame["household_id"].map(classify).value_counts()


def test_import_classifies_every_row_like_an_independent_count(db, tmp_path):
    ids = held_out_people(db)
    path = tmp_path / "health.csv"
    write_file(path, ids)
    engine = make_engine(db)
    summary = import_signals(engine, path, "health", received=RECEIVED, imported_by="test")
    assert summary.status == "done", summary.text()
    expected = expected_matches(db, ids, RECEIVED)
    for match in ("open_case", "exited", "general", "unknown"):
        assert summary.counts[f"signals_{match}"] == expected.get(match, 0), match
    with engine.connect() as connection:
        stored = dict(connection.execute(select(signal.c.match, func.count()).where(signal.c.department == "health",
                                                                                  signal.c.received_on == RECEIVED)
                                         .group_by(signal.c.match)).all())
        sent = connection.execute(select(func.count()).select_from(signal_review.join(signal))
                                  .where(signal.c.department == "health", signal.c.received_on == RECEIVED)).scalar()
        batch = set(connection.execute(select(signal.c.batch_id).where(signal.c.department == "health",
                                                                       signal.c.received_on == RECEIVED)).scalars())
    engine.dispose()
    assert stored == {match: int(n) for match, n in expected.items()}
    assert sent == expected.get("exited", 0) + expected.get("general", 0)  # open cases and strangers stay
    assert batch == {summary.batch_id}


def test_a_bad_id_number_refuses_the_file_by_its_row(db, tmp_path):
    ids = held_out_people(db, 5)
    ids[3] = ids[3][:17] + ("0" if ids[3][17] != "0" else "1")  # a wrong check digit
    path = tmp_path / "police.csv"
    write_file(path, ids)
    engine = make_engine(db)
    before = pd.read_sql(select(func.count()).select_from(signal), engine).iloc[0, 0]
    summary = import_signals(engine, path, "police", received=RECEIVED)
    after = pd.read_sql(select(func.count()).select_from(signal), engine).iloc[0, 0]
    engine.dispose()
    assert summary.status == "refused"
    assert [(p.code, p.row) for p in summary.errors] == [("bad_id_number", 6)]  # title, header, then ids[0] on row 3
    assert after == before


def test_reimporting_adds_nothing_twice(db, tmp_path):
    path = tmp_path / "housing.csv"
    write_file(path, held_out_people(db, 10), occurred="2026-11-17")
    engine = make_engine(db)
    first = import_signals(engine, path, "housing", received=RECEIVED)
    count = pd.read_sql(select(func.count()).select_from(signal), engine).iloc[0, 0]
    second = import_signals(engine, path, "housing", received=RECEIVED)
    again = pd.read_sql(select(func.count()).select_from(signal), engine).iloc[0, 0]
    engine.dispose()
    assert first.counts["added"] > 0 and second.counts["added"] == 0
    assert second.counts["already_imported"] == first.counts["added"]
    assert again == count


def test_below_threshold_is_counted_not_stored(db, tmp_path):
    path = tmp_path / "medical.csv"
    ids = held_out_people(db, 4)
    write_file(path, ids, occurred="2026-11-16", amount="4999")  # the default yearly threshold is 5000
    engine = make_engine(db)
    summary = import_signals(engine, path, "medical", received=RECEIVED)
    engine.dispose()
    # Below 5,000 元 a row still counts when it reaches half the household's net income: counted here
    # from the stored incomes with pandas, not with the importer's code.
    households = read_table(db, "household")
    members = read_table(db, "household_member")[["id_number", "household_id"]].dropna()
    owner = {**dict(zip(households["id_number"], households["id"])), **dict(zip(members["id_number"],
                                                                               members["household_id"]))}
    income = read_table(db, "household_income").sort_values("year")
    income = income[income["year"] <= RECEIVED.year].groupby("household_id").last()["per_capita_net"]
    size = households.set_index("id")["size"]
    reaching = sum(1 for i in ids if i in owner and 0 < income.get(owner[i], 0) * size[owner[i]] <= 4999 / 0.5)
    assert summary.counts["below_threshold"] == len(ids) - reaching
    assert summary.counts.get("added", 0) == reaching


def test_a_medical_cost_over_half_the_household_income_is_kept_below_the_threshold(db, tmp_path):
    from db.schema import household_income

    households = read_table(db, "household")
    cases = read_table(db, "monitoring_case")
    income = read_table(db, "household_income")
    quiet = households[~households["id"].isin(cases["household_id"]) & households["id"].isin(income["household_id"])]
    low, high = quiet.iloc[0], quiet.iloc[1]
    engine = make_engine(db)
    with engine.begin() as connection:  # both households earned 1,000 元 a head in their latest year
        for row in (low, high):
            year = int(income.loc[income["household_id"] == row["id"], "year"].max())
            connection.execute(household_income.update().where(household_income.c.household_id == int(row["id"]),
                                                               household_income.c.year == year)
                               .values(per_capita_net=1000.0))
    half = 1000 * int(low["size"]) / 2
    path = tmp_path / "medical-income.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["身份证号码", "结算日期", "个人自付金额"])
        writer.writerow([low["id_number"], "2026-11-10", f"{half + 1:.0f}"])  # over half: kept
        writer.writerow([high["id_number"], "2026-11-10", f"{1000 * int(high['size']) / 2 - 1:.0f}"])  # under: not
    summary = import_signals(engine, path, "medical_insurance", received=RECEIVED)  # the code is accepted
    engine.dispose()
    assert summary.status == "done", summary.text()
    assert (summary.counts["added"], summary.counts["below_threshold"]) == (1, 1)
    stored = read_table(db, "signal")
    assert int(low["id"]) in set(stored.loc[stored["department"] == "medical", "household_id"])


def test_the_page_lists_the_settings_and_a_township_can_correct(db):
    from queries.signals import signal_settings, verified_list
    from rules.settings import SETTINGS, SIGNAL_SETTINGS

    rows = {row.name: row.value for row in signal_settings()}
    assert rows["signal_verify_days"] == SIGNAL_SETTINGS.signal_verify_days == 15
    assert rows["medical_out_of_pocket_year"] == 5000 and rows["rigid_share"] == SETTINGS.rigid_share
    county = Scope(roots=((COUNTY, "county"),), household_detail=True)
    done = verified_list(db, county, COUNTY, "county", dt.date(2026, 11, 20))
    assert not done.empty and done["verified_on"].is_monotonic_decreasing
    own = str(done["village_code"].iloc[0])[:9] + "000"
    mine = Scope(roots=((own, "township"),), household_detail=True)
    assert set(verified_list(db, mine, own, "township", dt.date(2026, 11, 20))["village_code"].str[:9]) == {own[:9]}
    assert verified_list(db, Scope(roots=((COUNTY, "county"),)), COUNTY, "county", dt.date(2026, 11, 20)).empty


def _townships(db: str) -> list[str]:
    areas = read_table(db, "area")
    return sorted(areas.loc[areas["level"] == "township", "code"])


def test_verification_moves_the_county_and_stays_in_its_township(db):
    county = Scope(roots=((COUNTY, "county"),), household_detail=True)
    asof = dt.date(2026, 12, 31)  # every signal of the sample is past its deadline by then
    pending = pending_list(db, county, COUNTY, "county", asof)
    assert not pending.empty
    target = pending.iloc[0]
    own = str(target["village_code"])[:9] + "000"
    other = next(code for code in _townships(db) if code != own)
    mine, theirs = Scope(roots=((own, "township"),), household_detail=True), Scope(roots=((other, "township"),), household_detail=True)
    assert int(target["signal_id"]) in set(pending_list(db, mine, own, "township", asof)["signal_id"])
    assert int(target["signal_id"]) not in set(pending_list(db, theirs, other, "township", asof)["signal_id"])
    with pytest.raises(ScopeError):
        record_verification(db, theirs, int(target["signal_id"]), outcome="not_included", verified_on=asof,
                            reviewer="x", note="", case_id=None, recorded_by="other")
    since = dt.date(2025, 1, 1)
    before = funnel(db, county, COUNTY, "county", asof, since), overdue_count(db, county, COUNTY, "county", asof, 15)
    record_verification(db, mine, int(target["signal_id"]), outcome="not_included", verified_on=asof,
                        reviewer="核实员", note="", case_id=None, recorded_by="township")
    after = funnel(db, county, COUNTY, "county", asof, since), overdue_count(db, county, COUNTY, "county", asof, 15)
    assert after[0]["verified"] == before[0]["verified"] + 1
    assert after[1] == before[1] - 1
    ranking = overdue_by_area(db, county, COUNTY, "county", "township", asof, 15)
    assert list(ranking["overdue"]) == sorted(ranking["overdue"], reverse=True)
    # A correction is a new row; the history shows both, the newest decides.
    record_verification(db, mine, int(target["signal_id"]), outcome="duplicate", verified_on=asof,
                        reviewer="核实员", note="", case_id=None, recorded_by="township")
    history = review_history(db, mine, int(target["signal_id"]))
    assert list(history["outcome"].iloc[-2:]) == ["not_included", "duplicate"]
    assert history["corrects"].iloc[-1] == history["id"].iloc[-2]
    assert review_history(db, theirs, int(target["signal_id"])).empty
    household_id = int(target["household_id"])
    assert household_signals(db, mine, household_id).set_index("signal_id").loc[
        int(target["signal_id"]), "outcome"] == "duplicate"
    assert household_signals(db, theirs, household_id).empty


def test_household_profile_lists_its_signals_on_the_timeline(app, sample_db_url):
    signals = read_table(sample_db_url, "signal")
    household_id = int(signals["household_id"].dropna().iloc[0])
    at = app("drill", household=str(household_id))
    assert not at.exception
    assert f"**{t('signals.profile_header')}**" in [m.value for m in at.markdown]
    lanes = [json.dumps(json.loads(chart.proto.spec), ensure_ascii=False) for chart in at.get("plotly_chart")]
    assert any(t("profile.timeline_signal") in spec for spec in lanes)
    quiet = read_table(sample_db_url, "household")
    other = int(quiet.loc[~quiet["id"].isin(signals["household_id"].dropna()), "id"].iloc[0])
    assert f"**{t('signals.profile_header')}**" not in [m.value for m in app("drill", household=str(other)).markdown]


def test_a_later_case_of_the_household_is_linked_to_a_waiting_signal(db):
    from db.imports.signals import link_cases
    from db.schema import monitoring_case

    county = Scope(roots=((COUNTY, "county"),), household_detail=True)
    waiting = pending_list(db, county, COUNTY, "county", dt.date(2026, 11, 20))
    target = waiting.iloc[-1]  # the newest: no other test verifies it
    received = pd.Timestamp(target["received_on"]).date()
    engine = make_engine(db)
    with engine.begin() as connection:
        case_id = int(connection.execute(select(func.max(monitoring_case.c.id))).scalar()) + 1
        connection.execute(monitoring_case.insert().values(id=case_id, household_id=int(target["household_id"]),
                                                           case_type="sudden",
                                                           identified_on=received + dt.timedelta(days=5)))
        assert link_cases(connection, days=60) >= 1
        assert link_cases(connection, days=60) == 0  # linked once
    engine.dispose()
    review_history.clear()
    last = review_history(db, county, int(target["signal_id"])).iloc[-1]
    assert (last["outcome"], int(last["case_id"]), last["recorded_by"]) == ("included", case_id, "auto")


def test_briefing_section_reads_the_page_figures(sample_db_url):
    from brief.model import BriefRequest
    from brief.sections import build_pack
    from rules.settings import verify_days

    county = Scope(roots=((COUNTY, "county"),), household_detail=True)
    asof = dt.date(2026, 11, 20)
    pack = build_pack(BriefRequest(db=sample_db_url, scope=county, area_code=COUNTY, asof=asof,
                                   sections=("signals",)))
    figures = {figure.label: figure.value for figure in pack.sections[0].figures}
    late = overdue_count(sample_db_url, county, COUNTY, "county", asof, verify_days())
    assert figures[t("signals.col_overdue_total")] == late
    stages = funnel(sample_db_url, county, COUNTY, "county", asof, asof - dt.timedelta(days=365))
    assert figures[label_of("signal_stage", "included")] == stages["included"]
    assert f"{stages['received']:,}条" in pack.sections[0].commentary[0]


def test_the_weighted_median_is_the_median_of_the_repeated_days():
    """Days to verify come grouped by pair of dates with a count; the median must equal the plain one."""
    draw = random.Random(17)
    for _ in range(500):
        days = [draw.randint(-3, 40) for _ in range(draw.randint(1, 8))]
        counts = [draw.randint(1, 5) for _ in days]
        repeated = [day for day, n in zip(days, counts) for _ in range(n)]
        assert weighted_median(pd.Series(days), pd.Series(counts)) == statistics.median(repeated), (days, counts)


def test_the_signals_page_draws_its_charts_with_vega_lite_not_plotly(app, sample_db_url):
    """A fresh tab never loads plotly.js for this page (1.1 s of script evaluation on this machine);
    the funnel's bars and labels are the page's counts."""
    at = app("signals")
    assert not at.exception
    assert len(at.get("plotly_chart")) == 0
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2
    tiles = {metric.label: metric.value for metric in at.metric}
    (bars,) = vega_rows(charts[0])
    assert {stage: f"{count:,}" for stage, count in zip(bars["stage"], bars["count"])} == {
        label_of("signal_stage", stage): tiles[label_of("signal_stage", stage)]
        for stage in ("received", "sent", "verified", "included")}


def test_the_funnel_labels_each_stage_with_its_share_of_received():
    from components.signal_panels import build_funnel, build_monthly_figure

    chart = build_funnel({"received": 1200, "sent": 600, "verified": 300, "included": 0}).to_dict()
    rows = next(iter(chart["datasets"].values()))
    assert [row["label"] for row in rows] == ["1,200（100%）", "600（50%）", "300（25%）", "0（0%）"]
    nothing = build_funnel(dict.fromkeys(("received", "sent", "verified", "included"), 0)).to_dict()
    assert [row["label"] for row in next(iter(nothing["datasets"].values()))] == ["0"] * 4  # no share of nothing
    months = pd.DataFrame({"received": [5, 0], "included": [1, 0]}, index=["2026-10", "2026-11"])
    bars = next(iter(build_monthly_figure(months).to_dict()["datasets"].values()))
    assert sorted((row["month"], row["count"]) for row in bars) == [("2026-10", 1), ("2026-10", 5),
                                                                     ("2026-11", 0), ("2026-11", 0)]


def test_the_count_tables_separate_thousands_as_the_tiles_do(app):
    at = app("signals")
    received = next(frame for frame in at.dataframe if t("signals.col_year") in frame.value.columns)
    config = json.loads(received.proto.columns)
    for column in (t("signals.col_week"), t("signals.col_month"), t("signals.col_year")):
        assert config[column]["type_config"]["format"] == "localized", column
    assert t("signals.col_department") not in config  # a name column keeps its text
