"""九、评分: the score sheet computed from the data; what lacks evidence is listed, never scored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from qdanalysis.analyse.findings import in_report_order
from qdanalysis.analyse.rules.registry import RULES
from qdanalysis.analyse.scoring import display_sheet
from qdanalysis.analyse.scoring_table import SELF_SCORE_LABEL, SHEET_LABELS, STATUS_DOUBT, number_text
from qdanalysis.fmt import format_number
from qdanalysis.present.blocks import NOTE, WARNING, Block, Placeholder, Table, TableLayout, para, text_cell
from qdanalysis.present.sections.base import Context, Section

#: The rules that judge how an indicator is set: their findings are shown beside the score.
INDICATOR_CHECKS = tuple(rule.code for rule in RULES if rule.indicator_setting)


def _score_text(value: Any) -> str:
    return format_number(value, 2) if isinstance(value, (int, float, Decimal)) and not pd.isna(value) else text_cell(value)


def table(ctx: Context, *, full: bool = True) -> Table | None:
    """The score sheet (None when the year is not scored); the Excel sheet's caption names the scoring table.

    ``full=False`` leaves out the 系统建议 and 评分要点 columns: the report states each proposal in a
    paragraph above the table, which keeps to the width of the page; the Excel sheet keeps both.
    """
    result = ctx.analysis.score
    if result is None:
        return None
    sheet = display_sheet(result)
    if not full:
        sheet = sheet.drop(columns=[SHEET_LABELS["proposal"], SHEET_LABELS["points"]])
    layout = TableLayout("评分", "绩效评分", {c: c for c in sheet.columns},
                         text={c: _score_text for c in ("分值", "得分", SELF_SCORE_LABEL)})
    return ctx.table(layout, sheet, sheet_suffix=f"：{result.name}")


def blocks(ctx: Context) -> list[Block]:
    result = ctx.analysis.score
    if result is None:
        return [para("本次未评分（未指定评分表）。", NOTE)]
    out: list[Block] = [
        para("采用评分表“{name}”（依据：{source}）。", name=result.name, source=result.source),
        para("{headline}", "p" if result.graded else WARNING,
             headline=result.headline() + ("" if result.pending else "全部指标均已确认。"))]
    sheet = result.sheet.set_index("name")
    if result.doubted:
        out.append(para("待核实（{n}项，分值合计{w}分）：{items}。本工具对这些指标的佐证存疑，不计分；评价组在“评价记录”表中"
                        "核实实际完成值或直接给分后计分。", WARNING, n=len(result.doubted),
                        w=number_text(result.doubted_weight),
                        items="；".join(f"{name}（{sheet.loc[name, 'basis'].removeprefix(STATUS_DOUBT + '：').split('。')[0]}）"
                                       for name in result.doubted)))
    if result.missing and result.graded:  # else the headline names them
        out.append(para("待补充佐证（{n}项，分值合计{w}分）：{names}。这些指标不计分，也不按满分计；"
                        "请在“评价记录”表中逐项填写核实的实际完成值或得分及佐证材料后重新评分。",
                        n=len(result.missing), w=number_text(result.missing_weight), names="、".join(result.missing)))
    for proposal in result.proposals:
        out.append(para("系统建议（未计入得分）：“{name}”{text}", NOTE, name=proposal.name, text=proposal.text()))
    for flag in result.flags:
        out.append(para("{flag}", WARNING, flag=flag))
    if result.evaluators:
        out.append(para("评价人：{people}。各项得分的佐证材料见下表“佐证材料”列。", people="、".join(result.evaluators)))
    else:
        out.append(para("{what}", WARNING, what=Placeholder(
            "评价记录（评价人、日期、各指标的佐证材料和评价意见）")))
    checks = [f for f in in_report_order(ctx.analysis.findings) if f.rule_code in INDICATOR_CHECKS]
    if checks:
        out.append(para("指标设置核查（详见“主要问题与建议”决策类）：{text}", NOTE,
                        text="".join(f"{f.title}：{f.summary}" for f in checks)))
    if result.note:
        out.append(para("评分表说明：{note}", NOTE, note=result.note))
    if result.self_scores:
        out.append(para("{text}下表“{column}”一列为单位自评的得分，与本评价的“得分”分列，供对照。", NOTE,
                        text=result.self_summary(), column=SELF_SCORE_LABEL))
    out.append(table(ctx, full=False))
    return out


def sheets(ctx: Context) -> list[Table]:
    score = table(ctx)
    return [score] if score is not None else []


SECTION = Section("scoring", "评分",
                  "按评分表逐项计分：有佐证的指标按规则计分；缺少佐证的指标列为待补充佐证，佐证存疑的指标列为待核实，"
                  "均不计分，也不视为满分；两者分值合计超过定级阈值时暂不定级。", blocks, sheets)
