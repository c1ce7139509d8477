"""Tests for qdanalysis.run.results: the summary table of a batch of runs, aligned for Chinese text."""

from __future__ import annotations

from pathlib import Path

from qdanalysis.run.results import STATUS_FAILED, STATUS_OK, RunResult, format_summary


def test_summary_lists_the_pdf_beside_the_html():
    results = [RunResult("2020", STATUS_OK, 3.25, html=Path("reports/2020/a.html"), pdf=Path("reports/2020/a.pdf"))]

    assert format_summary(results).splitlines()[1] == "2020  成功  3.2       reports/2020/a.html、reports/2020/a.pdf"


def test_summary_table_aligns_chinese_columns():
    results = [RunResult("2020", STATUS_OK, 3.25, html=Path("reports/2020/a.html")),
               RunResult("trends", STATUS_FAILED, 12.0, error="出错")]

    lines = format_summary(results).splitlines()

    assert lines[0] == "年份      状态  用时(秒)  输出"
    assert lines[1] == "2020      成功  3.2       reports/2020/a.html"
    assert lines[2] == "多年趋势  失败  12.0      （无）"
    assert lines[3] == "共 2 项：成功 1，失败 1"
    scored = [RunResult("2020", STATUS_OK, 3.25, score="评分表：甲；总分 90 分"), RunResult("2021", STATUS_FAILED, 1.0)]
    assert format_summary(scored).splitlines()[-1] == "2020：评分表：甲；总分 90 分"
