"""十二、数据核对: the figures that disagree, where the data was read from, what was not read or used."""

from __future__ import annotations

from section_checks import context, paragraphs, shape

from qdanalysis.paths import PROJECT_ROOT
from qdanalysis.present.sections import checks
from qdanalysis.read.folder import Skipped


def test_2020_lists_the_disagreement_the_files_and_the_scoring_table(ctx2020):
    blocks = checks.blocks(ctx2020)
    assert shape(blocks) == ["warning", "warning", "table:数据核对", "note", "note", "note", "note"]
    texts = paragraphs(blocks)
    assert texts[0] == "以下数字相互不一致，数据原样保留、未作修正，请核实："
    assert texts[1].startswith("2.2 市直单位网络接入费：合同月费×服务月数与预算数：推算：按合同月费计，年费用104.00万元")
    assert texts[2:] == [
        "数据文件：data/raw/2020/2020年专项业务费.xlsx。",
        "数据读自 data/raw/2020（1个工作簿），本次解析并校验。",
        "以下工作表未使用：《2020年专项业务费.xlsx》「说明」不是数据表，未使用。",
        "评分表：params/scoring-2020.yaml（青岛市大数据局专项业务费2020年绩效评价指标体系）。"]


def test_without_disagreement_or_scoring_table_it_says_the_checks_agree(analysis2020):
    blocks = checks.blocks(context(analysis2020, warnings=[], score=None))
    assert paragraphs(blocks)[0] == "各项核对均一致。"
    assert not any(t.startswith("评分表：") for t in paragraphs(blocks))


def test_stored_tables_skipped_files_and_notes_are_each_said(analysis2020):
    folder = analysis2020.data.folder
    skipped = [Skipped(folder / "预算.csv", "CSV或文本文件，不作为工作簿读取", "请另存为xlsx")]
    ctx = context(analysis2020, data={"processed": PROJECT_ROOT / "data" / "processed" / "2020", "skipped": skipped,
                                      "notes": ["绩效指标取自《自评表.xlsx》"], "unused": []})
    texts = paragraphs(checks.blocks(ctx))
    assert "数据文件夹中以下文件未读取：data/raw/2020/预算.csv（CSV或文本文件，不作为工作簿读取；请另存为xlsx）。" in texts
    assert ("数据读自 data/processed/2020：由 ingest 从 data/raw/2020 生成，data/raw/2020 中的文件经 SHA-256 逐一核对"
            "均未变化，本次未重新解析（1个工作簿）。") in texts
    assert "绩效指标取自《自评表.xlsx》。" in texts
    assert not any(t.startswith("以下工作表未使用") for t in texts)


def test_a_folder_without_workbooks_names_the_folder(analysis2020):
    ctx = context(analysis2020, data={"files": []})
    assert "数据文件：data/raw/2020。" in paragraphs(checks.blocks(ctx))


def test_the_sheet_is_the_checks_table(ctx2020):
    [sheet] = checks.sheets(ctx2020)
    assert sheet.key == "数据核对" and len(sheet.frame) == 6
