"""The floor a report run is compared against: papermill + nbconvert on a one-cell notebook.

One Python process writes a notebook whose single cell imports pandas and matplotlib and
draws one chart, executes it with ``papermill.execute_notebook`` and exports it with
nbconvert's ``HTMLExporter``: the least any papermill-based report can cost. Run as a whole
subprocess by ``benchmarks/run.py`` so that interpreter start and imports count on both sides.

Usage:
    python benchmarks/floor.py OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

CELL = """\
import pandas as pd
import matplotlib.pyplot as plt

frame = pd.DataFrame({"year": [2018, 2019, 2020, 2021, 2022], "spend": [930.5, 941.2, 924.7, 955.0, 948.3]})
ax = frame.plot.bar(x="year", y="spend", legend=False)
ax.set_ylabel("spend")
plt.show()
"""


def main(out_dir: str) -> None:
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(CELL)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, out / "floor.ipynb")
    papermill.execute_notebook(str(out / "floor.ipynb"), str(out / "floor.out.ipynb"), kernel_name="python3",
                               progress_bar=False)
    body, _ = HTMLExporter().from_filename(str(out / "floor.out.ipynb"))
    (out / "floor.html").write_text(body, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
