"""bench.build: times every stage of a sample build (a short run of the 10-million-household one)."""

from __future__ import annotations

from sqlalchemy import func, select

from db.engine import make_engine
from db.schema import household, signal_review


def test_the_build_bench_times_every_stage_and_builds_the_sample(tmp_path, capsys):
    from bench.build import PHASES, main

    url = f"sqlite:///{tmp_path / 'build.db'}"
    assert main(["--db", url, "--households", "1500", "--counties", "2", "--until", "2026-11-20"]) == 0
    shown = capsys.readouterr().out
    assert "build of 1,500 households (2 counties, 1 cities)" in shown
    for phase in PHASES:  # each stage the generator reports, with its seconds
        assert f"  {phase:22} " in shown, phase
    assert "households/s" in shown
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(household)).scalar() == 1500
        assert connection.execute(select(func.count()).select_from(signal_review)).scalar() > 0
    engine.dispose()
