"""Issue 28, targets 1-3: a report run against the floor, a rerun from the cache, and the Word draft.

Measured side by side in one invocation, the order reversed every other round (the machine is shared):

- the floor (``floor.py``: papermill + HTMLExporter on a one-cell notebook);
- ``run --year`` on a cold cache (a new ``QDANALYSIS_PROCESSED`` each time: every figure drawn, the font
  subset made), target <= 1.2x the floor;
- ``run --year`` again with nothing changed (the cache of an earlier run: no figure drawn, no subset made),
  target <= 1.0x the floor;
- ``draft --year`` right after that run (it takes the run's figures), target <= 3 s;
- ``draft --year`` alone on a cold cache, target <= 0.5x the cold run.

Every command gets a processed folder of the benchmark's own (no stored tables of an ``ingest``: each run
parses the workbooks, as a first run does), so the user's ``data/processed`` is neither read nor written.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from pathlib import Path
from typing import Callable, Iterator

import measure as M
from measure import median, spread, verdict

COLD_TARGET, WARM_TARGET, DRAFT_AFTER_RUN_S, DRAFT_ALONE_TARGET = 1.2, 1.0, 3.0, 0.5


@contextlib.contextmanager
def processed(folder: Path) -> Iterator[None]:
    """Commands started inside use ``folder`` as their data/processed (and so their cache)."""
    before = os.environ.get("QDANALYSIS_PROCESSED")
    os.environ["QDANALYSIS_PROCESSED"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            del os.environ["QDANALYSIS_PROCESSED"]
        else:
            os.environ["QDANALYSIS_PROCESSED"] = before


def cache_entries(folder: Path) -> int:
    return sum(1 for p in (folder / "cache").rglob("*") if p.is_file() and not p.name.startswith("."))


def bench(args, tmp: Path, year: int, row: Callable[[str, str], None]) -> dict:
    fresh = (tmp / f"processed-{i}" for i in itertools.count())
    warm = tmp / "processed-warm"
    floor_cmd = [sys.executable, str(M.BENCH_DIR / "floor.py"), str(tmp / "floor-out")]

    def run_cmd(out: str) -> list[str]:
        return M.qdanalysis_command("run", "--year", str(year), "--out", str(tmp / out))

    def draft_cmd(out: str) -> list[str]:
        return M.qdanalysis_command("draft", "--year", str(year), "--out", str(tmp / out), "--force")

    times: dict[str, list[float]] = {k: [] for k in ("floor", "cold", "warm", "draft_after", "draft_alone")}
    cpu: dict[str, list[float]] = {k: [] for k in times}
    entries: dict[str, int] = {}

    def measure(name: str, cmd: list[str], folder: Path) -> None:
        with processed(folder):
            result = M.run(cmd)
        times[name].append(result.seconds)
        cpu[name].append(result.cpu_s)
        entries[name] = cache_entries(folder)

    def floor() -> None:
        measure("floor", floor_cmd, next(fresh))

    def cold() -> None:
        measure("cold", run_cmd("cold"), next(fresh))

    def warm_then_draft() -> None:
        before = cache_entries(warm)
        measure("warm", run_cmd("warm"), warm)
        entries["warm_new"] = entries["warm"] - before
        measure("draft_after", draft_cmd("draft-after"), warm)
        entries["draft_after_new"] = entries["draft_after"] - entries["warm"]

    def draft_alone() -> None:
        measure("draft_alone", draft_cmd("draft-alone"), next(fresh))

    with processed(warm):  # the run whose cache the reruns find; also warms the page cache of both sides
        M.run(run_cmd("warm"))
    if not args.quick:
        M.run(floor_cmd)
    steps = [floor, cold, warm_then_draft, draft_alone]
    for i in range(args.runs):
        for step in (steps if i % 2 == 0 else steps[::-1]):
            step()

    f, c, w = median(times["floor"]), median(times["cold"]), median(times["warm"])
    after, alone = median(times["draft_after"]), median(times["draft_alone"])

    def line(label: str, name: str) -> None:
        row(label, f"{median(times[name]):6.2f} s{spread(times[name])}, CPU {median(cpu[name]):5.2f} s")

    line("floor (papermill.execute_notebook + HTMLExporter, 1 cell)", "floor")
    line(f"run --year {year}, cold cache ({entries['cold']} entries made)", "cold")
    line(f"run --year {year} again, nothing changed ({entries['warm_new']} new entries)", "warm")
    line(f"draft --year {year} right after the run ({entries['draft_after_new']} new entries)", "draft_after")
    line(f"draft --year {year} alone, cold cache", "draft_alone")
    fc = median(cpu["floor"])
    row("1. cold run / floor (target <= 1.2)", f"{c / f:6.2f} x   {verdict(c / f <= COLD_TARGET)}"
        f"   CPU {median(cpu['cold']) / fc:5.2f} x")
    row("2. rerun / floor (target <= 1.0)", f"{w / f:6.2f} x   {verdict(w / f <= WARM_TARGET)}"
        f"   CPU {median(cpu['warm']) / fc:5.2f} x")
    row("3. draft right after run (target <= 3 s)", f"{after:6.2f} s   {verdict(after <= DRAFT_AFTER_RUN_S)}")
    row("3. draft alone / cold run (target <= 0.5)", f"{alone / c:6.2f} x   {verdict(alone / c <= DRAFT_ALONE_TARGET)}"
        f"   CPU {median(cpu['draft_alone']) / median(cpu['cold']):5.2f} x")
    return {"floor_s": f, "cold_s": c, "warm_s": w, "draft_after_run_s": after, "draft_alone_s": alone,
            "cold_ratio": c / f, "warm_ratio": w / f, "draft_alone_ratio": alone / c,
            "cpu_s": {k: median(v) for k, v in cpu.items()}, "entries": entries}
