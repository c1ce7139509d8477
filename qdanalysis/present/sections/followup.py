"""上年评价发现问题整改情况: each problem of the year before (the data's and the team's, 不采纳 ones not followed)
with its status: the team's from its 整改情况 record, else the rule's proposal (系统建议), else 待核实."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qdanalysis.analyse.findings import DATA_ORIGIN
from qdanalysis.analyse.followup import FROM_DATA, FROM_RECORD, FROM_SHEET, FollowUp, FollowUpItem, Unread
from qdanalysis.domain import FIXED, FOLLOWUP_STATUSES, NOT_FIXED, PARTLY_FIXED, TO_VERIFY
from qdanalysis.present.blocks import NOTE, Block, Placeholder, Table, TableLayout, bold, para
from qdanalysis.present.sections.base import Context, Section

#: The section's key: the draft's outline and the portfolio overview's link refer to it.
KEY = "followup"
#: How the report marks a status that is the rule's, not yet the team's.
PROPOSAL = "系统建议，待评价组确认"
#: How the year before's problems are known, as the report says it.
SOURCE_WORDS = {FROM_DATA: "上年数据分析及评价组的处理记录", FROM_SHEET: "本年度文件夹中的“上年主要问题”表（上年报告导出表）",
                FROM_RECORD: "评价组的“整改情况”记录"}
COLUMNS = {"number": "上年序号", "code": "编号", "title": "上年问题", "category": "类别", "status": "整改状态",
           "whose": "认定", "evidence": "数据分析情况", "measures": "整改措施及佐证"}
#: The one sentence a year whose previous year is not known gets (under 主要问题与建议; the draft's 七): no section.
ABSENT = "未提供上年度评价的资料（上年度数据文件夹、上年主要问题表或整改情况记录），本报告不列示上年评价发现问题的整改情况。"


#: What the section says when the year before's data is refused and nothing else names its problems.
NOTHING_ELSE = ("本年度文件夹中也没有“上年主要问题”表或“整改情况”记录，上年评价发现问题的整改情况无法列示，本报告不列示"
                "任何上年问题；改正上年数据，或在本年度文件夹中提供上述表格之一，重新生成报告后即可列示。")


def unread_text(u: Unread, source: str) -> str:
    """The year before's data folder is there but refused: where its first problem is, how to see them all, and
    what the section uses instead (``source``; "" when nothing)."""
    p = u.first
    name = Path(p.file).name if Path(p.file).suffix else p.file
    where = (f"《{name}》" + (f"「{p.sheet}」表" if p.sheet else "") + (f"第{p.row}行" if p.row is not None else "")
             + (f"“{p.column}”列" if p.column else ""))
    more = f"共{u.count}处问题，" if u.count > 1 else ""
    text = (f"{u.year}年度的数据文件夹存在，但其数据未能读取，不能据以列示上年问题（首个问题在{where}："
            f"{p.message.rstrip('。')}；{more}全部问题请运行 {u.command} 查看）。")
    return text + (f"本节改据{SOURCE_WORDS[source]}列示。" if source else NOTHING_ELSE)


def whose(item: FollowUpItem) -> str:
    """``评价组核实（张三，2021-05-20）``, ``系统建议，待评价组确认`` or ``数据无法判断，待评价组核实``."""
    if item.decided:
        return "评价组核实" + (f"（{item.by}）" if item.by else "")
    return PROPOSAL if item.proposed else "数据无法判断，待评价组核实"


def items_frame(followup: FollowUp) -> pd.DataFrame:
    """One row per problem of the year before, in that report's order."""
    rows = []
    for i in followup.items:
        p = i.problem
        done = "；".join(x for x in (i.measures, f"佐证：{i.proof}" if i.proof else "") if x)
        rows.append({"number": p.number, "code": p.code, "title": p.title or "（上年问题标题未给出）",
                     "category": p.category, "status": i.status, "whose": whose(i), "evidence": i.evidence,
                     "measures": done})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def intro(f: FollowUp) -> str:
    data = sum(1 for i in f.items if i.problem.origin == DATA_ORIGIN)
    team = len(f.items) - data
    counts = "、".join(f"{s}{n}个" for s in FOLLOWUP_STATUSES if (n := f.count(s)))
    split = f"（数据分析发现{data}个、评价组核查发现{team}个）" if data and team else ""
    text = (f"据{SOURCE_WORDS[f.source]}，{f.year}年评价发现问题{len(f.items)}个{split}" +
            (f"，整改情况为：{counts}。" if counts else "。"))
    decided = sum(1 for i in f.items if i.decided)
    proposed = sum(1 for i in f.items if not i.decided and i.proposed)
    if decided:
        text += f"其中{decided}个经评价组核实；"
    if proposed:
        text += f"{proposed}个的整改状态为数据分析的{PROPOSAL}（同一规则本年不再发现、发现范围缩小或仍然发现）；"
    unknown = len(f.items) - decided - proposed
    if unknown:
        text += f"{unknown}个数据无法判断，待评价组核实；"
    text = text.rstrip("；") + "。" if text.endswith("；") else text
    if f.not_followed:
        text += f"上年评价组不采纳的系统发现{len(f.not_followed)}个，不列入整改跟踪。"
    return text


def blocks(ctx: Context) -> list[Block]:
    f = ctx.analysis.followup
    if f is None:  # no section: the findings section says so in one sentence (ABSENT)
        return []
    first: list[Block] = [para(unread_text(f.unread, f.source), NOTE)] if f.unread is not None else []
    if not f.source:  # the year before's data refused, nothing else names its problems: none is invented
        return first
    if not f.items:
        return first + [para(f"据{SOURCE_WORDS[f.source]}，{f.year}年评价未列出问题，无需跟踪整改。")]
    out: list[Block] = [*first, para(intro(f))]
    layout = TableLayout("上年问题整改情况", f"{f.year}年评价发现问题整改情况", dict(COLUMNS),
                         widths={"title": 30, "evidence": 60, "measures": 40})
    out.append(ctx.table(layout, items_frame(f)))
    for i in f.items:
        label = f"第{i.problem.number}条" if i.problem.number else f"编号{i.problem.code}"
        if i.disagrees:
            out.append(para("{head}：评价组认定为{status}，数据分析的系统建议为{proposed}，二者不一致，以评价组认定为准。", NOTE,
                            head=bold(f"{label}“{i.problem.title}”"), status=i.status, proposed=i.proposed))
    open_ = [i for i in f.items if i.status in (PARTLY_FIXED, NOT_FIXED) and not i.measures]
    if open_:
        labels = "、".join(i.problem.number or i.problem.code for i in open_)
        out.append(para("未整改或部分整改、尚无整改措施记录的{n}个问题（上年第{labels}条）：{what}。", NOTE, n=len(open_),
                        labels=labels, what=Placeholder("整改措施、未完成整改的原因及下一步安排")))
    if any(i.status == TO_VERIFY for i in f.items):
        out.append(para("待核实的问题，请评价组在“整改情况”表中逐条填写整改状态、整改措施和佐证。", NOTE))
    if any(i.status == FIXED and not i.decided for i in f.items):
        out.append(para("“已整改”的系统建议仅表明同一规则在本年数据中不再发现该问题，整改是否到位以评价组核实为准。", NOTE))
    return out


def sheets(ctx: Context) -> list[Table]:
    f = ctx.analysis.followup
    if f is None or not f.items:
        return []
    layout = TableLayout("上年问题整改情况", f"{f.year}年评价发现问题整改情况", dict(COLUMNS),
                         widths={"title": 30, "evidence": 60, "measures": 40})
    return [ctx.table(layout, items_frame(f), shown=False)]


SECTION = Section(KEY, "上年评价发现问题整改情况",
                  "上年评价发现的问题（数据分析的和评价组核查的，上年不采纳的除外）逐条列示整改状态：已整改、部分整改、未整改或待核实。"
                  "评价组在“整改情况”表中核实的，以评价组的认定为准；未核实的，能由同一规则在本年数据中判断的列为系统建议，其余待核实。",
                  blocks, sheets, optional=True)
