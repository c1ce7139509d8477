"""The multi-year report (notebook 2.0): the same measures across every year present, and what changed.

Every figure is a field of :class:`~qdanalysis.analyse.trends.Trends` or of a year's analysis; the
report arranges them into blocks (:mod:`qdanalysis.present.blocks`) and computes nothing of its own
but the wording.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from qdanalysis.analyse import trends as trends_analysis
from qdanalysis.analyse.checks import STATUS_DIFF
from qdanalysis.analyse.linking import item_label
from qdanalysis.analyse.trend_checks import STATUS_NOTHING
from qdanalysis.analyse.trends import Trends
from qdanalysis.domain import BASIS_WORDS, DEMO_LABEL, RECURRING_DEFINITION, UNDISCLOSED
from qdanalysis.errors import display_path
from qdanalysis.fmt import count_text, format_number, pct, placeholder, signed_pct, signed_points, wan
from qdanalysis.present import trends_budget, trends_payments, trends_problems
from qdanalysis.present import trends_cells as cells
from qdanalysis.present.blocks import Block, Chart, bold, derived, para, table
from qdanalysis.present.outline import Outline
from qdanalysis.present.render.html import show
from qdanalysis.present.sections.base import Section
from qdanalysis.present.sections.overview import project_info

if TYPE_CHECKING:
    from qdanalysis.analyse.year import YearAnalysis
    from qdanalysis.read.year import YearData

__all__ = ["TrendsReport", "show"]


def _charts():
    """The trend charts, imported when a chart is drawn (building the report's blocks draws none)."""
    from qdanalysis.present.charts import trends

    return trends


#: Panels in one figure of the renewal chains (two rows of three): a figure of more rows prints shrunk to fit an
#: A4 page, its panel text below a readable size, so further items are drawn as further figures.
CHAIN_PANELS = 6


def chain_parts(chain_table: pd.DataFrame) -> list[list[str] | None]:
    """The chain items split into figures of at most :data:`CHAIN_PANELS` panels; ``[None]`` (one figure that says
    there is no chain) when no item has one."""
    items = trends_analysis.chain_items(chain_table)
    return [items[i:i + CHAIN_PANELS] for i in range(0, len(items), CHAIN_PANELS)] or [None]


def _quantity_text(chain) -> str:
    """``52→54``: the number of lines of a chain billed by unit, first to last; a dash otherwise."""
    first, last = getattr(chain, "first_quantity", None), getattr(chain, "last_quantity", None)
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return "—"
    return f"{int(first)}→{int(last)}" if first != last else f"{int(first)}（未变）"


def _retender_text(chain) -> str:
    """What followed a renewal chain: the price change at the re-procurement, or that none followed."""
    if not chain.retendered:
        return "其后未重新采购"
    return signed_pct(chain.retender_after)


def _partial_note(changes: pd.DataFrame, word: str) -> str:
    """The years a category's figure is passed over in because some of its items leave it blank."""
    parts = [f"「{r.category}」{'、'.join(f'{y}年' for y in r.partial_years)}"
             for r in changes.itertuples() if getattr(r, "partial_years", None)]
    if not parts:
        return ""
    return (f"以下年度该类部分项目{word}未披露，已列明数只是部分之和，不作比较的起止年度：" + "；".join(parts) + "。")


class TrendsReport(Outline):
    """The same measures across every year present (built by :func:`qdanalysis.run.pipeline.trends_report`).

    Each method below is one section's blocks; :data:`TREND_SECTIONS` gives their order and titles.

    Args:
        root: the folder of the years' data.
        years: the years asked for.
        analyses: the analyses of the years whose data passed validation.
        failed: each refused year's problems.
        demo: the data is illustrative (示例数据).
        trends: the comparisons across the analysed years.
    """

    def __init__(self, root: Path, years: list[int], analyses: list[YearAnalysis], failed: dict[int, list[str]],
                 demo: bool, trends: Trends) -> None:
        super().__init__(self, TREND_SECTIONS)
        self.root, self.years, self.analyses, self.failed, self.demo, self.trends = (
            root, years, analyses, failed, demo, trends)

    @property
    def measures(self) -> pd.DataFrame:
        """Each year's measures (:func:`~qdanalysis.analyse.trends.trend_table`)."""
        return self.trends.measures

    @property
    def loaded(self) -> list[YearData]:
        """The years' data that passed validation."""
        return [a.data for a in self.analyses]

    def source(self) -> str:
        return f"{display_path(self.root)}下各年度工作簿" + ("（示例数据，非真实数据）" if self.demo else "")

    def heading(self) -> str:
        """The H1: the project (the 项目信息 sheet's 项目名称, of the latest year that gives one) and the years."""
        names = [project_info(a.data.project).get("项目名称") for a in sorted(self.analyses, key=lambda a: -a.year)]
        name = next((n for n in names if n), None)
        if name is None:
            name = f"{DEMO_LABEL}（虚构单位）专项业务费" if self.demo else placeholder("项目名称（项目信息表）")
        years = sorted(a.year for a in self.analyses)
        span = "" if not years else f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年"
        return f"{name}{span}多年度趋势分析"

    def header(self) -> list[Block]:
        blocks = [para("{title}", "title", title=self.heading())]
        if self.demo:
            blocks.append(para("【{label}】本报告使用程序生成的示例数据，所有数字均非真实数据，仅用于演示。", "warning",
                               label=DEMO_LABEL))
        years = [d.year for d in self.loaded]
        if not years:
            blocks.append(para("在 {root} 下没有可用的年度数据。", "warning", root=display_path(self.root)))
        elif len(years) == 1:
            blocks.append(para("只有{year}年一个年度的数据，无法比较趋势；下表列出该年度的各项指标，"
                               "补充其他年度的数据（data/raw/<年份>/）后即可比较。", "warning", year=years[0]))
        else:
            blocks.append(para("比较{first}年至{last}年共{n}个年度：{years}。", first=years[0], last=years[-1], n=len(years),
                               years="、".join(f"{y}年" for y in years)))
        for year, problems in self.failed.items():
            blocks.append(para("{year}年的数据未通过校验，未纳入比较（共{n}处问题，首处：{first}）。", "warning", year=year,
                               n=len(problems), first=problems[0]))
        return blocks

    def _trend(self, column: str, title: str, money: bool = True, percent: bool = False) -> list[Block]:
        if len(self.measures) < 1:
            return []
        measures, source = self.measures, self.source()
        return [Chart(f"trend_{column}", lambda: _charts().trend(measures, column, title, source=source, demo=self.demo,
                                                             money=money, percent=percent), title)]

    def _change(self, column: str, label: str, money: bool = True) -> list[Block]:
        change = self.trends.overall[column]
        if change is None:
            return [para("{label}：可比较的年度不足两个。", "note", label=label)]
        fmt = wan if money else count_text
        outside = [y for y in change.get("skipped", []) if not change["first_year"] < y < change["last_year"]]
        return [para("{label}由{y0}年的{v0}变为{y1}年的{v1}，年均变化{cagr}{skipped}。", label=label,
                     y0=change["first_year"], v0=fmt(change["first"]), y1=change["last_year"], v1=fmt(change["last"]),
                     cagr=derived(signed_pct(change["growth"]), "复合增长率"),
                     skipped=f"（{'、'.join(f'{y}年' for y in outside)}为部分数，不作比较的起止年度）" if outside else "")]

    def _enough(self, what: str) -> list[Block]:
        """A note where fewer than two years can be compared, else nothing."""
        if len(self.analyses) >= 2:
            return []
        return [para("{what}需要两个以上年度的数据，目前只有{n}个年度。", "note", what=what, n=len(self.analyses))]

    def budget(self) -> list[Block]:
        """Budget totals and the execution rate across years."""
        # no 0–100 chart of the execution rate: rates near 97% draw a flat line; 表1 gives each year's rate
        return self._change("budget", "预算总额") + self._trend("budget", "历年预算数（万元）")

    def changes(self) -> list[Block]:
        """Each year against the year before: amounts in %, shares in percentage points."""
        yoy = self.trends.changes
        if yoy.empty:
            return self._enough("逐年变化")
        columns = {"year": "年度"}
        columns.update({c: f"{label}（%）" for c, label in trends_analysis.CHANGE_AMOUNTS})
        columns.update({c: f"{label}（百分点）" for c, label in trends_analysis.CHANGE_SHARES})
        formats = {"year": lambda v: f"{int(v)}年", **{c: signed_pct for c, _ in trends_analysis.CHANGE_AMOUNTS},
                   **{c: signed_points for c, _ in trends_analysis.CHANGE_SHARES}}
        columns, dropped = without_noise(yoy, columns, formats)
        shown = yoy.copy()
        for col in columns:
            if col != "year":
                shown[col] = [w[col] if col in w else formats[col](v) for v, w in zip(yoy[col], yoy["withheld"])]
        notes = cells.change_notes(yoy)
        return [table(shown, columns, "逐年变化（较上年）", formats={"year": formats["year"]}, demo=self.demo,
                      note="注：金额和数量按增减百分比计算；执行率和各项占比为比率，按表中四舍五入后的两个百分比相减，"
                           "以百分点计。未披露的年度不计算变化；一年为部分数（部分行未披露）或未提供时，与另一年口径不同，"
                           f"不计算变化（表中“{cells.WITHHELD}”；部分数缺漏的行见表1注）" + ("：" + "；".join(notes) + "。" if notes else "。")
                           + (f"{'；'.join(dropped)}，未单列。" if dropped else ""))]

    def categories(self) -> list[Block]:
        """Spending by category across years (stacked), with each category's change against the total."""
        cats = self.trends.categories
        if cats.empty:
            return [para("所列年度均未提供预算执行表。", "note")]
        basis = self.trends.basis
        word, total_word = BASIS_WORDS[basis]
        blocks: list[Block] = []
        if basis == "budget":
            blocks.append(para("所列年度均未按类别披露执行数，以下按各类已列明的预算数比较。", "note"))
        blocks.append(Chart("category_trend", lambda: _charts().category_trend(cats, source=self.source(), demo=self.demo,
                                                                      column=basis), f"历年分类{word}"))
        changes = self.trends.category_changes
        if len(self.analyses) < 2 or changes.empty:
            return blocks + self._enough("分类支出的比较")
        changes = changes[changes["last_year"] > changes["first_year"]]
        if changes.empty:
            return blocks + [para("各类别的{word}均只有一个年度披露，无法比较变化。", "note", word=word)]
        for r in changes.itertuples():
            if r.new:
                blocks.append(para("「{c}」{y}年起设立，{y1}年{word}{v}，占{total}的{share}。", c=r.category, y=r.first_year,
                                   y1=r.last_year, word=word, v=wan(r.last), total=total_word, share=pct(r.last_share)))
            elif r.faster:
                blocks.append(para("「{c}」年均{g}，快于{total}的年均{t}，占比{pp}。", c=r.category, g=signed_pct(r.growth),
                                   total=total_word, t=signed_pct(r.total_growth), pp=signed_points(r.share_change)))
        blocks.append(table(changes, {
            "category": "类别", "first_year": "起始年度", "first": f"起始年度{word}（万元）", "last_year": "末年度",
            "last": f"末年度{word}（万元）", "growth": "年均增长", "first_share": "起始占比", "last_share": "末年度占比",
            "share_change": "占比变化（百分点）"}, f"分类{word}的变化", money=["first", "last"],
            percent=["first_share", "last_share"],
            formats={"growth": signed_pct, "share_change": signed_points, "first_year": lambda v: f"{int(v)}年",
                     "last_year": lambda v: f"{int(v)}年"}, demo=self.demo,
            note=f"注：年均增长为起始年度至末年度{word}的复合增长率；占比为该类{word}占当年{total_word}的比重。"
                 f"“未逐项列明”部分（推算：{total_word}减各类已列明数）不列入本表。" + _partial_note(changes, word)))
        return blocks

    def lines(self) -> list[Block]:
        """Line cost by carrier and line type, the price per Mbps by carrier, and carrier switches."""
        lines = self.trends.lines
        blocks = self._change("line_annual_cost", "线路年费用")
        if lines.empty:
            return blocks + [para("所列年度均未提供线路清单。", "note")]
        blocks.append(Chart("line_cost_trend", lambda: _charts().line_cost_trend(lines, source=self.source(), demo=self.demo),
                            "历年线路年费用"))
        blocks.append(Chart("unit_price_trend", lambda: _charts().unit_price_trend(lines, source=self.source(), demo=self.demo),
                            "历年每Mbps月费"))
        prices = self.trends.prices
        for r in prices[prices["steps"] > 0].itertuples():
            same = r.first == r.last
            blocks.append(para("{carrier}{line_type}：每Mbps月费{y0}年{p0}元，{y1}年{p1}元（{how}；推算：月费÷带宽）。{chain}",
                               carrier=r.carrier, line_type=r.line_type, y0=r.first_year, y1=r.last_year,
                               p0=format_number(r.first), p1=format_number(r.last),
                               how="未变化" if same else f"年均{signed_pct(r.growth)}，{r.steps}次逐年比较中下降{r.fell_years}次",
                               chain=self._chain_beside(r)))
        for sw in self.trends.switches:
            blocks.append(para("{line_type}：{year}年起由{before}改为{after}提供。", line_type=sw["line_type"],
                               year=sw["year"], before="、".join(sw["before"]), after="、".join(sw["after"])))
        return blocks

    def _chain_beside(self, price) -> str:
        """The renewal chain of the same carrier billed by unit within a price's years, with its own figure: the
        per-Mbps change runs over the line list's years (and any re-tender), the chain's over its contracts."""
        table = self.trends.chain_table
        if table.empty or "basis" not in table:
            return ""
        same = table[(table["vendor"] == price.carrier) & (table["basis"] == trends_analysis.UNIT_PRICE)
                     & (table["renewals"] > 0) & table["growth"].notna()
                     & (table["first_year"] >= price.first_year) & (table["last_year"] <= price.last_year)]
        items = {code for a in self.analyses for code, c, t in zip(a.data.lines["item_code"], a.data.lines["carrier"],
                                                                   a.data.lines["line_type"])
                 if c == price.carrier and t == price.line_type and isinstance(code, str)}
        same = same[same["item_code"].isin(items)]
        return "".join(f"其中续签合同链{r.chain}（{int(r.first_year)}—{int(r.last_year)}年）单价年均{signed_pct(r.growth)}，"
                       f"与“续签合同链”表一致；每Mbps月费的起止年份含该链以外的合同，两数不相互替代。" for r in same.itertuples())

    def sms(self) -> list[Block]:
        """SMS volume, cost and price per message per year, against the quantity target."""
        sms = self.trends.sms
        blocks = self._change("sms_count", "短信发送量", money=False)
        if sms.empty or (sms["count"].isna().all() and sms["amount"].isna().all()):
            return blocks + [para("所列年度均未提供短信结算表，或其中未披露条数和金额。", "note")]
        blocks.append(Chart("sms_trend", lambda: _charts().sms_trend(sms, source=self.source(), demo=self.demo), "历年金宏短信"))
        judged = sms.dropna(subset=["met"])
        missed = [int(y) for y, m in zip(judged["year"], judged["met"]) if not m]
        if len(judged):
            blocks.append(para("{n}个年度设有短信数量目标，{text}。", n=len(judged),
                               text="各年均达到目标" if not missed else
                               "、".join(f"{y}年" for y in missed) + "未达到目标（"
                               + "；".join(f"{y}年发送{count_text(c)}条，目标{count_text(t)}条"
                                          for y, c, t in zip(judged["year"], judged["count"], judged["target"])
                                          if int(y) in missed) + "）"))
        for r in sms.itertuples():
            if getattr(r, "count_state", "whole") == "partial":
                blocks.append(para("{y}年短信条数为已披露部分之和（{note}），不与数量目标比较。", "note", y=int(r.year),
                                   note=r.count_note))
            elif getattr(r, "count_note", ""):
                blocks.append(para("{y}年短信条数{note}。", "note", y=int(r.year), note=r.count_note))
        return blocks

    def contracts(self) -> list[Block]:
        """Renewal chains across years, and the recurring share of the budget in percentage points."""
        chains, chain_table = self.trends.chains, self.trends.chain_table
        blocks: list[Block] = []
        if chains.empty:
            blocks.append(para("所列年度的合同台账中没有按年或按月计费的合同。", "note"))
        else:
            parts = chain_parts(chain_table)
            for n, items in enumerate(parts, start=1):
                blocks.append(Chart(
                    "chain_trend" if n == 1 else f"chain_trend_{n}",
                    lambda items=items, n=n: _charts().chain_trend(chains, chain_table, source=self.source(),
                                                                   demo=self.demo, items=items, part=(n, len(parts))),
                    "历年续签合同年度金额" + (f"（{n}/{len(parts)}）" if len(parts) > 1 else "")))
            shown = chain_table[chain_table["links"] > 1]
            blocks.append(table(shown.assign(
                label=[item_label(c, i) for c, i in zip(shown["item_code"], shown["item"])],
                span=[f"{int(a)}—{int(b)}年" for a, b in zip(shown["first_year"], shown["last_year"])],
                steps=["、".join(signed_pct(g) for g in gs) or "—" for gs in shown["growths"]],
                quantity=[_quantity_text(r) for r in shown.itertuples()],
                after=[_retender_text(r) for r in shown.itertuples()]), {
                "label": "项目", "chain": "首个合同", "vendor": "供应商", "span": "合同起始年份", "renewals": "续签次数",
                "basis": "增幅计算依据", "steps": "各次续签增幅", "growth": "年均增长", "quantity": "数量变化",
                "after": "其后重新采购的价格变化"},
                "续签合同链", formats={"growth": signed_pct, "renewals": lambda v: str(int(v)),
                                         "vendor": lambda v: v if isinstance(v, str) and v else UNDISCLOSED},
                demo=self.demo,
                note="注：续签合同链按合同台账的“续签自”关系连接；按月计费的合同，年度金额按月费×12推算。"
                     "按单价和数量计费的合同（如按条计费的线路），增幅按单价计算，数量的变化单列，不计入增幅；其余按年度金额计算。"
                     "各节引用同一合同链的增幅均为本表数字。"
                     "“其后重新采购的价格变化”为该链最后一份合同与重新采购后首份合同的年度金额之比。"))
        blocks += self._trend("recurring_share", "刚性支出占预算比例（%）", money=False, percent=True)
        blocks.append(para(RECURRING_DEFINITION, "note"))
        return blocks

    def trend_findings(self) -> list[Block]:
        """Findings across years (T01–T07), each with its figures."""
        if len(self.analyses) < 2:
            return self._enough("跨年度问题的识别")
        found = self.trends.findings
        if not found:
            return [para("所列年度的数据未显示跨年度问题（规则T01—T07）。")]
        blocks = [para("跨年度比较发现{n}个问题，均附数据依据；以下均为系统按数据提出的问题（系统建议），待评价组确认：", n=len(found))]
        for i, f in enumerate(found, start=1):
            blocks.append(para("{head}（{severity}，{category}，规则{code}）：{summary}",
                               "warning" if f.severity == "高" else "p", head=bold(f"{i}. {f.title}"), severity=f.severity,
                               category=f.category, code=f.code, summary=f.summary))
            bears = f"；关联评价指标：{'、'.join(f.bears_on)}" if f.bears_on else ""
            blocks.append(para("建议：{rec}{bears}", "note", rec=f.recommendation, bears=bears))
        return blocks

    def consistency(self) -> list[Block]:
        """What one year's data says about another's (跨年度数据核对)."""
        checks = self.trends.checks
        if checks.empty:
            return self._enough("跨年度数据核对")
        bad = checks[checks["status"] == STATUS_DIFF]
        nothing = checks[checks["status"] == STATUS_NOTHING]
        parts = []
        if not bad.empty:
            parts.append(f"发现{len(bad)}处不一致，须核实")
        agreed = checks["check"].nunique() - bad["check"].nunique() - len(nothing)
        if agreed:
            parts.append("其余各项一致" if parts else "各项均一致" if nothing.empty else f"{agreed}项一致")
        if not nothing.empty:
            parts.append(f"{len(nothing)}项没有可跨年度比较的记录")
        blocks = [para("跨年度核对{n}项，{text}。", n=checks["check"].nunique(), text="，".join(parts))]
        blocks.append(table(checks, {"check": "核对内容", "status": "结果", "detail": "说明"}, "跨年度数据核对",
                            demo=self.demo))
        return blocks

    def table(self) -> list[Block]:
        """Each year's measures: amounts and ratios, then counts (two tables, so that each prints on A4)."""
        year = {"year": lambda v: f"{int(v)}年"}
        money = ("budget", "executed", "line_annual_cost", "sms_amount")
        percent = ("execution_rate", "itemised_share", "recurring_share")
        counts = ("sms_count", *trends_analysis.COUNT_MEASURES[1:])
        shown = cells.measure_cells(self.measures, money, percent, counts)
        labels = {"line_annual_cost": "线路年费用", "sms_count": "短信条数", "sms_amount": "短信费用",
                  "recurring_share": "刚性支出占比", "contracts": "合同数", "indicators_met": "绩效指标完成情况"}
        notes = cells.coverage_notes(self.measures, labels)
        marked = any(state != "whole" for cov in self.measures.get("coverage", []) if isinstance(cov, dict)
                     for state, _ in cov.values())
        note = (("注：“+未披露”为已披露部分之和，该年有未披露的行，不是全年数；“未提供”为该年未提供相应表格，不按零计。"
                 if marked else "注：") + "；".join(notes) + "。") if notes else ""
        amounts = {"year": "年度", "budget": "预算数（万元）", "executed": "执行数（万元）", "execution_rate": "执行率",
                   "itemised_share": "列明预算占比", "line_annual_cost": "线路年费用（万元）", "sms_count": "短信条数",
                   "sms_amount": "短信费用（万元）", "recurring_share": "刚性支出占比"}
        if len(self.measures) and (self.measures["itemised_share"] == 1).all():  # 100% every year says nothing
            del amounts["itemised_share"]
        return [
            table(shown, amounts, "各年度金额与比率", formats=year, demo=self.demo, note=note),
            table(shown, {
                "year": "年度", "contracts": "合同数", "renewals": "续签合同数", "indicators_met": "指标已完成",
                "indicators_not_met": "指标未完成", "indicators_unknown": "指标未披露",
                "indicators_mismatch": "指标口径不一致", "warnings": "数据核对提示"},
                "各年度合同、绩效指标与数据核对", formats=year, demo=self.demo),
        ]


def without_noise(frame: pd.DataFrame, columns: dict[str, str], formats: dict) -> tuple[dict[str, str], list[str]]:
    """``columns`` less those that say nothing, and why each was left out: a column whose printed values repeat an
    earlier column's in every row (短信费用 beside 短信条数 at a fixed price), or that prints 0 in every row (a share
    at 100% every year)."""
    kept: dict[str, str] = {}
    printed: dict[str, list[str]] = {}
    why: list[str] = []
    for col, label in columns.items():
        values = [formats.get(col, str)(v) for v in frame[col]] if col in frame else []
        same = next((kept[c] for c, v in printed.items() if v == values), None) if col != "year" and values else None
        if same:
            why.append(f"{label}各年与{same}相同")
        elif col != "year" and values and all(v.lstrip("+-").startswith(("0.00%", "0.00个")) for v in values):
            why.append(f"{label}各年均为零")
        else:
            printed[col] = values
            kept[col] = label
    return kept, why


#: The multi-year report's sections in order (the notebook 2.0 shows them with :meth:`Outline.show`).
TREND_SECTIONS: tuple[Section, ...] = (
    Section("header", "", "", TrendsReport.header),
    Section("measures", "各年度指标一览", "", lambda r: r.table() + r.changes()),
    Section("budget", "预算与执行", "", TrendsReport.budget),
    Section("categories", "分类支出", "", TrendsReport.categories),
    Section("lines", "网络线路费用与单价", "", TrendsReport.lines),
    Section("sms", "金宏短信", "", TrendsReport.sms),
    Section("contracts", "刚性支出与续签合同", "", TrendsReport.contracts),
    Section("budget_official", "预算安排参考", "", trends_budget.blocks),
    Section("payments", "支付进度", "", trends_payments.blocks, optional=True),
    Section("findings", "跨年度发现的问题", "", TrendsReport.trend_findings),
    Section("problems", "各年度问题按一级指标分列", "", trends_problems.blocks),
    Section("consistency", "跨年度数据核对", "", TrendsReport.consistency),
)
