"""The committed notebooks: no number typed into their Markdown, no outputs, a parameters cell first."""

from __future__ import annotations

import json

from qdanalysis.paths import NOTEBOOKS


def test_no_number_typed_into_the_notebooks():
    import re

    for path in NOTEBOOKS.glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                src = "".join(cell["source"])
                assert not re.search(r"\d", src.replace("##", "")), (path.name, src)


def test_notebooks_committed_without_outputs_and_with_parameters():
    for path in NOTEBOOKS.glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), path.name
        assert "parameters" in code[0]["metadata"].get("tags", []), path.name
