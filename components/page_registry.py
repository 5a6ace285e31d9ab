"""The pages of the app: one row each, the single source for navigation and page tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    """A page: its file under pages/, its permalink url path and its catalogue label key."""

    file: str
    url_path: str
    label_key: str
    default: bool = False

    @property
    def path(self) -> Path:
        """Absolute path of the page script."""
        return PAGES_DIR / self.file


# url paths are permalinks people bookmark (DESIGN §4): never rename one. Streamlit serves the
# default page at "/" only, so until the cockpit (`overview`) exists no page is the default and
# "/" forwards to the first page, keeping every listed page reachable at its own path.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("drill.py", "drill", "page.drill"),
    PageSpec("brief.py", "brief", "brief.page"),
)
