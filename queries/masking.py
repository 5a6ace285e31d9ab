"""Masking of personal data, applied on the server before any value reaches a page."""

from __future__ import annotations

import pandas as pd

# Masked roles get household points on a grid of this many degrees (0.001° is about 110 m north-south
# and 95-105 m east-west in China): close enough to see a cluster, too coarse to find one house.
POINT_GRID_DEGREES = 0.001
_GRID_DECIMALS = 3


def mask_name(name: str | None) -> str:
    """张三 -> 张*, 张小三 -> 张*三, 欧阳小明 -> 欧**明: keep the first and last character."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _keep_ends(value: str | None, head: int, tail: int) -> str:
    # Too short to keep both ends without revealing everything: star it all.
    if not value:
        return ""
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_id_number(id_number: str | None) -> str:
    """Keep the first 6 (region) and last 4 characters of an ID number."""
    return _keep_ends(id_number, 6, 4)


def mask_phone(phone: str | None) -> str:
    """138****1234: keep the first 3 and last 4 digits."""
    return _keep_ends(phone, 3, 4)


_MASKERS = {"head_name": mask_name, "id_number": mask_id_number, "phone": mask_phone}


def mask_frame(frame: pd.DataFrame, full_detail: bool) -> pd.DataFrame:
    """Mask the personal columns of a result unless the viewer may see full detail."""
    if full_detail:
        return frame
    masked = frame.copy()
    for column, masker in _MASKERS.items():
        if column in masked.columns:
            masked[column] = masked[column].map(masker)
    return masked


def coarsen_points(frame: pd.DataFrame, full_detail: bool) -> pd.DataFrame:
    """Snap the lat/lon columns to the point grid unless the viewer may see full detail.

    A masked name beside an exact point still names the household; on the grid several houses
    share one point. Snapping (not random jitter) keeps the result the same on every view, so
    averaging many views reveals nothing more.
    """
    if full_detail:
        return frame
    coarse = frame.copy()
    for column in ("lat", "lon"):
        if column in coarse.columns:
            coarse[column] = pd.to_numeric(coarse[column]).round(_GRID_DECIMALS)
    return coarse
