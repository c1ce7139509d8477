"""The portfolio file: many projects, each with its data, parameters and years (``params/portfolio.yaml``).

Read with ``yaml.safe_load`` only and validated like the year parameters: every mistake is a
Chinese message naming the file, the line and the key. Paths in the file are relative to the
folder of the file itself, so that a portfolio and its data can move together (``qdanalysis
demo --projects N --out DIR`` writes ``DIR/portfolio.yaml`` beside the projects' folders).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from qdanalysis.analyse.scoring_presets import PRESETS
from qdanalysis.errors import ProblemCollector, ValidationError
from qdanalysis.run.params import YEAR_MAX, YEAR_MIN
from qdanalysis.yamlfile import KeyValueFile, is_int, key_path, line_of, type_name

#: Top-level keys -> Chinese description.
KEYS: dict[str, str] = {"title": "总览标题", "projects": "项目列表",
                        "flag_execution_below": "总览的执行率提示线（百分数）"}
#: Keys of one project -> Chinese description, in the order a user should read them.
PROJECT_KEYS: dict[str, str] = {
    "id": "项目编号（报告文件夹名）",
    "name": "项目名称",
    "department": "主管部门",
    "data_root": "原始数据根目录（其下为 <年份>/ 文件夹）",
    "params": "参数文件夹（可放 <年份>.yaml、runner.yaml 和 scoring-<年份>.yaml）",
    "years": "年份列表",
    "scoring": "评分表（YAML 文件或预置表名，可省略）",
}
REQUIRED = ("id", "name", "department", "data_root", "params", "years")
DEFAULT_TITLE = "专项资金绩效评价总览"
#: The overview flags an execution rate below this (percent) beside a grade of 优 or 良, unless the file sets one.
DEFAULT_FLAG_BELOW = Decimal(90)
#: The folder of the overview inside the output root; no project may be called so.
OVERVIEW_FOLDER = "portfolio"
TEXT_MAX = 100
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
#: The portfolio file as a "key: value" file (its keys written twice found at every depth).
PORTFOLIO_SETTINGS = KeyValueFile(
    "项目组合文件", "键", tuple(KEYS), "projects:",
    missing_hint="请参照 params/portfolio.yaml 编写，或用 qdanalysis demo --projects 3 --out 目录 生成一个示例",
    required="至少要写 projects: 和一个项目", shape_hint="第一层写 title: 和 projects:",
    allowed_note="（每个项目的键写在 projects 下的各项中）", nested=True)


@dataclass(frozen=True)
class Project:
    """One project of a portfolio.

    Attributes:
        id: the project's folder name under the reports (lower-case letters, digits, - and _).
        name: 项目名称. department: 主管部门.
        data_root: the folder holding ``<year>/`` (absolute).
        params: the parameters folder (absolute): ``<year>.yaml`` gives a year's title,
            ``runner.yaml`` the cell timeout of its years, ``scoring-<year>.yaml`` a year's scoring table.
        years: the years to run, ascending.
        scoring: a preset's name, an absolute scoring file, or "" (the params folder's
            ``scoring-<year>.yaml``, else the year's 绩效指标 sheet).
    """

    id: str
    name: str
    department: str
    data_root: Path
    params: Path
    years: tuple[int, ...]
    scoring: str = ""


@dataclass(frozen=True)
class Portfolio:
    """The projects of one portfolio file, in the file's order."""

    file: Path
    title: str
    projects: tuple[Project, ...]
    #: The overview's threshold (percent): an execution rate below it beside a grade of 优 or 良 is flagged.
    flag_execution_below: Decimal = DEFAULT_FLAG_BELOW

    def project_years(self) -> list[tuple[Project, int]]:
        """Every (project, year) to run, project by project, years ascending."""
        return [(p, y) for p in self.projects for y in p.years]

    def project(self, project_id: str) -> Project:
        for p in self.projects:
            if p.id == project_id:
                return p
        raise KeyError(project_id)


def load_portfolio(path: str | Path) -> Portfolio:
    """Read and validate a portfolio file.

    Raises:
        ValidationError: the file is missing, not YAML, or any value is refused; all problems
            at once, each with its line.
    """
    path = Path(path)
    data, lines, problems = PORTFOLIO_SETTINGS.read(path)
    try:
        portfolio = validate_portfolio(data, problems.file, path.resolve().parent, lines=lines, file=path)
    except ValidationError as err:
        raise ValidationError(problems.problems + err.problems) from None
    problems.raise_if_any()
    return portfolio


def validate_portfolio(data: Any, source: str, base: Path, *, lines: dict[tuple, int] | None = None,
                       file: Path | None = None) -> Portfolio:
    """Check a parsed portfolio and resolve its paths against ``base``.

    Raises:
        ValidationError: listing every refused value at once.
    """
    lines = lines or {}
    problems = ProblemCollector(source)

    def add(path: tuple, message: str, hint: str) -> None:
        problems.add("", line_of(lines, path), key_path(path), message, hint)

    data = PORTFOLIO_SETTINGS.check(data, problems, lines)
    title = _text(data.get("title", DEFAULT_TITLE), ("title",), "总览标题", add)
    raw_projects = data.get("projects")
    projects: list[Project] = []
    if not isinstance(raw_projects, list) or not raw_projects:
        add(("projects",), "缺少项目列表 projects，或列表是空的",
            "请在 projects: 下逐项写“- id: …”，每个项目写明 " + "、".join(REQUIRED))
    else:
        seen: dict[str, int] = {}
        for i, item in enumerate(raw_projects):
            project = _project(item, ("projects", i), base, add, problems)
            if project is None:
                continue
            if project.id in seen:
                add(("projects", i, "id"), f"项目编号「{project.id}」与第 {seen[project.id] + 1} 个项目重复",
                    "每个项目的编号须不同（它是报告文件夹名）")
                continue
            seen[project.id] = i
            projects.append(project)
    flag_below = _percent(data.get("flag_execution_below", DEFAULT_FLAG_BELOW), ("flag_execution_below",), add)
    problems.raise_if_any()
    return Portfolio(file=(file or base / "portfolio.yaml"), title=title or DEFAULT_TITLE, projects=tuple(projects),
                     flag_execution_below=flag_below)


def _percent(value: Any, at: tuple, add) -> Decimal:
    """A percentage between 0 and 100 written as a number (``90`` or ``87.5``)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 100:
        add(at, f"执行率提示线应为 0 到 100 之间的数（百分数），实际是{type_name(value)}「{value}」",
            "例如 flag_execution_below: 90（执行率低于90%而评价等级为优或良时在总览中提示）")
        return DEFAULT_FLAG_BELOW
    return Decimal(str(value))


def _project(item: Any, at: tuple, base: Path, add, problems: ProblemCollector) -> Project | None:
    n = at[1] + 1
    if not isinstance(item, dict):
        add(at, f"第 {n} 个项目应当是「键: 值」的形式，实际是{type_name(item)}",
            "每个项目以“- id: …”开头，下面缩进写 name、department、data_root、params、years")
        return None
    before = len(problems.problems)
    for key in item:
        if str(key) not in PROJECT_KEYS:
            add(at + (str(key),), f"第 {n} 个项目中有不认识的键「{key}」", f"可用的键只有：{'、'.join(PROJECT_KEYS)}")
    for key in REQUIRED:
        if key not in item:
            add(at, f"第 {n} 个项目缺少「{key}」（{PROJECT_KEYS[key]}）", f"请加一行 {key}: …")
    pid = item.get("id")
    if "id" in item and (not isinstance(pid, str) or not _ID.match(pid)):
        add(at + ("id",), f"项目编号「{pid}」不能用作文件夹名",
            "只能用小写英文字母、数字、- 和 _，以字母或数字开头，不超过 40 个字符，例如 bigdata-2020")
    elif pid == OVERVIEW_FOLDER:
        add(at + ("id",), f"项目编号不能是「{OVERVIEW_FOLDER}」", f"{OVERVIEW_FOLDER}/ 是总览页所在的文件夹，请换一个编号")
    name = _text(item.get("name"), at + ("name",), "项目名称", add) if "name" in item else None
    department = _text(item.get("department"), at + ("department",), "主管部门", add) if "department" in item else None
    data_root = _folder(item.get("data_root"), at + ("data_root",), base, "原始数据根目录", add) \
        if "data_root" in item else None
    params = _folder(item.get("params"), at + ("params",), base, "参数文件夹", add) if "params" in item else None
    years = _years(item.get("years"), at + ("years",), add) if "years" in item else None
    scoring = _scoring(item.get("scoring", ""), at + ("scoring",), base, add)
    if len(problems.problems) > before or None in (name, department, data_root, params, years):
        return None
    return Project(pid, name, department, data_root, params, years, scoring)


def _text(value: Any, at: tuple, what: str, add) -> str | None:
    if not isinstance(value, str) or not value.strip():
        add(at, f"{what}应为一行文字，实际是{type_name(value)}", f"请填写{what}（含有冒号等符号时加引号）")
        return None
    if len(value) > TEXT_MAX:
        add(at, f"{what}有 {len(value)} 个字，超过 {TEXT_MAX} 个字", f"请缩短{what}")
        return None
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        add(at, f"{what}中含有换行等控制字符", f"{what}只能写一行")
        return None
    return value.strip()


def _folder(value: Any, at: tuple, base: Path, what: str, add) -> Path | None:
    if not isinstance(value, str) or not value.strip():
        add(at, f"{what}应为一个路径，实际是{type_name(value)}", "例如 data/raw（相对于本文件所在的文件夹）")
        return None
    path = Path(value)
    resolved = (path if path.is_absolute() else base / path).resolve()
    if not resolved.is_dir():
        add(at, f"{what}「{value}」不存在或不是文件夹（{resolved}）", "路径相对于项目组合文件所在的文件夹，请检查拼写")
        return None
    return resolved


def _years(value: Any, at: tuple, add) -> tuple[int, ...] | None:
    if not isinstance(value, list) or not value:
        add(at, f"年份列表应为整数列表，实际是{type_name(value)}", "例如 years: [2019, 2020]")
        return None
    years: list[int] = []
    for j, year in enumerate(value):
        where = at + (j,)
        if isinstance(year, str):
            add(where, f"年份「{year}」写成了文字", "请去掉引号，写成整数，例如 2020")
        elif not is_int(year):
            add(where, f"年份应为整数，实际是{type_name(year)}「{year}」", "例如 2020")
        elif not YEAR_MIN <= year <= YEAR_MAX:
            add(where, f"年份 {year} 超出范围", f"应在 {YEAR_MIN} 到 {YEAR_MAX} 之间")
        elif year in years:
            add(where, f"年份 {year} 写了两次", "请只保留一处")
        else:
            years.append(year)
    return tuple(sorted(years)) if len(years) == len(value) else None


def _scoring(value: Any, at: tuple, base: Path, add) -> str:
    if value in ("", None):
        return ""
    if not isinstance(value, str):
        add(at, f"评分表应为文件路径或预置表名，实际是{type_name(value)}", f"预置表名：{'、'.join(PRESETS)}")
        return ""
    if value in PRESETS:
        return value
    path = Path(value)
    resolved = (path if path.is_absolute() else base / path).resolve()
    if not resolved.is_file():
        add(at, f"评分表文件「{value}」不存在（{resolved}）",
            f"路径相对于项目组合文件所在的文件夹；也可写预置表名：{'、'.join(PRESETS)}")
        return ""
    return str(resolved)
