"""The pages of the app: one row each, the single source for navigation and page tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent.parent / "views"


@dataclass(frozen=True)
class PageSpec:
    """A page: its file under views/, its permalink url path and its catalogue label key."""

    file: str
    url_path: str
    label_key: str
    default: bool = False

    @property
    def path(self) -> Path:
        """Absolute path of the page script."""
        return PAGES_DIR / self.file


# url paths are permalinks people bookmark (DESIGN §4): never rename one. Streamlit serves its
# default page at "/" only (at /overview it logs "page does not exist"), so no page is the
# default: app.py forwards "/" to the first page, the cockpit, and every page keeps its own path.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview.py", "overview", "page.overview"),
    PageSpec("drill.py", "drill", "page.drill"),
    PageSpec("map.py", "map", "page.map"),
    PageSpec("risk.py", "risk", "page.risk"),
    PageSpec("tasks.py", "tasks", "page.tasks"),
    PageSpec("trends.py", "trends", "page.trends"),
    PageSpec("brief.py", "brief", "brief.page"),
    PageSpec("quality.py", "quality", "quality.title"),  # leaders and the data office (RESTRICTED_PAGES)
    PageSpec("signals.py", "signals", "signals.title"),  # leaders, township and village users, data office
    PageSpec("audit.py", "audit", "audit_log.title"),  # county leaders only (components.roles.RESTRICTED_PAGES)
)


def page_path(url_path: str) -> str | None:
    """The script path of the page with that url path, or None when there is no such page."""
    spec = next((spec for spec in PAGES if spec.url_path == url_path), None)
    return str(spec.path) if spec else None
