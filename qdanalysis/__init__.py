"""qdanalysis: a Jupyter workbook for evaluating how a city spends its IT budget.

Data flows one way, and the folders say so: ``read/`` (archive checks, loaders, the parquet
store) → ``analyse/`` (analyses, cross-checks, scoring, findings) → ``present/`` (charts,
report blocks, HTML and Excel) → ``run/`` (command line, papermill runner, ingest). ``demo/``
writes illustrative input workbooks (示例数据) and imports only ``read/``.

Load a year with :func:`load_year`, or load and analyse it at once with
:func:`analyse_year`::

    import qdanalysis
    y = qdanalysis.load_year(2020)        # the tables, money in 元 as exact decimals
    a = qdanalysis.analyse_year(2020)     # every analysis, the checks, the score and the findings

Exploring in JupyterLab::

    qdanalysis.chart_style()              # once: the report's chart style, Chinese labels included
    y.budget.qd.wan().plot.barh(x="item", y="budget")   # money as float 万元, without src_file/src_row
    y.budget.qd.headers()                 # each column's header in the sheet (budget → 预算数)
    qdanalysis.findings_frame(a.findings) # the findings as a DataFrame (序号, 编号, 问题, 严重程度, 类别, 依据, 建议)

``qdanalysis.analyse`` is the stage folder; its :func:`qdanalysis.analyse.engine.analyse` analyses
a :class:`YearData` already loaded (or changed) in a notebook.

Everything is imported on first use, so that commands which do not need pandas start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from qdanalysis.errors import MissingTableError, Problem, QdanalysisError, ValidationError

__version__ = "0.1.0"

_LAZY = {
    "load_budget": "qdanalysis.read.loaders", "load_contracts": "qdanalysis.read.loaders",
    "load_indicators": "qdanalysis.read.loaders", "load_lines": "qdanalysis.read.loaders",
    "load_sms": "qdanalysis.read.loaders", "load_year": "qdanalysis.read.year", "YearData": "qdanalysis.read.year",
    "analyse_year": ("qdanalysis.run.pipeline", "analysed_year"),
    "YearAnalysis": "qdanalysis.analyse.year",
    "chart_style": ("qdanalysis.present.style", "apply_theme"),
    "findings_frame": ("qdanalysis.analyse.findings", "findings_table"),
}

__all__ = [
    "MissingTableError", "Problem", "QdanalysisError", "ValidationError", "load_budget", "load_contracts",
    "load_indicators", "load_lines", "load_sms", "load_year", "YearData", "analyse_year", "YearAnalysis",
    "chart_style", "findings_frame",
]

if TYPE_CHECKING:  # pragma: no cover
    from qdanalysis.analyse.findings import findings_table as findings_frame
    from qdanalysis.analyse.year import YearAnalysis
    from qdanalysis.present.style import apply_theme as chart_style
    from qdanalysis.read.loaders import load_budget, load_contracts, load_indicators, load_lines, load_sms
    from qdanalysis.read.year import YearData, load_year
    from qdanalysis.run.pipeline import analysed_year as analyse_year


def __getattr__(name: str):
    if name in _LAZY:
        where = _LAZY[name]
        module, attr = where if isinstance(where, tuple) else (where, name)
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'qdanalysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
