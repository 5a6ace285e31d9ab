"""Matching boundary features to areas: by code (guessing the field), else by name under the right parent."""

from __future__ import annotations

import geopandas as gpd

from db.imports.batch import Problem
from db.imports.table import cell_text
from labels import label_of, t

# Field names seen in 三调 and bureau layers, tried first when guessing (format names, not UI text).
CODE_FIELDS = ("ZLDWDM", "XZQDM", "CJDCQDM", "CODE", "DM", "区划代码", "代码")
NAME_FIELDS = ("ZLDWMC", "XZQMC", "CJDCQMC", "NAME", "MC", "名称", "村名", "乡镇名称")
PREFIX = {"county": 6, "township": 9, "village": 12}  # digits of the code that name an area of the level
# Official names carry the committee's title; area lists mostly the short name.
NAME_ENDINGS = (("嘎查村民委员会", "嘎查"), ("村民委员会", "村"), ("居民委员会", "社区"), ("委员会", ""))


def area_key(value: object, level: str) -> str | None:
    """The area code a code value names at this level (ZLDWDM 19 digits -> its village), else None."""
    text = cell_text(value).replace(" ", "")
    if not (text.isdigit() and text.isascii() and len(text) >= PREFIX[level]):
        return None
    return text[:PREFIX[level]].ljust(12, "0")


def normal_name(name: object) -> str:
    """A name without spaces and with the committee's title shortened (某村村民委员会 -> 某村)."""
    text = "".join(cell_text(name).split())
    for ending, short in NAME_ENDINGS:
        if text.endswith(ending) and len(text) > len(ending):
            base = text[: -len(ending)]
            return base if base.endswith(short) else base + short  # 王台村村民委员会 and 王台村民委员会
    return text


def guess_code_field(frame: gpd.GeoDataFrame, codes: set[str], level: str) -> str | None:
    """The field whose values are long digit strings naming the most known areas (by prefix)."""
    best, best_score = None, 0
    fields = sorted((c for c in frame.columns if c != frame.geometry.name),
                    key=lambda c: (str(c).upper() not in CODE_FIELDS, str(c)))
    for field in fields:
        keys = [area_key(value, level) for value in frame[field]]
        score = sum(1 for key in keys if key in codes) * 2 + sum(1 for key in keys if key and len(cell_text(key)) >= 12)
        if score > best_score:
            best, best_score = field, score
    return best


def guess_name_field(frame: gpd.GeoDataFrame, names: set[str], exclude: str | None) -> str | None:
    """A known name field (ZLDWMC …), else the field whose values name the most known areas."""
    fields = [c for c in frame.columns if c not in (frame.geometry.name, exclude)]
    for field in fields:
        if str(field).upper() in NAME_FIELDS:
            return field
    scores = {field: sum(1 for value in frame[field] if normal_name(value) in names) for field in fields}
    best = max(scores, key=scores.get, default=None)
    return best if best is not None and scores[best] > 0 else None


def guess_parent_field(frame: gpd.GeoDataFrame, parent_names: set[str], exclude: set) -> str | None:
    """The field whose values name the most areas one level up (a 乡镇名称 beside the village name)."""
    fields = [c for c in frame.columns if c not in exclude and c != frame.geometry.name]
    scores = {field: sum(1 for value in frame[field] if normal_name(value) in parent_names) for field in fields}
    best = max(scores, key=scores.get, default=None)
    return best if best is not None and scores[best] > len(frame) / 2 else None


def match_features(frame: gpd.GeoDataFrame, areas: dict[str, tuple[str, str | None]], parents: dict[str, str],
           fields: tuple[str | None, str | None, str | None], level: str, sheet: str | None,
           problems: list[Problem]) -> list[str | None]:
    """The area code of each feature (None when unmatched, each named in a warning).

    fields are the code, name and parent-name fields; parents maps parent codes to their names.
    """
    code_field, name_field, parent_field = fields
    by_name: dict[str, list[str]] = {}
    for code, (name, _parent) in areas.items():
        by_name.setdefault(normal_name(name), []).append(code)
    parent_level = {"village": "township", "township": "county", "county": "county"}[level]
    matched: list[str | None] = []
    for number, (_, feature) in enumerate(frame.iterrows(), start=1):
        raw_code = feature[code_field] if code_field else None
        raw_name = feature[name_field] if name_field else None
        key = area_key(raw_code, level) if code_field else None
        candidates: list[str] = []
        if key not in areas:
            key = None
            candidates = by_name.get(normal_name(raw_name), []) if name_field else []
            parent = area_key(raw_code, parent_level) if code_field and level != "county" else None
            if len(candidates) > 1 and parent in parents:
                candidates = [code for code in candidates if areas[code][1] == parent]
            if len(candidates) > 1 and parent_field:
                parent_name = normal_name(feature[parent_field])
                candidates = [code for code in candidates if normal_name(parents.get(areas[code][1], "")) == parent_name]
            key = candidates[0] if len(candidates) == 1 else None
        if key is None:
            shown = " ".join(cell_text(v) for v in (raw_code, raw_name) if cell_text(v))
            reason = "ambiguous_name" if len(candidates) > 1 else "unmatched_feature"
            problems.append(Problem.warning(reason, t(f"boundary_import.{reason}", level=label_of("level", level),
                                                      count=len(candidates)),
                                            sheet=sheet, row=number, column=code_field or name_field, value=shown))
        matched.append(key)
    return matched
