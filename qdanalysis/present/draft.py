"""``draft``: the 绩效评价报告 as a Word draft in the outline of 财预〔2020〕10号.

Every figure, table and chart comes from the year's analysis, through the same report sections
as the HTML (:class:`~qdanalysis.present.report.AnnualReport`), so the two never disagree. The
indicator system and the scoring standard come from the scoring table; the problems and advice
from the findings, grouped by 决策、过程、产出、效益. What only the evaluation team can write
(the purpose, the work process, causes, good practice, the conclusion's wording) is taken from the
项目信息 sheet where it has a row of that name, otherwise it is a highlighted placeholder
【待评价组填写：…】 that Word's search finds. Nothing is invented.

Typography follows Chinese official documents (GB/T 9704): A4; margins 37/35/28/26 mm; the title
in 方正小标宋简体 二号, the body in 仿宋_GB2312 三号, headings in 黑体 and 楷体_GB2312; the East Asian
font is set on every run and theme fonts are removed, so Chinese never falls back to a Japanese
face; each font names its common substitute (宋体, 仿宋, 楷体) in the font table for machines
without it. Page numbers are a PAGE field; the table of contents is a TOC field Word updates on
opening. An evaluator's reference .docx may supply the styles instead (``template``).
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from qdanalysis.analyse.findings import in_report_order
from qdanalysis.analyse.scoring_table import DEFAULT_LEVELS, GRADE_LOWEST, GRADES, RULES, number_text
from qdanalysis.analyse.year import YearAnalysis, analyse_year
from qdanalysis.atomic import atomic_path
from qdanalysis.domain import DEMO_LABEL, DIMENSIONS, UNDISCLOSED
from qdanalysis.fmt import placeholder, wan
from qdanalysis.money import sum_all
from qdanalysis.paths import REPORTS, project_path
from qdanalysis.present.blocks import Block, FigureBlock, Para, TableBlock
from qdanalysis.present.report import AnnualReport

#: Fonts: (East Asian face, its substitute where the face is not installed).
TITLE_FONT = ("方正小标宋简体", "宋体")
BODY_FONT = ("仿宋_GB2312", "仿宋")
HEADING_FONTS = {1: ("黑体", "黑体"), 2: ("楷体_GB2312", "楷体"), 3: ("仿宋_GB2312", "仿宋")}
LATIN_FONT = "Times New Roman"
#: Sizes: 二号 22 pt, 三号 16 pt, 小四 12 pt, 五号 10.5 pt.
TITLE_SIZE, BODY_SIZE, TABLE_SIZE, NOTE_SIZE = Pt(22), Pt(16), Pt(10.5), Pt(12)
LINE_SPACING = Pt(28)
#: A table of this many columns or more is set in 小五 (9 pt) to stay readable on a portrait page.
WIDE_TABLE, WIDE_TABLE_SIZE = 8, Pt(9)
#: A table of this many columns or more is printed on a landscape page of its own section.
LANDSCAPE_COLUMNS = 10
#: No column is capped below this width (mm) to make room for others.
MIN_COLUMN_MM = 12
#: A column whose text needs at most this width (mm) keeps it when the page is tight.
SHORT_COLUMN_MM = 26
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
#: Charts are printed at this resolution.
CHART_DPI = 200
#: The printable width between the margins (210 − 28 − 26 mm).
TEXT_WIDTH = Mm(156)
PLACEHOLDER = re.compile(r"【待评价组填写：[^】]*】")
NUMERIC_CELL = re.compile(r"^[-−+]?[\d,]+(\.\d+)?(%|倍)?$")
GREY = RGBColor(0x80, 0x80, 0x80)

#: Rows of the 项目信息 sheet the draft takes the evaluator's own words from.
EVALUATOR_FIELDS = {
    "purpose": "评价目的", "process": "评价工作过程", "conclusion": "评价结论", "practice": "主要经验及做法",
    "causes": "问题原因分析",
}

#: The level 1 groups of a scoring table, read as the four dimensions of section 四.
DIMENSION_OF = {"决策": "决策", "过程": "过程", "预算执行率": "过程", "产出": "产出", "效益": "效益", "满意度": "效益"}


def draft_path(out: str | Path | None, year: int) -> Path:
    """``<out>/<year>/<year>年绩效评价报告（初稿）.docx`` (``out`` defaults to ``reports/``)."""
    root = Path(out) if out is not None else REPORTS
    return root / str(year) / f"{year}年绩效评价报告（初稿）.docx"


def draft_year(year: int, root: str | Path | None = None, out: str | Path | None = None, *,
               scoring: str | Path = "", template: str | Path | None = None,
               title: str | None = None) -> tuple[Path, YearAnalysis]:
    """Analyse ``year`` and write its draft (see :func:`write_draft`); returns the path and the analysis.

    Raises:
        ValidationError: the year's data, the scoring table or the record has problems.
    """
    analysis = analyse_year(int(year), root, scoring)
    path = write_draft(analysis, draft_path(out, int(year)), template=template, title=title)
    return path, analysis


def write_draft(analysis: YearAnalysis, path: str | Path, *, template: str | Path | None = None,
                title: str | None = None) -> Path:
    """Write the 绩效评价报告 draft of one year's analysis to ``path`` (atomically)."""
    import matplotlib

    matplotlib.use("Agg")
    doc = _Draft(analysis, template, title)
    doc.build()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, suffix=".docx") as tmp:
        doc.doc.save(tmp)
    return path




def _group_self_score(result, level1: str) -> str:
    """The unit's self-scores of one level-1 group added up; 未披露 unless every indicator of it has one."""
    names = result.sheet.loc[result.sheet["level1"] == level1, "name"]
    values = [result.self_scores.get(n) for n in names]
    if not values or any(v is None for v in values):
        return UNDISCLOSED
    return number_text(float(sum_all(values)))

class _Draft:
    """The document being written, with the report sections it is made from."""

    def __init__(self, analysis: YearAnalysis, template: str | Path | None, title: str | None) -> None:
        self.analysis = analysis
        self.report = AnnualReport(analysis, title) if title else AnnualReport(analysis)
        self.data = analysis.data
        self.styled = template is None
        self.doc = Document(str(project_path(template))) if template else Document()
        if template:
            _clear_body(self.doc)
        self.tables = 0
        self.figures = 0
        info = self.data.project
        self.info = {f: t for f, t in zip(info["field"], info["text"]) if isinstance(t, str) and t.strip()}

    # --- the outline ------------------------------------------------------------------------

    def build(self) -> None:
        self._setup()
        d = self.data
        name = self.info.get("项目名称") or f"{d.year}年专项业务费"
        self.title(f"{name}{'' if str(d.year) in name else f'{d.year}年度'}绩效评价报告（初稿）")
        if self.report.demo:
            self.paragraph(f"【{DEMO_LABEL}】本报告使用程序生成的示例数据，所有数字均非真实数据，仅用于演示。", indent=False)
        self.paragraph(f"数据来源：{self.report.workbooks()}。金额单位：万元（保留两位小数，四舍五入）；“未披露”表示数据未给出，"
                       "不按零计；“推算”表示由数据计算得出，并注明依据。", size=NOTE_SIZE, indent=False)
        self.contents()

        self.heading("一、基本情况", 1)
        self.heading("（一）项目概况", 2)
        self.blocks([b for b in self.report.project() if "总体目标" not in _plain(getattr(b, "html", ""))])
        self.blocks(self.report.overview())
        self.heading("（二）项目资金", 2)
        self.blocks(self.report.budget_execution())
        self.blocks(self.report.categories())
        self.heading("（三）绩效目标", 2)
        self.blocks([b for b in self.report.project() if "总体目标" in _plain(getattr(b, "html", ""))])
        self.blocks(self.report.indicators())

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
        self.blocks(self.report.limitations())

        self.heading("附件", 1)
        self.heading("附件1 评分表", 2)
        self.blocks(self.report.scoring())
        self.heading("附件2 数据核对", 2)
        self.blocks(self.report.data_checks())
        self.heading("附件3 数据局限", 2)
        limits = self.analysis.limitations
        if limits:
            for f in limits:
                self.paragraph(f"{f.title}：{f.summary}")
        else:
            self.paragraph("数据未显示需要说明的局限。")

    def own_words(self, key: str, what: str) -> None:
        """The evaluator's words from the 项目信息 row of this name, else a highlighted placeholder."""
        field = EVALUATOR_FIELDS[key]
        text = self.info.get(field)
        self.paragraph(text if text else placeholder(f"{what}（可在“项目信息”表中以「{field}」一行填写）"))

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
        self.table(TableBlock(rows, "评价指标体系", self.report.demo))
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
            self.table(TableBlock(frame, "各一级指标得分", self.report.demo))
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
        extra = {
            "决策": [],
            "过程": [self.report.renewals],
            "产出": [self.report.network_lines, self.report.sms, self.report.results],
            "效益": [],
        }
        for numeral, dim in zip("一二三四", DIMENSIONS):
            self.heading(f"（{numeral}）项目{dim}情况", 2)
            rows = sheet[[of[lv] == dim for lv in sheet["level1"]]] if len(sheet) else sheet
            if len(rows):
                self.indicator_rows(rows)
            checks = [f for f in in_report_order(self.analysis.findings) if f.category == dim]
            if dim == "决策" and checks:
                self.paragraph("数据显示的决策方面问题见第五部分第（二）项，计" + f"{len(checks)}条。")
            for section in extra[dim]:
                self.blocks(section())
            if not len(rows) and not extra[dim] and not checks:
                self.paragraph(placeholder(f"项目{dim}情况分析"))

    def indicator_rows(self, rows: pd.DataFrame) -> None:
        frame = pd.DataFrame({
            "三级指标": rows["name"], "指标值": rows["target_text"].replace("", "—"),
            "实际完成值": [a or "—" for a in rows["actual_text"]], "分值": [number_text(w) for w in rows["weight"]],
            "得分": ["—" if pd.isna(s) else number_text(s) for s in rows["score"]], "状态": rows["status"],
        })
        self.table(TableBlock(frame, f"{rows['level1'].iloc[0]}等指标得分" if rows["level1"].nunique() == 1
                              else "指标得分", self.report.demo))
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
            self.paragraph(f"原因分析：{cause}" if cause else
                           placeholder(f"{category}类问题的原因分析（可在“项目信息”表中以「{category}类问题原因」一行填写）"))

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

    # --- blocks -------------------------------------------------------------------------------

    def blocks(self, blocks: Iterable[Block]) -> None:
        for block in blocks:
            if isinstance(block, Para):
                if block.kind == "title":
                    continue
                self.paragraph_html(block.html, size=NOTE_SIZE if block.kind == "note" else None)
            elif isinstance(block, TableBlock):
                self.table(block)
            elif isinstance(block, FigureBlock):
                self.figure(block)

    def paragraph_html(self, markup: str, *, size=None) -> None:
        """A report paragraph: its <b> parts bold, the rest plain; tags dropped, entities decoded."""
        p = self._paragraph()
        for bold, text in _segments(markup):
            self._runs(p, text, bold=bold, size=size)

    def paragraph(self, text: str, *, size=None, indent: bool = True, bold: bool = False,
                  align: Any = None) -> None:
        p = self._paragraph(indent=indent)
        if align is not None:
            p.alignment = align
        self._runs(p, text, bold=bold, size=size)

    def table(self, block: TableBlock) -> None:
        """A table: its caption above, numbered in the draft's own order; the header row repeated on every page."""
        frame = block.frame
        landscape = len(frame.columns) >= LANDSCAPE_COLUMNS
        if landscape:
            self._section(landscape=True)
        self.tables += 1
        caption = f"表{self.tables} {re.sub(r'^表[0-9]+ ', '', block.caption)}"
        caption = caption + (f"（{DEMO_LABEL}）" if block.demo and DEMO_LABEL not in caption else "")
        cap = self._paragraph(indent=False, keep_with_next=True)
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._runs(cap, caption, bold=True, size=NOTE_SIZE, font=HEADING_FONTS[1])
        table = self.doc.add_table(rows=1, cols=len(frame.columns))
        table.style = "Table Grid" if "Table Grid" in [s.name for s in self.doc.styles] else None
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = table.rows[0]
        _repeat_header(header)
        for cell, name in zip(header.cells, frame.columns):
            self._cell(cell, str(name), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        size = TABLE_SIZE if len(frame.columns) < WIDE_TABLE else WIDE_TABLE_SIZE
        for cell in header.cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = size
        for values in frame.itertuples(index=False):
            row = table.add_row()
            _keep_row_whole(row)
            cells = row.cells
            for cell, value in zip(cells, values):
                text = UNDISCLOSED if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
                numeric = bool(NUMERIC_CELL.match(text.replace(" ", "")))
                self._cell(cell, text, align=WD_ALIGN_PARAGRAPH.RIGHT if numeric else None,
                           grey=text == UNDISCLOSED, size=size)
        _column_widths(table, frame, size, self._text_width())
        if block.note:
            self.paragraph(block.note, size=Pt(10.5), indent=False)
        if landscape:
            self._section(landscape=False)

    def figure(self, block: FigureBlock) -> None:
        import matplotlib.pyplot as plt

        buf = io.BytesIO()
        block.fig.savefig(buf, format="png", dpi=CHART_DPI)
        plt.close(block.fig)
        buf.seek(0)
        self.figures += 1
        p = self._paragraph(indent=False, keep_with_next=True)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.add_run().add_picture(buf, width=TEXT_WIDTH)
        cap = self._paragraph(indent=False)
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._runs(cap, f"图{self.figures} {block.alt}", size=NOTE_SIZE)

    # --- document parts -----------------------------------------------------------------------

    def title(self, text: str) -> None:
        p = self.doc.add_paragraph(style="Title")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._runs(p, text, font=TITLE_FONT, size=TITLE_SIZE if self.styled else None)

    def heading(self, text: str, level: int) -> None:
        p = self.doc.add_paragraph(style=f"Heading {level}")
        self._runs(p, text, font=HEADING_FONTS[level])

    def contents(self) -> None:
        """目录: a TOC field over the headings, which Word fills in when the file opens."""
        p = self._paragraph(indent=False)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._runs(p, "目  录", font=HEADING_FONTS[1])
        p = self._paragraph(indent=False)
        _field(p, 'TOC \\o "1-2" \\h \\z \\u', "（打开文件时由 Word 更新目录；如未更新，请右键单击此处选择“更新域”）")
        settings = self.doc.settings.element
        update = settings.find(qn("w:updateFields"))
        if update is None:
            update = OxmlElement("w:updateFields")
            settings.append(update)
        update.set(qn("w:val"), "true")
        self.doc.add_page_break()

    def _section(self, *, landscape: bool) -> None:
        """A new section on a new page, landscape for a wide table or portrait again after it; the footer
        (and so the page numbers) continues from the section before."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        _page(section, landscape=landscape)

    def _text_width(self):
        section = self.doc.sections[-1]
        return Emu(section.page_width - section.left_margin - section.right_margin)

    def _setup(self) -> None:
        section = self.doc.sections[0]
        _page(section, landscape=False)
        footer = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        element = footer._p  # noqa: SLF001 - python-docx has no public handle on a paragraph's XML
        for child in list(element):
            if child.tag != qn("w:pPr"):
                element.remove(child)
        self._runs(footer, "— ", size=Pt(14), font=BODY_FONT)
        _field(footer, "PAGE", "1", size=Pt(14))
        self._runs(footer, " —", size=Pt(14), font=BODY_FONT)
        _font_table(self.doc)
        if self.styled:
            _official_styles(self.doc)

    def _paragraph(self, *, indent: bool = True, keep_with_next: bool = False):
        p = self.doc.add_paragraph(style="Normal")
        if not indent:
            p.paragraph_format.first_line_indent = Pt(0)
        if keep_with_next:
            p.paragraph_format.keep_with_next = True
        return p

    def _runs(self, p, text: str, *, bold: bool = False, size=None, font: tuple[str, str] | None = None) -> None:
        """Runs of ``text``, the East Asian font on each; placeholders highlighted for the evaluator."""
        face = (font or BODY_FONT)[0] if self.styled or font else _style_east_asian(p) or BODY_FONT[0]
        pos = 0
        for m in PLACEHOLDER.finditer(text):
            if m.start() > pos:
                _run(p, text[pos:m.start()], face, bold=bold, size=size)
            run = _run(p, m.group(), face, bold=bold, size=size)
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            pos = m.end()
        if pos < len(text) or not text:
            _run(p, text[pos:], face, bold=bold, size=size)

    def _cell(self, cell, text: str, *, bold: bool = False, align=None, grey: bool = False, size=TABLE_SIZE) -> None:
        p = cell.paragraphs[0]
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if align is not None:
            p.alignment = align
        run = _run(p, text, BODY_FONT[0], bold=bold, size=size)
        if grey:
            run.font.color.rgb = GREY


# --- helpers ------------------------------------------------------------------------------------


def _run(p, text: str, east_asian: str, *, bold: bool = False, size=None):
    run = p.add_run(text)
    run.bold = bold or None
    if size is not None:
        run.font.size = size
    _set_fonts(run.element.get_or_add_rPr(), east_asian)
    return run


def _set_fonts(rpr, east_asian: str) -> None:
    """w:rFonts with explicit faces and no theme attribute: Chinese never falls back to a theme font."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def _style_east_asian(p) -> str | None:
    style = p.style
    while style is not None:
        rpr = style.element.rPr
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


def _official_styles(doc) -> None:
    """Normal, Title and Heading 1-3 in the faces and sizes of an official document; no theme fonts."""
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for fonts in defaults.iter(qn("w:rFonts")):
            for attr in list(fonts.attrib):
                if attr.endswith("Theme") or attr.endswith("theme"):
                    del fonts.attrib[attr]
            fonts.set(qn("w:eastAsia"), BODY_FONT[0])
            fonts.set(qn("w:ascii"), LATIN_FONT)
            fonts.set(qn("w:hAnsi"), LATIN_FONT)
    specs = {
        "Normal": (BODY_FONT[0], BODY_SIZE, False),
        "Title": (TITLE_FONT[0], TITLE_SIZE, False),
        "Heading 1": (HEADING_FONTS[1][0], BODY_SIZE, False),
        "Heading 2": (HEADING_FONTS[2][0], BODY_SIZE, False),
        "Heading 3": (HEADING_FONTS[3][0], BODY_SIZE, True),
    }
    for name, (face, size, bold) in specs.items():
        style = styles[name]
        style.font.size = size
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(style.element.get_or_add_rPr(), face)
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_SPACING if name != "Title" else Pt(36)
        fmt.space_before = Pt(0) if name in ("Normal",) else Pt(6)
        fmt.space_after = Pt(0) if name in ("Normal",) else Pt(6)
        if name == "Normal":
            fmt.first_line_indent = Pt(32)  # two characters of 三号
            fmt.widow_control = True
        else:
            fmt.first_line_indent = Pt(0) if name == "Title" else Pt(32)
            fmt.keep_with_next = True
        rpr = style.element.rPr
        for tag in ("w:color",):
            node = rpr.find(qn(tag)) if rpr is not None else None
            if node is not None:
                for attr in list(node.attrib):
                    if "theme" in attr.lower():
                        del node.attrib[attr]
        _drop_theme_fonts(style.element)
        ppr = style.element.pPr
        border = ppr.find(qn("w:pBdr")) if ppr is not None else None
        if border is not None:  # the default Title's blue rule is not part of an official document
            ppr.remove(border)


def _drop_theme_fonts(element) -> None:
    for fonts in element.iter(qn("w:rFonts")):
        for attr in list(fonts.attrib):
            if attr.lower().endswith("theme"):
                del fonts.attrib[attr]


def _font_table(doc) -> None:
    """Declare each Chinese face with the substitute Word uses where it is not installed (w:altName)."""
    part = doc.part
    font_part = next((rel.target_part for rel in part.rels.values() if rel.reltype.endswith("/fontTable")), None)
    if font_part is None:
        return
    from docx.oxml import parse_xml

    root = parse_xml(font_part.blob)
    have = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for face, alt in (TITLE_FONT, BODY_FONT, HEADING_FONTS[1], HEADING_FONTS[2]):
        if face in have:
            continue
        font = OxmlElement("w:font")
        font.set(qn("w:name"), face)
        if alt != face:
            node = OxmlElement("w:altName")
            node.set(qn("w:val"), alt)
            font.append(node)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.append(charset)
        family = OxmlElement("w:family")
        family.set(qn("w:val"), "modern" if "仿宋" in face else "roman")
        font.append(family)
        root.append(font)
    font_part._blob = _xml_bytes(root)  # noqa: SLF001 - a generic part keeps its XML as bytes


def _xml_bytes(element) -> bytes:
    from lxml import etree

    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def _field(p, instruction: str, shown: str, *, size=None) -> None:
    """A complex field (begin, instruction, separate, the text shown until it is updated, end)."""
    def run_with(child) -> None:
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        _set_fonts(rpr, BODY_FONT[0])
        if size is not None:
            sz = OxmlElement("w:sz")
            sz.set(qn("w:val"), str(int(size.pt * 2)))
            rpr.append(sz)
        r.append(rpr)
        r.append(child)
        p._p.append(r)  # noqa: SLF001 - python-docx has no public API for a complex field

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    text = OxmlElement("w:t")
    text.text = shown
    run_with(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _column_widths(table, frame: pd.DataFrame, size=TABLE_SIZE, width=TEXT_WIDTH) -> None:
    """Columns as wide as their text where the width between the margins allows; otherwise the widest
    give way first (so that figures and short labels never wrap while a long note does)."""
    from qdanalysis.present.excel import display_width

    unit = size.mm / 2 * 0.98  # one display column: half a Chinese character of this size
    needs = []
    for j, name in enumerate(frame.columns):
        values = [str(v) for v in frame.iloc[:, j] if v is not None and not (not isinstance(v, str) and pd.isna(v))]
        header = max(display_width(part) for part in re.split(r"[（）()]", str(name)) if part) if str(name) else 2
        needs.append(max([display_width(v) for v in values] + [header, 4]))
    padding = 4.4  # mm: the cell margins (1.9 mm a side) and a little air
    natural = [n * unit + padding for n in needs]
    available = width.mm
    if sum(natural) <= available:
        widths = [w * available / sum(natural) for w in natural]  # room to spare: spread it
    else:
        # Short columns (figures, labels) keep their natural width; the long text columns share what is
        # left, the longer the more (by the square root of their length), so a note wraps and a figure does not.
        short = [w <= SHORT_COLUMN_MM for w in natural]
        rest = available - sum(w for w, s in zip(natural, short) if s)
        longs = [w for w, s in zip(natural, short) if not s]
        if longs and rest >= MIN_COLUMN_MM * 2 * len(longs):
            weight = sum(w ** 0.5 for w in longs)
            widths = [w if s else rest * w ** 0.5 / weight for w, s in zip(natural, short)]
        else:  # too many columns even so: the widest give way first, down to a common cap
            low, high = 0.0, max(natural)
            for _ in range(40):
                cap = (low + high) / 2
                if sum(min(w, cap) for w in natural) > available:
                    high = cap
                else:
                    low = cap
            widths = [min(w, low) for w in natural]
            if low < MIN_COLUMN_MM:
                widths = [w * available / sum(natural) for w in natural]
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)  # noqa: SLF001 - no public API for the table layout
    for j, width in enumerate(widths):
        table.columns[j].width = Mm(width)
        for cell in table.columns[j].cells:
            cell.width = Mm(width)


def _page(section, *, landscape: bool) -> None:
    """A4 with the official margins; on a landscape page the same margins turn with the paper."""
    top, bottom, left, right = (Mm(MARGINS_MM[k]) for k in ("top", "bottom", "left", "right"))
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = left, right, bottom, top
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = top, bottom, left, right


def _keep_row_whole(row) -> None:
    trpr = row._tr.get_or_add_trPr()  # noqa: SLF001 - no public API for a row's properties
    node = OxmlElement("w:cantSplit")
    node.set(qn("w:val"), "true")
    trpr.append(node)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()  # noqa: SLF001 - nor for a row's properties
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _clear_body(doc) -> None:
    """Keep a reference document's styles, headers and page setup; drop its text."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _segments(markup: str) -> list[tuple[bool, str]]:
    """(bold, text) pieces of a report paragraph's escaped HTML."""
    out = []
    for part in re.split(r"(<b>.*?</b>)", markup):
        if not part:
            continue
        bold = part.startswith("<b>")
        out.append((bold, _plain(part)))
    return out


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _source(ind) -> str:
    if ind.measure:
        return "预算执行表计算"
    if ind.indicator and ind.rule not in ("manual",):
        return "绩效指标表、评价记录"
    return "评价记录（评价人）"


__all__ = ["draft_path", "draft_year", "write_draft", "placeholder"]
