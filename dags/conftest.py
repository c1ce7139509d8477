"""pytest (--import-mode=importlib, from pyproject.toml): the test modules here import their helpers from this folder."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
