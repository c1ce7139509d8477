"""A plain-text summary of one year's analysis, for the terminal (``qdanalysis summary``)."""

from __future__ import annotations

from qdanalysis.analyse.year import YearAnalysis
from qdanalysis.errors import display_path
from qdanalysis.fmt import pct, wan
from qdanalysis.read.inputs import INPUTS


def year_summary(analysis: YearAnalysis) -> str:
    data = analysis.data
    t = data.totals
    b = data.budget
    counts = "，".join(f"{table.title} {len(data.frames[table.name])}行" for table in INPUTS if table.name != "budget")
    lines = [
        f"{data.year}年数据摘要（{display_path(data.folder)}）",
        f"  预算数 {wan(t['budget'])}，执行数 {wan(t['executed'])}，执行率 {pct(t['execution_rate'])}",
        f"  项目 {len(b)} 个，{b['category'].nunique()} 类；列明预算数的 {int(b['budget'].notna().sum())} 个，"
        f"未逐项列明的预算 {wan(data.undisclosed.get('budget'))}（推算）",
        f"  {counts}",
    ]
    if data.missing:
        lines.append("  未提供：" + "、".join(data.missing))
    if analysis.warnings:
        lines.append("  数据核对提示：")
        lines += [f"    - {w}" for w in analysis.warnings]
    return "\n".join(lines)
