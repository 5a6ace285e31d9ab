"""The load bench's own checks: a crossover is caught, an exception counts as an error, percentiles per page."""

from __future__ import annotations

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.load import Result, Session, report
from bench.soak import slope_per_hour


def _delta(text: str) -> ForwardMsg:
    message = ForwardMsg()
    message.delta.new_element.markdown.body = text
    return message


def _session() -> Session:
    user = {"name": "load01", "township_name": "green", "township": "1", "villages": ["a"]}
    return Session("http://127.0.0.1:1", user, foreign=["red town", "blue village"])


def test_another_session_s_area_is_a_crossover() -> None:
    session = _session()
    own = _delta("green and a")
    session._check(own, own.SerializeToString(), "overview")
    assert session.result.crossovers == []
    foreign = _delta("the rows of blue village")
    session._check(foreign, foreign.SerializeToString(), "drill")
    assert session.result.crossovers == ["load01 (green) got blue village on drill"]


def test_an_exception_element_is_an_error() -> None:
    session = _session()
    message = ForwardMsg()
    message.delta.new_element.exception.message = "boom"
    session._check(message, message.SerializeToString(), "risk")
    assert session.result.errors == ["risk: exception boom"]


def test_report_gives_percentiles_per_page_and_totals() -> None:
    first, second = Result(), Result()
    first.times = {"overview": [1.0, 2.0, 3.0]}
    second.times = {"overview": [4.0], "map": [0.5]}
    second.reconnects, second.sign_ins = 1, 2
    summary = report([first, second], sessions=2, minutes=1)
    assert summary["pages"]["overview"] == {"runs": 4, "p50": 2.5, "p95": 4.0}
    assert summary["pages"]["map"]["runs"] == 1
    assert summary["runs"] == 5 and summary["reconnects"] == 1 and summary["sign_ins"] == 2
    assert summary["errors"] == [] and summary["crossovers"] == []


def test_soak_growth_is_a_slope_per_hour() -> None:
    assert slope_per_hour([(0, 100.0), (1800, 110.0), (3600, 120.0)]) == 20.0
    assert slope_per_hour([(0, 5.0), (60, 5.0), (120, 5.0)]) == 0.0
