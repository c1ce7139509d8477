"""A plain-text summary of one year's data, for the terminal (``qdanalysis summary``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .errors import display_path
from .year import YearData


def wan_text(yuan) -> str:
    """元 as 万元 with two decimals, rounded half up like the seed report; 未披露 when unknown."""
    if yuan is None:
        return "未披露"
    return f"{(Decimal(yuan) / 10000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}万元"


def percent_text(ratio) -> str:
    if ratio is None:
        return "未披露"
    return f"{(Decimal(ratio) * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def year_summary(data: YearData) -> str:
    t = data.totals
    b = data.budget
    lines = [
        f"{data.year}年数据摘要（{display_path(data.folder)}）",
        f"  预算数 {wan_text(t['budget'])}，执行数 {wan_text(t['executed'])}，执行率 {percent_text(t['execution_rate'])}",
        f"  项目 {len(b)} 个，{b['category'].nunique()} 类；列明预算数的 {int(b['budget'].notna().sum())} 个，"
        f"未逐项披露的预算 {wan_text(data.undisclosed.get('budget'))}",
        f"  合同 {len(data.contracts)} 份，线路 {len(data.lines)} 行，短信结算 {len(data.sms)} 行，绩效指标 {len(data.indicators)} 个",
    ]
    if data.missing:
        lines.append("  未提供：" + "、".join(data.missing))
    if data.warnings:
        lines.append("  数据核对提示：")
        lines += [f"    - {w}" for w in data.warnings]
    return "\n".join(lines)
