"""Rule checks in words: the evidence of a rules.model.Check as one exact Chinese sentence."""

from __future__ import annotations

from datetime import date
from typing import Any

from labels import label_of, t
from rules.model import Check

# Which catalogue section names the codes an evidence value holds.
_CODE_SECTIONS = {"kinds": "assistance_kind", "items": "guarantee_item", "item": "guarantee_item",
                  "labor": "labor_capacity"}


def _shown(name: str, value: Any) -> str:
    if name in _CODE_SECTIONS:
        codes = value if isinstance(value, (tuple, list)) else (value,)
        return "、".join(label_of(_CODE_SECTIONS[name], code) for code in codes)
    if name == "monitored":
        return t("rules_evidence.monitored" if value else "rules_evidence.not_monitored")
    if isinstance(value, bool):
        return t("col.yes" if value else "col.no")
    if isinstance(value, float):
        return f"{value:,.0f}"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def evidence_text(evidence: str, values: dict[str, Any]) -> str:
    """The evidence sentence for an evidence key and its values (codes shown by their labels)."""
    if evidence == "no_recent_visit" and values.get("last") is None:
        evidence = "no_recent_visit_never"
    return t(f"rules_evidence.{evidence}", **{name: _shown(name, value) for name, value in values.items()})


def explain(check: Check) -> str:
    """The evidence sentence of a check."""
    return evidence_text(check.evidence, check.values)
