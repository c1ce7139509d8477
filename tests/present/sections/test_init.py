"""The report's sections: declared once, read by the HTML report, the Excel export and the Word draft."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from docx import Document
from openpyxl import load_workbook

from qdanalysis.fmt import wan
from qdanalysis.present.blocks import DERIVED, Chart, Figure, Paragraph, Ref, Table, TableLayout, para
from qdanalysis.present.draft import OWN_WORDS, PLACES, write_draft
from qdanalysis.present.excel import write_workbook
from qdanalysis.present.report import AnnualReport
from qdanalysis.present.sections import SECTIONS
from qdanalysis.present.sections.base import Context, Section

EXTRA_TABLE = TableLayout("测试专表", "测试专节的数字", {"name": "名称", "amount": "金额（万元）"}, money=("amount",))


def _extra_table(ctx: Context) -> Table:
    return ctx.table(EXTRA_TABLE, pd.DataFrame({"name": ["预算总额"], "amount": [ctx.data.totals["budget"]]}))


def _extra_blocks(ctx: Context) -> list:
    def draw():
        fig, ax = plt.subplots()
        ax.bar(["预算"], [1])
        return fig

    return [para("测试专节：预算总额{budget}，见{ref}。", budget=wan(ctx.data.totals["budget"]), ref=Ref("测试专表")),
            _extra_table(ctx),
            Chart("extra_chart", draw, "测试专节图")]


#: A section registered for the test: one module's worth of declaration, one line in the tuple.
EXTRA = Section("extra_test", "测试专节", "本节为测试而登记。", _extra_blocks, lambda ctx: [_extra_table(ctx)],
                dimension="效益")


def test_a_registered_section_reaches_all_three_outputs(analysis2020, tmp_path):
    sections = (*SECTIONS, EXTRA)
    report = AnnualReport(analysis2020, sections=sections)
    html = report.html()
    assert "<h2>十三、测试专节</h2>" in html and "测试专节：预算总额941.00万元，见表10。" in html
    assert "表10 测试专节的数字" in html and 'alt="测试专节图"' in html  # after the nine tables of SECTIONS

    ws = load_workbook(write_workbook(analysis2020, tmp_path / "x.xlsx", sections))["测试专表"]
    assert ws["A1"].value == "表10 测试专节的数字（金额单位：万元）"
    assert (ws["A3"].value, ws["B3"].value, ws["B3"].number_format) == ("预算总额", 941.0, "#,##0.00")

    doc = Document(write_draft(analysis2020, tmp_path / "d.docx", sections=sections))
    texts = [p.text for p in doc.paragraphs]
    benefit = texts.index("（四）项目效益情况")
    [caption] = [t for t in texts if t.endswith(" 测试专节的数字")]
    number = caption.split(" ")[0]  # the draft numbers its tables in its own order
    assert number != "表10" and texts.index(f"测试专节：预算总额941.00万元，见{number}。") > benefit > texts.index("（三）项目产出情况")
    assert any(t.endswith(" 测试专节图") for t in texts)
    plt.close("all")


def test_without_the_extra_section_nothing_of_it_appears(analysis2020, tmp_path):
    report = AnnualReport(analysis2020)
    assert "测试专节" not in report.html()
    assert "测试专表" not in load_workbook(write_workbook(analysis2020, tmp_path / "x.xlsx")).sheetnames
    plt.close("all")


def test_the_report_follows_the_order_of_sections(analysis2020):
    report = AnnualReport(analysis2020)
    html = report.html()
    positions = [html.index(f"<h2>{h}</h2>") for h in report.headings().values()]
    shown = [s for s in SECTIONS if report.shown(s)]  # an optional section (支付明细…) only where the year has its data
    assert positions == sorted(positions) and len(positions) == len(shown) - 1
    assert html.index("2020年专项业务费绩效评价数据分析") < positions[0]  # the head comes first, without a heading
    plt.close("all")


def test_keys_are_unique_and_the_outline_names_only_sections_that_exist():
    keys = [s.key for s in SECTIONS]
    assert len(keys) == len(set(keys))
    assert {key for slot in PLACES.values() for key, _ in slot} | OWN_WORDS <= set(keys)
    assert all(s.dimension in ("", "决策", "过程", "产出", "效益") for s in SECTIONS)


def test_the_draft_picks_blocks_by_key_not_by_words(analysis2020):
    report = AnnualReport(analysis2020)
    keys = [b.key for b in report.blocks("overview") if isinstance(b, Paragraph)]
    assert keys[:2] == ["background", "goal"]
    [(_, goal_only)] = PLACES["goals"][:1]
    assert [b.text[:4] for b in report.blocks("overview") if isinstance(b, Paragraph) and goal_only(b.key)] == ["总体目标"]


def test_derived_figures_carry_their_kind_and_basis(analysis2020):
    report = AnnualReport(analysis2020)
    figures = [p for b in report.blocks("categories") if isinstance(b, Paragraph) for p in b.parts
               if isinstance(p, Figure)]
    assert [(f.text, f.kind, f.basis) for f in figures] == [
        ("433.28万元", DERIVED, "预算合计减已列明数"), ("46.04%", DERIVED, "预算合计减已列明数")]
    [lines] = [b for b in report.blocks("lines") if isinstance(b, Paragraph) and "年价差" in b.text]
    assert [p.text for p in lines.parts if isinstance(p, Figure) and p.kind == DERIVED] == ["81.72万元"]


def test_tables_hold_raw_values_and_format_only_as_text(analysis2020):
    report = AnnualReport(analysis2020)
    [table] = [b for b in report.blocks("categories") if isinstance(b, Table)]
    total = table.frame.set_index("category").loc["合计", "budget"]
    assert str(total) == "9410000.00"  # 元, exact
    assert table.text_frame().set_index("类别").loc["合计", "已列明预算数（万元）"] == "941.00"
