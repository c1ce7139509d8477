"""A plain-text summary of one year's analysis, for the terminal (``qdanalysis summary``)."""

from __future__ import annotations

from pathlib import Path

from qdanalysis.analyse.findings import SEVERITIES, TEAM_ORIGIN
from qdanalysis.analyse.scoring_table import number_text, score_text
from qdanalysis.analyse.year import YearAnalysis
from qdanalysis.domain import FIXED, NOT_FIXED, PARTLY_FIXED, TO_VERIFY
from qdanalysis.errors import display_path
from qdanalysis.fmt import pct, wan
from qdanalysis.money import is_missing, round_half_up, to_decimal


def scoring_source(result) -> str:
    """Where a score's table came from: its file, the preset, or the year's 绩效指标 sheet."""
    file = str(result.file)
    if file.endswith((".yaml", ".yml")):
        path = Path(file)
        return f"预置评分表 {path.stem}" if path.parent.name == "presets" else display_path(file)
    return file


def score_line(analysis: YearAnalysis) -> str:
    """The score in one line: which table and why, the result, and what is not yet confirmed."""
    r = analysis.score
    if r is None:
        return "评分：未评分（未指定评分表）"
    if r.graded:
        result = f"总分 {score_text(r.total)} 分（满分 {number_text(r.max_total)} 分），等级「{r.grade}」"
    elif not r.evidenced_max:
        result = "暂不定级，全部指标均未确认，尚无得分"
    else:
        low, high = r.score_range
        rate = "" if r.evidenced_rate is None else f"（{r.evidenced_rate:.1%}）"
        estimate, _ = r.estimate
        result = (f"暂不定级，已确认的指标得 {score_text(r.total)}/{number_text(r.evidenced_max)} 分{rate}，"
                  f"总分可能在 {score_text(low)}—{score_text(high)} 分之间，按系统建议计约 {score_text(estimate)} 分")
    parts = [f"{what} {len(names)} 项（{number_text(w)} 分）" for what, names, w in (
        ("待核实", r.doubted, r.doubted_weight), ("待补充佐证", r.missing, r.missing_weight)) if names]
    pending = "；".join(parts) if parts else "全部指标均已确认"
    why = f"，{r.kind}" + (f"：{r.chosen}" if r.chosen else "") if r.kind else ""
    line = f"评分表：{scoring_source(r)}（{r.name}{why}）；{result}；{pending}"
    if r.self_scores and r.self_total is not None:  # the unit's own, beside ours, never in it
        blank = sum(v is None for v in r.self_scores.values())
        line += (f"；单位自评合计 {score_text(r.self_total)} 分（单位填报，不计入本评价"
                 + (f"；{blank} 项未填写" if blank else "") + "）")
    return line


def year_summary(analysis: YearAnalysis) -> str:
    data = analysis.data
    t = data.totals
    b = data.budget
    counts = "，".join(f"{title} {n}行" for name, title, n in data.row_counts() if name != "budget")
    lines = [
        f"{data.year}年数据摘要（{display_path(data.folder)}）",
        f"  预算数 {wan(t['budget'])}，执行数 {wan(t['executed'])}，执行率 {pct(t['execution_rate'])}",
        f"  项目 {len(b)} 个，{b['category'].nunique()} 类；列明预算数的 {int(b['budget'].notna().sum())} 个，"
        f"未逐项列明的预算 {wan(data.undisclosed.get('budget'))}（推算）",
        f"  {counts}",
    ]
    if data.missing:
        lines.append("  未提供：" + "、".join(data.missing))
    lines += [f"  注：{note}" for note in data.notes]
    if data.unused:
        lines.append("  未使用的工作表：")
        lines += [f"    - {sheet}" for sheet in data.unused]
    if data.skipped:
        lines.append("  未读取的文件：")
        lines += [f"    - {s.text()}" for s in data.skipped]
    lines.append("  " + score_line(analysis))
    if analysis.warnings:
        lines.append("  数据核对提示：")
        lines += [f"    - {w}" for w in analysis.warnings]
    return "\n".join(lines)


def conclusion_lines(analysis: YearAnalysis) -> list[str]:
    """The report's conclusion in a few lines, for the top of the HTML report: the money, the score, the findings."""
    t = analysis.data.totals
    r = analysis.score
    lines = [f"{analysis.data.year}年预算数 {wan(t.get('budget'))}，执行数 {wan(t.get('executed'))}，"
             f"执行率 {pct(t.get('execution_rate'))}。",
             "评分（按评分表计算的建议分，以评价组的评价记录为准）：" + (r.headline() if r is not None else "本次未评分。")]
    counts = {level: sum(f.severity == level for f in analysis.findings) for level in SEVERITIES}
    found = "、".join(f"{level} {n} 项" for level, n in counts.items() if n)
    lines.append(f"发现的问题（工具提出，待评价组确认）：共 {len(analysis.findings)} 项" + (f"，其中严重程度{found}" if found else "")
                 + "，详见“主要问题与建议”。" if analysis.findings else "发现的问题：工具未发现需提请评价组注意的问题。")
    return lines


def run_payload(analysis: YearAnalysis) -> dict:
    """What an annual run hands to the runner and the portfolio overview, as JSON values.

    Money stays exact: amounts in 元 are written as decimal text (``"9246800.00"``), ratios as
    floats, and a figure the data does not give as None (未披露), never 0.
    """
    data = analysis.data
    t = data.totals
    r = analysis.score
    severities = {level: 0 for level in SEVERITIES}
    for finding in analysis.findings:
        if finding.severity in severities:  # a team finding may have none
            severities[finding.severity] += 1
    return {
        "year": data.year,
        "demo": bool(data.demo),
        "score": score_line(analysis),
        "budget": _money(t.get("budget")),
        "executed": _money(t.get("executed")),
        "execution_rate": _ratio(t.get("execution_rate")),
        "graded": None if r is None else bool(r.graded),
        "grade": "未评分" if r is None else r.grade,
        "total": None if r is None else float(r.total),
        "max_total": None if r is None else float(r.max_total),
        "recurring_share": _ratio(analysis.recurring.get("share")),
        "findings": severities,
        "findings_total": len(analysis.findings),  # with the team's own findings that carry no severity
        "findings_decided": sum(f.origin == TEAM_ORIGIN or bool(f.decision) for f in analysis.findings),
        "adjusted_budget": _money(t.get("adjusted_budget")),
        "balance": _money(balance(t)),
        "conclusion": conclusion_lines(analysis),
        "followup": followup_counts(analysis),
    }


def balance(totals: dict):
    """结余: the budget the execution rate divides by (the adjusted one where stated) less the
    executed amount, exact; None (未披露) when either is not stated."""
    base = totals.get("adjusted_budget")
    base = totals.get("budget") if is_missing(base) else base
    executed = totals.get("executed")
    return None if is_missing(base) or is_missing(executed) else to_decimal(base) - to_decimal(executed)


def followup_counts(analysis: YearAnalysis) -> dict | None:
    """What became of the year before's problems, counted by status (``fixed`` 已整改, ``partly`` 部分整改,
    ``open`` 未整改, ``unverified`` 待核实) for the portfolio overview; None when the year before is not known;
    ``unread`` (no counts) when its data folder is there but refused and nothing else names its problems."""
    f = analysis.followup
    if f is None:
        return None
    if not f.source:  # its data folder is there but refused, nothing else names the problems: no count
        return {"year": f.year, "unread": True}
    return {"year": f.year, "fixed": f.count(FIXED), "partly": f.count(PARTLY_FIXED), "open": f.count(NOT_FIXED),
            "unverified": f.count(TO_VERIFY)}


def _money(value) -> str | None:
    return None if is_missing(value) else f"{round_half_up(value, 2):f}"


def _ratio(value) -> float | None:
    return None if is_missing(value) else float(value)
