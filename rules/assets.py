"""Project-asset income use (收益分配).

Seed 003: "扶贫项目资产收益重点要用于巩固拓展脱贫攻坚成果和全面推进乡村振兴……严禁采取简单发钱发物、一分了之
的做法进行收益分配。" Seed 000 (七): "资产收益重点用于项目运行管护、巩固拓展脱贫攻坚成果、村级公益事业等。"
"""

from __future__ import annotations

from rules.settings import SETTINGS

CASH_USE = "cash"  # handed out as money or goods
CASH_SHARE = SETTINGS.cash_share


def handed_out(uses: dict[str, float]) -> bool:
    """True when at least CASH_SHARE of an asset's income in a year was simply handed out (一分了之)."""
    total = sum(uses.values())
    return total > 0 and uses.get(CASH_USE, 0.0) >= CASH_SHARE * total
