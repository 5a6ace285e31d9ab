"""The browser harness itself: waiting for the app must fail loudly when the page never settles."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SETTLE_ROUNDS, wait_for_app


class _Page:
    """Just enough of a Playwright page: the script state it reports, and how often it was asked."""

    def __init__(self, states: list[str]) -> None:
        self.states, self.asked = states, 0

    def wait_for_selector(self, selector: str, timeout: int) -> None:
        pass

    def wait_for_function(self, script: str, timeout: int) -> None:
        pass

    def wait_for_timeout(self, milliseconds: float) -> None:
        pass

    def get_attribute(self, selector: str, name: str) -> str:
        self.asked += 1
        return self.states[min(self.asked, len(self.states)) - 1]


def test_a_page_that_keeps_running_raises():
    page = _Page(["running"])
    with pytest.raises(AssertionError, match="never settled.*running"):
        wait_for_app(page)
    assert page.asked == SETTLE_ROUNDS


def test_a_page_that_settles_returns():
    page = _Page(["running", "notRunning"])
    wait_for_app(page)
    assert page.asked == 2
