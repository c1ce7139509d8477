"""qdanalysis: a Jupyter workbook for evaluating how a city spends its IT budget.

Load a year with :func:`load_year`; each table also has its own loader. Money is in 元 as
exact decimals (``decimal128(18, 2)``), so sums stay exact to the fen.

The loaders (and pandas behind them) are imported on first use, so that commands which
do not need them (``qdanalysis run``) start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from qdanalysis.errors import Problem, QdanalysisError, ValidationError

__version__ = "0.1.0"

_LAZY = {
    "load_budget": ".read.loaders", "load_contracts": ".read.loaders", "load_indicators": ".read.loaders",
    "load_lines": ".read.loaders", "load_sms": ".read.loaders", "load_year": ".read.year", "YearData": ".read.year",
}

__all__ = ["Problem", "QdanalysisError", "ValidationError", *_LAZY]

if TYPE_CHECKING:  # pragma: no cover
    from qdanalysis.read.loaders import load_budget, load_contracts, load_indicators, load_lines, load_sms  # noqa: F401
    from qdanalysis.read.year import YearData, load_year  # noqa: F401


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'qdanalysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
