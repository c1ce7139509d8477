"""The real notebooks over illustrative data: a report per year, the trends, a broken year failing alone."""

from __future__ import annotations

import io

import pytest

from qdanalysis.demo.generate import generate_demo
from qdanalysis.run.runner import run_all, run_trends

pytestmark = pytest.mark.slow  # every demo year run through its kernel


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    generate_demo(root, years=range(2019, 2022))
    # 2020's workbook is replaced by a broken one: its 合计 does not match its items.
    from workbooks import make_workbook

    broken = root / "2020"
    for f in broken.glob("*.xlsx"):
        f.unlink()
    make_workbook(broken / "示例数据_2020.xlsx", {"预算执行": [
        ["单位：万元"], ["类别", "项目名称", "预算数", "执行数"], ["甲", "A", 1, 1], ["甲", "B", 2, 2], ["合计", None, 4, 3]]})
    out = tmp_path_factory.mktemp("reports")
    stream = io.StringIO()
    results = {r.label: r for r in run_all(out=out, root=root, stream=stream)}
    trends = run_trends(out=out, root=root)
    return results, trends, stream.getvalue()


def test_each_good_year_has_a_demo_report(runs):
    results, _, _ = runs
    for year in ("2019", "2021"):
        r = results[year]
        assert r.ok, r.error
        html = r.html.read_text(encoding="utf-8")
        assert "【示例数据】" in html and "示例数据" in html
        assert "未披露" not in html.split("一、项目概况")[1].split("二、预算执行")[0]  # demo data is complete


def test_broken_year_fails_alone_with_a_clear_message(runs):
    results, _, summary = runs
    bad = results["2020"]
    assert not bad.ok
    assert bad.error.startswith("数据未通过校验：")
    assert ":预算执行:5:预算数(C列): 合计4.00万元与明细（第3-4行）之和3.00万元不符，相差1.00万元" in bad.error
    assert bad.html is not None and "合计" in bad.html.read_text(encoding="utf-8")
    assert "2020" in summary and "失败" in summary and "成功 2" in summary


def test_trends_compare_the_good_years(runs):
    _, trends, _ = runs
    assert trends.ok, trends.error
    html = trends.html.read_text(encoding="utf-8")
    assert "比较2019年至2021年共2个年度" in html
    assert "2020年的数据未通过校验，未纳入比较" in html
    assert "示例数据" in html
