"""``draft``: the 绩效评价报告 as a Word draft in the outline of 财预〔2020〕10号.

Every figure, table and chart comes from the year's analysis through the report's sections
(:data:`~qdanalysis.present.sections.SECTIONS`), so the HTML and the draft never disagree: the
outline places each section's blocks in a slot of the 10号文 by the section's and the blocks' keys
(:data:`PLACES`), and a section no slot names goes under 四、绩效评价指标分析 in its dimension
(决策/过程/产出/效益), or to an annex when it has none. The indicator system and the scoring
standard come from the scoring table; the problems and advice from the findings, grouped by
决策、过程、产出、效益. Parts 一 and 二 in the draft's own words (the items' contents, 实施单位, 资金来源, the
standard texts of 10号文) are :mod:`qdanalysis.present.draft_intro`'s. What only the evaluation team can write
(the work process, causes, good practice, the conclusion's wording) is taken from the 项目信息 sheet where it
has a row of that name, otherwise it is a highlighted placeholder 【待评价组填写：…】 that Word's search finds.
Nothing is invented. The writing is :mod:`qdanalysis.present.render.docx`'s (its typography
:mod:`~qdanalysis.present.render.docx_typography`'s); the figures are drawn by :mod:`qdanalysis.present.figure_server`'s
child while the text is written.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import pandas as pd

from qdanalysis.analyse.findings import TEAM_ORIGIN, in_report_order
from qdanalysis.analyse.scoring_table import (
    DEFAULT_LEVELS,
    GRADE_LOWEST,
    GRADES,
    RULES,
    STATUS_EVALUATOR,
    STATUS_EXPLAIN,
    STATUS_MISSING,
    STATUS_SCORED,
    number_text,
)
from qdanalysis.analyse.team import AMEND
from qdanalysis.analyse.year import YearAnalysis
from qdanalysis.domain import DEMO_LABEL, DIMENSIONS, UNDISCLOSED
from qdanalysis.fmt import chinese_numeral, wan
from qdanalysis.money import sum_all
from qdanalysis.paths import draft_path  # the draft's place, found before this module (python-docx) is loaded
from qdanalysis.present import blocks
from qdanalysis.present import draft_intro as intro
from qdanalysis.present.blocks import Paragraph, Placeholder, Text
from qdanalysis.present.render.docx import CHART_DPI, NOTE_SIZE, TEXT_WIDTH, DocxWriter
from qdanalysis.present.report import AnnualReport
from qdanalysis.present.sections import SECTIONS
from qdanalysis.present.sections.base import Section
from qdanalysis.present.sections.followup import ABSENT as FOLLOWUP_ABSENT

if TYPE_CHECKING:
    from qdanalysis.present.figure_server import FigureServer

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
    "followup": (("followup", _every),),                      # 七（一）上年评价发现问题整改情况 (docs/report.md)
    "limitations": (("limitations", _every),),                # 七（二）其他事项
    "annex_score": (("scoring", _every),),                    # 附件1 评分表
    "annex_checks": (("checks", _every),),                    # 附件2 数据核对
}

#: Sections the draft writes in its own words (its title and sources; 五（二） and 六 from the findings).
OWN_WORDS = {"header", "findings"}


def write_draft(analysis: YearAnalysis, path: str | Path, *, template: str | Path | None = None,
                title: str | None = None, sections: Iterable[Section] = SECTIONS,
                figures: FigureServer | None = None, report: AnnualReport | None = None) -> Path:
    """Write the 绩效评价报告 draft of one year's analysis to ``path`` (atomically). The figures come from
    ``figures`` (:mod:`qdanalysis.present.figure_server`: a child forked before the year was read), else from one
    forked now; where processes cannot be forked they are drawn here. ``report``: the analysis's report already
    assembled (with ``title`` and ``sections``), whose charts ``figures`` may have been given before this module
    was loaded."""
    from qdanalysis.present.figure_server import figure_server

    with contextlib.ExitStack() as stack:
        server = figures if figures is not None else stack.enter_context(figure_server())
        doc = _Draft(analysis, template, title, sections, report)
        if server is None:
            import matplotlib

            matplotlib.use("Agg")
            from qdanalysis.present.drawer import drawing_ahead

            with drawing_ahead(doc.report.charts()):  # the figures drawn by this process and a child at once
                doc.build()
        else:
            server.submit(doc.report.charts())  # drawn by the server while the text and tables are written (if not yet)
            doc.later = []
            doc.build()
            for p, chart in doc.later:  # in the order they are shown: the same parts, relations and ids
                doc.picture(p, server.png(chart))
    return doc.save(path)


def _group_self_score(result, level1: str) -> str:
    """The unit's self-scores of one level-1 group added up; 未披露 unless every indicator of it has one;
    "—" for a group the unit's form does not have (决策)."""
    names = [n for n in result.sheet.loc[result.sheet["level1"] == level1, "name"] if n in result.self_scores]
    if not names:
        return "—"
    values = [result.self_scores.get(n) for n in names]
    if not values or any(v is None for v in values):
        return UNDISCLOSED
    return number_text(float(sum_all(values)))


class _Draft(DocxWriter):
    """The draft being written: the report's sections placed in the outline, and the draft's own parts."""

    def __init__(self, analysis: YearAnalysis, template: str | Path | None, title: str | None,
                 sections: Iterable[Section], report: AnnualReport | None = None) -> None:
        self.analysis = analysis
        self.report = report if report is not None else AnnualReport(analysis, title, sections)
        self.data = analysis.data
        super().__init__(template)
        info = self.data.project
        self.info = {f: t for f, t in zip(info["field"], info["text"]) if isinstance(t, str) and t.strip()}
        self.written: set[str] = set()  # the paragraphs written in the draft's own words
        self.later: list | None = None  # (paragraph, chart) of each picture left until the figures are drawn

    def paragraph(self, text: str, **kwargs) -> None:
        self.written.add(text)
        super().paragraph(text, **kwargs)

    def figure_png(self, p, block) -> None:
        """The chart's picture now, or, while the server draws (:attr:`later` is a list), once the text is written."""
        if self.later is None:
            super().figure_png(p, block)
        else:
            self.later.append((p, block))

    def place(self, slot: str) -> None:
        """The report's blocks that the outline places in ``slot`` (see :data:`PLACES`); a paragraph the draft has
        already written word for word (the 暂不定级 sentence of 三 in the score annex) is not written again."""
        for key, pick in PLACES[slot]:
            if any(s.key == key for s in self.report.sections):
                self.blocks([b for b in self.report.blocks(key) if pick(getattr(b, "key", ""))
                             and not (isinstance(b, Paragraph) and b.text in self.written)])

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
        self.blocks(intro.unit(self.analysis) + intro.contents(self.analysis))
        self.heading("（二）项目资金", 2)
        self.blocks(intro.funds(self.analysis))
        self.place("funds")
        self.heading("（三）绩效目标", 2)
        self.place("goals")

        self.heading("二、绩效评价工作开展情况", 1)
        self.heading("（一）评价目的、对象和范围", 2)
        purpose = intro.purpose(self.analysis, name)
        self.blocks(purpose[:-1])
        t = d.totals
        self.paragraph(f"评价对象为{name}{d.year}年度资金，年初预算{wan(t.get('budget'))}，执行{wan(t.get('executed'))}，"
                       f"共{d.budget['category'].nunique()}大类、{len(d.budget)}个明细项目；评价范围为{d.year}年度预算的安排、"
                       "使用、管理及其产出和效益。")
        self.blocks(purpose[-1:])  # the note that marks the standard texts
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
        if self.analysis.followup is None:  # no year before: one sentence, no heading (docs/report.md)
            self.paragraph(FOLLOWUP_ABSENT)
        else:
            self.heading("（一）上年评价发现问题整改情况", 2)
            self.place("followup")
            self.heading("（二）其他事项", 2)
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
        for number, key in enumerate(self.unplaced(""), start=self.rejected(4)):
            self.heading(f"附件{number} {self.report.section(key).title}", 2)
            self.blocks(self.report.blocks(key))

    def own_words(self, key: str, what: str) -> None:
        """The evaluator's words from the 项目信息 row of this name, else a highlighted placeholder."""
        field = EVALUATOR_FIELDS[key]
        text = self.info.get(field)
        if text:
            self.paragraph(text)
        else:
            self.parts(Paragraph((Placeholder(what),)))

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
        self.blocks(intro.methods(self.analysis))
        self.paragraph("计分方法：" + "；".join(methods[r] for r in used if r in methods) + "。缺少佐证的指标列为待补充佐证，"
                       "不计分，也不按满分计。")
        bands = "、".join(f"{name}（{number_text(t)}分及以上）" for t, name in GRADES)
        self.paragraph(f"评价标准：按总分占满分的比例定级，{bands}，低于{number_text(GRADES[-1][0])}分为{GRADE_LOWEST}；"
                       f"未确认的指标（待补充佐证、待核实）分值超过满分的{number_text(table.grade_threshold)}%时暂不定级"
                       "（该阈值为本工具的约定，不是财预〔2020〕10号的规定），列出已确认指标的得分、总分可能的区间和"
                       "按系统建议的估计分。")

    def conclusion(self) -> None:
        result = self.analysis.score
        if result is None:
            self.paragraph("本次未评分（未指定评分表），不作综合评价结论。")
        else:
            self.paragraph(result.headline() + ("" if result.missing else "全部指标均有佐证。"))
            groups = result.groups.copy()
            frame = pd.DataFrame({"一级指标": groups["level1"], "分值": [number_text(v) for v in groups["weight"]],
                                  "已确认得分": ["—" if pd.isna(v) else number_text(v) for v in groups["score"]],
                                  "未确认分值": [number_text(v) if v else "—" for v in groups["missing_weight"]]})
            if result.self_scores:  # the unit's own, beside ours: 未披露 where any indicator of the group has none
                frame.insert(3, "单位自评得分（单位填报）", [_group_self_score(result, g) for g in groups["level1"]])
            self.table(blocks.table(frame, {c: c for c in frame.columns}, "各一级指标得分", demo=self.report.demo))
            if result.self_scores:
                self.paragraph("表中“单位自评得分”为单位自评表填报，未经本评价核实，不计入本评价得分；"
                               "一级指标中有指标未填写自评得分的，列为未披露。")
            if result.graded and result.pending:  # else the headline names them
                self.paragraph(f"未确认（{len(result.pending)}项）：{'、'.join(result.pending)}。")
        self.own_words("conclusion", "评价结论（综合评价意见）")

    def dimensions(self) -> None:
        """Section 四, for each dimension: each indicator with its 评分要点 and 评分标准, the data's evidence
        (the findings that bear on it, the score's basis), the system's proposal and the evaluator's
        judgement (the record's, else a placeholder); then the sections' tables and charts of the dimension."""
        result, table = self.analysis.score, self.analysis.scoring
        sheet = result.sheet if result is not None else pd.DataFrame(columns=["level1"])
        of = {lv: next((dim for key, dim in DIMENSION_OF.items() if key in str(lv)), "效益")
              for lv in sheet["level1"].unique()}
        by_name = {i.name: i for i in table.indicators} if table is not None else {}
        for numeral, dim in zip("一二三四", DIMENSIONS):
            self.heading(f"（{numeral}）项目{dim}情况", 2)
            rows = sheet[[of[lv] == dim for lv in sheet["level1"]]] if len(sheet) else sheet
            if len(rows):
                self.indicator_rows(rows)
                for k, r in enumerate(rows.to_dict("records"), start=1):
                    self.indicator(k, r, by_name.get(r["name"]))
            extra = [key for key in self.unplaced(dim) if self.report.blocks(key)]  # an optional section may show nothing
            if extra:
                self.paragraph(f"{dim}方面的数据分析见以下图表。")
            for key in extra:
                self.blocks(self.report.blocks(key))
            if not len(rows) and not extra:
                self.parts(Paragraph((Placeholder(f"项目{dim}情况分析"),)))

    def indicator(self, number: int, r: dict, ind) -> None:
        """One indicator of section 四: 评分要点, the data's evidence, the proposal, the evaluator's judgement."""
        result = self.analysis.score
        self.paragraph(f"{number}.{r['name']}（{number_text(r['weight'])}分）", bold=True)
        if ind is not None and ind.points:
            self.paragraph("评分要点：" + "；".join(ind.points) + "。" + (f"评分标准：{ind.standard}。" if ind.standard else ""))
        found = [f for f in in_report_order(self.analysis.findings) if r["name"] in f.bears_on]
        team = [f"{f.title}：{f.summary}" for f in found if f.origin == TEAM_ORIGIN]
        evidence = [f"{f.title}：{f.summary}" for f in found if f.origin != TEAM_ORIGIN]
        if r["status"] != STATUS_MISSING or r["actual_text"]:
            evidence.insert(0, f"{r['basis']}" + (f"（佐证材料：{r['evidence']}）" if r.get("evidence") else ""))
        if evidence:
            self.paragraph("数据显示：" + _sentences(evidence))
        elif not team:
            self.paragraph("数据显示：数据未提供该指标的佐证，须评价组核查后评分。")
        if team:  # the team's own findings are theirs, not the data's
            self.paragraph("评价组核查：" + _sentences(team))
        proposal = result.proposal_of(r["name"])
        if proposal is not None:
            self.paragraph(f"系统建议：{proposal.text()}，未计入得分。")
        if r["status"] == STATUS_EVALUATOR:
            opinion = result.opinions.get(r["name"])
            self.paragraph(f"评价组评分：{number_text(r['score'])}分" + (f"，评价意见：{opinion}" if opinion else "") + "。")
        elif r["status"] in (STATUS_SCORED, STATUS_EXPLAIN):
            self.paragraph(f"按评分规则计{number_text(r['score'])}分。")
        else:
            self.parts(Paragraph((Placeholder(f"{r['name']}的评价意见和得分"),)))

    def indicator_rows(self, rows: pd.DataFrame) -> None:
        """The indicators of one dimension in a table (the paragraphs per indicator follow)."""
        frame = pd.DataFrame({
            "三级指标": rows["name"], "指标值": rows["target_text"].replace("", "—"),
            "实际完成值": [a or "—" for a in rows["actual_text"]], "分值": [number_text(w) for w in rows["weight"]],
            "得分": ["—" if pd.isna(s) else number_text(s) for s in rows["score"]], "状态": rows["status"],
        })
        caption = f"{rows['level1'].iloc[0]}等指标得分" if rows["level1"].nunique() == 1 else "指标得分"
        self.table(blocks.table(frame, {c: c for c in frame.columns}, caption, demo=self.report.demo))

    def problems(self) -> None:
        """五（二）: the data's and the team's problems, numbered together by dimension, each with its origin;
        a finding of the data the team has not decided on is highlighted."""
        found = in_report_order(self.analysis.findings)
        if not found:
            self.paragraph("数据未显示需要列出的问题。")
            return
        self.paragraph(problems_note(found, len(self.analysis.rejected)))
        number = 0
        groups = [(c, [f for f in found if f.category == c]) for c in DIMENSIONS]
        for numeral, (category, group) in zip("一二三四五六", [g for g in groups if g[1]]):
            self.heading(f"{numeral}是{category}方面", 3)
            for f in group:
                number += 1
                self.parts(Paragraph(tuple(problem_parts(number, f))))
            cause = self.info.get(f"{category}类问题原因")
            if cause:
                self.paragraph(f"原因分析：{cause}")
            elif not any(f.cause for f in group):
                self.parts(Paragraph((Placeholder(f"{category}类问题的原因分析"),)))

    def advice(self) -> None:
        """六: one recommendation per theme, naming the problems of 五（二） it answers."""
        found = in_report_order(self.analysis.findings)
        if not found:
            self.paragraph("数据未显示需要提出的建议。")
            return
        advice: dict[str, list[int]] = {}
        missing: list[int] = []
        for number, f in enumerate(found, start=1):
            if f.recommendation:
                advice.setdefault(f.recommendation, []).append(number)
            else:
                missing.append(number)
        k = 0
        for k, (rec, numbers) in enumerate(advice.items(), start=1):
            self.paragraph(f"{_numeral(k)}{rec}（针对第五部分问题第{'、'.join(map(str, numbers))}条）")
        if missing:
            self.parts(Paragraph((Text(_numeral(k + 1)), Placeholder(
                f"针对第五部分问题第{'、'.join(map(str, missing))}条的建议"))))

    def rejected(self, number: int) -> int:
        """附件: the findings of the data the team did not adopt, with its reasons (when there are any)."""
        rejected = self.analysis.rejected
        if not rejected:
            return number
        self.heading(f"附件{number} 评价组未采纳的系统发现", 2)
        self.paragraph(f"以下{len(rejected)}个问题由数据分析发现，经评价组核实不予采纳，未列入第五、六部分。")
        for r in rejected:
            by = f"（{r.by}）" if r.by else ""
            self.paragraph(f"{r.finding.code} {r.finding.title}：{r.finding.summary}不采纳理由：{r.reason}{by}")
        return number + 1


def _numeral(k: int) -> str:
    """``（一）``…``（十）``, then ``（十一）``… (never an Arabic number after a Chinese one)."""
    return f"（{chinese_numeral(k)}）"



def problems_note(found: list, rejected: int) -> str:
    """The sentence before 五（二）'s problems: how many each origin gives, and what the marks mean."""
    team = sum(f.origin == TEAM_ORIGIN for f in found)
    pending = sum(f.origin != TEAM_ORIGIN and not f.decision for f in found)
    text = (f"经数据分析和评价组核查，发现{len(found)}个问题（数据分析{len(found) - team}个、评价组核查{team}个），"
            if team else f"经数据分析，发现{len(found)}个问题，") + "按决策、过程、产出、效益分述如下。"
    if pending:
        text += f"其中{pending}个为系统发现，尚待评价组确认，已标出。"
    if rejected:
        text += f"评价组不予采纳的{rejected}个系统发现及理由见附件。"
    return text


def problem_parts(number: int, f) -> list:
    """One problem of 五（二）: ``1.标题。内容（来源）``; the team's cause after it; a pending one highlighted."""
    parts: list = [Text(f"{number}.{f.title}。"), Text(f.summary) if f.summary else Placeholder(f"“{f.title}”的具体情况")]
    if f.origin == TEAM_ORIGIN:
        parts.append(Text(f"（评价组核查{'，依据：' + f.basis if f.basis else ''}）"))
    elif f.decision == AMEND:
        parts.append(Text("（数据分析发现，评价组修改后的表述）"))
    elif f.decision:
        parts.append(Text("（数据分析发现，经评价组确认）"))
    else:
        parts.append(Placeholder(f"系统发现，待评价组确认（编号{f.code}：采纳、修改或不采纳）"))
    if f.cause:
        parts.append(Text(f"原因：{f.cause}"))
    return parts


def _sentences(texts: list[str]) -> str:
    """Texts run together, each ending with 。."""
    return "".join(t if t.endswith("。") else t + "。" for t in texts)


def _source(ind) -> str:
    if ind.measure:
        return "预算执行表计算"
    if ind.indicator and ind.rule not in ("manual",):
        return "绩效指标表、评价记录"
    return "评价记录（评价人）"
