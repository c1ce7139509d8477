"""十二、数据核对: the figures that should agree across tables, where the data came from, what was not read."""

from __future__ import annotations

from qdanalysis.errors import display_path
from qdanalysis.present.blocks import NOTE, WARNING, Block, Table, TableLayout, para
from qdanalysis.present.sections.base import Context, Section
from qdanalysis.present.summary import scoring_source

CHECKS = TableLayout(
    "数据核对", "数据核对",
    {"check": "核对项", "formula": "算式", "computed": "核对数（万元）", "stated": "表列（万元）", "status": "结果",
     "detail": "说明"},
    money=("computed", "stated"))


def blocks(ctx: Context) -> list[Block]:
    d, a = ctx.data, ctx.analysis
    out: list[Block] = []
    if a.warnings:
        out.append(para("以下数字相互不一致，数据原样保留、未作修正，请核实：", WARNING))
        out += [para("{w}", WARNING, w=w) for w in a.warnings]
    else:
        out.append(para("各项核对均一致。"))
    out.append(ctx.table(CHECKS, a.checks))
    n = len(d.files)
    out.append(para("数据文件：{paths}。", NOTE, paths="、".join(display_path(f) for f in d.files) or display_path(d.folder)))
    if d.skipped:
        out.append(para("数据文件夹中以下文件未读取：{files}。", NOTE,
                        files="；".join(f"{display_path(s.path)}（{s.reason}；{s.hint}）" for s in d.skipped)))
    if d.processed is not None:
        out.append(para("数据读自 {stored}：由 ingest 从 {folder} 生成，{folder} 中的文件经 SHA-256 逐一核对"
                        "均未变化，本次未重新解析（{n}个工作簿）。", NOTE, stored=display_path(d.processed),
                        folder=display_path(d.folder), n=n))
    else:
        out.append(para("数据读自 {folder}（{n}个工作簿），本次解析并校验。", NOTE, folder=display_path(d.folder), n=n))
    for note in d.notes:
        out.append(para("{note}。", NOTE, note=note))
    if d.unused:
        out.append(para("以下工作表未使用：{sheets}。", NOTE, sheets="；".join(d.unused)))
    if a.score is not None and a.score.file:
        out.append(para("评分表：{file}（{name}）。", NOTE, file=scoring_source(a.score), name=a.score.name))
    return out


def sheets(ctx: Context) -> list[Table]:
    return [ctx.table(CHECKS, ctx.analysis.checks)]


SECTION = Section("checks", "数据核对", "各表之间应当相互印证的数字；不一致之处原样保留并列出，供核实。", blocks, sheets)
