"""The rules across years (T01 long renewal chains, T02 a price that stands while others fall, T03 categories
outgrowing the total, T04 unchanged targets) on the demo's five years, through the trends analysis."""

from __future__ import annotations

from qdanalysis.analyse import trends as T


def test_findings_across_years(analyses):
    found = {f.code.split("-")[0]: [] for f in T.trend_findings(analyses)}
    for f in T.trend_findings(analyses):
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
