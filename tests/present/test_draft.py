"""The 绩效评价报告 draft (``qdanalysis draft``): structure, figures, typography, fields, and a LibreOffice printout."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Mm
from PIL import Image
from team_record import AMENDED_ADVICE, AMENDED_TEXT, AMENDED_TITLE, REJECT_REASON, recorded_root
from workbooks import make_workbook

from qdanalysis.paths import DATA_RAW
from qdanalysis.present.blocks import Chart
from qdanalysis.present.draft import CHART_DPI, TEXT_WIDTH
from qdanalysis.present.render.docx import ZERO_WIDTH_SPACE
from qdanalysis.present.report import AnnualReport
from qdanalysis.run.cli import main
from qdanalysis.run.pipeline import draft_year

SOFFICE = shutil.which("soffice")

HEADINGS_1 = ["一、基本情况", "二、绩效评价工作开展情况", "三、综合评价情况及评价结论", "四、绩效评价指标分析",
              "五、主要经验及做法、存在的问题及原因分析", "六、有关建议", "七、其他需要说明的问题", "附件"]


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    out = tmp_path_factory.mktemp("drafts")
    path, analysis = draft_year(2020, out=out)
    return path, analysis, read_draft(path)


def read_draft(path):
    """The draft as a reader sees its text: without the invisible optional breaks after 、 in a list of codes
    (:func:`qdanalysis.present.render.docx.breakable`)."""
    doc = Document(str(path))
    for t in doc.element.body.iter(qn("w:t")):
        t.text = (t.text or "").replace(ZERO_WIDTH_SPACE, "")
    return doc


def headings(doc, level: int) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def body_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append("|".join(c.text for c in row.cells))
    return "\n".join(parts)


@pytest.mark.slow
def test_the_file_and_the_outline(drafted):
    path, _, doc = drafted
    assert path.name == "2020年绩效评价报告（初稿）.docx" and path.parent.name == "2020"
    [title] = [p for p in doc.paragraphs if p.style.name == "Title"]  # on the cover, with what the team writes
    assert title.text == "青岛市大数据发展管理局专项业务费2020年度绩效评价报告（初稿）"
    cover = [p.text for p in doc.paragraphs[:20] if p.text.startswith(("评价机构", "委托方", "报告日期"))]
    assert cover == ["评价机构：【待评价组填写：评价机构名称】", "委托方：【待评价组填写：委托评价的单位】",
                     "报告日期：【待评价组填写：×年×月×日】"]
    assert headings(doc, 1) == HEADINGS_1
    level2 = headings(doc, 2)
    for expected in ["（一）项目概况", "（二）项目资金", "（三）绩效目标", "（一）评价目的、对象和范围",
                     "（二）评价指标体系、评价方法、评价标准", "（三）评价工作过程", "（一）项目决策情况", "（二）项目过程情况",
                     "（三）项目产出情况", "（四）项目效益情况", "（一）主要经验及做法", "（二）存在的问题及原因分析",
                     "附件1 评分表", "附件2 数据核对", "附件3 数据局限"]:
        assert expected in level2, expected


def test_every_figure_comes_from_the_analysis(drafted):
    _, analysis, doc = drafted
    text = body_text(doc)
    assert "截至2020年末，项目实际执行924.68万元，预算执行率98.27%" in text
    assert analysis.score.headline() in text  # 暂不定级, the evidenced score and the range
    assert "暂不定级：未确认的指标分值合计 95 分" in text and "等级「差」。" not in text
    for f in analysis.findings:
        assert f.summary in text, f.code
        assert f.recommendation in text, f.code
    for f in analysis.limitations:
        assert f.summary in text, f.code
    # the findings are grouped by the four dimensions, in report order
    groups = [h for h in headings(doc, 3) if h.endswith("方面")]
    present = [c for c in ("决策", "过程", "产出", "效益") if any(f.category == c for f in analysis.findings)]
    assert groups == [f"{n}是{c}方面" for n, c in zip("一二三四", present)] and len(groups) == 4
    # the indicator system comes from the scoring table
    system = [t for t in doc.tables if t.rows[0].cells[0].text == "一级指标" and "评分方法" in
              [c.text for c in t.rows[0].cells]][0]
    assert len(system.rows) == 1 + len(analysis.scoring.indicators)
    assert "评价标准：按总分占满分的比例定级，优（90分及以上）、良（80分及以上）、中（60分及以上），低于60分为差" in text


def section_four(doc) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    return texts[texts.index("四、绩效评价指标分析"):texts.index("五、主要经验及做法、存在的问题及原因分析")]


def test_section_four_takes_each_indicator_with_its_points_evidence_proposal_and_judgement(drafted):
    _, analysis, doc = drafted
    four = section_four(doc)
    assert not any("见第五部分" in t for t in four)  # no one-line cross references
    start = four.index("5.预算编制科学性（3分）")
    assert four[start + 1].startswith("评分要点：预算编制是否经过科学论证；") and "评分标准：每有一项不符合扣1分" in four[start + 1]
    assert four[start + 2].startswith("数据显示：不同项目的服务内容重叠：") and "预算测算依据不明确：" in four[start + 2]
    assert four[start + 3] == ("系统建议：" + analysis.score.proposal_of("预算编制科学性").text() + "，未计入得分。")
    assert four[start + 4] == "【待评价组填写：预算编制科学性的评价意见和得分】"
    video = four.index("3.整合视频监控数量（5分）")
    assert four[video + 2].startswith("数据显示：待核实：指标值“≥10万”没有计量单位")
    assert four[video + 3].startswith("系统建议：建议得2.55分（分值5）")
    execution = four.index("2.预算执行率（5分）")
    assert four[execution + 3] == "按评分规则计4.91分。"
    assert "【待评价组填写：立项依据充分性的评价意见和得分】" in four


def test_what_needs_the_evaluator_is_a_highlighted_placeholder(drafted):
    _, _, doc = drafted
    marked = [r for p in doc.paragraphs for r in p.runs if r.text.startswith("【待评价组填写：")]
    texts = [r.text for r in marked]
    for what in ["评价工作过程", "评价结论", "主要经验及做法", "决策类问题的原因分析", "选用的评价方法及其运用"]:
        assert any(what in t for t in texts), what
    assert not any("评价目的" in t or "可在“项目信息”表中以「评价" in t for t in texts)  # a standard text, marked
    assert all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in marked)
    assert all(r.text.endswith("】") for r in marked)  # the placeholder is a run of its own


def test_what_the_data_gives_fills_its_slot_in_parts_one_and_two(drafted):
    _, analysis, doc = drafted
    text = body_text(doc)
    assert "主管部门：青岛市大数据发展管理局；实施单位：青岛市大数据发展管理局。" in text
    assert "资金来源：2020年预算941.00万元，均为当年财政拨款。" in text  # 一（一）3: 均为财政拨款
    # 一（一）主要内容及实施情况: the 29 items, each with what the budget sheet's 来源 quotes
    assert "根据预算执行表，项目包括5大类、29个明细项目" in text
    for code in analysis.data.budget["code"]:
        assert re.search(rf"^{re.escape(code)} ", text, re.M), code
    assert "1.1 电子政务机房UPS等关键设备维护服务费：根据2019年8月10日的采购结果，年度项目维护服务费66.7万元，2020年续签合同。" in text
    assert "5.6 大数据工作宣传和培训印刷费：编撰、设计、印刷《2020年青岛市大数据投资指南》等材料。" in text
    # 二: the standard texts, said to be standard; the methods offered for the team's choice
    assert "评价目的：通过对青岛市大数据发展管理局专项业务费2020年度资金的决策、过程、产出和效益进行评价" in text
    assert "评价原则：遵循科学公正、统筹兼顾、激励约束、公开透明的原则" in text
    assert "注：以上评价目的和评价原则为依据财预〔2020〕10号的通用表述。" in text
    assert "评价方法：数据分析采用比较法，逐项比较预算执行数与预算数；绩效指标实际完成值与指标值" in text
    assert "成本效益分析法、比较法、因素分析法、最低成本法、公众评判法、标杆管理法" in text


def test_the_advice_is_numbered_in_chinese_past_ten(drafted):
    _, analysis, doc = drafted
    texts = [p.text for p in doc.paragraphs]
    advice = texts[texts.index("六、有关建议") + 1:texts.index("七、其他需要说明的问题")]
    assert len({f.recommendation for f in analysis.findings}) >= 11  # the 2020 draft goes past ten
    assert advice[10].startswith("（十一）")
    assert not any(re.match(r"（\d+）", t) for t in advice)  # never （11） after （十）


def test_official_typography(drafted):
    path, _, doc = drafted
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)]
    assert margins == [37, 35, 28, 26]
    # the wide tables (合同续签 and the 评分表 annex, 11 columns) sit on landscape pages of their own
    wide = [s for s in doc.sections if s.orientation == WD_ORIENT.LANDSCAPE]
    assert len(wide) == 2 and all((round(s.page_width.mm), round(s.page_height.mm)) == (297, 210) for s in wide)
    assert all(s.footer.is_linked_to_previous for s in doc.sections[1:])  # the page numbers run on
    styles = doc.styles
    assert styles["Normal"].font.size.pt == 16 and styles["Title"].font.size.pt == 22
    east = {name: styles[name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
            for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3")}
    assert east == {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Heading 1": "黑体", "Heading 2": "楷体_GB2312",
                    "Heading 3": "仿宋_GB2312"}
    # every run names its East Asian font, and no theme font is left for Chinese to fall back to
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    assert runs and all(r.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in runs)
    with zipfile.ZipFile(path) as z:
        styles_xml = z.read("word/styles.xml").decode("utf-8")
        fonts_xml = z.read("word/fontTable.xml").decode("utf-8")
    defaults = styles_xml.split("<w:docDefaults>")[1].split("</w:docDefaults>")[0]
    assert "Theme" not in defaults
    for name in ("Normal", "Title", "heading 1", "heading 2", "heading 3"):
        style = styles_xml.split(f'w:name w:val="{name}"')[1].split("</w:style>")[0]
        assert "eastAsiaTheme" not in style and "asciiTheme" not in style, name
    # a machine without the official faces uses their usual substitutes
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts_xml
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts_xml


def test_fields_page_numbers_and_contents(drafted):
    path, _, doc = drafted
    footer = doc.sections[0].footer.paragraphs[0]._p.xml
    assert "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>" in footer and footer.count("<w:fldChar ") == 3
    with zipfile.ZipFile(path) as z:
        document = z.read("word/document.xml").decode("utf-8")
        settings = z.read("word/settings.xml").decode("utf-8")
    assert ' TOC \\o "1-2" \\h \\z \\u ' in document
    assert '<w:updateFields w:val="true"/>' in settings


def test_charts_at_print_resolution_and_tables_that_repeat_their_header(drafted):
    _, analysis, doc = drafted
    report = AnnualReport(analysis)
    used = ["budget", "categories", "indicators", "renewals", "lines", "sms", "results"]
    expected = sum(isinstance(b, Chart) for section in used for b in report.blocks(section))
    shapes = doc.inline_shapes
    assert len(shapes) == expected
    images = []
    for shape in shapes:
        assert abs(shape.width - TEXT_WIDTH) < Mm(1)
        blob = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        images.append(doc.part.related_parts[blob].blob)
        width_px = Image.open(io.BytesIO(images[-1])).size[0]
        assert width_px / (TEXT_WIDTH.mm / 25.4) >= CHART_DPI  # ≥ 140 dpi as printed: the report's own PNG
    # the very PNGs the HTML report shows (a draft written after a run takes them from the run's cache)
    from qdanalysis.present.cache import chart_png

    shown = [chart_png(b) for section in used for b in report.blocks(section) if isinstance(b, Chart)]
    assert sorted(images) == sorted(shown)
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    composition = [t for t in doc.tables if t.rows[0].cells[0].text == "类别" and len(t.columns) == 4][0]
    cells = {r.cells[0].text: r.cells[3] for r in composition.rows[1:]}
    assert cells["关键设备维护服务费"].text == "213.50"
    assert cells["关键设备维护服务费"].paragraphs[0].alignment == 2  # numbers right-aligned
    assert cells["大数据产业规划评估等费用"].text == "未披露"


@pytest.mark.slow
def test_the_evaluators_own_words_replace_the_placeholders(tmp_path):
    root = tmp_path / "raw"
    shutil.copytree(DATA_RAW / "2020", root / "2020")
    make_workbook(root / "2020" / "评价组.xlsx", {
        "项目信息": [["评价组填写"], ["事项", "内容"], ["评价目的", "了解专项业务费的使用效益，为2022年预算安排提供依据。"],
                    ["评价结论", "项目总体完成年度目标，但刚性支出占比较高。"]],
    })
    path, _ = draft_year(2020, root, tmp_path / "out")
    text = body_text(read_draft(path))
    assert "了解专项业务费的使用效益，为2022年预算安排提供依据。" in text
    assert "项目总体完成年度目标，但刚性支出占比较高。" in text
    assert "【待评价组填写：评价目的" not in text and "【待评价组填写：评价结论" not in text
    assert "【待评价组填写：评价工作过程" in text  # still missing: still marked


def section_text(doc, start: str, end: str) -> list[str]:
    """The paragraphs from the one that starts with ``start`` up to (not including) the one that starts with ``end``
    (or to the end of the document)."""
    texts = [p.text for p in doc.paragraphs]
    first = next(i for i, t in enumerate(texts) if t.startswith(start))
    last = next((i for i, t in enumerate(texts) if i > first and t.startswith(end)), len(texts))
    return [t for t in texts[first:last] if t.strip()]


@pytest.mark.slow
def test_five_and_six_number_the_datas_and_the_teams_problems_together_as_the_team_decided(tmp_path):
    path, analysis = draft_year(2020, recorded_root(tmp_path / "raw"), tmp_path / "out")
    doc = read_draft(path)
    five = section_text(doc, "（二）存在的问题及原因分析", "六、有关建议")
    assert five[1] == ("经数据分析和评价组核查，发现13个问题（数据分析11个、评价组核查2个），按决策、过程、产出、效益分述如下。"
                       "其中9个为系统发现，尚待评价组确认，已标出。评价组不予采纳的1个系统发现及理由见附件。")
    problems = [t for t in five if re.match(r"\d+\.", t)]
    assert [int(t.split(".")[0]) for t in problems] == list(range(1, 14))
    assert f"4.{AMENDED_TITLE}。{AMENDED_TEXT}（数据分析发现，评价组修改后的表述）" in problems
    assert ("9.立项程序欠规范。专项业务费项目大部分为延续性项目，项目事前未经过必要的可行性研究、专家论证、风险评估、绩效评估、"
            "集体决策。（评价组核查，依据：座谈记录（2021年5月20日）、项目立项资料）") in problems
    assert problems[10].startswith("11.未制定专项业务费资金管理办法。") and problems[10].endswith(
        "（评价组核查，依据：座谈记录（2021年5月20日）、财务制度汇编）原因：对专项业务费的制度建设重视不够。")
    assert problems[9].endswith("（数据分析发现，经评价组确认）")  # F06, 采纳
    assert not any("合同续签金额未披露" in t for t in five)  # F05-3, 不采纳
    # a finding the team has not decided on is highlighted, naming its code
    pending = [r for p in doc.paragraphs if p.text.startswith("1.") for r in p.runs if r.text.startswith("【")]
    assert [r.text for r in pending] == ["【待评价组填写：系统发现，待评价组确认（编号F01：采纳、修改或不采纳）】"]
    assert pending[0].font.highlight_color == WD_COLOR_INDEX.YELLOW
    # 过程 has the team's own cause: no placeholder for it; 决策 has none: still one
    assert "【待评价组填写：决策类问题的原因分析】" in five and "【待评价组填写：过程类问题的原因分析】" not in five

    six = section_text(doc, "六、有关建议", "七、其他需要说明的问题")
    assert f"（四）{AMENDED_ADVICE}（针对第五部分问题第4条）" in six
    assert six[-1].startswith("（十二）") and "（11）" not in "".join(six)  # 十一, 十二 after 十
    assert any(t.startswith("（八）加强项目前期的决策管理及评估论证") and t.endswith("（针对第五部分问题第9条）") for t in six)

    # section 四: the team's finding is the team's evidence, and an ungraded one gets no proposed score
    four = section_text(doc, "四、绩效评价指标分析", "五、主要经验及做法、存在的问题及原因分析")
    start = four.index("2.立项程序规范性（4分）")
    assert four[start + 2] == ("评价组核查：立项程序欠规范：专项业务费项目大部分为延续性项目，项目事前未经过必要的可行性研究、"
                               "专家论证、风险评估、绩效评估、集体决策。")
    assert four[start + 3] == ("系统建议：不提出分数，由评价组据相关问题评分：评价组核查发现1项相关问题：立项程序欠规范"
                               "（评价组核查，未定级）（待评价人确认），未计入得分。")
    assert not any(t.startswith("数据显示：数据未提供") for t in four[start:start + 4])

    annex = section_text(doc, "附件4 评价组未采纳的系统发现", "附件5")  # after 附件3 数据局限
    assert annex[1] == "以下1个问题由数据分析发现，经评价组核实不予采纳，未列入第五、六部分。"
    assert annex[2].startswith("F05-3 合同续签金额未披露：") and annex[2].endswith(
        f"不采纳理由：{REJECT_REASON}（张三，2021-05-22）")


@pytest.mark.slow
def test_an_evaluators_reference_document_supplies_the_styles(tmp_path):
    ref = Document()
    ref.styles["Normal"].font.size = Mm(4)  # about 11 pt: the evaluator's house style
    ref.sections[0].header.paragraphs[0].text = "某评价机构"
    ref.add_paragraph("参考文档的正文，不应出现在初稿中")
    ref_path = tmp_path / "参考.docx"
    ref.save(str(ref_path))
    path, _ = draft_year(2020, out=tmp_path / "out", template=ref_path)
    doc = read_draft(path)
    assert round(doc.styles["Normal"].font.size.mm) == 4
    assert doc.sections[0].header.paragraphs[0].text == "某评价机构"
    assert "参考文档的正文" not in body_text(doc) and headings(doc, 1) == HEADINGS_1


@pytest.mark.slow
def test_the_command(tmp_path, capsys):
    assert main(["draft", "--year", "2020", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("已生成报告初稿：") and out[0].endswith("2020年绩效评价报告（初稿）.docx")
    assert out[1].startswith("评分表：params/scoring-2020.yaml") and "暂不定级" in out[1]
    assert (tmp_path / "2020" / "2020年绩效评价报告（初稿）.docx").is_file()


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is installed by .ci/run")
def test_the_draft_prints_through_libreoffice(drafted, tmp_path):
    path, _, _ = drafted
    env = {**os.environ, "HOME": str(tmp_path)}  # a profile of its own
    subprocess.run([SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, timeout=300, env=env, capture_output=True)
    pdf = tmp_path / path.with_suffix(".pdf").name
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 20 <= pages <= 60, pages
    assert "595.3" in info and "841.89" in info  # A4
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "一、基本情况" in text and "七、其他需要说明的问题" in text
    assert re.search(r"—\s*3\s*—", text)  # the PAGE field, printed
    # a list of item codes (1.1、1.2、…、1.10) breaks between its codes, never inside one ("1." then "1", "5" then ".1")
    assert not re.search(r"(^|\s)\d+\.$", text, re.M) and not re.search(r"^\s*\.\d", text, re.M)
    assert not re.search(r"^\s*、", text, re.M)  # nor before its comma
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == 2


@pytest.mark.slow
def test_the_grade_sentence_is_written_once(drafted):
    _, analysis, doc = drafted
    said = [p.text for p in doc.paragraphs if p.text == analysis.score.headline()]
    assert len(said) == 1  # in 三, not again in the score annex


def test_without_a_year_before_part_seven_says_so_in_one_sentence(drafted):
    _, _, doc = drafted
    seven = section_text(doc, "七、其他需要说明的问题", "附件")
    assert seven[1] == "未提供上年度评价的资料（上年度数据文件夹、上年主要问题表或整改情况记录），本报告不列示上年评价发现问题的整改情况。"
    assert "（一）上年评价发现问题整改情况" not in seven and "（二）其他事项" not in seven


def test_last_years_problems_open_part_seven(tmp_path, analysis2020):
    from dataclasses import replace

    from qdanalysis.analyse.followup import FollowUp, FollowUpItem, PriorProblem
    from qdanalysis.present.draft import write_draft

    item = FollowUpItem(PriorProblem("3", "F02", "数量指标设在按量计费的服务上", "决策", "中", "数据分析"), "已整改",
                        "本年数据分析未再发现此问题（同一规则F02本年未发现问题）", "已整改")
    analysis = replace(analysis2020, followup=FollowUp(2019, "上年数据", (item,)))
    doc = read_draft(write_draft(analysis, tmp_path / "d.docx"))
    seven = section_text(doc, "七、其他需要说明的问题", "附件")
    assert seven[1] == "（一）上年评价发现问题整改情况"
    assert seven[2].startswith("据上年数据分析及评价组的处理记录，2019年评价发现问题1个，整改情况为：已整改1个。")
    assert seven.index("（二）其他事项") > 2
