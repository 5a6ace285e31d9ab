"""Compliance findings (风险消除规范性核查): eliminations that broke a procedural rule of seed 003."""

from __future__ import annotations

import pandas as pd

from rules.elimination import elimination_breaks
from rules.model import CaseFact

FINDING_COLUMNS = ("case_id", "household_id", "village_code", "head_name", "case_type", "identified_on",
                   "eliminated_on", "elimination_kind", "rule", "values")


def compliance_findings(candidates: pd.DataFrame) -> pd.DataFrame:
    """One row per broken rule among candidate eliminations (columns of queries.compliance)."""
    rows = []
    for row in candidates.itertuples():
        kind = row.elimination_kind if isinstance(row.elimination_kind, str) else None
        fact = CaseFact(int(row.case_id), row.case_type, row.identified_on, row.eliminated_on, kind)
        labor = row.labor_capacity if isinstance(row.labor_capacity, str) else None
        for broken in elimination_breaks(fact, labor):
            rows.append((fact.id, int(row.household_id), row.village_code, row.head_name, row.case_type,
                         row.identified_on, row.eliminated_on, kind, broken.code, broken.values))
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
