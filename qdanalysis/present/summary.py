"""A plain-text summary of one year's data, for the terminal (``qdanalysis summary``)."""

from __future__ import annotations

from qdanalysis.errors import display_path
from qdanalysis.fmt import pct, wan
from qdanalysis.read.year import YearData


def year_summary(data: YearData) -> str:
    t = data.totals
    b = data.budget
    lines = [
        f"{data.year}年数据摘要（{display_path(data.folder)}）",
        f"  预算数 {wan(t['budget'])}，执行数 {wan(t['executed'])}，执行率 {pct(t['execution_rate'])}",
        f"  项目 {len(b)} 个，{b['category'].nunique()} 类；列明预算数的 {int(b['budget'].notna().sum())} 个，"
        f"未逐项披露的预算 {wan(data.undisclosed.get('budget'))}",
        f"  合同 {len(data.contracts)} 份，线路 {len(data.lines)} 行，短信结算 {len(data.sms)} 行，绩效指标 {len(data.indicators)} 个",
    ]
    if data.missing:
        lines.append("  未提供：" + "、".join(data.missing))
    if data.warnings:
        lines.append("  数据核对提示：")
        lines += [f"    - {w}" for w in data.warnings]
    return "\n".join(lines)
