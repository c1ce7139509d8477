"""The shipped 2020 data reproduces every figure and cross-check of FACTS.md."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

import qdanalysis
from qdanalysis.analyse.engine import analyse
from qdanalysis.paths import DATA_RAW

W = Decimal(10000)  # 1 万元 in 元


@pytest.fixture(scope="module")
def y2020():
    return qdanalysis.load_year(2020)


@pytest.fixture(scope="module")
def a2020(y2020):
    """The shipped 2020 data analysed (unscored) once for the module: analyse is pure (tests/analyse/test_engine.py)."""
    return analyse(y2020)


def test_programme_totals(y2020):
    assert y2020.totals["budget"] == Decimal("9410000.00")
    assert y2020.totals["executed"] == Decimal("9246800.00")
    rate = y2020.totals["execution_rate"]
    assert f"{rate:.2%}" == "98.27%"
    assert rate == Decimal("9246800.00") / Decimal("9410000.00")


def test_structure_29_items_in_5_categories(y2020):
    b = y2020.budget
    assert len(b) == 29
    assert b["category"].value_counts().to_dict() == {
        "关键设备维护服务费": 10, "网络线路及安全保障": 8, "电子认证数字证书及服务费": 1,
        "大数据产业规划评估等费用": 4, "宣传、培训、咨询、评估费等": 6,
    }
    assert b["code"].iloc[9] == "1.10"  # codes are text: 1.10 is not 1.1


def test_no_executed_figure_per_item(y2020):
    assert y2020.budget["executed"].isna().all()
    assert y2020.budget["adjusted_budget"].isna().all()


@pytest.mark.parametrize(
    "code, wan",
    [("1.1", "66.7"), ("1.2", "72.8"), ("1.5", "45"), ("1.6", "29"), ("2.1", "100.68"), ("2.2", "90"),
     ("2.3", "14.04"), ("2.5", "48.7"), ("3.1", "40.8"), ("1.3", None), ("1.7", None), ("2.7", None), ("5.6", None)],
)
def test_item_budgets(y2020, code, wan):
    value = y2020.budget.set_index("code").loc[code, "budget"]
    if wan is None:
        assert pd.isna(value)
    else:
        assert value == Decimal(wan) * W


def test_undisclosed_part_of_the_total(y2020):
    known = y2020.budget["budget"].sum()
    assert known == Decimal("5077200.00")
    assert y2020.undisclosed["budget"] == Decimal("9410000.00") - known
    assert y2020.undisclosed["executed"] == Decimal("9246800.00")


def contract(y, cid):
    return y.contracts.set_index("contract_id").loc[cid]


def test_line_contracts_per_year(y2020):
    assert contract(y2020, "HT-2014-2.1-LT")["annual_cost"] == Decimal("912000.00")  # 7.6 × 12 = 91.2
    assert contract(y2020, "HT-2.1-DX")["annual_cost"] == Decimal("94800.00")  # 0.79 × 12 = 9.48
    assert contract(y2020, "HT-2019-2.3")["annual_cost"] == Decimal("140400.00")  # 1.17 × 12 = 14.04
    assert contract(y2020, "HT-2014-2.1-LT")["billing"] == "月"


def test_payments_in_2020(y2020):
    radware = contract(y2020, "HT-2019-1.3")
    assert radware["amount"] == Decimal("289000.00")
    assert radware["paid_in_year"] == radware["amount"] * Decimal("0.5") == Decimal("144500.00")
    ups = contract(y2020, "HT-2019-1.7")
    assert ups["paid_in_year"] == Decimal("11398.50") == ups["amount"] * Decimal("0.05")
    assert radware["vendor"] == "浪潮软件集团有限公司"
    assert radware["start"] == pd.Timestamp("2019-04-03") and radware["end"] == pd.Timestamp("2020-04-03")


def test_renewal_links(y2020):
    c = y2020.contracts.set_index("contract_id")
    assert c.loc["HT-2020-1.1", "renews"] == "HT-2019-1.1"
    assert c.loc["HT-2020-1.2", "renews"] == "HT-2019-1.2"
    assert pd.isna(c.loc["HT-2020-1.1", "amount"])  # the renewal amount is not disclosed
    assert c.loc["HT-2019-1.2", "signed"] == pd.Timestamp("2019-09-01")
    assert c.loc["HT-2019-1.2", "signed_precision"] == "month"


def test_sms_price_without_counts(y2020):
    sms = y2020.sms
    assert len(sms) == 12 and sms["count"].isna().all() and sms["amount"].isna().all()
    assert (sms["unit_price"] == Decimal("0.0650")).all()
    target = y2020.indicators.set_index("name").loc["保障金宏短信数量", "target_value"]
    assert Decimal(str(target)) * Decimal("0.065") == Decimal("390000.000")  # the target implies ≥ 39万元


def test_same_bandwidth_two_carriers(y2020):
    lines = y2020.lines.set_index("carrier")
    exits = y2020.lines[y2020.lines["line_type"] == "互联网出口"].set_index("carrier")
    ratio = exits.loc["中国联通", "monthly_fee"] / exits.loc["中国电信", "monthly_fee"]
    assert f"{ratio:.1f}" == "9.6"
    assert (exits["bandwidth_mbps"] == 1000).all()
    assert lines.loc["中国联通、中国电信", "count"] == 92
    # the report gives 92 organisations (外联网单位), not 92 lines: costed one line each, counted apart
    assert lines.loc["中国联通、中国电信", "count_unit"] == "单位"
    assert set(lines.drop("中国联通、中国电信")["count_unit"]) == {"条"}
    from qdanalysis.analyse import network_lines as A
    costs = A.line_costs(y2020.lines).set_index("carrier")
    assert pd.isna(costs.loc["中国联通、中国电信", "lines"]) and costs.loc["中国联通、中国电信", "units"] == 92
    assert costs.loc["中国联通、中国电信", "annual_cost"] == Decimal("1039968.00")  # one line per organisation


def test_unit_access_line_discrepancy_is_a_warning(a2020):
    computed = Decimal(92) * Decimal(942) * 12
    assert computed == Decimal("1039968")
    checks = a2020.checks
    row = checks[checks["check"].str.startswith("2.2")].iloc[0]
    assert row["computed"] == computed and row["stated"] == Decimal("900000.00")
    assert row["status"] == "不一致"
    assert f"{row['relative']:.1%}" == "-13.5%"
    assert row["formula"] == "942元/月×92个单位×12" and "推算所用数量为2018年外联网单位数92个，每单位按1条线路计系假设" in row["detail"]
    [warning] = [w for w in a2020.warnings if w.startswith("2.2")]
    assert "104.00万元" in warning and "90.00万元" in warning and "约合80条" in warning and "-13.5%" in warning


def test_contract_checks_agree(a2020):
    checks = a2020.checks.set_index("check")
    row = checks.loc["2.1 全市机关Internet专线费：合同月费×服务月数与预算数"]
    assert row["computed"] == Decimal("1006800.00") and row["status"] == "一致"
    assert checks.loc["2.3 部门接入省电子政务专网线路租用费：合同月费×服务月数与预算数", "status"] == "一致"


def test_indicator_results(y2020):
    ind = y2020.indicators.set_index("name")
    assert len(ind) == 11
    assert ind.loc["整合视频监控数量", "actual_value"] == 51000 and ind.loc["整合视频监控数量", "met"] == False  # noqa: E712
    assert ind.loc["整合视频监控数量", "actual_value"] / ind.loc["整合视频监控数量", "target_value"] == 0.51
    assert ind.loc["视频资源共享数量", "met"] == True  # noqa: E712
    assert ind.loc["视频资源共享数量", "actual_value"] / ind.loc["视频资源共享数量", "target_value"] == 1.6
    assert ind.loc["采购成本", "met"] == True  # noqa: E712
    assert pd.isna(ind.loc["保障网络线路数量", "met"]) and pd.isna(ind.loc["使用部门满意度", "met"])
    assert list(ind["level1"].unique()) == ["产出指标", "效益指标", "满意度指标"]


def test_every_row_cites_its_source(y2020):
    for name, table in y2020.tables().items():
        if name in ("record", "team_findings", "decisions", "followup", "prior_problems"):  # the evaluation team's own sheets: not the source report's data
            assert table.empty
            continue
        assert table["source"].notna().all(), name
        assert table["source"].str.contains(r"[一二三四]（").all(), name


def test_raw_folder_holds_only_the_shipped_workbook():
    assert sorted(p.name for p in (DATA_RAW / "2020").iterdir()) == ["2020年专项业务费.xlsx"]


def test_payments_in_the_year_against_their_contracts(a2020):
    """The seed's checks: 28.9 × 50% = 14.45 (1.3's final payment), 22.797 × 5% = 1.13985 (1.7's retention)."""
    checks = a2020.checks.set_index("check")
    radware = checks.loc["1.3 网络设备、Radware负载均衡、网闸等设备的维保及配件：本年支付与合同金额"]
    assert radware["computed"] == Decimal("144500.00") and radware["stated"] == Decimal("289000.00")
    assert radware["detail"] == "本年支付为合同金额的50.00%" and radware["status"] == "—"
    battery = checks.loc["1.7 市级机关三号楼C组UPS蓄电池更新尾款：本年支付与合同金额"]
    assert battery["detail"] == "本年支付为合同金额的5.00%" and battery["computed"] == Decimal("11398.50")
    assert battery["formula"] == "1.13985万元 ÷ 22.797万元" and radware["formula"] == "14.45万元 ÷ 28.9万元"


def test_the_two_internet_exits_are_checked_one_by_one(a2020):
    """The seed's 7.6 × 12 = 91.2 (中国联通) and 0.79 × 12 = 9.48 (中国电信), each shown in 数据核对."""
    checks = a2020.checks.set_index("check")
    row = checks.loc["2.1 全市机关Internet专线费：合同月费×服务月数与预算数"]
    assert row["status"] == "一致"
    assert row["detail"] == "中国联通7.6万元/月×12=91.20万元；中国电信0.79万元/月×12=9.48万元"


def test_the_stated_about_90_stays_about_90(a2020):
    """The seed says 年费用约90万元: the 约 stays beside the derived 104.00, in 数据核对 and in 表2."""
    a = a2020
    row = a.checks.set_index("check").loc["2.2 市直单位网络接入费：合同月费×服务月数与预算数"]
    assert "推算：按合同月费计，年费用104.00万元；预算表列约90.00万元" in row["detail"]
    spend = a.spend.set_index("code")
    assert spend.loc["2.2", "basis"] == "预算数（约数）" and spend.loc["2.1", "basis"] == "预算数"


#: The source report's 四（一） (recommendations), the only place it says 1.1 and 1.2 overlap.
SEED_OVERLAP = ("电子政务机房UPS等关键设备维护服务费与电子政务核心网络设备安全设备维护两项内容解释的项目服务内容一致，"
                "网络、网闸维保服务，UPS更换等均在2个项目中分别体现，建议合并实施。")


def test_the_overlap_of_1_1_and_1_2_rests_on_the_source_reports_words(y2020, a2020):
    """F04 quotes the ledger's 服务内容; for 2020 those phrases are the source report's, and the ledger says where from."""
    result = a2020
    [f04] = [f for f in result.findings if f.code == "F04"]
    quoted = f04.summary.split("都列有：")[1].split("（见合同台账")[0].split("；")
    assert quoted == ["网络、网闸维保服务", "UPS更换"]
    assert all(phrase in SEED_OVERLAP for phrase in quoted)
    rows = y2020.contracts[y2020.contracts["item_code"].isin(["1.1", "1.2"])]
    assert len(rows) == 4 and all("据四（一）" in note for note in rows["note"])
    assert "第4、5、6、7行" in f04.summary
    # where the source places it: the explanations of the budget document, not a contract
    assert set(rows["scope_source"]) == {"《市大数据局2020年基本支出专项经费预算情况》的项目内容解释（评价报告一（一）2、四（一）转述）"}
    assert f04.summary.startswith("据《市大数据局2020年基本支出专项经费预算情况》的项目内容解释")


def test_the_items_the_source_says_were_carried_out_record_it_as_stated_text(y2020):
    """一（一）3 names where the funds went, 二（一） says the video platform was completed: quoted, no amount."""
    b = y2020.budget.set_index("code")
    stated = b["implementation"].dropna()
    assert list(stated.index) == ["1.1", "1.2", "1.9", "2.7", "3.1", "4.1", "4.2"]
    assert stated["1.9"] == ("一（一）3：项目资金主要用于市视频监控资源共享平台服务项目……；"
                             "二（一）：完成市视频监控资源共享平台建设，汇聚视频资源5.1万路")
    assert "数字青岛规划执行情况评估项目" in stated["4.1"] and "新型智慧城市建设" in stated["4.2"]
    assert b.loc[["1.9", "4.1", "4.2"], "budget"].isna().all()  # no invented amount


def test_the_unicom_contract_is_a_renewal_and_the_92_units_are_the_2018_count(y2020):
    c = y2020.contracts.set_index("contract_id")
    assert c.loc["HT-2014-2.1-LT", "procurement"] == "续租"  # 《Internet接入线路续租》
    assert c.loc["HT-2019-2.2", "count_note"] == "2018年外联网单位数"
    assert y2020.lines.set_index("item_code").loc["2.2", "count_note"] == "2018年外联网单位数"
