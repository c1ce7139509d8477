"""一、项目概况: the project's background and goal, the budget total and how much of it the items list."""

from __future__ import annotations

import pandas as pd

from qdanalysis.analyse.spending import TOTAL, UNITEMISED
from qdanalysis.fmt import pct, wan
from qdanalysis.present.blocks import WARNING, Block, Placeholder, Table, TableLayout, derived, joined, para
from qdanalysis.present.sections.base import Context, Section

#: What the 项目信息 sheet gives the section, in order, with the key each paragraph carries.
PROJECT_FIELDS = {"background": "项目背景", "goal": "总体目标"}

#: What a 项目信息 row 资金来源 says when all the money is the year's fiscal appropriation (当年财政拨款).
ALL_FISCAL = ("均为财政拨款", "全部为财政拨款", "财政拨款", "当年财政拨款")


def project_info(project: pd.DataFrame) -> dict[str, str]:
    """The 项目信息 sheet as field -> text (rows without text left out)."""
    return {f: t.strip() for f, t in zip(project["field"], project["text"]) if isinstance(t, str) and t.strip()}


def all_fiscal(project: pd.DataFrame) -> bool:
    """Whether the 项目信息 sheet says the money is all 当年财政拨款 (资金来源：均为财政拨款)."""
    return project_info(project).get("资金来源", "").rstrip("。") in ALL_FISCAL


COMPOSITION = TableLayout(
    "项目构成", "项目构成",
    {"category": "类别", "items": "项目数", "items_disclosed": "列明预算数的项目", "budget": "已列明预算（万元）"},
    money=("budget",), integer=("items", "items_disclosed"))


PROJECT_INFO = TableLayout("项目信息", "项目信息", {"field": "事项", "text": "内容", "source": "来源"})


def composition(ctx: Context) -> Table:
    cats = ctx.analysis.categories
    return ctx.table(COMPOSITION, cats[~cats["category"].isin([UNITEMISED, TOTAL])])


def project(ctx: Context) -> list[Block]:
    """项目背景 and 总体目标 from the 项目信息 sheet; a visible placeholder where the sheet gives none."""
    info = {f: t for f, t in zip(ctx.data.project["field"], ctx.data.project["text"]) if isinstance(t, str)}
    out = []
    for key, field in PROJECT_FIELDS.items():
        if field in info:
            out.append(para("{field}：{text}", key=key, field=field, text=info[field]))
        else:
            out.append(para("{field}：{what}", WARNING, key=key, field=field,
                            what=Placeholder(field)))
    return out


def blocks(ctx: Context) -> list[Block]:
    d = ctx.data
    b, h = d.budget, ctx.analysis.headline
    table = composition(ctx)
    listed = h.items_budgeted
    if listed == len(b):
        detail = para("全部{n}个项目均列明了预算数。", n=listed)
    else:
        detail = para("其中{listed}个项目列明了预算数，合计{known}（占预算总额{share}）；其余{rest}个项目未列明预算数，"
                      "合计{undisclosed}（推算：预算总额减已列明数）。", listed=listed, known=wan(h.budget_listed),
                      share=pct(h.budget_listed_share), rest=len(b) - listed,
                      undisclosed=derived(wan(d.undisclosed.get("budget")), "预算总额减已列明数"))
    lead = para("{year}年项目预算{budget}，共{ncat}大类、{nitems}个明细项目。", key="budget", year=d.year,
                budget=wan(d.totals["budget"]), ncat=len(table.frame), nitems=len(b))
    return [*project(ctx), joined(lead, detail), table]


def sheets(ctx: Context) -> list[Table]:
    """表 项目构成, and the 项目信息 sheet as read (the report and the draft name it as the source of their texts)."""
    project = ctx.data.project
    return [composition(ctx)] + ([ctx.table(PROJECT_INFO, project, shown=False)] if len(project) else [])


SECTION = Section("overview", "项目概况", "项目的预算总额、类别构成，以及有多少项目列明了金额。", blocks, sheets)
