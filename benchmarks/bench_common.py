"""What every section of ``benchmarks/run.py`` shares: the year measured, and how a section prints its
heading (with the machine's load) and its figures, one labelled row each."""

from __future__ import annotations

import measure as M

REPORT_YEAR = 2020


def heading(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 74 - len(title)), flush=True)
    print(f"  {M.load_line()}", flush=True)


def row(label: str, value: str, width: int = 58) -> None:
    print(f"  {label:<{width}} {value}", flush=True)
