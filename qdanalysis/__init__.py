"""qdanalysis: a Jupyter workbook for evaluating how a city spends its IT budget.

Load a year with :func:`load_year`; each table also has its own loader. Money is in 元 as
exact decimals (``decimal128(18, 2)``), so sums stay exact to the fen.
"""

from .errors import Problem, QdanalysisError, ValidationError
from .loaders import load_budget, load_contracts, load_indicators, load_lines, load_sms
from .year import YearData, load_year

__version__ = "0.1.0"

__all__ = [
    "Problem", "QdanalysisError", "ValidationError", "YearData",
    "load_budget", "load_contracts", "load_indicators", "load_lines", "load_sms", "load_year",
]
