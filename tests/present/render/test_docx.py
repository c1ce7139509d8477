"""Blocks as a Word document in the typography of official documents: fonts, page, fields, tables, figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from qdanalysis.present.blocks import NOTE, Chart, Placeholder, Table, TableLayout, bold, para
from qdanalysis.present.render.docx import BODY_FONT, TEXT_WIDTH, DocxWriter


def east_asian(run) -> str:
    return run.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_an_official_page_and_styles():
    w = DocxWriter()
    section = w.doc.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    normal = w.doc.styles["Normal"]
    assert normal.font.size == Pt(16) and normal.paragraph_format.first_line_indent == Pt(32)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and fonts.get(qn("w:asciiTheme")) is None
    assert w.doc.styles["Title"].font.size == Pt(22)


def test_the_footer_numbers_the_pages_with_a_field():
    footer = DocxWriter().doc.sections[0].footer.paragraphs[0]
    assert footer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert [t.text.strip() for t in footer._p.iter(qn("w:instrText"))] == ["PAGE"]
    assert footer.text.replace(" ", "") == "—1—"


def test_the_font_table_names_a_substitute_for_each_chinese_face(tmp_path):
    path = DocxWriter().save(tmp_path / "sub" / "a.docx")
    assert path.is_file() and not list(path.parent.glob("*.tmp*"))
    part = next(r.target_part for r in Document(path).part.rels.values() if r.reltype.endswith("/fontTable"))
    fonts = {f.get(qn("w:name")): f.find(qn("w:altName")) for f in parse_xml(part.blob).findall(qn("w:font"))}
    assert fonts["方正小标宋简体"].get(qn("w:val")) == "宋体" and fonts["仿宋_GB2312"].get(qn("w:val")) == "仿宋"


def test_a_paragraph_keeps_its_bold_parts_and_highlights_what_the_team_must_write():
    w = DocxWriter()
    w.blocks([para("{title}：{what}", title=bold("结论"), what=Placeholder("评价结论")), para("小字", NOTE)])
    p, note = w.doc.paragraphs[-2:]
    assert [(r.text, bool(r.bold)) for r in p.runs] == [("结论", True), ("：", False), ("【待评价组填写：评价结论】", False)]
    assert p.runs[2].font.highlight_color == WD_COLOR_INDEX.YELLOW and p.runs[0].font.highlight_color is None
    assert all(east_asian(r) == BODY_FONT[0] for r in p.runs)
    assert note.runs[0].font.size == Pt(12)


def test_the_reports_title_and_hidden_tables_are_left_to_the_draft():
    w = DocxWriter()
    before = len(w.doc.paragraphs)
    layout = TableLayout("t", "明细", {"a": "甲"})
    w.blocks([para("标题", "title"), Table(layout, pd.DataFrame({"a": [1]}), shown=False)])
    assert len(w.doc.paragraphs) == before and not w.doc.tables and w.tables == 0


LAYOUT = TableLayout("t", "费用", {"item": "项目", "cost": "费用（万元）"}, money=("cost",), note="注：说明。")


def test_a_table_is_numbered_in_the_drafts_order_with_its_header_repeated():
    w = DocxWriter()
    frame = pd.DataFrame({"item": ["线路", "短信"], "cost": [1230000, None]})
    w.table(Table(LAYOUT, frame, number=7))
    w.table(Table(LAYOUT, frame, demo=True))
    captions = [p.text for p in w.doc.paragraphs if p.text.startswith("表")]
    assert captions == ["表1 费用", "表2 费用（示例数据）"]
    table = w.doc.tables[0]
    assert [[c.text for c in r.cells] for r in table.rows] == [["项目", "费用（万元）"], ["线路", "123.00"], ["短信", "未披露"]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:cantSplit")) is not None
    amount, undisclosed = table.rows[1].cells[1].paragraphs[0], table.rows[2].cells[1]
    assert amount.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert undisclosed.paragraphs[0].runs[0].font.color.rgb == (0x80, 0x80, 0x80)
    assert "注：说明。" in [p.text for p in w.doc.paragraphs]
    widths = [c.width for c in table.columns]
    assert abs(sum(widths) - TEXT_WIDTH) < Mm(1)  # the columns share the width between the margins


def test_a_tables_cells_are_its_text_frames_whether_its_formatters_give_texts_or_not():
    from qdanalysis.present.blocks import TableLayout

    frame = pd.DataFrame({"item": ["线路", None, "短信"], "n": [3, None, 12]})
    texts = TableLayout("t", "数量", {"item": "项目", "n": "条数"})
    figures = TableLayout("f", "数量", {"item": "项目", "n": "条数"}, text={"n": lambda v: None if pd.isna(v) else int(v)})
    w = DocxWriter()
    w.table(Table(texts, frame))
    w.table(Table(figures, frame))  # a formatter giving figures: the frame made them floats, as the draft showed them
    cells = [[[c.text for c in r.cells] for r in t.rows] for t in w.doc.tables]
    assert cells[0] == [["项目", "条数"], ["线路", "3.0"], ["—", "—"], ["短信", "12.0"]]
    assert cells[1] == [["项目", "条数"], ["线路", "3.0"], ["—", "未披露"], ["短信", "12.0"]]  # not 3: as the frame holds it


def test_a_table_of_ten_columns_gets_a_landscape_page_of_its_own():
    w = DocxWriter()
    columns = {f"c{i}": f"列{i}" for i in range(10)}
    w.table(Table(TableLayout("wide", "宽表", columns), pd.DataFrame({c: ["1"] for c in columns})))
    orientations = [s.orientation for s in w.doc.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert round(w.doc.sections[1].page_width.mm) == 297
    assert w.doc.tables[0].rows[0].cells[0].paragraphs[0].runs[0].font.size == Pt(9)


def test_a_chart_is_a_picture_the_width_of_the_text_with_a_numbered_caption():
    def draw():
        fig = plt.figure(figsize=(2, 1))
        fig.add_subplot().plot([1, 2])
        return fig

    w = DocxWriter()
    w.blocks([Chart("c", draw, "线路费用"), Chart("d", draw, "短信")])
    assert [p.text for p in w.doc.paragraphs if p.text.startswith("图")] == ["图1 线路费用", "图2 短信"]
    assert [s.width for s in w.doc.inline_shapes] == [TEXT_WIDTH, TEXT_WIDTH]
    assert not plt.get_fignums()


def test_the_file_holds_python_docxs_parts_in_its_order_with_the_pngs_stored_as_they_are(tmp_path):
    import io
    import zipfile

    def draw(n):
        fig = plt.figure(figsize=(2, 1))
        fig.add_subplot().plot([1, n])
        return fig

    w = DocxWriter()
    w.paragraph("正文")
    w.blocks([Chart("c", lambda: draw(2), "线路费用"), Chart("d", lambda: draw(3), "短信")])
    ours = zipfile.ZipFile(w.save(tmp_path / "初稿.docx"))
    theirs = io.BytesIO()
    w.doc.save(theirs)  # python-docx's own
    theirs = zipfile.ZipFile(theirs)
    assert ours.namelist() == theirs.namelist() and len(ours.namelist()) > 10
    assert all(ours.read(n) == theirs.read(n) for n in ours.namelist())  # part by part
    kinds = {i.filename: i.compress_type for i in ours.infolist()}
    assert {n: k for n, k in kinds.items() if n.endswith(".png")} == {
        "word/media/image1.png": zipfile.ZIP_STORED, "word/media/image2.png": zipfile.ZIP_STORED}
    assert {k for n, k in kinds.items() if not n.endswith(".png")} == {zipfile.ZIP_DEFLATED}
    assert Document(tmp_path / "初稿.docx").inline_shapes[1].width == TEXT_WIDTH


def test_title_headings_and_a_contents_field_word_updates_on_opening():
    w = DocxWriter()
    w.title("2020年绩效评价报告")
    w.heading("一、基本情况", 1)
    w.heading("（一）项目概况", 2)
    w.contents()
    styles = [(p.style.name, p.text) for p in w.doc.paragraphs if p.text]
    assert styles[:3] == [("Title", "2020年绩效评价报告"), ("Heading 1", "一、基本情况"), ("Heading 2", "（一）项目概况")]
    assert east_asian(w.doc.paragraphs[1].runs[0]) == "黑体" and east_asian(w.doc.paragraphs[2].runs[0]) == "楷体_GB2312"
    instructions = [t.text for t in w.doc.element.body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith("TOC") for i in instructions)
    assert w.doc.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_a_reference_document_supplies_styles_and_loses_its_text(tmp_path):
    ref = Document()
    ref.add_paragraph("参考文档的正文")
    ref.styles["Normal"].font.size = Pt(12)
    ref.sections[0].header.paragraphs[0].text = "某评价机构"
    ref.save(tmp_path / "ref.docx")
    w = DocxWriter(tmp_path / "ref.docx")
    assert "参考文档的正文" not in [p.text for p in w.doc.paragraphs]
    assert w.doc.styles["Normal"].font.size == Pt(12) and w.doc.sections[0].header.paragraphs[0].text == "某评价机构"
    w.paragraph("正文")
    assert east_asian(w.doc.paragraphs[-1].runs[0]) == "仿宋_GB2312"  # the style's face, or the body face


@pytest.mark.parametrize("text", ["", "无占位"])
def test_a_text_without_placeholder_is_one_run(text):
    w = DocxWriter()
    w.paragraph(text, indent=False)
    p = w.doc.paragraphs[-1]
    assert [r.text for r in p.runs] == [text] and p.paragraph_format.first_line_indent == Pt(0)


def test_the_cover_has_the_title_and_what_the_team_writes_and_no_page_number():
    w = DocxWriter()
    w.cover("2020年绩效评价报告（初稿）")
    texts = [p.text for p in w.doc.paragraphs if p.text]
    assert texts == ["2020年绩效评价报告（初稿）", "评价机构：【待评价组填写：评价机构名称】",
                     "委托方：【待评价组填写：委托评价的单位】", "报告日期：【待评价组填写：×年×月×日】"]
    entries = [p for p in w.doc.paragraphs if p.text.startswith("评价机构")]
    assert entries[0].runs[1].font.highlight_color == WD_COLOR_INDEX.YELLOW
    assert w.doc.sections[0].different_first_page_header_footer
    assert any(br.get(qn("w:type")) == "page" for br in w.doc.element.body.iter(qn("w:br")))


def test_a_figure_is_never_broken_inside_its_cell():
    w = DocxWriter()
    layout = TableLayout("t", "执行", {"a": "类别", "b": "执行数", "c": "执行率", "d": "说明"})
    frame = pd.DataFrame({"a": ["合计"] * 2, "b": ["924.68", "1,234,567.89"], "c": ["98.27%", "未披露"],
                          "d": ["很长的说明文字" * 12] * 2})
    w.table(Table(layout, frame))
    table = w.doc.tables[0]
    figure, undisclosed = table.rows[1].cells[1], table.rows[2].cells[2]
    assert figure._tc.tcPr.find(qn("w:noWrap")) is not None  # the cell keeps its figure on one line
    assert undisclosed._tc.tcPr.find(qn("w:noWrap")) is None
    # and the column is wide enough for it: 12 characters of digits, wider than half a Chinese character each
    assert table.columns[1].width.mm >= 12 * 1.25 * Pt(10.5).mm / 2 * 0.98


def test_figures_written_as_text_are_right_aligned_and_figures_and_codes_never_broken():
    # the classification is the HTML renderer's (qdanalysis.present.render.cells): 表3's changes, 表1's partial sums
    w = DocxWriter()
    layout = TableLayout("t", "变动", {"a": "合同", "b": "变动", "c": "金额", "d": "说明"})
    frame = pd.DataFrame({"a": ["SL-2019-2.2-DX"], "b": ["-3.65%"], "c": ["152.30+未披露"], "d": ["很长的说明文字" * 12]})
    w.table(Table(layout, frame))
    code, change, partial, note = w.doc.tables[0].rows[1].cells
    for cell in (change, partial):
        assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert cell._tc.tcPr.find(qn("w:noWrap")) is not None
    assert code.paragraphs[0].alignment is None and code._tc.tcPr.find(qn("w:noWrap")) is not None
    assert note.paragraphs[0].alignment is None and note._tc.tcPr.find(qn("w:noWrap")) is None


def test_a_figure_in_a_column_of_text_is_unbroken_but_not_pushed_right():
    w = DocxWriter()
    w.table(Table(TableLayout("t", "指标", {"a": "指标值"}), pd.DataFrame({"a": ["≥80条", "100%", "健全"]})))
    figure = w.doc.tables[0].rows[2].cells[0]
    assert figure.text == "100%" and figure.paragraphs[0].alignment is None
    assert figure._tc.tcPr.find(qn("w:noWrap")) is not None


def test_item_codes_and_sequence_numbers_are_left_aligned_and_unbroken_while_money_is_right_aligned():
    w = DocxWriter()
    layout = TableLayout("t", "逐项", {"no": "序号", "code": "编号", "item": "项目", "amount": "金额（万元）"},
                         money=("amount",))
    frame = pd.DataFrame({"no": ["1", "2"], "code": ["1.1", "1.10"], "item": ["机房维护", "项目监理费"],
                          "amount": [667000, 33100]})
    w.table(Table(layout, frame))
    table = w.doc.tables[0]
    for row in table.rows[1:]:
        number, code, _, amount = row.cells
        for cell in (number, code):
            assert cell.paragraphs[0].alignment is None  # left, as text: an identifier, not a quantity
            assert cell._tc.tcPr.find(qn("w:noWrap")) is not None  # 1.10 never broken as "1." and "10"
        assert amount.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert [c.text for c in table.rows[2].cells] == ["2", "1.10", "项目监理费", "3.31"]


def test_a_list_of_codes_may_break_after_each_comma_and_chinese_text_is_marked_chinese():
    w = DocxWriter()
    w.paragraph("产出指标列明衡量的项目为1.9、2.1、2.10共3个；另有、其他")
    run = w.doc.paragraphs[-1].runs[0]
    # an optional break (zero-width space) after each 、 before a code: LibreOffice otherwise breaks inside 1.1
    assert run.text == "产出指标列明衡量的项目为1.9、\u200b2.1、\u200b2.10共3个；另有、其他"
    w.table(Table(TableLayout("t", "依据", {"a": "依据"}), pd.DataFrame({"a": ["项目1.1、1.2未覆盖"]})))
    assert w.doc.tables[0].rows[1].cells[0].text == "项目1.1、\u200b1.2未覆盖"
    lang = w.doc.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"  # set and broken into lines by the Chinese rules, not as English


def test_a_figure_inside_wrapped_text_gets_a_column_wide_enough_for_it():
    # 绩效指标's 对比 column: the long text wraps, but 9201859.92 must fit a line, not print as "9201859" then ".92"
    w = DocxWriter()
    columns = {"a": "一级指标", "b": "二级指标", "c": "三级指标", "d": "指标值", "e": "实际完成值", "f": "完成情况",
               "g": "对比"}
    frame = pd.DataFrame({"a": ["产出指标"], "b": ["成本指标"], "c": ["采购成本"], "d": ["≤944.10万元"],
                          "e": ["9201859.92元"], "f": ["已完成"], "g": ["实际9201859.92元，未超过上限944.10万元"]})
    w.table(Table(TableLayout("t", "指标", columns), frame))
    widths = [c.width.mm for c in w.doc.tables[0].columns]
    size = Pt(10.5).mm / 2 * 0.98
    assert widths[-1] >= len("9201859.92") * 1.25 * size + 4.4 - 0.01
    assert abs(sum(widths) - TEXT_WIDTH.mm) < 1  # taken from the other columns: the table still fits the page


def test_a_short_note_beside_a_very_long_one_is_not_left_one_character_wide():
    # 整改情况: 认定 and 整改措施及佐证 beside a 数据分析情况 of hundreds of characters (one character a line before)
    w = DocxWriter()
    columns = {"n": "上年序号", "c": "编号", "t": "上年问题", "k": "类别", "s": "整改状态", "w": "认定",
               "a": "数据分析情况", "m": "整改措施及佐证"}
    frame = pd.DataFrame({"n": ["1"], "c": ["F01"], "t": ["产出指标未覆盖主要支出项目"], "k": ["决策"], "s": ["部分整改"],
                          "w": ["系统建议，待评价组确认"], "a": ["未覆盖支出占比较上年下降。" * 30], "m": [""]})
    w.table(Table(TableLayout("t", "整改", columns), frame))
    widths = dict(zip(columns, (c.width.mm for c in w.doc.tables[0].columns)))
    assert widths["w"] > 17.9 and widths["m"] > 17.9 and widths["a"] > 2 * widths["w"]
    assert abs(sum(widths.values()) - TEXT_WIDTH.mm) < 1
