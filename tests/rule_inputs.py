"""Tiny inline input tables for the finding rules' tests, with the loaders' dtypes, and a check that a rule
never modifies its inputs (importable from every test folder)."""

from __future__ import annotations

import pandas as pd

from qdanalysis.read.columns import frame
from qdanalysis.read.loaders.budget import BUDGET_DTYPES
from qdanalysis.read.loaders.contracts import CONTRACT_DTYPES
from qdanalysis.read.loaders.indicators import INDICATOR_DTYPES
from qdanalysis.read.loaders.lines import LINE_DTYPES


def _src(rows: list[dict], sheet: str) -> list[dict]:
    return [{"src_file": "t.xlsx", "src_sheet": sheet, "src_row": i, **r} for i, r in enumerate(rows, start=2)]


def budget(*rows, sheet="预算执行"):
    """rows: (code, item, budget, executed)."""
    return frame(_src([dict(zip(("code", "item", "budget", "executed"), r), category="甲") for r in rows], sheet),
                 BUDGET_DTYPES)


def contracts(*rows):
    """rows: dicts; dates as text."""
    out = []
    for r in rows:
        r = dict(r)
        for k in ("signed", "start", "end"):
            r[k] = pd.Timestamp(r[k]) if r.get(k) else None
        out.append(r)
    return frame(_src(out, "合同台账"), CONTRACT_DTYPES)


def lines(*rows):
    """rows: (carrier, line_type, bandwidth, count, monthly_fee)."""
    keys = ("carrier", "line_type", "bandwidth_mbps", "count", "monthly_fee")
    return frame(_src([{**dict(zip(keys, r)), "unit": "全市"} for r in rows], "线路清单"), LINE_DTYPES)


def indicators(*rows):
    """rows: dicts over the indicator columns (level1/level2 default to 产出指标/数量指标)."""
    base = {"level1": "产出指标", "level2": "数量指标"}
    return frame(_src([{**base, **r} for r in rows], "绩效指标"), INDICATOR_DTYPES)


def unchanged(*frames):
    """Copies to compare with after a call: rules never modify their inputs."""
    return [f.copy() for f in frames]


def assert_same(before, after):
    for b, a in zip(before, after):
        pd.testing.assert_frame_equal(b, a)
