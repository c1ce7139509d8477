"""The report's head: its title, where its figures come from, and what the year does not provide."""

from __future__ import annotations

from qdanalysis.domain import DEMO_LABEL
from qdanalysis.present.blocks import NOTE, TITLE, WARNING, Block, para
from qdanalysis.present.sections.base import Context, Section


def heading(ctx: Context) -> str:
    """The report's title, with the year in front when the title does not name it."""
    year = ctx.data.year
    return ctx.title if str(year) in ctx.title else f"{year}年{ctx.title}"


def blocks(ctx: Context) -> list[Block]:
    d = ctx.data
    out = [para("{heading}", TITLE, heading=heading(ctx)),
           para("数据来源：{books}。金额单位：万元（保留两位小数，四舍五入）；空白或“未披露”表示数据未给出，不按零计。",
                NOTE, books=ctx.workbooks())]
    if ctx.demo:
        out.insert(1, para("【{label}】本报告使用程序生成的示例数据，所有数字均非真实数据，仅用于演示。", WARNING,
                           label=DEMO_LABEL))
    if d.missing:
        out.append(para("本年度未提供：{missing}。相关章节注明“未提供”。", NOTE, missing="、".join(d.missing)))
    return out


SECTION = Section("header", "", "", blocks)
