"""The trends report's count of each year's problems by dimension."""

from __future__ import annotations

from types import SimpleNamespace

from qdanalysis.present.blocks import Table, plain_text
from qdanalysis.present.trends_problems import blocks


def test_each_years_problems_by_dimension(analysis2020):
    later = SimpleNamespace(year=2021, findings=[f for f in analysis2020.findings if f.code not in ("F02", "F04")])
    report = SimpleNamespace(analyses=[analysis2020, later], demo=False)
    out = blocks(report)
    assert plain_text(out[:1]) == ("各年度报告列出的问题（数据分析发现的和评价组核查发现的，不含评价组不采纳的）："
                                   "2020年12个（决策9、过程1、产出1、效益1）；2021年10个（决策7、过程1、产出1、效益1）。"
                                   "2020年至2021年，决策由9个变为7个。")
    table = out[1]
    assert isinstance(table, Table) and list(table.frame["total"]) == [12, 10] and list(table.frame["team"]) == [0, 0]
