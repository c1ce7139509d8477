"""The rules across years (T01 long renewal chains, T02 a price that stands while others fall, T03 categories
outgrowing the total, T04 unchanged targets) on the demo's five years, through the trends analysis."""

from __future__ import annotations

import pytest

from qdanalysis.analyse import trends as T


@pytest.fixture(scope="module")
def demo_findings(analyses):
    """The trends' findings on the demo's five years (the tests read them, never change them)."""
    return T.trend_findings(analyses)


def test_findings_across_years(demo_findings):
    found = {f.code.split("-")[0]: [] for f in demo_findings}
    for f in demo_findings:
        found[f.code.split("-")[0]].append(f)
    assert sorted(found) == ["T01", "T02", "T03", "T04", "T05", "T06", "T07"]
    chains = [f.figures["chain"] for f in found["T01"]]
    assert "SL-2018-1.6" in chains and "SL-2018-1.1" not in chains  # 1.1 was re-tendered after two renewals
    t01 = next(f for f in found["T01"] if f.figures["chain"] == "SL-2018-1.6")
    assert "连续续签4次" in t01.summary and "27.50万元" in t01.summary
    t02 = found["T02"][0]
    assert t02.figures["carrier"] == "中国联通" and t02.figures["other"] == "中国电信"
    assert "中国联通保持47.10元不变" in t02.summary and "推算" in t02.summary
    assert t02.figures["extra"] > 0
    assert "大数据产业规划评估等费用" in found["T03"][0].summary and "个百分点" in found["T03"][0].summary
    t04 = found["T04"][0]
    assert "“系统正常运行率”目标值每年均为≥95%" in t04.summary
    assert "保障金宏短信数量" not in t04.figures["indicators"]  # its target rises every year


def _unit_chain(prices, quantities):
    """A chain billed by unit (monthly fee per line) renewed every year after its first contract."""
    import pandas as pd

    years = list(range(2019, 2019 + len(prices)))
    chains = pd.DataFrame({"chain": "C", "step": range(len(years)), "year": years,
                           "contract_id": [f"C-{y}" for y in years], "procurement": "公开招标",
                           "unit_price": prices,
                           "annual_cost": [p * q * 12 for p, q in zip(prices, quantities)]})
    table = pd.DataFrame([{"chain": "C", "renewals_in_a_row": len(years) - 1, "estimated": True, "basis": "单价",
                           "growth": (prices[-1] / prices[0]) ** (1 / (len(years) - 1)) - 1,
                           "first_quantity": quantities[0], "last_quantity": quantities[-1],
                           "item_code": "2.2", "item": "市直单位网络接入费", "first_year": years[0],
                           "last_year": years[-1], "vendor": "中国联通"}])
    history = pd.DataFrame({"contract_id": chains["contract_id"]})
    return table, chains, history


def test_t01_on_a_flat_unit_price_does_not_read_as_a_price_rise():
    # T01 is about renewing without competition: it fires whatever the price did, but a unit price
    # that stood (942 every year, only the line count 52→54 moved) is said to stand.
    from qdanalysis.analyse.rules.across_years import long_renewal_chains

    (f,) = long_renewal_chains(*_unit_chain([942, 942, 942, 942], [52, 52, 54, 54]))
    assert f.title == "服务合同连续续签，长期未重新竞争"
    assert "单价保持942.00元不变，年度金额的变化来自数量由52增至54" in f.summary
    assert "年均" not in f.summary and "+0.00%" not in f.summary and "变为942.00元" not in f.summary
    (moved,) = long_renewal_chains(*_unit_chain([942, 900, 850, 742.71], [34, 34, 36, 36]))
    assert "单价由942.00元变为742.71元，年均-7.62%，数量由34增至36（数量变化不计入单价增幅）" in moved.summary
    (back,) = long_renewal_chains(*_unit_chain([942, 960, 942, 942], [52, 52, 52, 52]))
    assert "单价2019年与2022年均为942.00元（期间曾有变动）" in back.summary and "数量" not in back.summary


def test_t01_on_the_demo_flat_chain(demo_findings):
    t01 = [f for f in demo_findings if f.code.startswith("T01")]
    lt = next(f for f in t01 if f.figures["chain"] == "SL-2019-2.2-LT")
    assert "单价保持942.00元不变" in lt.summary and "+0.00%" not in lt.summary
