"""Where the kernel's time goes in the annual report: imports, fonts, Excel, analysis, figures.

Runs the code cells of ``notebooks/1.0-annual-report.ipynb`` in this fresh process (as the
kernel would, with the year's parameters) and times each phase: imports of pandas,
matplotlib, seaborn and qdanalysis, the font set-up, reading the workbooks (Excel parsing),
the rest of each section (analysis, drawing) and the PNG rendering (``savefig``) of the figures
this process draws, and the time it waits for those a forked child draws meanwhile
(:mod:`qdanalysis.present.drawer`; ``QDANALYSIS_DRAW_JOBS=1`` draws them all here, as before).
Displaying is stubbed out. Prints one JSON line.

Usage:
    python benchmarks/profile_kernel.py YEAR
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))


def main(year: int) -> None:
    phases: dict[str, float] = {}

    def timed(name: str, fn, *args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - start

    import importlib

    timed("import pandas + pyarrow", lambda: (importlib.import_module("pandas"), importlib.import_module("pyarrow")))
    import matplotlib

    cache = Path(matplotlib.get_cachedir())
    had_font_cache = any(cache.glob("fontlist-*.json"))
    timed("import matplotlib.pyplot (+ font cache)", importlib.import_module, "matplotlib.pyplot")
    timed("import qdanalysis.present.report", importlib.import_module, "qdanalysis.present.report")
    timed("import seaborn", importlib.import_module, "seaborn")
    from qdanalysis.present import style

    timed("fonts + theme (addfont, set_theme)", style.apply_theme)

    # Count the time of the parts inside the cells.
    import IPython.display
    from matplotlib.figure import Figure

    import qdanalysis.read.folder as folder_mod
    import qdanalysis.run.pipeline as pipeline_mod

    IPython.display.display = lambda *a, **k: None
    savefig = Figure.savefig
    Figure.savefig = lambda self, *a, **k: timed("render figures here (savefig PNG)", savefig, self, *a, **k)
    from qdanalysis.present import drawer

    read_child = drawer.Drawer.receive
    drawer.Drawer.receive = lambda *a, **k: timed("wait for the figures the child draws", read_child, *a, **k)
    read_workbook = folder_mod.read_workbook
    folder_mod.read_workbook = lambda *a, **k: timed("read workbooks (xlsx checks + calamine)", read_workbook, *a, **k)
    load_year = pipeline_mod.load_year
    pipeline_mod.load_year = lambda *a, **k: timed("load_year (parse + validate)", load_year, *a, **k)
    analyse = pipeline_mod.analyse
    pipeline_mod.analyse = lambda *a, **k: timed("analyse (analyses, cross-checks, scoring, findings)", analyse, *a, **k)

    import nbformat

    from qdanalysis.run.params import load_params, param_file_for

    params = load_params(param_file_for(year))
    nb = nbformat.read(PROJECT_ROOT / "notebooks" / "1.0-annual-report.ipynb", as_version=4)
    namespace: dict = {}
    cells = [c for c in nb.cells if c.cell_type == "code"]
    exec(cells[0].source, namespace)  # the parameters cell's defaults
    namespace.update(year=params["year"], data_root=str(params["data_root"]), title=params["title"])
    start = time.perf_counter()
    for cell in cells[1:]:
        exec(compile(cell.source, "<cell>", "exec"), namespace)
    cells_total = time.perf_counter() - start
    inner = sum(phases.get(k, 0.0) for k in ("render figures here (savefig PNG)", "load_year (parse + validate)",
                                             "wait for the figures the child draws",
                                             "analyse (analyses, cross-checks, scoring, findings)"))
    phases["sections: drawing and text (rest of the cells)"] = cells_total - inner
    print(json.dumps({"phases": phases, "had_font_cache": had_font_cache}, ensure_ascii=False))


if __name__ == "__main__":
    main(int(sys.argv[1]))
