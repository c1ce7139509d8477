"""The trends report's thresholds: ``params/trends.yaml`` (optional), read with ``yaml.safe_load`` only.

The findings across years T05 (a contract not put to competition for many years) and T06 (a price gap between
carriers that persists) report from thresholds that are the evaluation team's to set. The file holds those
thresholds for every trends report of its params folder; a key it leaves out, or no file, keeps the tool's default
(:class:`~qdanalysis.analyse.rules.standing.StandingThresholds`), and each finding says whose threshold it used.
The demo (示例数据) reads no ``params/`` file: its report uses the defaults.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from qdanalysis.analyse.rules.standing import GAP_YEARS, PRICE_GAP_RATIO, STANDING_YEARS, StandingThresholds
from qdanalysis.paths import PARAMS
from qdanalysis.yamlfile import KeyValueFile, is_int, number, type_name

#: The trends report's settings file, in the params folder.
TRENDS_FILE = "trends.yaml"
#: Each key -> its Chinese description, and the range it accepts.
TRENDS_KEYS: dict[str, str] = {
    "standing_years": f"长期未经竞争性采购的列示年数（T05，默认{STANDING_YEARS}年）",
    "price_gap_ratio": f"同类线路单价差距的列示倍数（T06，默认{PRICE_GAP_RATIO}倍）",
    "price_gap_years": f"单价差距持续的列示年数（T06，默认{GAP_YEARS}年）",
}
#: Whole years accepted for ``standing_years`` and ``price_gap_years``.
YEARS_MIN, YEARS_MAX = 2, 30
#: Ratios accepted for ``price_gap_ratio``: above 1 (1 is no gap), at most this.
RATIO_MAX = Decimal(100)
#: ``trends.yaml`` as a "key: value" file: an empty one holds no thresholds (the defaults).
TRENDS_SETTINGS = KeyValueFile("趋势分析参数文件", "参数", tuple(TRENDS_KEYS), f"standing_years: {STANDING_YEARS}",
                               missing_hint="请参照 docs/report.md 编写")


def trends_file_for(params_dir: str | Path | None = None) -> Path:
    """Where the trends report's thresholds of a params folder live (the file may not exist)."""
    return Path(params_dir or PARAMS) / TRENDS_FILE


def _years(key: str, value: Any, add) -> int | None:
    hint = f"写 {YEARS_MIN} 到 {YEARS_MAX} 之间的整数年数，不加引号和单位，例如 {key}: " \
           f"{STANDING_YEARS if key == 'standing_years' else GAP_YEARS}"
    if isinstance(value, str):
        add(key, f"{key}「{value}」写成了文字", hint)
    elif not is_int(value):
        add(key, f"{key} 应为整数年数，实际是{type_name(value)}「{value}」", hint)
    elif not YEARS_MIN <= value <= YEARS_MAX:
        add(key, f"{key} {value} 年超出范围", hint)
    else:
        return int(value)
    return None


def _ratio(key: str, value: Any, add) -> Decimal | None:
    hint = f"写大于 1、不超过 {RATIO_MAX} 的倍数，不加引号和“倍”字，例如 {key}: {PRICE_GAP_RATIO}"
    ratio = number(key, value, "倍数", hint, add)
    if ratio is None:
        return None
    if not ratio.is_finite() or not 1 < ratio <= RATIO_MAX:
        add(key, f"{key} {value} 超出范围（1倍即没有差距）", hint)
        return None
    return ratio


def load_trends_thresholds(params_dir: str | Path | None = None) -> StandingThresholds:
    """T05's and T06's thresholds from ``<params_dir>/trends.yaml``; the defaults where the file sets none or
    does not exist.

    Raises:
        ValidationError: the file is not valid YAML, or a key is unknown, written twice or refused; every
            problem names the file, the line and the key.
    """
    path = trends_file_for(params_dir)
    if not path.is_file():
        return StandingThresholds()
    data, lines, problems = TRENDS_SETTINGS.load(path)  # comments only: the defaults

    def add(key: str, message: str, hint: str) -> None:
        problems.add("", lines.get(key), key, message, hint)

    values: dict[str, Any] = {}
    for key in ("standing_years", "price_gap_years"):
        if key in data and (v := _years(key, data[key], add)) is not None:
            values[key] = v
    if "price_gap_ratio" in data and (r := _ratio("price_gap_ratio", data["price_gap_ratio"], add)) is not None:
        values["price_gap_ratio"] = r
    problems.raise_if_any()
    return StandingThresholds(**values, from_params=frozenset(values))
