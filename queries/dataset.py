"""Facts about the dataset itself: is it sample data, and the areas at the top of the tree."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from db.schema import area, dataset_info
from queries.gateway import cached, read


@cached
def dataset_facts(db: str) -> dict[str, str]:
    """The dataset_info table as a dict (empty for databases loaded by other systems)."""
    frame = read(db, select(dataset_info.c.key, dataset_info.c.value))
    return dict(zip(frame["key"], frame["value"]))


@cached
def top_areas(db: str) -> pd.DataFrame:
    """Areas with no parent: the roots a default (sample-mode) scope starts from."""
    return read(db, select(area.c.code, area.c.level, area.c.name)
                .where(area.c.parent_code.is_(None)).order_by(area.c.code))
