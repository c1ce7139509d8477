"""A demo portfolio: several made-up projects of different sizes, categories and vendors, each
with its years of workbooks, its params files and one ``portfolio.yaml`` listing them all.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from qdanalysis.atomic import write_text
from qdanalysis.demo.generate import refuse_raw, write_years
from qdanalysis.demo.programme import DEFAULT_SEED, DEFAULT_YEARS, DEMO_MARK, MARKER_FILE, DemoProfile
from qdanalysis.demo.year import build_demo

#: The projects of a demo portfolio (``qdanalysis demo --projects N``), used in turn: name,
#: 主管部门, size, categories, execution rate range, uncontracted items' execution range.
PORTFOLIO_PROJECTS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, str], tuple[float, float]], ...] = (
    ("示例市大数据局专项业务费", "示例市大数据发展管理局", "1.0", ("1", "2", "3", "4", "5"), ("0.93", "0.995"), (0.78, 1.0)),
    ("示例市政务云运维经费", "示例市行政审批服务局", "2.4", ("1", "2", "3", "5"), ("0.85", "0.93"), (0.55, 1.0)),
    ("示例市公安视频专网运维经费", "示例市公安局", "1.5", ("1", "2", "3"), ("0.95", "0.995"), (0.85, 1.0)),
    ("示例市教育城域网运维经费", "示例市教育局", "3.6", ("1", "2", "3", "4", "5"), ("0.76", "0.86"), (0.5, 0.95)),
    ("示例市卫健信息化运维经费", "示例市卫生健康委员会", "1.2", ("1", "2", "5"), ("0.90", "0.97"), (0.7, 1.0)),
    ("示例市人社信息系统运维经费", "示例市人力资源和社会保障局", "2.0", ("1", "2", "3", "4"), ("0.88", "0.95"), (0.6, 1.0)),
    ("示例市应急指挥通信保障经费", "示例市应急管理局", "4.5", ("1", "2"), ("0.80", "0.90"), (0.55, 0.95)),
    ("示例市城管物联感知运维经费", "示例市城市管理局", "1.8", ("1", "2", "3", "5"), ("0.96", "1.00"), (0.9, 1.0)),
)
#: Written after :data:`VENDOR_MARK` in the vendors' names of the 2nd, 3rd, … project.
VENDOR_TAGS = "甲乙丙丁戊己庚辛壬癸"
#: How many years each project of a demo portfolio has by default (ending with the last demo year).
PORTFOLIO_YEARS = 3


def portfolio_profile(index: int) -> tuple[str, str, DemoProfile]:
    """(project id, 主管部门, profile) of the ``index``-th (0-based) project of a demo portfolio."""
    name, department, size, categories, rate, free = PORTFOLIO_PROJECTS[index % len(PORTFOLIO_PROJECTS)]
    round_ = index // len(PORTFOLIO_PROJECTS)
    if round_:
        name, department = f"{name}（第{round_ + 1}批）", department
    tag = "" if index == 0 else VENDOR_TAGS[(index - 1) % len(VENDOR_TAGS)] + (str(round_ + 1) if round_ else "")
    profile = DemoProfile(programme=name, size=Decimal(size), categories=categories,
                          execution=((Decimal(rate[0]), Decimal(rate[1])), free), vendor_tag=tag)
    return f"demo-{index + 1:02d}", department, profile



def generate_portfolio(out_dir: str | Path, projects: int, years: int = PORTFOLIO_YEARS,
                       seed: int = DEFAULT_SEED) -> tuple[Path, list[Path]]:
    """Write a demo portfolio: ``projects`` projects of different sizes, categories and vendors.

    Each project gets ``out_dir/<id>/raw/<year>/`` (its workbooks, as
    :func:`~qdanalysis.demo.generate.generate_demo` writes them, from its own seed and
    :class:`DemoProfile`), ``out_dir/<id>/params/<year>.yaml`` (a title saying 示例数据), and
    ``out_dir/portfolio.yaml`` lists them all.

    Args:
        out_dir: where to write; never under ``data/raw/``.
        projects: how many projects (1-99).
        years: how many years each project has, ending with the last demo year (1-5).
        seed: the first project's seed; project ``i`` uses ``seed + i``.

    Returns:
        The portfolio file and the workbooks written.

    Raises:
        PermissionError: ``out_dir`` lies under ``data/raw/``.
        ValueError: ``projects`` or ``years`` out of range.
    """
    if not 1 <= projects <= 99:
        raise ValueError(f"projects must be 1-99, not {projects}")
    if not 1 <= years <= len(DEFAULT_YEARS):
        raise ValueError(f"years must be 1-{len(DEFAULT_YEARS)}, not {years}")
    out = Path(out_dir)
    refuse_raw(out)
    run_years = list(DEFAULT_YEARS)[-years:]
    entries, paths = [], []
    for index in range(projects):
        project_id, department, profile = portfolio_profile(index)
        paths += write_years(out / project_id / "raw", build_demo(run_years, seed + index, profile), seed + index)
        for year in run_years:
            write_text(out / project_id / "params" / f"{year}.yaml",
                       f"# {DEMO_MARK}：{profile.programme}{year}年的运行参数（由 qdanalysis demo 生成）。\n"
                       f"year: {year}\ntitle: 【{DEMO_MARK}】{profile.programme}{year}年绩效评价数据分析\n")
        entries.append(
            f"  - id: {project_id}\n    name: {profile.programme}\n    department: {department}\n"
            f"    data_root: {project_id}/raw\n    params: {project_id}/params\n"
            f"    years: [{', '.join(str(y) for y in run_years)}]\n")
    portfolio = write_text(out / "portfolio.yaml", (
        f"# {DEMO_MARK}：由 qdanalysis demo --projects {projects} 按固定随机种子（{seed}）生成的项目组合，"
        "所有项目、单位和数字均为虚构，仅用于演示。\n"
        "# 运行：qdanalysis run --portfolio <本文件的路径> --out <报告目录>\n"
        f"title: 【{DEMO_MARK}】专项资金绩效评价总览\nprojects:\n" + "".join(entries)))
    write_text(out / MARKER_FILE, f"{DEMO_MARK}：本文件夹中的项目组合由 qdanalysis.demo 生成，仅用于演示，不是真实数据。\n")
    return portfolio, paths
