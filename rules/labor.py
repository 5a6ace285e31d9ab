"""A household's labour capacity from its members' 劳动技能 (the rule import-ledger and the sample share).

The rule (a local reading of the national system's codes, documented in the README):
- normal: at least one member is 普通劳动力 (normal) or 技能劳动力 (skilled);
- weak: no such member, but at least one 弱劳动力或半劳动力 (weak);
- none: every member is 丧失劳动力 (lost) or 无劳动力 (none: children, the old);
- unknown (None): no member has a recorded skill, so nothing is claimed.
"""

from __future__ import annotations

from collections.abc import Iterable

ABLE_SKILLS = frozenset({"normal", "skilled"})
WEAK_SKILLS = frozenset({"weak"})
NO_LABOR_SKILLS = frozenset({"lost", "none"})


def household_labor(skills: Iterable[str | None]) -> str | None:
    """normal / weak / none for a household whose members have these skill codes (None: unknown)."""
    known = {skill for skill in skills if skill}
    if known & ABLE_SKILLS:
        return "normal"
    if known & WEAK_SKILLS:
        return "weak"
    if known & NO_LABOR_SKILLS:
        return "none"
    return None
