"""One loader per data source. Only these modules (through :mod:`qdanalysis.read.xlsx`) read raw files."""

from qdanalysis.read.loaders.budget import BudgetSheet, load_budget, read_budget
from qdanalysis.read.loaders.contracts import load_contracts
from qdanalysis.read.loaders.indicators import load_indicators
from qdanalysis.read.loaders.lines import load_lines
from qdanalysis.read.loaders.sms import load_sms

__all__ = ["BudgetSheet", "load_budget", "read_budget", "load_contracts", "load_indicators", "load_lines", "load_sms"]
