"""``draft``: the 绩效评价报告 as a Word draft in the outline of 财预〔2020〕10号.

Every figure, table and chart comes from the year's analysis through the report's sections
(:data:`~qdanalysis.present.sections.SECTIONS`), so the HTML and the draft never disagree: the
outline places each section's blocks in a slot of the 10号文 by the section's and the blocks' keys
(:data:`PLACES`), and a section no slot names goes under 四、绩效评价指标分析 in its dimension
(决策/过程/产出/效益), or to an annex when it has none. The indicator system and the scoring
standard come from the scoring table; the problems and advice from the findings, grouped by
决策、过程、产出、效益. What only the evaluation team can write (the purpose, the work process,
causes, good practice, the conclusion's wording) is taken from the 项目信息 sheet where it has a
row of that name, otherwise it is a highlighted placeholder 【待评价组填写：…】 that Word's search
finds. Nothing is invented. The typography is :mod:`qdanalysis.present.render.docx`'s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from qdanalysis.analyse.findings import in_report_order
from qdanalysis.analyse.scoring_table import DEFAULT_LEVELS, GRADE_LOWEST, GRADES, RULES, number_text
from qdanalysis.analyse.year import YearAnalysis
from qdanalysis.domain import DEMO_LABEL, DIMENSIONS, UNDISCLOSED
from qdanalysis.fmt import wan
from qdanalysis.money import sum_all
from qdanalysis.paths import REPORTS
from qdanalysis.present import blocks
from qdanalysis.present.blocks import Paragraph, Placeholder
from qdanalysis.present.render.docx import CHART_DPI, NOTE_SIZE, TEXT_WIDTH, DocxWriter
from qdanalysis.present.report import AnnualReport
from qdanalysis.present.sections import SECTIONS
from qdanalysis.present.sections.base import Section

__all__ = ["draft_path", "write_draft", "CHART_DPI", "TEXT_WIDTH", "PLACES"]

#: Rows of the 项目信息 sheet the draft takes the evaluator's own words from.
EVALUATOR_FIELDS = {
    "purpose": "评价目的", "process": "评价工作过程", "conclusion": "评价结论", "practice": "主要经验及做法",
    "causes": "问题原因分析",
}

#: The level 1 groups of a scoring table, read as the four dimensions of section 四.
DIMENSION_OF = {"决策": "决策", "过程": "过程", "预算执行率": "过程", "产出": "产出", "效益": "效益", "满意度": "效益"}


def _every(key: str) -> bool:
    return True


def _only(*keys: str) -> Callable[[str], bool]:
    return lambda key: key in keys


def _all_but(*keys: str) -> Callable[[str], bool]:
    return lambda key: key not in keys


#: The slots of the outline the report's sections fill: slot -> (section key, which of its blocks, by block key).
PLACES: dict[str, tuple[tuple[str, Callable[[str], bool]], ...]] = {
    "project": (("overview", _all_but("goal")),),            # 一（一）项目概况
    "funds": (("budget", _every), ("categories", _every)),    # 一（二）项目资金
    "goals": (("overview", _only("goal")), ("indicators", _every)),  # 一（三）绩效目标
    "limitations": (("limitations", _every),),                # 七、其他需要说明的问题
    "annex_score": (("scoring", _every),),                    # 附件1 评分表
    "annex_checks": (("checks", _every),),                    # 附件2 数据核对
}

#: Sections the draft writes in its own words (its title and sources; 五（二） and 六 from the findings).
OWN_WORDS = {"header", "findings"}


def draft_path(out: str | Path | None, year: int) -> Path:
    """``<out>/<year>/<year>年绩效评价报告（初稿）.docx`` (``out`` defaults to ``reports/``)."""
    root = Path(out) if out is not None else REPORTS
    return root / str(year) / f"{year}年绩效评价报告（初稿）.docx"


def write_draft(analysis: YearAnalysis, path: str | Path, *, template: str | Path | None = None,
                title: str | None = None, sections: Iterable[Section] = SECTIONS) -> Path:
    """Write the 绩效评价报告 draft of one year's analysis to ``path`` (atomically)."""
    import matplotlib

    matplotlib.use("Agg")
    doc = _Draft(analysis, template, title, sections)
    doc.build()
    return doc.save(path)


def _group_self_score(result, level1: str) -> str:
    """The unit's self-scores of one level-1 group added up; 未披露 unless every indicator of it has one."""
    names = result.sheet.loc[result.sheet["level1"] == level1, "name"]
    values = [result.self_scores.get(n) for n in names]
    if not values or any(v is None for v in values):
        return UNDISCLOSED
    return number_text(float(sum_all(values)))


class _Draft(DocxWriter):
    """The draft being written: the report's sections placed in the outline, and the draft's own parts."""

    def __init__(self, analysis: YearAnalysis, template: str | Path | None, title: str | None,
                 sections: Iterable[Section]) -> None:
        self.analysis = analysis
        self.report = AnnualReport(analysis, title, sections)
        self.data = analysis.data
        super().__init__(template)
        info = self.data.project
        self.info = {f: t for f, t in zip(info["field"], info["text"]) if isinstance(t, str) and t.strip()}

    def place(self, slot: str) -> None:
        """The report's blocks that the outline places in ``slot`` (see :data:`PLACES`)."""
        for key, pick in PLACES[slot]:
            if any(s.key == key for s in self.report.sections):
                self.blocks([b for b in self.report.blocks(key) if pick(getattr(b, "key", ""))])

    def unplaced(self, dimension: str) -> list[str]:
        """The sections no slot names, of ``dimension`` ("" for those without one), in report order."""
        placed = {key for slot in PLACES.values() for key, _ in slot} | OWN_WORDS
        return [s.key for s in self.report.sections if s.key not in placed and s.dimension == dimension]

    # --- the outline ------------------------------------------------------------------------

    def build(self) -> None:
        d = self.data
        name = self.info.get("项目名称") or f"{d.year}年专项业务费"
        self.cover(f"{name}{'' if str(d.year) in name else f'{d.year}年度'}绩效评价报告（初稿）")
        if self.report.demo:
            self.paragraph(f"【{DEMO_LABEL}】本报告使用程序生成的示例数据，所有数字均非真实数据，仅用于演示。", indent=False)
        self.paragraph(f"数据来源：{self.report.context.workbooks()}。金额单位：万元（保留两位小数，四舍五入）；“未披露”表示数据未给出，"
                       "不按零计；“推算”表示由数据计算得出，并注明依据。", size=NOTE_SIZE, indent=False)
        self.contents()

        self.heading("一、基本情况", 1)
        self.heading("（一）项目概况", 2)
        self.place("project")
        self.heading("（二）项目资金", 2)
        self.place("funds")
        self.heading("（三）绩效目标", 2)
        self.place("goals")

        self.heading("二、绩效评价工作开展情况", 1)
        self.heading("（一）评价目的、对象和范围", 2)
        self.own_words("purpose", "评价目的")
        t = d.totals
        self.paragraph(f"评价对象为{name}{d.year}年度资金，年初预算{wan(t.get('budget'))}，执行{wan(t.get('executed'))}，"
                       f"共{d.budget['category'].nunique()}大类、{len(d.budget)}个明细项目；评价范围为{d.year}年度预算的安排、"
                       "使用、管理及其产出和效益。")
        self.heading("（二）评价指标体系、评价方法、评价标准", 2)
        self.scoring_system()
        self.heading("（三）评价工作过程", 2)
        self.own_words("process", "评价工作过程（前期准备、组织实施、分析评价等阶段）")

        self.heading("三、综合评价情况及评价结论", 1)
        self.conclusion()

        self.heading("四、绩效评价指标分析", 1)
        self.dimensions()

        self.heading("五、主要经验及做法、存在的问题及原因分析", 1)
        self.heading("（一）主要经验及做法", 2)
        self.own_words("practice", "主要经验及做法")
        self.heading("（二）存在的问题及原因分析", 2)
        self.problems()

        self.heading("六、有关建议", 1)
        self.advice()

        self.heading("七、其他需要说明的问题", 1)
        self.place("limitations")

        self.heading("附件", 1)
        self.heading("附件1 评分表", 2)
        self.place("annex_score")
        self.heading("附件2 数据核对", 2)
        self.place("annex_checks")
        self.heading("附件3 数据局限", 2)
        limits = self.analysis.limitations
        if limits:
            for f in limits:
                self.paragraph(f"{f.title}：{f.summary}")
        else:
            self.paragraph("数据未显示需要说明的局限。")
        for number, key in enumerate(self.unplaced(""), start=4):
            self.heading(f"附件{number} {self.report.section(key).title}", 2)
            self.blocks(self.report.blocks(key))

    def own_words(self, key: str, what: str) -> None:
        """The evaluator's words from the 项目信息 row of this name, else a highlighted placeholder."""
        field = EVALUATOR_FIELDS[key]
        text = self.info.get(field)
        if text:
            self.paragraph(text)
        else:
            self.parts(Paragraph((Placeholder(f"{what}（可在“项目信息”表中以「{field}」一行填写）"),)))

    def scoring_system(self) -> None:
        result, table = self.analysis.score, self.analysis.scoring
        if result is None or table is None:
            self.paragraph("本次未评分（未指定评分表）。")
            return
        groups = "、".join(f"{g}{number_text(w)}分" for g, w in table.group_weights().items())
        self.paragraph(f"评价指标体系采用评分表“{table.name}”（依据：{table.source}），满分{number_text(table.total)}分，"
                       f"一级指标分值为：{groups}。各三级指标及其分值、评分方法见下表。")
        rows = pd.DataFrame([{"一级指标": i.level1, "二级指标": i.level2, "三级指标": i.name, "分值": number_text(i.weight),
                              "评分方法": RULES.get(i.rule, i.rule), "实际值来源": _source(i)} for i in table.indicators])
        self.table(blocks.table(rows, {c: c for c in rows.columns}, "评价指标体系", demo=self.report.demo))
        used = list(dict.fromkeys(i.rule for i in table.indicators))
        methods = {
            "ratio": "比率法：得分＝实际值÷指标值×分值（“≤”类指标为指标值÷实际值），最高为分值",
            "bands": "分档法：实际值落在哪一档即得该档分数",
            "deduction": "扣分法：每发现一处问题扣规定分数，扣完为止",
            "manual": "评价人打分：由评价组依据佐证材料在分值内打分",
            "levels": "定性分档：" + "、".join(f"{w}得分值的{number_text(s * 100)}%" for w, s in DEFAULT_LEVELS)
                      + "（评分表可另行规定比例）",
        }
        self.paragraph("评价方法：" + "；".join(methods[r] for r in used if r in methods) + "。缺少佐证的指标列为待补充佐证，"
                       "不计分，也不按满分计。")
        bands = "、".join(f"{name}（{number_text(t)}分及以上）" for t, name in GRADES)
        self.paragraph(f"评价标准：按总分占满分的比例定级，{bands}，低于{number_text(GRADES[-1][0])}分为{GRADE_LOWEST}；"
                       f"待补充佐证的指标分值超过满分的{number_text(table.grade_threshold)}%时暂不定级，列出有佐证指标的得分和"
                       "总分可能的区间。")

    def conclusion(self) -> None:
        result = self.analysis.score
        if result is None:
            self.paragraph("本次未评分（未指定评分表），不作综合评价结论。")
        else:
            self.paragraph(result.headline() + ("" if result.missing else "全部指标均有佐证。"))
            groups = result.groups.copy()
            frame = pd.DataFrame({"一级指标": groups["level1"], "分值": [number_text(v) for v in groups["weight"]],
                                  "得分": [number_text(v) for v in groups["score"]],
                                  "待补充佐证分值": [number_text(v) if v else "—" for v in groups["missing_weight"]]})
            if result.self_scores:  # the unit's own, beside ours: 未披露 where any indicator of the group has none
                frame.insert(3, "单位自评得分（单位填报）", [_group_self_score(result, g) for g in groups["level1"]])
            self.table(blocks.table(frame, {c: c for c in frame.columns}, "各一级指标得分", demo=self.report.demo))
            if result.self_scores:
                self.paragraph("表中“单位自评得分”为单位自评表填报，未经本评价核实，不计入本评价得分；"
                               "一级指标中有指标未填写自评得分的，列为未披露。")
            if result.missing:
                self.paragraph(f"待补充佐证（{len(result.missing)}项）：{'、'.join(result.missing)}。")
        self.own_words("conclusion", "评价结论（综合评价意见）")

    def dimensions(self) -> None:
        """Section 四: the scored indicators of each dimension, with the analyses that bear on it."""
        result = self.analysis.score
        sheet = result.sheet if result is not None else pd.DataFrame(columns=["level1"])
        of = {lv: next((dim for key, dim in DIMENSION_OF.items() if key in str(lv)), "效益")
              for lv in sheet["level1"].unique()}
        for numeral, dim in zip("一二三四", DIMENSIONS):
            self.heading(f"（{numeral}）项目{dim}情况", 2)
            rows = sheet[[of[lv] == dim for lv in sheet["level1"]]] if len(sheet) else sheet
            if len(rows):
                self.indicator_rows(rows)
            checks = [f for f in in_report_order(self.analysis.findings) if f.category == dim]
            if dim == "决策" and checks:
                self.paragraph("数据显示的决策方面问题见第五部分第（二）项，计" + f"{len(checks)}条。")
            extra = self.unplaced(dim)
            for key in extra:
                self.blocks(self.report.blocks(key))
            if not len(rows) and not extra and not checks:
                self.parts(Paragraph((Placeholder(f"项目{dim}情况分析"),)))

    def indicator_rows(self, rows: pd.DataFrame) -> None:
        frame = pd.DataFrame({
            "三级指标": rows["name"], "指标值": rows["target_text"].replace("", "—"),
            "实际完成值": [a or "—" for a in rows["actual_text"]], "分值": [number_text(w) for w in rows["weight"]],
            "得分": ["—" if pd.isna(s) else number_text(s) for s in rows["score"]], "状态": rows["status"],
        })
        caption = f"{rows['level1'].iloc[0]}等指标得分" if rows["level1"].nunique() == 1 else "指标得分"
        self.table(blocks.table(frame, {c: c for c in frame.columns}, caption, demo=self.report.demo))
        for r in rows.to_dict("records"):
            self.paragraph(f"{r['name']}：{r['basis']}" + (f"（佐证材料：{r['evidence']}）" if r.get("evidence") else ""))

    def problems(self) -> None:
        found = in_report_order(self.analysis.findings)
        if not found:
            self.paragraph("数据未显示需要列出的问题。")
            return
        number = 0
        groups = [(c, [f for f in found if f.category == c]) for c in DIMENSIONS]
        for numeral, (category, group) in zip("一二三四五六", [g for g in groups if g[1]]):
            self.heading(f"{numeral}是{category}方面", 3)
            for f in group:
                number += 1
                self.paragraph(f"{number}.{f.title}。{f.summary}")
            cause = self.info.get(f"{category}类问题原因")
            if cause:
                self.paragraph(f"原因分析：{cause}")
            else:
                self.parts(Paragraph((Placeholder(
                    f"{category}类问题的原因分析（可在“项目信息”表中以「{category}类问题原因」一行填写）"),)))

    def advice(self) -> None:
        found = in_report_order(self.analysis.findings)
        if not found:
            self.paragraph("数据未显示需要提出的建议。")
            return
        advice: dict[str, list[int]] = {}
        for number, f in enumerate(found, start=1):
            advice.setdefault(f.recommendation, []).append(number)
        numerals = "一二三四五六七八九十"
        for k, (rec, numbers) in enumerate(advice.items()):
            prefix = f"（{numerals[k]}）" if k < len(numerals) else f"（{k + 1}）"
            self.paragraph(f"{prefix}{rec}（针对第五部分问题第{'、'.join(map(str, numbers))}条）")


def _source(ind) -> str:
    if ind.measure:
        return "预算执行表计算"
    if ind.indicator and ind.rule not in ("manual",):
        return "绩效指标表、评价记录"
    return "评价记录（评价人）"
