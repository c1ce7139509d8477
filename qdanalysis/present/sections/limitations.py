"""十一、其他需要说明的问题: what the data does not say, which limits the evaluation (not the unit's problems)."""

from __future__ import annotations

from qdanalysis.analyse.findings import findings_table
from qdanalysis.present.blocks import NOTE, Block, Table, TableLayout, bold, para
from qdanalysis.present.sections.base import Context, Section


def blocks(ctx: Context) -> list[Block]:
    items = ctx.analysis.limitations
    if not items:
        return [para("数据未显示需要说明的局限。")]
    out: list[Block] = [para("以下{n}项属于数据本身的局限，不列为项目单位的问题；补充相关材料后，相应结论应重新核对。",
                             n=len(items))]
    for f in items:
        out.append(para("{title}：{summary}", key="limitation", title=bold(f.title), summary=f.summary))
        out.append(para("需补充：{rec}", NOTE, rec=f.recommendation))
    return out


def sheets(ctx: Context) -> list[Table]:
    frame = findings_table(ctx.analysis.limitations)
    return [ctx.table(TableLayout("数据局限", "其他需要说明的问题（数据局限）", {c: c for c in frame.columns}), frame,
                      shown=False)]


SECTION = Section("limitations", "其他需要说明的问题",
                  "数据本身的局限：缺少支付记录、缺少完成值等，影响评价结论的完整性，不列为项目单位的问题。", blocks, sheets)
