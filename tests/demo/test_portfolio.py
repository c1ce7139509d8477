"""The demo portfolio: N projects that differ in size, categories and vendors, all labelled 示例数据."""

from __future__ import annotations

from decimal import Decimal

import pytest

import qdanalysis
from qdanalysis.demo.generate import generate_demo
from qdanalysis.demo.portfolio import generate_portfolio
from qdanalysis.demo.year import build_demo
from qdanalysis.paths import DATA_RAW
from qdanalysis.run import cli
from qdanalysis.run.portfolio_file import load_portfolio


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("portfolio")
    portfolio, paths = generate_portfolio(out, 3, 2)
    return out, portfolio, paths


def test_the_portfolio_file_lists_every_project_and_validates(generated):
    out, path, paths = generated
    portfolio = load_portfolio(path)

    assert path == out / "portfolio.yaml" and portfolio.title == "【示例数据】专项资金绩效评价总览"
    assert [(p.id, p.name, p.department, p.years) for p in portfolio.projects] == [
        ("demo-01", "示例市大数据局专项业务费", "示例市大数据发展管理局", (2021, 2022)),
        ("demo-02", "示例市政务云运维经费", "示例市行政审批服务局", (2021, 2022)),
        ("demo-03", "示例市公安视频专网运维经费", "示例市公安局", (2021, 2022)),
    ]
    assert [p.relative_to(out).as_posix() for p in paths] == [
        f"demo-0{i}/raw/{y}/示例数据_{y}.xlsx" for i in (1, 2, 3) for y in (2021, 2022)]
    assert "示例数据" in path.read_text(encoding="utf-8").splitlines()[0]
    assert (out / "demo-02" / "params" / "2022.yaml").read_text(encoding="utf-8").endswith(
        "title: 【示例数据】示例市政务云运维经费2022年绩效评价数据分析\n")


def test_projects_differ_in_size_categories_and_vendors(generated):
    out, _, _ = generated
    years = {p: qdanalysis.load_year(2022, out / p / "raw") for p in ("demo-01", "demo-02", "demo-03")}

    assert all(y.demo for y in years.values())
    budgets = {p: y.totals["budget"] for p, y in years.items()}
    assert Decimal(9_000_000) <= budgets["demo-01"] <= Decimal(9_800_000)
    assert Decimal(21_600_000) <= budgets["demo-02"] <= Decimal(23_520_000)  # 2.4 times the range
    assert [y.budget["category"].nunique() for y in years.values()] == [5, 4, 3]
    assert [len(y.budget) for y in years.values()] == [29, 25, 19]
    vendors = {p: set(y.contracts["vendor"]) for p, y in years.items()}
    assert "青岛示例视频科技有限公司" in vendors["demo-01"] and "青岛示例甲视频科技有限公司" in vendors["demo-02"]
    assert "青岛示例乙视频科技有限公司" in vendors["demo-03"]
    rates = {p: y.totals["execution_rate"] for p, y in years.items()}
    assert 0.85 <= rates["demo-02"] <= 0.93 and 0.95 <= rates["demo-03"] <= 0.995


def test_every_title_says_demo_and_names_the_project(generated):
    from openpyxl import load_workbook

    out, _, _ = generated
    wb = load_workbook(out / "demo-03" / "raw" / "2021" / "示例数据_2021.xlsx")
    assert wb["预算执行"]["A1"].value == "【示例数据】2021年示例市公安视频专网运维经费预算执行明细表"
    assert "结构（3大类19个项目）" in wb["说明"]["A4"].value


def test_the_default_demo_is_unchanged_by_the_profiles(tmp_path):
    first = generate_demo(tmp_path / "a", years=[2020])
    assert build_demo([2020])[2020].programme == "青岛市大数据局专项业务费"
    assert first[0].read_bytes() == generate_demo(tmp_path / "b", years=[2020])[0].read_bytes()


@pytest.mark.slow
def test_same_seed_same_portfolio(generated, tmp_path):
    _, portfolio, paths = generated
    again, again_paths = generate_portfolio(tmp_path, 3, 2)
    assert [p.read_bytes() for p in again_paths] == [p.read_bytes() for p in paths]
    assert again.read_text(encoding="utf-8") == portfolio.read_text(encoding="utf-8")


def test_cli_demo_projects(tmp_path, capsys):
    assert cli.main(["demo", "--projects", "2", "--years", "1", "--out", str(tmp_path / "p")]) == cli.EXIT_OK
    printed = capsys.readouterr().out
    assert "已生成示例项目组合" in printed and "2 个项目，每个 1 个年度，共 2 个工作簿" in printed
    assert "qdanalysis run --portfolio" in printed
    assert cli.main(["demo", "--years", "2", "--out", str(tmp_path / "q")]) == cli.EXIT_USAGE
    assert cli.main(["demo", "--projects", "0", "--out", str(tmp_path / "q")]) == cli.EXIT_USAGE
    assert cli.main(["demo", "--projects", "2", "--out", str(DATA_RAW / "x")]) == cli.EXIT_PROBLEMS
    assert not (DATA_RAW / "x").exists()
