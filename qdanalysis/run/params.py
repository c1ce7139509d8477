"""Run parameters: ``params/<year>.yaml`` (the notebook's) and ``params/runner.yaml`` (the runner's).

Every value that changes from year to year and drives a scheduled run lives in these files
(STYLE rule 7). Parameters are data: the runner hands them to papermill, whose Python
translator writes them into the notebook as literals, never as code.

A ``<year>.yaml`` holds notebook parameters only, so that papermill's own command line reads it
as it is (``papermill notebooks/1.0-annual-report.ipynb out.ipynb -f params/2020.yaml``) without
"Passed unknown parameter": papermill passes every top-level key of a ``-f`` file to the notebook,
and a nested section would be one more unknown parameter, injected as a dict. What only
``qdanalysis run`` uses (the cell timeout, leave to read data outside the project) lives in the
optional ``runner.yaml`` of the same folder, for every year of that folder. All files are read
with ``yaml.safe_load`` only.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from qdanalysis.domain import is_year_name
from qdanalysis.errors import ProblemCollector, ValidationError
from qdanalysis.fmt import years_named
from qdanalysis.paths import PARAMS, PROJECT_ROOT
from qdanalysis.yamlfile import KeyValueFile, is_int, number, read_yaml, top_lines, type_name

YEAR_MIN, YEAR_MAX = 2000, 2100
TIMEOUT_MIN, TIMEOUT_MAX = 10, 3600
DEFAULT_DATA_ROOT = "data/raw"
DEFAULT_CELL_TIMEOUT = 600
TITLE_MAX = 200
#: The largest threshold of 无合同大额支付 accepted (元): above it the key is surely mistyped (万元 for 元, say).
THRESHOLD_MAX = Decimal("10000000000")

#: The runner's settings file, beside the ``<year>.yaml`` files it applies to.
RUNNER_FILE = "runner.yaml"

# key -> Chinese description, in the order a user should read them: the notebook's parameters
# (``<year>.yaml``) and the runner's settings (``runner.yaml``).
KEYS: dict[str, str] = {
    "year": "年份",
    "data_root": "原始数据根目录",
    "title": "报告标题",
    "no_contract_threshold": "无合同大额支付的阈值（元）",
}
RUNNER_KEYS: dict[str, str] = {
    "cell_timeout": "单个代码单元的最长运行时间（秒）",
    "allow_external_root": "是否允许数据目录在项目之外",
}
#: A ``<year>.yaml``: the notebook's parameters; a runner setting written there says where it belongs.
YEAR_FILE = KeyValueFile(
    "参数文件", "参数", tuple(KEYS), "year: 2020", missing_hint="新增年度请用 qdanalysis new-year <年份> 生成参数文件",
    required="至少要写 year: 年份", allowed_note=f"（运行设置写在 {RUNNER_FILE} 中）",
    # A params file of an earlier version: papermill -f would pass the key to the notebook.
    elsewhere={key: (f"「{key}」是 qdanalysis run 的运行设置，不是笔记本参数；papermill 用 -f 读取本文件时"
                     f"会报“Passed unknown parameter: {key}”",
                     f"请把这一行移到同一文件夹的 {RUNNER_FILE} 中：该文件是运行设置文件，对该文件夹中的所有年份生效，"
                     "没有时新建一个，写法见 params/runner.yaml") for key in RUNNER_KEYS})
#: ``runner.yaml``: the runner's settings; a notebook parameter written there says where it belongs.
RUNNER_SETTINGS = KeyValueFile(
    "运行设置文件", "运行设置", tuple(RUNNER_KEYS), f"cell_timeout: {DEFAULT_CELL_TIMEOUT}", missing_hint="请参照 params/runner.yaml 编写",
    elsewhere={key: (f"「{key}」是笔记本参数，不是运行设置", "请写在同一文件夹的各年份参数文件（如 2020.yaml）中")
               for key in KEYS})


def default_title(year: int) -> str:
    """The report title used when a params file gives none: a data analysis of the run's year
    (the evaluation report itself is the evaluator's document, not this one)."""
    return f"{year}年专项业务费绩效评价数据分析"


def param_file_for(year: int, params_dir: str | Path | None = None) -> Path:
    """Where the parameters of ``year`` live (the file may not exist)."""
    return Path(params_dir or PARAMS) / f"{year}.yaml"


def list_param_files(params_dir: str | Path | None = None) -> list[Path]:
    """Every run-parameters file ``params/<year>.yaml``, sorted by year.

    Other YAML files in ``params/`` (such as ``scoring-2020.yaml``, a scoring table) are
    not run parameters and are left out.
    """
    return sorted(p for p in Path(params_dir or PARAMS).glob("*.yaml") if is_year_name(p.stem))


#: The runner's settings when a params folder has no runner.yaml.
RUNNER_DEFAULTS = {"cell_timeout": DEFAULT_CELL_TIMEOUT, "allow_external_root": False}


def runner_file_for(params_dir: str | Path | None = None) -> Path:
    """Where the runner's settings of a params folder live (the file may not exist)."""
    return Path(params_dir or PARAMS) / RUNNER_FILE


def load_runner(params_dir: str | Path | None = None) -> dict[str, Any]:
    """Read and validate ``<params_dir>/runner.yaml``; its defaults when the file does not exist.

    Returns:
        ``{"cell_timeout": int, "allow_external_root": bool}``.

    Raises:
        ValidationError: the file is not valid YAML or a value is refused; every problem names
            the file, the line and the key.
    """
    path = runner_file_for(params_dir)
    if not path.exists():
        return dict(RUNNER_DEFAULTS)
    data, lines, problems = RUNNER_SETTINGS.load(path)  # a file of comments only: the defaults

    def add(key: str, message: str, hint: str) -> None:
        problems.add("", lines.get(key), key, message, hint)

    allow_external = data.get("allow_external_root", False)
    if not isinstance(allow_external, bool):
        add("allow_external_root", f"allow_external_root 应为 true 或 false，实际是{type_name(allow_external)}",
            "写 true 或 false，不加引号")
        allow_external = False
    timeout = data.get("cell_timeout", DEFAULT_CELL_TIMEOUT)
    if not is_int(timeout):
        add("cell_timeout", f"cell_timeout 应为整数秒，实际是{type_name(timeout)}", "例如 cell_timeout: 600")
    elif not TIMEOUT_MIN <= timeout <= TIMEOUT_MAX:
        add("cell_timeout", f"cell_timeout {timeout} 秒超出范围", f"应在 {TIMEOUT_MIN} 到 {TIMEOUT_MAX} 秒之间")
    problems.raise_if_any()
    return {"cell_timeout": timeout, "allow_external_root": allow_external}


def load_params(path: str | Path) -> dict[str, Any]:
    """Read and validate one params file, with the runner's settings of its folder (``runner.yaml``).

    Args:
        path: a ``params/<year>.yaml`` file; its name must be the year it describes.

    Returns:
        The validated parameters (see :func:`validate_params`).

    Raises:
        ValidationError: the file is missing, is not valid YAML, or a value is refused;
            every problem names the file, the line when known, and the key.
    """
    path = Path(path)
    data, lines, problems = YEAR_FILE.read(path)
    source = problems.file
    try:
        runner = load_runner(path.parent)
    except ValidationError as err:
        problems.problems.extend(err.problems)
        runner = None
    try:
        params = validate_params(data, source, lines=lines, runner=runner)
    except ValidationError as err:
        raise ValidationError(problems.problems + err.problems) from None
    if not is_year_name(path.stem):
        problems.add("", None, "", f"参数文件名「{path.name}」不是年份",
                     f"请命名为 {params['year']}.yaml")
    elif int(path.stem) != params["year"]:
        problems.add("", lines.get("year"), "year",
                     f"文件名中的年份 {path.stem} 与 year: {params['year']} 不一致",
                     f"请把文件改名为 {params['year']}.yaml，或把 year 改为 {path.stem}")
    problems.raise_if_any()
    return params


def validate_params(data: Any, source: str, *, lines: dict[str, int] | None = None,
                    runner: dict[str, Any] | None = None) -> dict[str, Any]:
    """Check parsed YAML and fill in the defaults.

    Args:
        data: what ``yaml.safe_load`` returned.
        source: the file name shown in each problem.
        lines: line of each key in the file, when known.
        runner: the runner's settings (:func:`load_runner`; default: its defaults).

    Returns:
        ``{"year": int, "data_root": Path (absolute, resolved), "allow_external_root": bool,
        "title": str, "cell_timeout": int, "no_contract_threshold": Decimal | None}`` (None: the rule's default).

    Raises:
        ValidationError: listing every refused key at once.
    """
    lines = lines or {}
    problems = ProblemCollector(source)

    def add(key: str, message: str, hint: str) -> None:
        problems.add("", lines.get(key), key, message, hint)

    data = YEAR_FILE.check(data, problems, lines)

    year = data.get("year")
    if "year" not in data:
        add("year", "缺少必填参数 year（年份）", "请加一行，例如 year: 2020")
    elif isinstance(year, str):
        add("year", f"年份「{year}」写成了文字", "请去掉引号，写成整数，例如 year: 2020")
    elif not is_int(year):
        add("year", f"年份应为整数，实际是{type_name(year)}「{year}」", "例如 year: 2020")
    elif not YEAR_MIN <= year <= YEAR_MAX:
        add("year", f"年份 {year} 超出范围", f"应在 {YEAR_MIN} 到 {YEAR_MAX} 之间")

    runner = runner or RUNNER_DEFAULTS
    allow_external = runner["allow_external_root"]

    data_root = data.get("data_root", DEFAULT_DATA_ROOT)
    resolved: Path | None = None
    if not isinstance(data_root, str) or not data_root.strip():
        add("data_root", f"data_root 应为一个路径，实际是{type_name(data_root)}",
            "例如 data_root: data/raw（相对于项目根目录）")
    else:
        candidate = Path(data_root)
        resolved = (candidate if candidate.is_absolute() else PROJECT_ROOT / candidate).resolve()
        project = PROJECT_ROOT.resolve()
        inside = resolved == project or project in resolved.parents
        if not inside and not allow_external:
            add("data_root", f"数据目录「{data_root}」解析后位于项目之外（{resolved}）",
                f"请把数据放在项目内（如 data/raw），或确需使用外部目录时在 {RUNNER_FILE} 中写一行 allow_external_root: true")

    title = data.get("title")
    if "title" in data:
        if not isinstance(title, str):
            add("title", f"标题应为文字，实际是{type_name(title)}", "请给标题加上引号")
        elif not title.strip():
            add("title", "标题是空的", "请填写标题，或删除这一行以使用默认标题")
        elif len(title) > TITLE_MAX:
            add("title", f"标题有 {len(title)} 个字，超过 {TITLE_MAX} 个字", "请缩短标题")
        elif any(unicodedata.category(ch) == "Cc" for ch in title):
            add("title", "标题中含有换行等控制字符", "标题只能写一行")
        elif is_int(year) and any(named != year for named in years_named(title)):
            other = next(named for named in years_named(title) if named != year)
            add("title", f"标题中的{other}年与参数 year（{year}）不一致",
                f"请把标题中的年份改为{year}年，或删除 title 这一行以使用默认标题")

    threshold = no_contract_threshold(data, add)

    problems.raise_if_any()
    return {
        "year": year,
        "data_root": resolved,
        "allow_external_root": allow_external,
        "title": title if title is not None else default_title(year),
        "cell_timeout": runner["cell_timeout"],
        "no_contract_threshold": threshold,
    }


def no_contract_threshold(data: dict, add: Callable[[str, str, str], None]) -> Decimal | None:
    """The ``no_contract_threshold`` of a params file (元, exact), None when the file sets none (the rule's default,
    the 分散采购限额标准 of 国办发〔2019〕55号, to be checked against the local one); a refused value is
    reported through ``add(key, message, hint)`` and gives None."""
    key = "no_contract_threshold"
    if key not in data:
        return None
    value = data[key]
    hint = "写以元为单位的数字，不加引号和单位，例如 no_contract_threshold: 1000000（即100万元）"
    amount = number(key, value, "金额（元）", hint, add)
    if amount is None:
        return None
    if not amount.is_finite() or amount <= 0:
        add(key, f"{key} 应为大于 0 的金额（元），实际是 {value}", hint)
    elif amount > THRESHOLD_MAX:
        add(key, f"{key} {value} 元超出范围（不超过 {THRESHOLD_MAX} 元）", "请确认单位是元而不是万元；" + hint)
    elif amount != amount.quantize(Decimal("0.01")):
        add(key, f"{key} {value} 元超过两位小数", "金额精确到分；" + hint)
    else:
        return amount
    return None


def load_no_contract_threshold(path: str | Path) -> Decimal | None:
    """The ``no_contract_threshold`` of one params file (see :func:`no_contract_threshold`); None when the file
    does not exist or sets none. For the outputs made without ``qdanalysis run`` (draft, export, summary).

    Raises:
        ValidationError: the file is not valid YAML or the value is refused (naming the file, line and key).
    """
    path = Path(path)
    if not path.is_file():
        return None
    data, (lines, _), source = read_yaml(path, YEAR_FILE.what, "", top_lines)
    if not isinstance(data, dict):
        return None  # load_params refuses such a file, with its message
    problems = ProblemCollector(source)
    threshold = no_contract_threshold(
        data, lambda key, message, hint: problems.add("", lines.get(key), key, message, hint))
    problems.raise_if_any()
    return threshold
