"""The demo data set: loads cleanly, adds up to the fen, is plausible and deterministic."""

from __future__ import annotations

import hashlib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

import qdanalysis
from qdanalysis.analyse.engine import analyse
from qdanalysis.demo.generate import generate_demo
from qdanalysis.demo.programme import DEMO_MARK
from qdanalysis.demo.year import sms_target
from qdanalysis.paths import DATA_RAW
from qdanalysis.read.year import is_demo_folder

YEARS = range(2018, 2023)
FEN = Decimal("0.01")


def tree_hash(root: Path) -> str:
    """Hash of every file's path and content under ``root``."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def raw_hash_before() -> str:
    return tree_hash(DATA_RAW)


@pytest.fixture(scope="module")
def generated(tmp_path_factory, raw_hash_before):
    root = tmp_path_factory.mktemp("demo")
    paths = generate_demo(root)
    return root, paths


@pytest.fixture(scope="module")
def loaded(generated):
    root, _ = generated
    return {year: qdanalysis.load_year(year, root=root) for year in YEARS}


def comparable(yd: qdanalysis.YearData) -> dict[str, pd.DataFrame]:
    """The year's tables without the file path (which names the output folder)."""
    return {k: df.drop(columns=["src_file"]) for k, df in yd.tables().items()}


def test_one_folder_and_workbook_per_year(generated):
    root, paths = generated
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == [str(y) for y in YEARS]
    assert paths == [root / str(y) / f"示例数据_{y}.xlsx" for y in YEARS]
    assert all(p.is_file() for p in paths)


@pytest.mark.slow
def test_every_year_loads_without_problems(loaded):
    for year, yd in loaded.items():
        assert yd.missing == [], year
        warnings = analyse(yd).warnings
        assert warnings == [], (year, warnings)
        # 数据安全保障 (6.1, 6.2) is set up in 2021: a category that appears in a later year
        assert len(yd.budget) == (29 if year < 2021 else 31)
        assert yd.budget["category"].nunique() == (5 if year < 2021 else 6)
        assert ("数据安全保障" in set(yd.budget["category"])) == (year >= 2021)
        assert not yd.contracts.empty and not yd.lines.empty and len(yd.sms) == 12 * 6
        assert len(yd.indicators) == 11


def test_totals_equal_item_sums_to_the_fen(loaded):
    for year, yd in loaded.items():
        items = yd.budget
        assert items["budget"].notna().all() and items["executed"].notna().all()
        assert yd.totals["budget"] == items["budget"].sum(), year
        assert yd.totals["executed"] == items["executed"].sum(), year
        assert yd.undisclosed["budget"] == 0 and yd.undisclosed["executed"] == 0
        assert Decimal(9_000_000) <= yd.totals["budget"] <= Decimal(9_800_000)
        assert (items["executed"] <= items["budget"]).all()


def test_execution_rates_in_range(loaded):
    for year, yd in loaded.items():
        assert Decimal("0.93") <= yd.totals["execution_rate"] <= Decimal("0.995"), year


def test_unicom_costs_9_6_times_telecom(loaded):
    for year, yd in loaded.items():
        exits = yd.lines[yd.lines["line_type"] == "互联网出口"].set_index("carrier")["monthly_fee"]
        assert exits["中国联通"] == Decimal("76000.00") and exits["中国电信"] == Decimal("7900.00")
        assert round(float(exits["中国联通"] / exits["中国电信"]), 1) == 9.6


def test_provincial_line_from_june_2019_and_access_lines(loaded):
    for year, yd in loaded.items():
        provincial = yd.lines[yd.lines["line_type"] == "省电子政务专网"]
        if year >= 2019:
            assert list(provincial["monthly_fee"]) == [Decimal("11700.00")]
            assert provincial["start"].iloc[0] == pd.Timestamp("2019-06-01")
        access = yd.lines[yd.lines["item_code"] == "2.2"].set_index("carrier")
        assert 85 <= access["count"].sum() <= 95
        assert access.loc["中国联通", "monthly_fee"] == (Decimal("965.00") if year < 2019 else Decimal("942.00"))
    # after the 2019 tender at 942元, China Telecom's access price falls 6-10% a year; Unicom's does not
    telecom = [loaded[y].lines.set_index(["item_code", "carrier"]).loc[("2.2", "中国电信"), "monthly_fee"]
               for y in YEARS]
    assert telecom[:2] == [Decimal("965.00"), Decimal("942.00")]
    for before, after in zip(telecom[1:], telecom[2:]):
        assert before * Decimal("0.90") - FEN <= after <= before * Decimal("0.94") + FEN
    assert (loaded[2019].budget.set_index("code").loc["2.3", "executed"]
            == Decimal(50000) + 7 * Decimal(11700))  # old line Jan-May, new line Jun-Dec


def test_sms_amount_is_count_times_price(loaded):
    for year, yd in loaded.items():
        sms = yd.sms
        assert set(sms["unit_price"]) == {Decimal("0.0650")}
        for count, amount in zip(sms["count"], sms["amount"]):
            assert amount == (count * Decimal("0.065")).quantize(FEN, rounding=ROUND_HALF_UP)
        target = sms_target(year)
        assert target == 6_000_000 + 500_000 * (year - 2020)  # 600万条 in 2020, as in the 2020 report
        assert target * 0.92 <= sms["count"].sum() <= target * 1.12, year
        row = yd.indicators.set_index("name").loc["保障金宏短信数量"]
        assert row["target_value"] == target and row["target_op"] == ">="
        assert sms["department"].nunique() == 6 and sms["month"].nunique() == 12
        item = yd.budget.set_index("code").loc["2.7"]
        assert item["executed"] == sms["amount"].sum()


def test_renewals_link_to_earlier_years(loaded):
    seen: set[str] = set()
    links = 0
    for year in YEARS:
        contracts = loaded[year].contracts
        for cid, renews in zip(contracts["contract_id"], contracts["renews"]):
            if renews is not None:
                assert renews in seen, f"{year} {cid} renews unknown {renews}"
                links += 1
        seen |= set(contracts["contract_id"])
    assert links > 20


def test_maintenance_contract_grows_at_each_renewal(loaded):
    ledger = pd.concat([loaded[y].contracts for y in YEARS]).drop_duplicates("contract_id").set_index("contract_id")
    chain = ledger[ledger["item_code"] == "1.1"]
    assert list(chain.index) == [f"SL-{y}-1.1" for y in YEARS]
    renewals = chain[chain["renews"].notna()]
    assert list(chain["procurement"]) == ["公开招标", "续签", "续签", "公开招标", "续签"]
    for cid, row in renewals.iterrows():
        previous = ledger.loc[row["renews"], "amount"]
        assert previous * Decimal("1.05") - 100 <= row["amount"] <= previous * Decimal("1.08") + 100, cid
    # re-tendered in 2021 at 80-88% of the 2020 price
    assert ledger.loc["SL-2020-1.1", "amount"] * Decimal("0.80") - 100 <= ledger.loc["SL-2021-1.1", "amount"] \
        <= ledger.loc["SL-2020-1.1", "amount"] * Decimal("0.88") + 100


def test_one_chain_is_renewed_every_year_without_competition(loaded):
    ledger = pd.concat([loaded[y].contracts for y in YEARS]).drop_duplicates("contract_id").set_index("contract_id")
    chain = ledger[ledger["item_code"] == "1.6"]
    assert list(chain["procurement"]) == ["公开招标", "续签", "续签", "续签", "续签"]
    assert list(chain["renews"].iloc[1:]) == [f"SL-{y}-1.6" for y in range(2018, 2022)]


def test_indicators_have_actuals_some_met_some_not(loaded):
    met = pd.concat([loaded[y].indicators for y in YEARS])["met"]
    assert loaded[2020].indicators["actual_text"].notna().all()
    assert met.notna().all() and met.any() and not met.all()
    codes = loaded[2020].indicators.set_index("name")["item_codes"]
    assert codes["保障网络线路数量"] == "2.1、2.2、2.3" and codes["保障金宏短信数量"] == "2.7"


def test_every_source_and_title_says_demo(loaded, generated):
    for yd in loaded.values():
        for name, df in yd.tables().items():
            if name in ("record", "team_findings", "decisions", "followup", "prior_problems"):  # the team's sheets
                assert "source" not in df and df.empty
                continue
            assert df["source"].str.contains(DEMO_MARK).all(), name
    import openpyxl

    for path in generated[1]:
        wb = openpyxl.load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            title = next(ws.iter_rows(min_row=1, max_row=1, values_only=True))[0]
            assert title.startswith("【示例数据】"), (path.name, ws.title)
        wb.close()


def test_is_demo_folder(generated):
    root, paths = generated
    assert is_demo_folder(root)
    assert all(is_demo_folder(p.parent) for p in paths)
    assert not is_demo_folder(DATA_RAW / "2020")
    assert not is_demo_folder(root / "nonexistent")


@pytest.mark.slow
def test_same_seed_same_data_other_seed_differs(generated, loaded, tmp_path):
    _, paths = generated
    again = generate_demo(tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]
    for year in YEARS:
        first, second = comparable(loaded[year]), comparable(qdanalysis.load_year(year, root=tmp_path / "again"))
        for key in first:
            pd.testing.assert_frame_equal(first[key], second[key])
    generate_demo(tmp_path / "other", seed=7)
    other = qdanalysis.load_year(2020, root=tmp_path / "other")
    assert not other.budget["budget"].equals(loaded[2020].budget["budget"])


def test_fewer_years_drop_links_that_would_dangle(tmp_path):
    generate_demo(tmp_path, years=[2021, 2022])
    first = qdanalysis.load_year(2021, root=tmp_path)
    assert first.contracts["renews"].isna().all()
    assert qdanalysis.load_year(2022, root=tmp_path).contracts["renews"].notna().any()


def test_never_writes_under_data_raw(generated, raw_hash_before):
    target = DATA_RAW / "demo-should-not-exist"
    with pytest.raises(PermissionError):
        generate_demo(target)
    assert not target.exists()
    assert tree_hash(DATA_RAW) == raw_hash_before
