"""Tiny notebooks that the run tests build themselves, each for one purpose (print its parameters, raise,
sleep past the timeout, lack a parameters cell), like papermill's own test notebooks (importable from every
test folder).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

YEAR_PARAMS = 'year = 2020\ndata_root = "data/raw"\ntitle = "默认标题"'


PRINT_PARAMS = "print(f'年份={year}'); print(f'目录={data_root}')"


def make_notebook(path: Path, *cells: str, parameters: str | None = YEAR_PARAMS) -> Path:
    """A notebook whose first cell (tagged ``parameters`` unless None) holds ``parameters``."""
    code = []
    if parameters is not None:
        params_cell = new_code_cell(parameters)
        params_cell.metadata["tags"] = ["parameters"]
        code.append(params_cell)
    code += [new_code_cell(source) for source in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=code), path)
    return path


def outputs_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
