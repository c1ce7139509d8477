"""One loader per data source. Only these modules (through :mod:`qdanalysis.xlsx`) read raw files."""

from .budget import BudgetSheet, load_budget, read_budget
from .contracts import load_contracts
from .indicators import load_indicators
from .lines import load_lines
from .sms import load_sms

__all__ = ["BudgetSheet", "load_budget", "read_budget", "load_contracts", "load_indicators", "load_lines", "load_sms"]
