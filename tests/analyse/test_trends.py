"""Trends across years: the figures and the checks the trends report rests on (the findings of the rules across
years are tested in tests/analyse/rules/test_across_years.py)."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

import qdanalysis
from qdanalysis.analyse import trends as T
from qdanalysis.analyse.year import analyse
from qdanalysis.demo.generate import generate_demo


def test_year_on_year_amounts_in_percent_shares_in_points():
    m = pd.DataFrame({"year": [2020, 2021], "budget": [Decimal(100), Decimal(110)], "executed": [Decimal(90), None],
                      "line_annual_cost": [None, None], "sms_count": [10, 12], "sms_amount": [None, None],
                      "execution_rate": [0.90, 0.95], "itemised_share": [0.5, 0.5], "recurring_share": [0.40, 0.37]})
    yoy = T.year_on_year(m).iloc[0]
    assert (yoy["year"], yoy["previous"]) == (2021, 2020)
    assert yoy["budget"] == pytest.approx(0.10) and yoy["sms_count"] == pytest.approx(0.20)
    assert pd.isna(yoy["executed"])  # 未披露 in 2021: no change claimed
    assert yoy["execution_rate"] == pytest.approx(5.0) and yoy["recurring_share"] == pytest.approx(-3.0)


def test_category_changes_mark_the_new_and_the_faster_category(analyses):
    changes = T.category_changes(T.category_trend(analyses), T.trend_table(analyses)).set_index("category")
    new = changes.loc["数据安全保障"]
    assert bool(new["new"]) and new["first_year"] == 2021
    faster = changes[changes["faster"] & ~changes["new"]]
    assert list(faster.index) == ["大数据产业规划评估等费用"]
    row = faster.iloc[0]
    assert row["growth"] - row["total_growth"] > T.FASTER_MARGIN
    assert row["share_change"] == pytest.approx((row["last_share"] - row["first_share"]) * 100)


def test_unit_price_per_mbps_falls_for_telecom_not_unicom(analyses):
    prices = T.unit_price_trend(T.line_trend(analyses)).set_index(["carrier", "line_type"])
    telecom = prices.loc[("中国电信", "单位接入（主、副线路）")]
    unicom = prices.loc[("中国联通", "单位接入（主、副线路）")]
    assert telecom["fell_years"] == 4 and telecom["steps"] == 4  # 965 → 942 (tender) and three cuts
    assert unicom["fell_years"] == 1 and unicom["last"] == pytest.approx(942 / 20)
    switch = T.carrier_switches(T.line_trend(analyses))
    assert switch == [{"line_type": "省电子政务专网", "year": 2019, "before": ["中国电信"], "after": ["中国联通"]}]


def test_sms_against_a_rising_target(analyses):
    sms = T.sms_trend(analyses).set_index("year")
    assert list(sms["target"]) == [5_000_000, 5_500_000, 6_000_000, 6_500_000, 7_000_000]
    for year, r in sms.iterrows():
        assert r["unit_price"] == pytest.approx(float(r["amount"]) / r["count"])
        assert bool(r["met"]) == (r["count"] >= r["target"])
    assert not sms["met"].all() and sms["met"].any()


def test_chains_mark_renewals_growth_and_the_cheaper_retender(analyses):
    history = T.contract_history(analyses)
    chains = T.chain_history(history)
    table = T.chain_table(chains).set_index("chain")
    first = table.loc["SL-2018-1.1"]
    assert (first["first_year"], first["last_year"], first["renewals"]) == (2018, 2020, 2)
    assert all(0.05 <= g <= 0.08 for g in first["growths"])
    assert 0.05 <= first["growth"] <= 0.08
    assert -0.20 <= first["retender_after"] <= -0.12  # re-tendered in 2021 at 80-88% of the 2020 price
    retender = chains[chains["contract_id"] == "SL-2021-1.1"].iloc[0]
    assert bool(retender["retender"]) and retender["procurement"] == "公开招标"
    assert table.loc["SL-2018-1.6", "renewals_in_a_row"] == 4
    # the two carriers' access chains are parallel: each is followed by its own carrier's re-tender
    assert table.loc["SL-2018-2.2-LT", "retender_after"] == pytest.approx(942 / 965 - 1, abs=0.02)
    assert bool(chains.loc[chains["contract_id"] == "SL-2019-2.2-LT", "estimated"].iloc[0])


def test_no_finding_across_a_single_year(analyses):
    assert T.trend_findings(analyses[:1]) == []
    assert T.consistency_checks(analyses[:1]).empty


def _unmerge(ws) -> None:
    for rng in list(ws.merged_cells.ranges):
        value = ws.cell(rng.min_row, rng.min_col).value
        ws.unmerge_cells(str(rng))
        for row in range(rng.min_row, rng.max_row + 1):
            ws.cell(row, rng.min_col).value = value


def _column(ws, header: str, header_row: int = 3) -> int:
    return next(c.column for c in ws[header_row] if c.value == header)


def _row_of(ws, column: int, value: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, column).value == value)


def test_consistency_checks_name_year_file_and_row(tmp_path):
    generate_demo(tmp_path, years=[2019, 2020, 2021])
    clean = [analyse(qdanalysis.load_year(y, root=tmp_path)) for y in (2019, 2020, 2021)]
    assert set(T.consistency_checks(clean)["status"]) == {"一致"}

    path = tmp_path / "2021" / "示例数据_2021.xlsx"
    wb = openpyxl.load_workbook(path)
    budget = wb["预算执行"]
    _unmerge(budget)
    code_col, cat_col = _column(budget, "编号"), _column(budget, "类别")
    moved = _row_of(budget, code_col, "5.2")
    budget.cell(moved, cat_col).value = "大数据产业规划评估等费用"
    contracts = wb["合同台账"]
    id_col, renews_col = _column(contracts, "合同编号"), _column(contracts, "续签自")
    renewal = _row_of(contracts, id_col, "SL-2021-1.2")
    contracts.cell(renewal, renews_col).value = "SL-2020-1.2X"
    price_col = _column(contracts, "单价")
    restated = _row_of(contracts, id_col, "SL-2019-2.1-LT")
    contracts.cell(restated, price_col).value = 75000
    wb.save(path)

    checks = T.consistency_checks([analyse(qdanalysis.load_year(y, root=tmp_path)) for y in (2019, 2020, 2021)])
    bad = checks[checks["status"] == "不一致"].set_index("check")["detail"]
    assert bad["项目类别前后一致"] == (
        "项目5.2 专家评审费在2020年归入「宣传、培训、咨询、评估费等」（《示例数据_2020.xlsx》「预算执行」表第"
        f"{moved}行），2021年归入「大数据产业规划评估等费用」（《示例数据_2021.xlsx》「预算执行」表第{moved}行）；"
        "分类支出的跨年度比较按各年度自身的归类计算，请核实归类是否调整。")
    assert bad["续签关系可追溯"].startswith(
        f"2021年合同台账中合同「SL-2021-1.2」（《示例数据_2021.xlsx》「合同台账」表第{renewal}行）续签自「SL-2020-1.2X」，"
        "但2020年合同台账中没有该合同；其他年度的合同台账中也没有该合同")
    assert "单价由76000元变为75000元" in bad["同一合同各年度记载一致"]
    assert "「SL-2019-2.1-LT」在2019年合同台账" in bad["同一合同各年度记载一致"]
