"""Linking contracts and lines to budget items, by code else by name."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from analysis_inputs import budget

from qdanalysis.analyse import linking as A
from qdanalysis.read.columns import frame
from qdanalysis.read.loaders.lines import LINE_DTYPES

D = Decimal


def test_link_items_by_code_else_by_name():
    b = budget(("2.1", "网络", "专线", D(100), None), ("2.2", "网络", "接入", D(90), None))
    ln = frame([{"unit": "甲", "carrier": "中国联通", "item_code": "2.1", "item": None},
                {"unit": "乙", "carrier": "中国电信", "item_code": None, "item": "接入"},
                {"unit": "丙", "carrier": "中国电信", "item_code": None, "item": "不在预算中"}], LINE_DTYPES)
    before = ln.copy()
    linked = A.link_items(b, ln)
    pd.testing.assert_frame_equal(ln, before)  # a new frame; the input is unchanged
    assert linked["item_code"].tolist() == ["2.1", "2.2", None]
    coded = A.link_items(b, linked.iloc[:2])
    assert coded is not linked and coded["item_code"].tolist() == ["2.1", "2.2"]
    bare = budget((None, "网络", "专线", D(100), None))
    assert A.item_keys(bare)["code"].tolist() == ["专线"]  # no code: the name is the key
    assert A.link_items(bare, ln.iloc[[1]].assign(item="专线"))["item_code"].tolist() == ["专线"]
