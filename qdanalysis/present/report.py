"""The sections of the annual and multi-year reports, read from each year's analysis.

Each section method returns a list of blocks (:mod:`qdanalysis.present.blocks`) whose every
number comes from the :class:`~qdanalysis.analyse.year.YearAnalysis`; the notebooks only call
them and :func:`show` the result, so no figure is typed into a notebook and none is computed
twice. Text from the data is HTML-escaped before it reaches the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from qdanalysis.analyse import analyses, trends
from qdanalysis.analyse.checks import STATUS_DIFF
from qdanalysis.analyse.findings import in_report_order
from qdanalysis.analyse.rules.procurement import STALE_YEARS
from qdanalysis.analyse.rules.registry import RULES
from qdanalysis.analyse.scoring import display_sheet
from qdanalysis.analyse.scoring_table import SELF_SCORE_LABEL, number_text
from qdanalysis.analyse.trends import year_folders
from qdanalysis.analyse.year import YearAnalysis, analyse, analyse_year
from qdanalysis.domain import BASIS_WORDS, DEMO_LABEL, DIMENSIONS, NOT_ADJUSTED, UNDISCLOSED
from qdanalysis.errors import QdanalysisError, ValidationError, display_path
from qdanalysis.fmt import (
    SUMMARY_MIME,
    count_text,
    date_text,
    format_number,
    month_text,
    pct,
    signed_pct,
    signed_points,
    times,
    wan,
    years_named,
)
from qdanalysis.money import safe_ratio, sum_known
from qdanalysis.paths import project_path
from qdanalysis.present import charts
from qdanalysis.present import layouts as T
from qdanalysis.present.blocks import Block, FigureBlock, Para, TableBlock, para, show, table, text_cell
from qdanalysis.present.summary import run_payload, scoring_source
from qdanalysis.read.schema import SETTLED
from qdanalysis.read.year import YearData, load_year

__all__ = ["AnnualReport", "TrendsReport", "show", "Para", "TableBlock", "FigureBlock", "DEFAULT_TITLE"]

#: What the 项目信息 sheet gives the report's 项目概况, in order.
PROJECT_FIELDS = ("项目背景", "总体目标")

#: The annual report's title when the parameters give none.
DEFAULT_TITLE = "专项业务费绩效评价数据分析"


# --- the annual report ----------------------------------------------------------------------


#: The findings that check the indicators themselves, shown beside the score.
INDICATOR_CHECKS = tuple(rule.code for rule in RULES if rule.indicator_setting)


@dataclass
class AnnualReport:
    """The annual report's sections, read from one year's analysis (nothing is computed twice).

    Attributes:
        analysis: the year's analysis (:func:`qdanalysis.analyse.year.analyse_year`).
        title: the report's title.
    """

    analysis: YearAnalysis
    title: str = DEFAULT_TITLE

    @classmethod
    def build(cls, year: int, data_root: str | Path = "data/raw", title: str | None = None,
              scoring: str | Path = "") -> "AnnualReport":
        """Load and analyse one year (see :func:`~qdanalysis.analyse.year.analyse_year`).

        Args:
            year: the budget year.
            data_root: folder holding ``<year>/`` (relative paths are relative to the project).
            title: report title.
            scoring: scoring table (YAML); empty means ``params/scoring-<year>.yaml`` when it
                exists, else the self-evaluation preset.
        """
        return cls(analyse_year(int(year), data_root, scoring), title or DEFAULT_TITLE)

    def __post_init__(self) -> None:
        other = [y for y in years_named(self.title) if y != self.analysis.year]
        if other:
            raise QdanalysisError(f"报告标题「{self.title}」中的{other[0]}年与所分析的{self.analysis.year}年不一致"
                                  f"（请把标题中的年份改为{self.analysis.year}年，或不填标题以使用默认标题）")

    @property
    def data(self) -> YearData:
        return self.analysis.data

    @property
    def demo(self) -> bool:
        return self.analysis.demo

    # helpers
    def workbooks(self) -> str:
        """The year's workbooks in words (《2020年专项业务费》工作簿); paths are for 数据核对."""
        if not self.data.files:
            return f"{self.data.year}年数据文件夹"
        return "、".join(f"《{f.stem}》" for f in self.data.files) + "工作簿"

    def source(self, *sheets: str) -> str:
        names = "".join(f"「{s}」" for s in sheets)
        return f"{self.workbooks()}{names}表" + ("（示例数据，非真实数据）" if self.demo else "")

    def _table(self, *args, **kwargs) -> TableBlock:
        return table(*args, demo=self.demo, **kwargs)

    def _layout_table(self, layout, df: pd.DataFrame, **formats) -> TableBlock:
        """A table declared in :mod:`qdanalysis.present.layouts`, formatted as text for the report."""
        layout = T.for_year(layout, self.analysis)
        fmt = {c: (lambda v: UNDISCLOSED if v is None or pd.isna(v) else format_number(v, 0)) for c in layout.integer}
        fmt.update({c: (lambda v, c=c: date_text(v, "year") if c == "reference" else month_text(v)) for c in layout.dates})
        fmt.update(formats)
        return table(df, layout.columns, T.caption(layout, self.analysis), money=layout.money, percent=layout.percent,
                     formats=fmt, demo=self.demo, note=layout.note)

    def _figure(self, fig, alt: str) -> FigureBlock:
        return FigureBlock(fig, alt)

    # sections
    def run_summary(self) -> None:
        """Display the score line for the runner (``qdanalysis run`` prints it); not shown in the report."""
        from IPython.display import display

        display({SUMMARY_MIME: run_payload(self.analysis)}, raw=True)

    def header(self) -> list[Block]:
        d = self.data
        heading = self.title if str(d.year) in self.title else f"{d.year}年{self.title}"
        blocks = [para("{heading}", "title", heading=heading),
                  para("数据来源：{books}。金额单位：万元（保留两位小数，四舍五入）；空白或“未披露”表示数据未给出，不按零计。",
                       "note", books=self.workbooks())]
        if self.demo:
            blocks.insert(1, para("【{label}】本报告使用程序生成的示例数据，所有数字均非真实数据，仅用于演示。", "warning",
                                  label=DEMO_LABEL))
        if d.missing:
            blocks.append(para("本年度未提供：{missing}。相关章节注明“未提供”。", "note", missing="、".join(d.missing)))
        return blocks

    def project(self) -> list[Block]:
        """项目背景 and 总体目标 from the 项目信息 sheet; a visible placeholder where the sheet gives none."""
        info = {f: t for f, t in zip(self.data.project["field"], self.data.project["text"]) if isinstance(t, str)}
        blocks = []
        for field in PROJECT_FIELDS:
            if field in info:
                blocks.append(para("{field}：{text}", field=field, text=info[field]))
            else:
                blocks.append(para("{field}：【待评价组填写：{field}（可在“项目信息”表中填写）】", "warning", field=field))
        return blocks

    def overview(self) -> list[Block]:
        d, cats = self.data, self.analysis.categories
        b = d.budget
        real = cats[~cats["category"].isin([analyses.UNITEMISED, analyses.TOTAL])]
        listed = int(b["budget"].notna().sum())
        known = sum_known(b["budget"])
        if listed == len(b):
            detail = para("全部{n}个项目均列明了预算数。", n=listed)
        else:
            detail = para("其中{listed}个项目列明了预算数，合计{known}（占预算总额{share}）；其余{rest}个项目未列明预算数，"
                          "合计{undisclosed}。", listed=listed, known=wan(known),
                          share=pct(safe_ratio(known, d.totals["budget"])), rest=len(b) - listed,
                          undisclosed=wan(d.undisclosed.get("budget")))
        blocks = [para("{year}年项目预算{budget}，共{ncat}大类、{nitems}个明细项目。{detail}", year=d.year,
                       budget=wan(d.totals["budget"]), ncat=len(real), nitems=len(b), detail="")]
        blocks[0].html += detail.html
        blocks.append(self._layout_table(T.COMPOSITION, real))
        return blocks

    def budget_execution(self) -> list[Block]:
        d, t = self.data, self.data.totals
        spend = self.analysis.spend
        disclosed = spend[spend["item"] == analyses.ITEMISED]["amount"].iloc[0]
        rest = spend[spend["item"] == analyses.UNITEMISED]["amount"].iloc[0]
        adjusted = (f"调整后预算{wan(t['adjusted_budget'])}" if t.get("adjusted_budget") is not None
                    else "预算未调整" if t.get("adjustment") == NOT_ADJUSTED else "调整后预算数未披露")
        item_exec = int(d.budget["executed"].notna().sum())
        blocks = [para(
            "截至{year}年末，项目实际执行{executed}，预算执行率{rate}（执行数 ÷ {base}）；{adjusted}。"
            "{item_exec_text}",
            year=d.year, executed=wan(t["executed"]), rate=pct(t["execution_rate"]),
            base="调整后预算数" if t.get("adjusted_budget") is not None else "预算数", adjusted=adjusted,
            item_exec_text=("数据未给出任何单个项目的执行数，只有项目合计数。" if item_exec == 0
                            else f"{item_exec}个项目给出了执行数。"))]
        blocks.append(self._figure(charts.budget_execution(t, source=self.source("预算执行"), demo=self.demo, year=d.year),
                                   "预算数与执行数"))
        blocks.append(para(
            "各项目已列明的金额（依次取项目执行数、合同本年支付额、列明的年度预算数）合计{disclosed}，相当于执行数的{share}；"
            "其余{rest}未逐项列明。其中的预算数和合同金额并非{year}年的实际支出，只说明执行数中有多少能落到具体项目。",
            year=d.year, disclosed=wan(disclosed), share=pct(safe_ratio(disclosed, t["executed"])), rest=wan(rest)))
        blocks.append(self._figure(charts.disclosed_spend(spend, source=self.source("预算执行", "合同台账"), demo=self.demo,
                                                          year=d.year), "逐项列明的支出"))
        blocks.append(self._layout_table(T.SPEND, spend))
        return blocks

    def categories(self) -> list[Block]:
        cats = self.analysis.categories
        real = cats[~cats["category"].isin([analyses.UNITEMISED, analyses.TOTAL])].dropna(subset=["budget"])
        top = real.sort_values("budget", ascending=False).iloc[0] if len(real) else None
        blocks = []
        undisclosed = cats[cats["category"] == analyses.UNITEMISED]
        if top is not None and len(undisclosed):
            blocks.append(para(
                "按类别看，已列明金额最多的是“{cat}”（{amount}，占预算总额{share}）；“未逐项列明”部分为{und}（{ushare}，"
                "推算：预算合计减已列明数），图中以斜线表示，不按零计。",
                cat=top["category"], amount=wan(top["budget"]), share=pct(top["share"]),
                und=wan(undisclosed["budget"].iloc[0]), ushare=pct(undisclosed["share"].iloc[0])))
        elif top is not None:
            blocks.append(para("按类别看，金额最多的是“{cat}”（{amount}，占预算总额{share}）；各项目均列明了预算数。",
                               cat=top["category"], amount=wan(top["budget"]), share=pct(top["share"])))
        blocks.append(self._figure(charts.category_spending(cats, source=self.source("预算执行"), demo=self.demo,
                                                            year=self.data.year), "分类支出"))
        blocks.append(self._layout_table(T.CATEGORIES, cats))
        return blocks

    def network_lines(self) -> list[Block]:
        d, an = self.data, self.analysis
        costs, prices, count = an.line_costs, an.prices, an.line_count
        if d.lines.empty:
            return [para("本年度未提供线路清单。", "note")]
        total_annual = sum_known(costs["annual_cost"])
        months = "12" if costs["full_year"].all() else f"{d.year}年在用月数（自起租日期起算）"
        if count["units"]:
            blocks = [para("线路清单列有{n}条线路，另有{units}个单位的接入线路（每单位线路条数未披露，费用按每单位1条测算），"
                           "按月租测算年费用{annual}（月租×数量×{months}）。", n=count["lines"], units=count["units"],
                           annual=wan(total_annual), months=months)]
        else:
            blocks = [para("线路清单共{n}条线路，按月租测算年费用{annual}（月租×条数×{months}）。", n=count["lines"],
                           annual=wan(total_annual), months=months)]
        blocks.append(self._figure(charts.line_costs(costs, source=self.source("线路清单"), demo=self.demo, year=d.year),
                                   "线路费用"))
        blocks.append(self._layout_table(
            T.LINE_COSTS, costs,
            cost_per_mbps_month=lambda v: UNDISCLOSED if pd.isna(v) else format_number(v, 2)))
        for (line_type, bw), g in prices.groupby(["line_type", "bandwidth_mbps"], sort=False):
            hi, lo = g.iloc[0], g.iloc[-1]
            blocks.append(para(
                "同为{bw}M{lt}，{hc}月租{hf}，是{lc}（{lf}）的{ratio}；两者服务内容是否相同，数据未载明，"
                "按月租之差推算年差额{diff}。",
                bw=format_number(bw, 0), lt=line_type, hc=hi["carrier"], hf=wan(hi["monthly_fee"]), lc=lo["carrier"],
                lf=wan(lo["monthly_fee"]), ratio=times(hi["ratio_to_cheapest"]),
                diff=wan((Decimal(hi["monthly_fee"]) - Decimal(lo["monthly_fee"])) * 12)))
        if len(prices):
            blocks.append(self._figure(charts.bandwidth_prices(prices, source=self.source("线路清单"), demo=self.demo,
                                                               year=d.year), "同带宽价格对比"))
        monthly = an.monthly_lines
        if len(monthly):
            by_month = monthly.groupby("month")["cost"].sum()
            spread = (f"每月{wan(by_month.min())}" if by_month.min() == by_month.max()
                      else f"月费用在{wan(by_month.min())}至{wan(by_month.max())}之间")
            blocks.append(para("按合同台账中按月计费的合同（服务期内逐月计费），{year}年线路{spread}，全年合计{total}。",
                               year=d.year, spread=spread, total=wan(sum_known(by_month))))
            blocks.append(self._figure(charts.monthly_line_cost(monthly, source=self.source("合同台账"), demo=self.demo,
                                                                year=d.year), "月度线路费用"))
        yearly = an.yearly_lines
        if len(yearly) and yearly["year"].nunique() > 1:
            first = int(yearly["year"].min())
            blocks.append(para("自{first}年最早的线路合同起，按合同月费推算的逐年费用见下图（以当前月费推算，并非历年实际支付）；"
                               "{first}年至{year}年累计约{total}（推算）。", first=first, year=d.year,
                               total=wan(sum_known(yearly["cost"]))))
            blocks.append(self._figure(charts.yearly_line_cost(yearly, source=self.source("合同台账") + "；按合同月费推算",
                                                               demo=self.demo, year=d.year), "历年线路费用"))
        if count["target_text"]:
            reported = count["reported"]
            listed = (f"{count['lines']}条线路和{count['units']}个单位的接入线路（每单位条数未披露，线路总数不详，"
                      "无法据此判断是否达到目标）" if count["units"] else f"{count['lines']}条")
            blocks.append(para(
                "绩效目标“保障网络线路数量{target}”：线路清单列有{listed}；{reported}。",
                target=count["target_text"], listed=listed,
                reported="完成值未披露" if reported is None else f"报告完成值为{format_number(reported, 0)}条"))
            blocks.append(self._figure(charts.line_count(count, source=self.source("线路清单", "绩效指标"), demo=self.demo,
                                                         year=d.year), "线路数量与目标"))
        return blocks

    def sms(self) -> list[Block]:
        d, an = self.data, self.analysis
        if d.sms.empty:
            return [para("本年度未提供短信结算表。", "note")]
        monthly, target, depts = an.sms_monthly, an.sms_target, an.sms_departments
        known = monthly["count"].notna().sum()
        blocks = []
        if known == 0:
            blocks.append(para("短信结算表给出单价{price}元/条，未给出各月发送条数和结算金额（{n}个月均未披露）。",
                               price=format_number(target["unit_price"], 3) if target["unit_price"] is not None else UNDISCLOSED,
                               n=len(monthly)))
        else:
            total = int(monthly["count"].sum())
            settled = set(monthly["amount_basis"].dropna()) <= {SETTLED}
            blocks.append(para("全年发送{count}条，{label}{amount}（{n}个月有数据）。", count=count_text(total),
                               label=SETTLED if settled else "按条数×单价测算的金额",
                               amount=wan(sum_known(monthly["amount"])), n=int(known)))
        if target.get("implied") is not None:
            blocks.append(para(
                "数量目标“{op}{count}条”按单价{price}元/条折算，意味着至少支出{money}：按条计费的服务设数量目标，"
                "发送越多越“达标”、花费也越多，宜改设质量或成本类指标。", op="≥" if target["target_op"] == ">=" else "",
                count=count_text(target["target_count"]), price=format_number(target["unit_price"], 3),
                money=wan(target["implied"])))
        if known:  # a chart of twelve 未披露 bars would say no more than the sentence above
            blocks.append(self._figure(charts.sms_monthly(monthly, target, source=self.source("短信结算", "绩效指标"),
                                                          demo=self.demo, year=d.year), "月度短信"))
        if len(depts):
            blocks.append(self._figure(charts.sms_departments(depts, source=self.source("短信结算"), demo=self.demo,
                                                              year=d.year), "各部门短信"))
            blocks.append(self._layout_table(T.SMS_DEPARTMENTS, depts, count=count_text))
        return blocks

    def renewals(self) -> list[Block]:
        d, an = self.data, self.analysis
        summary, rec = an.renewals, an.recurring
        unknown = rec.get("items_unknown") or []
        blocks = [para(
            "按年、按月或按条持续付费的项目（刚性支出）列明预算{amount}，占预算总额{share}"
            "（{n}个项目；其中{u}个项目预算未披露，未计入）。{unknown}",
            amount=wan(rec["recurring"]), share=pct(rec["share"]), n=len(rec["items"]), u=len(rec["items_undisclosed"]),
            unknown=(f"另有{len(unknown)}个项目（{'、'.join(unknown)}）的合同未写明计费方式，无法判断是否持续付费，未计入。"
                     if unknown else ""))]
        renewed = summary[summary["renewals"] > 0]
        long_running = summary[summary["years"].fillna(0) >= STALE_YEARS]
        for _, r in renewed.iterrows():
            growth = "续签金额未披露，无法计算增长" if pd.isna(r["cagr"]) else f"年均增长{pct(r['cagr'])}"
            blocks.append(para("“{item}”自{first}起续签{n}次，{growth}。", item=r["item"],
                               first=date_text(r["first_signed"], "year"), n=int(r["renewals"]), growth=growth))
        for _, r in long_running.iterrows():
            vendor = r["vendor"] if isinstance(r["vendor"], str) else "供应商未披露"
            first, years = r["reference"].year, int(r["years"])
            span = f"（{first}—{d.year}年，共{years}个年度）"
            if r["competition_on_record"]:
                lead = f"最近一次竞争性采购在{first}年{span}"
            else:
                lead = f"自{first}年的合同起未见竞争性采购{span}"
            spent = ("" if pd.isna(r["spent_since"]) else
                     f"，按现年度金额推算期间支出约{wan(r['spent_since'])}（推算：{wan(r['last_cost'])}×{years}个年度）")
            blocks.append(para("“{item}”（{vendor}）{lead}{spent}。", item=r["item"], vendor=vendor, lead=lead, spent=spent))
        blocks.append(self._figure(charts.renewals(an.chains, summary, source=self.source("合同台账"), demo=self.demo,
                                                   year=d.year), "合同续签"))
        blocks.append(self._layout_table(
            T.RENEWALS, summary, vendor=lambda v: v if isinstance(v, str) else UNDISCLOSED))
        return blocks

    def indicators(self) -> list[Block]:
        status = self.analysis.indicator_status
        if status.empty:
            return [para("本年度未提供绩效指标表。", "note")]
        counts = status["status"].value_counts()
        mismatch = int(counts.get(analyses.STATUS_MISMATCH, 0))
        blocks = [para("共{n}个绩效指标：{met}个已完成，{not_met}个未完成，{mismatch}{unknown}个完成值未披露。", n=len(status),
                       met=int(counts.get(analyses.STATUS_MET, 0)), not_met=int(counts.get(analyses.STATUS_NOT_MET, 0)),
                       mismatch=f"{mismatch}个指标值与完成值口径不一致，" if mismatch else "",
                       unknown=int(counts.get(analyses.STATUS_UNKNOWN, 0)))]
        for _, r in status[status["status"] == analyses.STATUS_NOT_MET].iterrows():
            blocks.append(para("未完成：“{name}”目标{target}，实际{actual}，完成{ach}。", "warning", name=r["name"],
                               target=r["target_text"], actual=r["actual_text"], ach=pct(r["achievement"], 0)))
        blocks.append(self._figure(charts.indicators(status, source=self.source("绩效指标"), demo=self.demo,
                                                     year=self.data.year), "绩效指标完成情况"))
        blocks.append(self._layout_table(T.INDICATORS, status))
        return blocks

    def data_checks(self) -> list[Block]:
        d, a = self.data, self.analysis
        blocks = []
        if a.warnings:
            blocks.append(para("以下数字相互矛盾，数据原样保留、未作修正，请核实：", "warning"))
            blocks += [para("{w}", "warning", w=w) for w in a.warnings]
        else:
            blocks.append(para("各项核对均一致。"))
        blocks.append(self._layout_table(T.CHECKS, a.checks))
        n = len(d.files)
        blocks.append(para("数据文件：{paths}。", "note", paths="、".join(display_path(f) for f in d.files) or
                           display_path(d.folder)))
        if d.skipped:
            blocks.append(para("数据文件夹中以下文件未读取：{files}。", "note",
                               files="；".join(f"{display_path(s.path)}（{s.reason}；{s.hint}）" for s in d.skipped)))
        if d.processed is not None:
            blocks.append(para("数据读自 {stored}：由 ingest 从 {folder} 生成，{folder} 中的文件经 SHA-256 逐一核对"
                               "均未变化，本次未重新解析（{n}个工作簿）。", "note", stored=display_path(d.processed),
                               folder=display_path(d.folder), n=n))
        else:
            blocks.append(para("数据读自 {folder}（{n}个工作簿），本次解析并校验。", "note",
                               folder=display_path(d.folder), n=n))
        for note in d.notes:
            blocks.append(para("{note}。", "note", note=note))
        if d.unused:
            blocks.append(para("以下工作表未使用：{sheets}。", "note", sheets="；".join(d.unused)))
        if a.score is not None and a.score.file:
            blocks.append(para("评分表：{file}（{name}）。", "note", file=scoring_source(a.score), name=a.score.name))
        return blocks

    def scoring(self) -> list[Block]:
        """Section 评分: the score sheet computed from the data, and what lacks evidence."""
        result = self.analysis.score
        if result is None:
            return [para("本次未评分（未指定评分表）。", "note")]
        blocks = [para("采用评分表“{name}”（依据：{source}）。", name=result.name, source=result.source),
                  para("{headline}", "p" if result.graded else "warning",
                       headline=result.headline() + ("" if result.missing else "全部指标均有佐证。"))]
        if result.missing:
            missing = "、".join(result.missing)
            blocks.append(para("待补充佐证（{n}项，分值合计{w}分）：{names}。这些指标不计分，也不按满分计；"
                               "请在“评价记录”表中逐项填写核实的实际完成值或得分及佐证材料后重新评分。",
                               n=len(result.missing), w=number_text(result.missing_weight), names=missing))
        for proposal in result.proposals:
            blocks.append(para("系统建议（待评价人确认，未计入得分）：「{name}」建议评为“{level}”，依据数据原文：“{quote}”。",
                               "note", **proposal))
        for flag in result.flags:
            blocks.append(para("{flag}", "warning", flag=flag))
        if result.evaluators:
            blocks.append(para("评价人：{people}。各项得分的佐证材料见下表“佐证材料”列。", people="、".join(result.evaluators)))
        else:
            blocks.append(para("【待评价组填写：评价记录（评价人、日期、各指标的佐证材料和评价意见，可在“评价记录”表中填写）】",
                               "warning"))
        checks = [f for f in in_report_order(self.analysis.findings) if f.rule_code in INDICATOR_CHECKS]
        if checks:
            blocks.append(para("指标设置核查（详见“主要问题与建议”决策类）：{text}", "note",
                               text="".join(f"{f.title}：{f.summary}" for f in checks)))
        if result.note:
            blocks.append(para("评分表说明：{note}", "note", note=result.note))
        if result.self_scores:
            blocks.append(para("{text}下表“{column}”一列为单位自评的得分，与本评价的“得分”分列，供对照。", "note",
                               text=result.self_summary(), column=SELF_SCORE_LABEL))
        sheet = display_sheet(result)
        fmt = {c: (lambda v: format_number(v, 2) if isinstance(v, (int, float, Decimal)) and not pd.isna(v) else text_cell(v))
               for c in ("分值", "得分", SELF_SCORE_LABEL)}
        blocks.append(self._table(sheet, {c: c for c in sheet.columns}, T.caption(T.SCORE, self.analysis), formats=fmt))
        return blocks

    def results(self) -> list[Block]:
        """Section 产出与成效: the results the evaluation cites, as the 产出与成效 sheet states them."""
        results = self.data.results
        if results.empty:
            return [para("【待评价组填写：产出与成效（可在“产出与成效”表中逐项填写名称、数值、单位和来源）】", "warning")]
        blocks = [para("“产出与成效”表列有{n}项产出和成效，数值按来源原文列示，未经本工作簿核实。", n=len(results))]
        blocks.append(self._layout_table(T.RESULTS, results))
        return blocks

    def findings(self) -> list[Block]:
        """Section 主要问题与建议: findings computed from the data, each with its evidence."""
        found = in_report_order(self.analysis.findings)
        if not found:
            return [para("数据未显示需要列出的问题。")]
        counts = {s: sum(f.severity == s for f in found) for s in ("高", "中", "低")}
        blocks = [para("根据数据识别出{n}个问题（高{h}个、中{m}个、低{l}个），按决策、过程、产出、效益分列如下。每条均列出依据的"
                       "数字和来源行；数据未披露之处不作推断。", n=len(found), h=counts["高"], m=counts["中"], l=counts["低"])]
        number = 0
        groups = [(c, [f for f in found if f.category == c]) for c in DIMENSIONS]
        for numeral, (category, group) in zip("一二三四", [g for g in groups if g[1]]):
            blocks.append(para("（{numeral}）{category}类", numeral=numeral, category=category))
            advice: dict[str, list[int]] = {}
            for f in group:
                number += 1
                blocks.append(para("<b>{number}. {title}</b>（{severity}，规则{code}）：{summary}",
                                   "warning" if f.severity == "高" else "p", number=number, title=f.title,
                                   severity=f.severity, code=f.code, summary=f.summary))
                advice.setdefault(f.recommendation, []).append(number)
            for rec, numbers in advice.items():  # one recommendation per theme, naming the problems it answers
                blocks.append(para("建议（针对第{numbers}条）：{rec}", "note", numbers="、".join(map(str, numbers)), rec=rec))
        return blocks

    def limitations(self) -> list[Block]:
        """Section 其他需要说明的问题: what the data does not say, which limits the evaluation."""
        items = self.analysis.limitations
        if not items:
            return [para("数据未显示需要说明的局限。")]
        blocks = [para("以下{n}项属于数据本身的局限，不列为项目单位的问题；补充相关材料后，相应结论应重新核对。", n=len(items))]
        for f in items:
            blocks.append(para("<b>{title}</b>：{summary}", title=f.title, summary=f.summary))
            blocks.append(para("需补充：{rec}", "note", rec=f.recommendation))
        return blocks


# --- the multi-year report ------------------------------------------------------------------


def _retender_text(chain) -> str:
    """What followed a renewal chain: the price change at the re-procurement, or that none followed."""
    if not chain.retendered:
        return "其后未重新采购"
    return signed_pct(chain.retender_after)


@dataclass
class TrendsReport:
    """The same measures across every year present."""

    root: Path
    years: list[int]
    analyses: list[YearAnalysis]
    failed: dict[int, list[str]]
    demo: bool
    trends: trends.Trends

    @classmethod
    def build(cls, data_root: str | Path = "data/raw", years: list[int] | None = None) -> "TrendsReport":
        """Analyse every year under ``data_root`` (or ``years``); a year whose data is refused is listed."""
        root = project_path(data_root)
        wanted = list(years) if years else year_folders(root)
        analysed, failed = [], {}
        for year in wanted:
            try:
                analysed.append(analyse(load_year(year, root)))
            except ValidationError as err:
                failed[year] = [str(p) for p in err.problems]
        demo = any(a.demo for a in analysed)
        return cls(root, wanted, analysed, failed, demo, trends.analyse_trends(analysed))

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

    def header(self) -> list[Block]:
        blocks = [para("多年度趋势分析", "title")]
        if self.demo:
            blocks.append(para("【{label}】本报告使用程序生成的示例数据，所有数字均非真实数据，仅用于演示。", "warning",
                               label=DEMO_LABEL))
        years = [d.year for d in self.loaded]
        if not years:
            blocks.append(para("在 {root} 下没有可用的年度数据。", "warning", root=display_path(self.root)))
        elif len(years) == 1:
            blocks.append(para("只有{year}年一个年度的数据，无法比较趋势；下表列出该年度的各项指标，"
                               "补充其他年度的数据（data/raw/&lt;年份&gt;/）后即可比较。", "warning", year=years[0]))
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
        fig = charts.trend(self.measures, column, title, source=self.source(), demo=self.demo, money=money,
                           percent=percent)
        return [FigureBlock(fig, title)]

    def _change(self, column: str, label: str, money: bool = True) -> list[Block]:
        m = self.measures.dropna(subset=[column])
        if len(m) < 2:
            return [para("{label}：可比较的年度不足两个。", "note", label=label)]
        first, last = m.iloc[0], m.iloc[-1]
        fmt = wan if money else count_text
        years = int(last["year"] - first["year"])
        return [para("{label}由{y0}年的{v0}变为{y1}年的{v1}，年均变化{cagr}。", label=label, y0=int(first["year"]),
                     v0=fmt(first[column]), y1=int(last["year"]), v1=fmt(last[column]),
                     cagr=signed_pct(trends.yearly_growth(first[column], last[column], years)))]

    def _enough(self, what: str) -> list[Block]:
        """A note where fewer than two years can be compared, else nothing."""
        if len(self.analyses) >= 2:
            return []
        return [para("{what}需要两个以上年度的数据，目前只有{n}个年度。", "note", what=what, n=len(self.analyses))]

    def budget(self) -> list[Block]:
        """Budget totals and the execution rate across years."""
        blocks = self._change("budget", "预算总额") + self._trend("budget", "历年预算数（万元）")
        blocks += self._trend("execution_rate", "历年预算执行率（%）", money=False, percent=True)
        return blocks

    def changes(self) -> list[Block]:
        """Each year against the year before: amounts in %, shares in percentage points."""
        yoy = self.trends.changes
        if yoy.empty:
            return self._enough("逐年变化")
        columns = {"year": "年度"}
        columns.update({c: f"{label}（%）" for c, label in trends.CHANGE_AMOUNTS})
        columns.update({c: f"{label}（百分点）" for c, label in trends.CHANGE_SHARES})
        formats = {"year": lambda v: f"{int(v)}年", **{c: signed_pct for c, _ in trends.CHANGE_AMOUNTS},
                   **{c: signed_points for c, _ in trends.CHANGE_SHARES}}
        return [table(yoy, columns, "表3 逐年变化（较上年）", formats=formats, demo=self.demo,
                      note="注：金额和数量按增减百分比计算；执行率和各项占比为比率，按增减的百分点计算。未披露的年度不计算变化。")]

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
        blocks.append(FigureBlock(charts.category_trend(cats, source=self.source(), demo=self.demo, column=basis),
                                  f"历年分类{word}"))
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
            "share_change": "占比变化（百分点）"}, f"表4 分类{word}的变化", money=["first", "last"],
            percent=["first_share", "last_share"],
            formats={"growth": signed_pct, "share_change": signed_points, "first_year": lambda v: f"{int(v)}年",
                     "last_year": lambda v: f"{int(v)}年"}, demo=self.demo,
            note=f"注：年均增长为起始年度至末年度{word}的复合增长率；占比为该类{word}占当年{total_word}的比重。"
                 f"“未逐项列明”部分（推算：{total_word}减各类已列明数）不列入本表。"))
        return blocks

    def lines(self) -> list[Block]:
        """Line cost by carrier and line type, the price per Mbps by carrier, and carrier switches."""
        lines = self.trends.lines
        blocks = self._change("line_annual_cost", "线路年费用")
        if lines.empty:
            return blocks + [para("所列年度均未提供线路清单。", "note")]
        blocks.append(FigureBlock(charts.line_cost_trend(lines, source=self.source(), demo=self.demo), "历年线路年费用"))
        blocks.append(FigureBlock(charts.unit_price_trend(lines, source=self.source(), demo=self.demo),
                                  "历年每Mbps月费"))
        prices = self.trends.prices
        for r in prices[prices["steps"] > 0].itertuples():
            same = r.first == r.last
            blocks.append(para("{carrier}{line_type}：每Mbps月费{y0}年{p0}元，{y1}年{p1}元（{how}；推算：月费÷带宽）。",
                               carrier=r.carrier, line_type=r.line_type, y0=r.first_year, y1=r.last_year,
                               p0=format_number(r.first), p1=format_number(r.last),
                               how="未变化" if same else f"年均{signed_pct(r.growth)}，{r.steps}次逐年比较中下降{r.fell_years}次"))
        for sw in self.trends.switches:
            blocks.append(para("{line_type}：{year}年起由{before}改为{after}提供。", line_type=sw["line_type"],
                               year=sw["year"], before="、".join(sw["before"]), after="、".join(sw["after"])))
        return blocks

    def sms(self) -> list[Block]:
        """SMS volume, cost and price per message per year, against the quantity target."""
        sms = self.trends.sms
        blocks = self._change("sms_count", "短信发送量", money=False)
        if sms.empty or (sms["count"].isna().all() and sms["amount"].isna().all()):
            return blocks + [para("所列年度均未提供短信结算表，或其中未披露条数和金额。", "note")]
        blocks.append(FigureBlock(charts.sms_trend(sms, source=self.source(), demo=self.demo), "历年金宏短信"))
        judged = sms.dropna(subset=["met"])
        missed = [int(y) for y, m in zip(judged["year"], judged["met"]) if not m]
        if len(judged):
            blocks.append(para("{n}个年度设有短信数量目标，{text}。", n=len(judged),
                               text="各年均达到目标" if not missed else
                               "、".join(f"{y}年" for y in missed) + "未达到目标（"
                               + "；".join(f"{y}年发送{count_text(c)}条，目标{count_text(t)}条"
                                          for y, c, t in zip(judged["year"], judged["count"], judged["target"])
                                          if int(y) in missed) + "）"))
        return blocks

    def contracts(self) -> list[Block]:
        """Renewal chains across years, and the recurring share of the budget in percentage points."""
        chains, chain_table = self.trends.chains, self.trends.chain_table
        blocks: list[Block] = []
        if chains.empty:
            blocks.append(para("所列年度的合同台账中没有按年或按月计费的合同。", "note"))
        else:
            blocks.append(FigureBlock(charts.chain_trend(chains, chain_table, source=self.source(), demo=self.demo),
                                      "历年续签合同年度金额"))
            shown = chain_table[chain_table["links"] > 1]
            blocks.append(table(shown.assign(
                label=[analyses.item_label(c, i) for c, i in zip(shown["item_code"], shown["item"])],
                span=[f"{int(a)}—{int(b)}年" for a, b in zip(shown["first_year"], shown["last_year"])],
                steps=["、".join(signed_pct(g) for g in gs) or "—" for gs in shown["growths"]],
                after=[_retender_text(r) for r in shown.itertuples()]), {
                "label": "项目", "chain": "首个合同", "vendor": "供应商", "span": "合同起始年份", "renewals": "续签次数",
                "steps": "各次续签增幅", "growth": "年均增长", "after": "其后重新采购的价格变化"},
                "表5 续签合同链", formats={"growth": signed_pct, "renewals": lambda v: str(int(v)),
                                         "vendor": lambda v: v if isinstance(v, str) and v else UNDISCLOSED},
                demo=self.demo,
                note="注：续签合同链按合同台账的“续签自”关系连接；按月计费的合同，年度金额按月费×12推算。"
                     "“其后重新采购的价格变化”为该链最后一份合同与重新采购后首份合同的年度金额之比。"))
        blocks += self._trend("recurring_share", "刚性支出占预算比例（%）", money=False, percent=True)
        return blocks

    def trend_findings(self) -> list[Block]:
        """Findings across years (T01–T04), each with its figures."""
        if len(self.analyses) < 2:
            return self._enough("跨年度问题的识别")
        found = self.trends.findings
        if not found:
            return [para("所列年度的数据未显示跨年度问题（规则T01—T04）。")]
        blocks = [para("跨年度比较发现{n}个问题，均附数据依据：", n=len(found))]
        for i, f in enumerate(found, start=1):
            blocks.append(para("<b>{i}. {title}</b>（{severity}，规则{code}）：{summary}",
                               "warning" if f.severity == "高" else "p", i=i, title=f.title, severity=f.severity,
                               code=f.code, summary=f.summary))
            blocks.append(para("建议：{rec}", "note", rec=f.recommendation))
        return blocks

    def consistency(self) -> list[Block]:
        """What one year's data says about another's (跨年度数据核对)."""
        checks = self.trends.checks
        if checks.empty:
            return self._enough("跨年度数据核对")
        bad = checks[checks["status"] == STATUS_DIFF]
        nothing = checks[checks["status"] == trends.STATUS_NOTHING]
        parts = []
        if not bad.empty:
            parts.append(f"发现{len(bad)}处不一致，须核实")
        agreed = checks["check"].nunique() - bad["check"].nunique() - len(nothing)
        if agreed:
            parts.append("其余各项一致" if parts else "各项均一致" if nothing.empty else f"{agreed}项一致")
        if not nothing.empty:
            parts.append(f"{len(nothing)}项没有可跨年度比较的记录")
        blocks = [para("跨年度核对{n}项，{text}。", n=checks["check"].nunique(), text="，".join(parts))]
        blocks.append(table(checks, {"check": "核对内容", "status": "结果", "detail": "说明"}, "表6 跨年度数据核对",
                            demo=self.demo))
        return blocks

    def table(self) -> list[Block]:
        """Each year's measures: amounts and ratios, then counts (two tables, so that each prints on A4)."""
        year = {"year": lambda v: f"{int(v)}年"}
        return [
            table(self.measures, {
                "year": "年度", "budget": "预算数（万元）", "executed": "执行数（万元）", "execution_rate": "执行率",
                "itemised_share": "列明预算占比", "line_annual_cost": "线路年费用（万元）", "sms_count": "短信条数",
                "sms_amount": "短信费用（万元）", "recurring_share": "刚性支出占比"},
                "表1 各年度金额与比率", money=["budget", "executed", "line_annual_cost", "sms_amount"],
                percent=["execution_rate", "itemised_share", "recurring_share"],
                formats={"sms_count": count_text, **year}, demo=self.demo),
            table(self.measures, {
                "year": "年度", "contracts": "合同数", "renewals": "续签合同数", "indicators_met": "指标已完成",
                "indicators_not_met": "指标未完成", "indicators_unknown": "指标未披露", "warnings": "数据核对提示"},
                "表2 各年度合同、绩效指标与数据核对", formats=year, demo=self.demo),
        ]
