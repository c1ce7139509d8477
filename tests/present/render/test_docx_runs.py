"""Runs of a Word paragraph: explicit faces, optional breaks in lists of codes, complex fields."""

from __future__ import annotations

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from qdanalysis.present.render.docx_runs import ZERO_WIDTH_SPACE, add_field, add_run, breakable
from qdanalysis.present.render.docx_typography import set_fonts


def test_a_list_of_codes_may_break_after_each_comma_and_nowhere_else():
    assert breakable("项目1.1、1.2、2.10；另有、其他") == f"项目1.1、{ZERO_WIDTH_SPACE}1.2、{ZERO_WIDTH_SPACE}2.10；另有、其他"


def test_a_run_names_its_faces_and_no_theme_font():
    p = Document().add_paragraph()
    run = add_run(p, "结论1.1、1.2", "黑体", bold=True, size=Pt(12))
    fonts = run.element.rPr.find(qn("w:rFonts"))
    assert (fonts.get(qn("w:eastAsia")), fonts.get(qn("w:ascii")), fonts.get(qn("w:asciiTheme"))) == (
        "黑体", "Times New Roman", None)
    assert run.bold and run.font.size == Pt(12) and run.text == f"结论1.1、{ZERO_WIDTH_SPACE}1.2"
    assert add_run(p, "正文", "仿宋_GB2312").bold is None


def test_a_run_is_the_xml_python_docx_writes_for_any_text():
    texts = ["正文", " 前后空格 ", "a\tb", "行一\n行二\r行三", "\t", "", "&<>\"'", "结尾空格 ", "1.1、2.2"]
    mine, theirs = Document().add_paragraph(), Document().add_paragraph()
    for text in texts:
        add_run(mine, text, "仿宋_GB2312", bold=True, size=Pt(12))
        run = theirs.add_run(breakable(text))
        run.bold, run.font.size = True, Pt(12)
        set_fonts(run.element.get_or_add_rPr(), "仿宋_GB2312")
    assert etree.tostring(mine._p) == etree.tostring(theirs._p)


def test_a_field_is_begin_instruction_separate_shown_text_end():
    p = Document().add_paragraph()
    add_field(p, "PAGE", "1", size=Pt(14))
    kinds = [c.get(qn("w:fldCharType")) or c.tag.split("}")[1] for r in p._p.iter(qn("w:r")) for c in r
             if c.tag != qn("w:rPr")]
    assert kinds == ["begin", "instrText", "separate", "t", "end"]
    assert p._p.find(".//" + qn("w:instrText")).text == " PAGE " and p.text == "1"
    assert {sz.get(qn("w:val")) for sz in p._p.iter(qn("w:sz"))} == {"28"}
