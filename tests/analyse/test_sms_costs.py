"""金宏短信: messages and their cost per month and department, and the money a message target implies."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from qdanalysis.analyse import sms_costs as A
from qdanalysis.read.columns import frame
from qdanalysis.read.loaders.sms import SMS_DTYPES

D = Decimal


def test_sms_monthly_and_target_money():
    sms = frame([
        {"month": pd.Timestamp(2020, 1, 1), "department": "办公厅", "count": 1000, "unit_price": D("0.065"), "amount": None},
        {"month": pd.Timestamp(2020, 1, 1), "department": "财政局", "count": 3, "unit_price": D("0.065"), "amount": None},
        {"month": pd.Timestamp(2020, 2, 1), "department": "办公厅", "count": None, "unit_price": D("0.065"), "amount": None},
    ], SMS_DTYPES)
    m = A.sms_monthly(sms)
    assert m["count"].tolist()[0] == 1003 and m["amount"].iloc[0] == D("65.20")  # 65.195 rounds half up
    assert pd.isna(m["count"].iloc[1]) and m["amount_basis"].iloc[1] == "未披露"
    d = A.sms_by_department(sms)
    assert d["department"].tolist() == ["办公厅", "财政局"] and d["months_disclosed"].tolist() == [1, 1]
    ind = pd.DataFrame({"name": ["金宏短信到达率", "保障金宏短信数量"], "target_value": [98.0, 6_000_000.0],
                        "target_op": [">=", ">="], "target_unit": ["%", "条"]})
    assert A.sms_target_money(sms, ind)["implied"] == D("390000.00")  # the count, not the rate listed first
    rate = A.sms_target_money(sms, ind.iloc[[0]])  # a rate target is not a number of messages
    assert rate["implied"] is None and rate["target_count"] is None and rate["unit_price"] == D("0.065")
