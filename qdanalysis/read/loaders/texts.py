"""Loaders for the optional text sheets: 产出与成效 (results the report cites) and 项目信息."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qdanalysis.read.schema import PROJECT, RESULTS, SheetSchema
from qdanalysis.read.sheet import frame, locate, provenance, raise_problems, read_records
from qdanalysis.read.xlsx import collector_paused

RESULT_DTYPES = {"name": object, "value": object, "unit": object, "note": object, "source": object,
                 "src_file": object, "src_sheet": object, "src_row": "Int64"}
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
