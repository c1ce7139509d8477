"""Tiny inputs for the scoring tests: an indicators sheet, a YearData-like year, a scoring table, a temporary file."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from types import SimpleNamespace

import pandas as pd

from qdanalysis.analyse.scoring_file import validate_scoring
from qdanalysis.analyse.scoring_table import ScoringTable
from qdanalysis.read import parsing as P
from qdanalysis.read.loaders.indicators import is_met

NOTE = "权重须以本地财政部门现行规定为准"


def indicators(*rows: tuple[str, str, str | None]) -> pd.DataFrame:
    """An indicators sheet as the loader returns it, from (name, target, actual) texts."""
    out = []
    for name, target_text, actual_text in rows:
        t = P.parse_target(target_text)
        a = P.parse_quantity(actual_text)
        out.append({
            "level1": "产出指标", "level2": "数量指标", "name": name, "target_op": t.op,
            "target_value": None if t.value is None else float(t.value), "target_unit": t.unit,
            "target_text": t.text, "actual_value": None if a is None or a.value is None else float(a.value),
            "actual_unit": a.unit if a else None, "actual_text": a.text if a else None,
            "met": is_met(t, a), "weight": None,
        })
    df = pd.DataFrame(out)
    df["target_value"] = df["target_value"].astype("Float64")
    df["actual_value"] = df["actual_value"].astype("Float64")
    df["met"] = df["met"].astype("boolean")
    df["weight"] = df["weight"].astype("Float64")
    return df


def year(sheet: pd.DataFrame | None = None, *, budget="100", adjusted=None, executed="90",
         warnings=(), year_=2020, adjustment=None) -> SimpleNamespace:
    """A YearData-like object: totals in 元, an indicators sheet and data warnings."""
    money = lambda v: None if v is None else Decimal(v)  # noqa: E731
    return SimpleNamespace(
        year=year_, indicators=sheet if sheet is not None else indicators(("占位", "≥1", None)).iloc[0:0],
        totals={"budget": money(budget), "adjusted_budget": money(adjusted), "executed": money(executed),
                "adjustment": adjustment},
        warnings=list(warnings),
    )


def table(*items: dict, total: int | None = None, **top) -> ScoringTable:
    """A scoring table from indicator dicts; a 填充 indicator tops the weights up to 100."""
    items = [dict({"level1": "产出指标", "rule": "ratio"}, **i) for i in items]
    used = sum(Decimal(str(i["weight"])) for i in items)
    limit = Decimal(total or 100)
    if used < limit:
        items.append({"level1": "其他", "name": "填充", "weight": float(limit - used), "rule": "manual",
                      "evaluator": "填充"})
    data = {"name": "测试", "source": "测试用", "note": NOTE, "indicators": items, **top}
    if total is not None:
        data["total"] = total
    return validate_scoring(data, "测试.yaml")


def row(result, name: str) -> pd.Series:
    return result.sheet.set_index("name").loc[name]


def write(tmp_path, text: str, name: str = "scoring.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def execution(weight=10, **extra):
    return table({"level1": "预算执行率", "name": "预算执行率", "weight": weight, "measure": "execution_rate", **extra})


ADJUSTMENT_BANDS = [{"max": 0, "score": 3}, {"max": 10, "score": 2}, {"max": 20, "score": 1}]


def record(*rows: dict) -> pd.DataFrame:
    """A 评价记录 frame as the loader returns it, rows from row 4 of 评价记录.xlsx."""
    out = []
    for n, r in enumerate(rows, start=4):
        out.append({"level1": None, "name": r["name"], "weight": None, "method": None, "actual": r.get("actual"),
                    "score": r.get("score"),
                    "evidence": r.get("evidence"), "opinion": r.get("opinion"), "evaluator": r.get("evaluator"),
                    "date": pd.Timestamp(r["date"]) if r.get("date") else pd.NaT,
                    "src_file": "评价记录.xlsx", "src_sheet": "评价记录", "src_row": n})
    return pd.DataFrame(out)


def recorded(sheet=None, rows=()) -> SimpleNamespace:
    data = year(sheet)
    data.record = record(*rows)
    return data


RECORD_TABLE = [
    {"name": "系统正常运行率", "weight": 8, "indicator": "系统正常运行率"},
    {"name": "运行维护制度健全性", "weight": 10, "rule": "levels", "indicator": "运行维护制度健全性"},
    {"level1": "满意度指标", "name": "使用部门满意度", "weight": 10, "rule": "manual", "evaluator": "满意度"},
]
