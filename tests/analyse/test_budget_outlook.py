"""The budget official's figures across years (budget_outlook) on the demo's five years, and a year stated in part."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pandas as pd
import pytest

from qdanalysis.analyse import budget_outlook as B
from qdanalysis.analyse import trends as T


@pytest.fixture(scope="module")
def outlook(analyses):
    return B.budget_outlook(analyses, T.analyse_trends(analyses))


def test_renewals_against_re_tenders(outlook):
    s = outlook.change_summary.set_index("kind")
    assert s.loc[B.RENEWAL, "count"] == 42 and s.loc[B.RETENDER, "count"] == 18
    assert (s.loc[B.RETENDER, "fell"], s.loc[B.RETENDER, "rose"]) == (17, 1)
    falls = outlook.changes[(outlook.changes["kind"] == B.RETENDER) & (outlook.changes["change"] < 0)]["change"]
    assert round(falls.max(), 4) == -0.0027 and round(falls.min(), 4) == -0.1458  # re-tenders cut 0.27%–14.58%
    assert round(s.loc[B.RENEWAL, "high"], 4) == 0.0702 and round(s.loc[B.RENEWAL, "median"], 4) == 0.018
    # 2.2 联通 stayed at 942 a line a month: the line count moved, not the price
    unicom = outlook.changes[outlook.changes["after"] == "SL-2021-2.2-LT"].iloc[0]
    assert unicom["basis"] == "单价" and unicom["change"] == 0


def test_next_year_baseline(outlook):
    b = outlook.baseline.set_index("item_code")
    assert outlook.baseline_year == 2023 and len(b) == 16
    assert b.loc["2.3", "baseline"] == Decimal("140400.00") and b.loc["2.3", "expiring"] == 0  # leased to 2024
    assert b.loc["2.7", "baseline"] == Decimal("461220.36") and "用量持平" in b.loc["2.7", "basis"]
    assert b.loc["1.5", "baseline"] == Decimal("448800.00")  # the contract's amount, not what was paid (436289.00)
    assert sum(b["baseline"]) == Decimal("6793387.08")


def test_balances_items_and_like_for_like(outlook):
    bal = outlook.balances.set_index("category")
    assert bal.loc["合计", "2018"] == Decimal("338772.65") and bal.loc["数据安全保障", "2020"] == B.NOT_LISTED
    assert bal.loc["数据安全保障", "2021"] == Decimal("70809.89")
    items = outlook.items.set_index("code")
    assert items.loc["6.1", "2020"] == B.NOT_LISTED and items.loc["6.1", "2021"] == Decimal("319652.83")
    assert outlook.items.iloc[-1]["2022"] == Decimal("9201859.92")  # the stated total, not a sum of rows
    like = outlook.like_for_like.set_index("year")
    assert round(like.loc[2021, "change"], 4) == 0.0496 and round(like.loc[2021, "like_change"], 4) == -0.0186
    assert like.loc[2021, "new"] == "数据安全保障" and like.loc[2022, "like_change"] == like.loc[2022, "change"]


def test_recurring_flat_while_the_budget_moved(outlook):
    r = outlook.recurring
    assert r.flat and r.flagged == [2018, 2019, 2020, 2021, 2022]
    assert r.table.set_index("year").loc[2021, "recurring"] == Decimal("6788604.80")


def _with_budget(data, budget):
    return replace(data, frames={**data.frames, "budget": budget})


def test_a_part_stated_year_is_never_summed_as_whole(analyses):
    last = analyses[-1]
    budget = last.data.budget.copy()
    budget.loc[budget["code"] == "1.1", "executed"] = pd.NA
    partial = replace(last, data=_with_budget(last.data, budget))
    years = [*analyses[:-1], partial]
    items = B.item_table(years).set_index("code")
    assert pd.isna(items.loc["1.1", "2022"]) and items.loc["", "2022"] == Decimal("9201859.92")
    bal = B.balances(years).set_index("category")
    assert bal.loc["关键设备维护服务费", "2022"] is None
    # SMS billed per message: its 2022 figure is the item's 执行数, which is now unknown for 2.7 → baseline 未披露
    budget.loc[budget["code"] == "2.7", "executed"] = pd.NA
    base = B.next_year_baseline(replace(last, data=_with_budget(last.data, budget)))
    assert base.set_index("item_code").loc["2.7", "baseline"] is None


def test_scores_by_year_unscored_is_na(analyses):
    scores = B.scores_by_year(analyses)  # the fixture's analyses are unscored
    assert list(scores["year"]) == [2018, 2019, 2020, 2021, 2022] and scores["total"].isna().all()


def test_a_year_with_part_of_its_recurring_budget_undisclosed_has_no_recurring_amount(analyses):
    last = analyses[-1]
    partial = replace(last, recurring={**last.recurring, "items_undisclosed": ["1.1"]})
    r = B.recurring_across_years([*analyses[:-1], partial])
    row = r.table.set_index("year").loc[2022]
    assert pd.isna(row["recurring"]) and pd.isna(row["share"])
    assert r.table.set_index("year").loc[2021, "recurring"] == Decimal("6788604.80")


def test_a_contract_without_its_term_leaves_the_baseline_undisclosed(analyses):
    last = analyses[-1]
    contracts = last.data.contracts.copy()
    contracts.loc[contracts["contract_id"] == "SL-2022-1.6", "end"] = pd.NaT
    base = B.next_year_baseline(replace(last, data=replace(last.data, frames={**last.data.frames, "contracts": contracts})))
    row = base.set_index("item_code").loc["1.6"]
    assert row["baseline"] is None and "合同期限未披露" in row["status"]
