"""The Word draft's parts 一 and 二 in its own words: the items' contents, who implements the project and where its
money comes from, and the standard texts of 财预〔2020〕10号 (purpose, principles, methods).

Each function returns renderer-neutral blocks (:mod:`qdanalysis.present.blocks`). What the data gives fills its
slot (the 项目信息 sheet, the budget sheet's 来源 quotes); the standard texts are marked as such; what only the
evaluation team can supply is a placeholder naming what is missing.
"""

from __future__ import annotations

from qdanalysis.analyse.year import YearAnalysis
from qdanalysis.fmt import wan
from qdanalysis.present.blocks import NOTE, WARNING, Block, Placeholder, bold, para
from qdanalysis.present.sections.overview import all_fiscal, project_info

#: The methods 财预〔2020〕10号 lists (第二十条), from which the team chooses.
METHODS = ("成本效益分析法", "比较法", "因素分析法", "最低成本法", "公众评判法", "标杆管理法")

#: 评价目的 when the team has written none: the purpose 财预〔2020〕10号 gives an evaluation, in general words.
PURPOSE = ("通过对{name}{year}年度资金的决策、过程、产出和效益进行评价，了解资金使用和项目管理情况，客观反映绩效目标的"
           "实现程度，总结经验，查找问题，提出改进建议，为完善项目管理和以后年度预算安排提供参考。")

#: 评价原则: the four principles of 财预〔2020〕10号 第五条.
PRINCIPLES = ("评价原则：遵循科学公正、统筹兼顾、激励约束、公开透明的原则，运用科学合理的方法，按照规范的程序，对项目绩效"
              "进行客观、公正的反映；评价结果与预算安排、政策调整、改进管理挂钩，并依法依规公开。")

STANDARD_NOTE = "注：以上评价目的和评价原则为依据财预〔2020〕10号的通用表述。"


def _quote(source: object, item: str) -> str:
    """The source's words after its section reference (``一（一）2（1）①：…``), or "" when they only repeat the name."""
    if not isinstance(source, str) or not source.strip():
        return ""
    text = source.split("：", 1)[1] if "：" in source else source
    text = text.strip().rstrip("。")
    return "" if not text or text in item else text


def contents(analysis: YearAnalysis) -> list[Block]:
    """一（一）主要内容及实施情况: every item of the budget sheet, by category, with what its 来源 quotes."""
    budget = analysis.data.budget
    if budget.empty:
        return [para("{what}", WARNING, what=Placeholder("项目主要内容及实施情况"))]
    out: list[Block] = [para("{lead}根据预算执行表，项目包括{ncat}大类、{n}个明细项目，各项目内容按该表“来源”列摘录如下。",
                             lead=bold("主要内容及实施情况。"), ncat=budget["category"].nunique(), n=len(budget))]
    for k, (category, group) in enumerate(budget.groupby("category", sort=False), start=1):
        out.append(para("{head}", head=bold(f"（{k}）{category}（{len(group)}个项目）")))
        for r in group.to_dict("records"):
            label = " ".join(str(v) for v in (r.get("code"), r["item"]) if isinstance(v, str) and v)
            quote = _quote(r.get("source"), str(r["item"]))
            out.append(para("{label}{quote}", label=label, quote=f"：{quote}。" if quote else "。"))
    return out


def unit(analysis: YearAnalysis) -> list[Block]:
    """主管部门 and 实施单位 from the 项目信息 sheet."""
    info = project_info(analysis.data.project)
    parts = {f: info.get(f) or Placeholder(f) for f in ("主管部门", "实施单位")}
    return [para("主管部门：{a}；实施单位：{b}。", a=parts["主管部门"], b=parts["实施单位"])]


def funds(analysis: YearAnalysis) -> list[Block]:
    """资金来源: all 当年财政拨款 where the 项目信息 sheet says so, its words where it says otherwise, else a placeholder."""
    d = analysis.data
    source = project_info(d.project).get("资金来源")
    if all_fiscal(d.project):
        return [para("资金来源：{year}年预算{budget}，均为当年财政拨款。", year=d.year, budget=wan(d.totals.get("budget")))]
    if source:
        return [para("资金来源：{text}", text=source if source.endswith("。") else source + "。")]
    return [para("资金来源：{what}", WARNING, what=Placeholder("资金来源（当年财政拨款、上年结转资金、其他资金）"))]


def purpose(analysis: YearAnalysis, name: str) -> list[Block]:
    """评价目的 (the team's words from 项目信息, else the standard text) and 评价原则, the standard texts noted as such."""
    own = project_info(analysis.data.project).get("评价目的")
    first = (para("评价目的：{text}", text=own) if own
             else para("评价目的：" + PURPOSE.format(name=name, year=analysis.data.year)))
    note = STANDARD_NOTE if not own else STANDARD_NOTE.replace("评价目的和", "")
    return [first, para(PRINCIPLES), para(note, NOTE)]


def methods(analysis: YearAnalysis) -> list[Block]:
    """评价方法: what the data analysis compared (比较法), and the team's choice among 财预〔2020〕10号's methods."""
    a = analysis
    compared = ["预算执行数与预算数"]
    if not a.indicator_status.empty:
        compared.append("绩效指标实际完成值与指标值")
    if len(a.prices):
        compared.append("同类型、同带宽线路不同运营商的月租")
    if len(a.renewals) and a.renewals["cagr"].notna().any():  # a renewal whose amount is known
        compared.append("续签合同与前次合同的金额")
    if len(a.checks) > 1:
        compared.append("按合同单价和数量测算的费用与预算数")
    return [para("评价方法：数据分析采用比较法，逐项比较{listed}。其他方法由评价组选定：{what}", listed="；".join(compared),
                 what=Placeholder(f"选用的评价方法及其运用（财预〔2020〕10号所列：{'、'.join(METHODS)}）"))]
