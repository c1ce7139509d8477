"""``export``: the year's analysis tables, score sheet and findings as an Excel workbook.

Everything is read from the year's :class:`~qdanalysis.analyse.year.YearAnalysis` through the report's
sections; this module computes nothing and imports no plotting library. The sheets are written by
:mod:`qdanalysis.present.render.xlsx`; the 绩效自评表 keeps the form's own one-page portrait setup
(:mod:`qdanalysis.present.self_evaluation`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment

from qdanalysis.analyse.scoring_table import record_rows
from qdanalysis.analyse.year import YearAnalysis
from qdanalysis.atomic import atomic_path
from qdanalysis.domain import DEMO_LABEL
from qdanalysis.errors import display_path
from qdanalysis.present.blocks import Table, TableLayout
from qdanalysis.present.render.xlsx import CAPTION_FONT, FOOTER, print_setup, safe_text, write_block
from qdanalysis.present.report import AnnualReport
from qdanalysis.present.sections import SECTIONS
from qdanalysis.present.sections.base import Section
from qdanalysis.present.self_evaluation import write_self_evaluation

#: The 评价记录 sheet: the evaluation team's record as read, or the rows the scoring table asks the team for.
RECORD = TableLayout(
    "评价记录", "评价记录（评价组核实的实际完成值、得分、佐证材料和评价意见）",
    {"level1": "一级指标", "name": "三级指标", "weight": "分值", "method": "评分方式", "actual": "实际完成值", "score": "得分",
     "evidence": "佐证材料", "opinion": "评价意见", "evaluator": "评价人", "date": "日期"})


def record_table(analysis: YearAnalysis) -> Table:
    """The 评价记录 as the year's folder gives it; where it gives none, the scoring table's indicators with the
    team's columns left empty (the rows ``qdanalysis template`` writes)."""
    record = analysis.data.record
    if record is None or record.empty:
        rows = record_rows(analysis.scoring) if analysis.scoring is not None else []
        blank = dict.fromkeys(("actual", "score", "evidence", "opinion", "evaluator", "date"), "")  # empty, not —
        record = pd.DataFrame([{"level1": a, "name": b, "weight": c, "method": d, **blank} for a, b, c, d in rows],
                              columns=list(RECORD.columns))
    return Table(RECORD, record, analysis.demo, shown=False)


def write_workbook(analysis: YearAnalysis, out: str | Path, sections: Iterable[Section] = SECTIONS) -> Path:
    """Write the analysis tables, the score sheet and the findings of one year's analysis to ``out`` (xlsx).

    The sheets follow the report's sections (:data:`~qdanalysis.present.sections.SECTIONS`): after 说明 and
    the 绩效自评表 form, each section's tables, numbered as in the report (表1, 表2, ...), with the detail
    sheets of a section after its table.
    """
    d, a, demo = analysis.data, analysis, analysis.demo
    wb = Workbook()
    guide = wb.active
    guide.title = "说明"
    lines = [
        f"{d.year}年专项业务费绩效评价分析表" + (f"（{DEMO_LABEL}，非真实数据）" if demo else ""),
        "数据文件：" + "、".join(display_path(f) for f in d.files),
        "金额单位：万元，保留两位小数（四舍五入）；“未披露”表示数据未给出，不按零计。",
        "由 qdanalysis export 生成；各表数字均由数据计算，不含手工填写的数字。",
        "各表的编号（表1、表2……）与 HTML 报告相同；明细表的最后一行为合计。",
    ]
    for i, text in enumerate(lines, start=1):
        safe_text(guide.cell(row=i, column=1), text)
        guide.cell(row=i, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    guide["A1"].font = CAPTION_FONT
    guide.column_dimensions["A"].width = 90
    print_setup(guide, 90, title_rows="")
    guide.print_options.horizontalCentered = False  # LibreOffice centres the text's overflow and cuts its start
    write_self_evaluation(wb, a)
    ws = wb["绩效自评表"]
    ws.oddFooter.center.text = FOOTER  # the form keeps its own page setup; the footer names it
    ws.oddFooter.center.size = 9
    for table in AnnualReport(analysis, sections=sections).sheets():
        write_block(wb, table)
        if table.key == "评分":  # the evaluator's record beside the score it feeds
            write_block(wb, record_table(analysis))
    with atomic_path(out, suffix=".xlsx") as tmp:
        wb.save(tmp)
    return Path(out)
