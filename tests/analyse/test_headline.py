"""The sums and shares the report quotes: exact, and None (未披露) where no row states a figure."""

from __future__ import annotations

from decimal import Decimal as D

import pandas as pd

from qdanalysis.analyse.headline import headline
from qdanalysis.analyse.spending import ITEMISED, UNITEMISED


def frames(**over):
    base = dict(
        budget=pd.DataFrame({"budget": [D(100), None, D(50)], "executed": [None, D(30), None]}),
        totals={"budget": D(200), "executed": D(160)},
        spend=pd.DataFrame({"item": ["a", ITEMISED, UNITEMISED], "amount": [D(80), D(120), D(40)]}),
        line_costs=pd.DataFrame({"annual_cost": [D(1200), None, D(600)]}),
        monthly_lines=pd.DataFrame({"month": pd.to_datetime(["2020-01-01", "2020-01-01", "2020-02-01"]),
                                    "cost": [D(10), D(5), D(20)]}),
        yearly_lines=pd.DataFrame({"year": [2019, 2020], "cost": [D(100), D(200)]}),
        sms_monthly=pd.DataFrame({"count": [1000, None], "amount": [D("65.00"), None]}),
    )
    base.update(over)
    return base


def test_the_quoted_figures():
    h = headline(**frames())
    assert (h.items_budgeted, h.budget_listed, h.budget_listed_share) == (2, D(150), 0.75)
    assert h.items_executed == 1
    assert (h.itemised, h.unitemised, h.itemised_share) == (D(120), D(40), 0.75)
    assert h.line_annual_cost == D(1800)  # the line without a fee is left out, not counted as 0
    assert (h.monthly_line_low, h.monthly_line_high, h.monthly_line_total) == (D(15), D(20), D(35))
    assert h.yearly_line_total == D(300)
    assert (h.sms_count, h.sms_amount) == (1000, D("65.00"))


def test_nothing_stated_is_none_never_zero():
    empty = pd.DataFrame({"month": pd.Series(dtype="datetime64[ns]"), "cost": pd.Series(dtype=object)})
    h = headline(**frames(budget=pd.DataFrame({"budget": [None, None], "executed": [None, None]}),
                          totals={"budget": None, "executed": D(160)}, spend=pd.DataFrame({"item": [], "amount": []}),
                          line_costs=pd.DataFrame(), monthly_lines=empty, yearly_lines=pd.DataFrame(),
                          sms_monthly=pd.DataFrame({"count": [None], "amount": [None]})))
    assert (h.items_budgeted, h.budget_listed, h.budget_listed_share) == (0, None, None)
    assert (h.itemised, h.unitemised, h.itemised_share) == (None, None, None)
    assert (h.line_annual_cost, h.yearly_line_total) == (None, None)
    assert (h.monthly_line_low, h.monthly_line_high, h.monthly_line_total) == (None, None, None)
    assert (h.sms_count, h.sms_amount) == (None, None)


def test_the_inputs_are_not_changed():
    given = frames()
    before = {k: v.copy() for k, v in given.items() if isinstance(v, pd.DataFrame)}
    headline(**given)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(given[name], frame)


def test_2020_headline_is_what_the_report_quotes(analysis2020):
    h = analysis2020.headline
    assert (h.items_budgeted, h.items_executed) == (9, 0)
    assert (h.budget_listed, h.itemised, h.unitemised) == (D("5077200.00"), D("5233098.50"), D("4013701.50"))
    assert h.line_annual_cost == h.monthly_line_total == D("2187168.00")
    assert h.yearly_line_total == D("8781036.00") and h.sms_count is None and h.sms_amount is None
