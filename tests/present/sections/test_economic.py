"""按支出经济分类: shown only where the budget gives the class; the largest class named with its share."""

from __future__ import annotations

from decimal import Decimal

from section_checks import context, paragraphs, shape

from qdanalysis.analyse.economic import spending_by_economic
from qdanalysis.present.report import AnnualReport
from qdanalysis.present.sections import economic
from qdanalysis.read.columns import frame
from qdanalysis.read.loaders.budget_system import ECONOMIC_DTYPES


def table():
    rows = [("A", "30213 维修（护）费", "800000", "790000"), ("A", "31002 办公设备购置", "200000", "95000"),
            ("B", "30213 维修（护）费", "1000000", "970000")]
    return spending_by_economic(frame([{"code": c, "item": c, "economic": e, "budget": Decimal(b),
                                        "adjusted_budget": None, "executed": Decimal(x)} for c, e, b, x in rows],
                                      ECONOMIC_DTYPES))


def test_2020_has_no_class_and_the_section_is_not_shown(ctx2020, analysis2020):
    assert economic.blocks(ctx2020) == [] and economic.sheets(ctx2020) == []
    report = AnnualReport(analysis2020)
    assert "economic" not in report.headings()
    assert list(report.headings().values())[3] == "四、网络线路"  # the numbering of the 2020 report is unchanged


def test_a_year_with_classes_names_the_largest(analysis2020):
    ctx = context(analysis2020, economic=table())
    blocks = economic.blocks(ctx)
    assert shape(blocks) == ["p", "chart:economic_spending", "table:支出经济分类"]
    assert paragraphs(blocks) == ["预算执行表按支出经济分类列示了2个分类；执行数最多的是“30213 维修（护）费”"
                                  "（176.00万元，占执行数合计的94.88%）。"]
    assert list(economic.table(ctx).frame["economic"]) == ["30213 维修（护）费", "31002 办公设备购置", "合计"]
    report = AnnualReport(ctx.analysis)
    assert report.headings()["economic"] == "四、支出经济分类"
