"""The trends report's count of each year's problems by dimension."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from qdanalysis.present.blocks import Table, plain_text
from qdanalysis.present.trends_problems import blocks


def test_each_years_problems_by_dimension_say_how_many_are_still_proposals(analysis2020, years_report):
    kept = [f for f in analysis2020.findings if f.code not in ("F02", "F04")]
    later = SimpleNamespace(year=2021, findings=[replace(f, decision="采纳") if f.code == "F03" else f for f in kept])
    report = years_report([analysis2020, later], demo=False)
    out = blocks(report)
    assert plain_text(out[:1]) == ("各年度报告列出的问题（数据分析发现的和评价组核查发现的，不含评价组不采纳的）："
                                   "2020年12个（决策9、过程1、产出1、效益1；其中待评价组确认的系统发现12个）；"
                                   "2021年10个（决策7、过程1、产出1、效益1；其中待评价组确认的系统发现9个、评价组已确认的系统发现1个）。"
                                   "待评价组确认的系统发现是数据分析的建议，评价组尚未确认，不是已认定的问题。"
                                   "2020年至2021年，决策由9个变为7个。")
    table = out[1]
    assert isinstance(table, Table) and list(table.frame["total"]) == [12, 10] and list(table.frame["team"]) == [0, 0]
    assert list(table.frame["pending"]) == [12, 9] and list(table.frame["decided"]) == [0, 1]
    assert list(table.layout.columns.values())[-3:] == ["其中待评价组确认的系统发现", "其中评价组已确认的系统发现", "其中评价组核查发现"]
