"""Loaders for the optional sheets the evaluator fills: 产出与成效 (results the report cites), 项目信息 and
评价记录 (the evaluator's record of each scored indicator)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qdanalysis.read import parsing
from qdanalysis.read.columns import as_date, frame, provenance, raise_problems, read_records
from qdanalysis.read.locate import locate
from qdanalysis.read.schema import PROJECT, RECORD, RESULTS, SheetSchema
from qdanalysis.read.xlsx import collector_paused

RESULT_DTYPES = {"name": object, "value": object, "unit": object, "note": object, "source": object,
                 "src_file": object, "src_sheet": object, "src_row": "Int64"}
RECORD_DTYPES = {"level1": object, "name": object, "weight": "float", "method": object, "actual": object,
                 "score": "float", "evidence": object, "opinion": object, "evaluator": object,
                 "date": "date", "src_file": object, "src_sheet": object, "src_row": "Int64"}
PROJECT_DTYPES = {"field": object, "text": object, "source": object,
                  "src_file": object, "src_sheet": object, "src_row": "Int64"}


def _load(path: str | Path, schema: SheetSchema, dtypes: dict, required: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    located, collectors = locate(path, schema)
    collector_of = {c.file: c for c in collectors}
    rows = []
    for loc in located:
        collector = collector_of[loc.file]
        for rec in read_records(loc, schema, collector):
            v = rec.values
            missing = [(key, label) for key, label in required if not v.get(key)]
            for key, label in missing:
                collector.add(loc.sheet, rec.row, loc.where(key), f"缺少{label}", f"请填写{label}，或删除这一行")
            if not missing:
                rows.append({**{k: v.get(k) for k in dtypes if not k.startswith("src_")}, **provenance(rec)})
    raise_problems(collectors)
    return frame(rows, dtypes)


@collector_paused()
def load_results(path: str | Path) -> pd.DataFrame:
    """产出与成效: one result a row (name, value as written, unit, source); values stay text, as the source words them.

    Raises:
        ValidationError: every problem of the file, each naming sheet, row and column.
    """
    return _load(path, RESULTS, RESULT_DTYPES, (("name", "名称"), ("value", "数值")))


@collector_paused()
def load_project(path: str | Path) -> pd.DataFrame:
    """项目信息: one field a row (项目名称, 主管部门, 实施单位, 项目背景, 总体目标), the text as written.

    Raises:
        ValidationError: every problem of the file, each naming sheet, row and column.
    """
    return _load(path, PROJECT, PROJECT_DTYPES, (("field", "事项"), ("text", "内容")))


@collector_paused()
def load_record(path: str | Path) -> pd.DataFrame:
    """评价记录: one scored indicator a row: the evaluator's verified actual (text as written), score
    (0 or more), evidence, opinion, evaluator and date.

    What depends on the scoring table (an unknown indicator, a score above its weight, a number where
    the rule wants 达成/部分达成/未达成) is checked when the year is scored.

    Raises:
        ValidationError: a row without 三级指标, a score that is not a number or is negative, an
            indicator written twice; each naming sheet, row and column.
    """
    located, collectors = locate(path, RECORD)
    collector_of = {c.file: c for c in collectors}
    rows = []
    seen: dict[str, tuple[str, int]] = {}
    for loc in located:
        collector = collector_of[loc.file]
        for rec in read_records(loc, RECORD, collector):
            v = rec.values
            name = v.get("name")
            if not name:
                collector.add(loc.sheet, rec.row, loc.where("name"), "缺少三级指标名称", "请填写评分表中的三级指标名称，或删除这一行")
                continue
            key = parsing.compact(name)
            if key in seen:
                file, sheet, row = seen[key]
                other = "" if file == loc.file else f"《{Path(file).name}》的"  # another workbook: name both
                collector.add(loc.sheet, rec.row, loc.where("name"),
                              f"指标「{name}」重复：{other}{sheet}表第{row}行已有这一指标的记录",
                              "每个指标只写一行；请合并两行后删除其中一行" if not other else
                              "一个年度只能有一份评价记录；请把两个工作簿的评价记录合并到一处，删除另一份")
                continue
            seen[key] = (loc.file, loc.sheet, rec.row)
            score = v.get("score")
            if score is not None and score < 0:
                collector.add(loc.sheet, rec.row, loc.where("score"), f"得分 {score} 小于 0",
                              "得分应在 0 到该指标的分值之间")
                continue
            actual = rec.raw.get("actual")
            rows.append({"level1": v.get("level1"), "name": name,
                         "weight": None if v.get("weight") is None else float(v["weight"]),
                         "method": v.get("method"), "actual": None if parsing.is_blank(actual) else parsing.clean_text(actual),
                         "score": score, "evidence": v.get("evidence"), "opinion": v.get("opinion"),
                         "evaluator": v.get("evaluator"), "date": as_date(v.get("date")), **provenance(rec)})
    raise_problems(collectors)
    return frame(rows, RECORD_DTYPES)
