"""Each project's multi-year trends report in a portfolio run: ``<out>/<project>/trends/``.

``qdanalysis run --portfolio`` runs the trends notebook once per project, over the years the
portfolio file lists for it, among the project-years (:mod:`qdanalysis.run.portfolio`); the
overview links each project's row to it. Like a project-year, the run writes ``summary.json``
beside the report, with its outcome and a fingerprint, and is skipped when the fingerprint is that of
its last successful run. The fingerprint is the SHA-256 of: every file of the project's year
folders, every file of its parameters folder, its entry in the portfolio file, the notebook and the
package's fingerprint, which the caller gives (:func:`qdanalysis.run.portfolio.package_fingerprint`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qdanalysis.errors import ValidationError
from qdanalysis.paths import REPORTS
from qdanalysis.read.hashes import sha256, source_hashes
from qdanalysis.run import unchanged as runs
from qdanalysis.run.notebook import TRENDS_NOTEBOOK, check_notebook, notebook_path, run_notebook
from qdanalysis.run.params import load_runner
from qdanalysis.run.portfolio_file import Project
from qdanalysis.run.results import TRENDS_LABEL, RunResult


def trends_label(project: Project | str) -> str:
    """``"<project>/trends"``: how a project's trends run is named in progress lines."""
    return f"{project.id if isinstance(project, Project) else project}/{TRENDS_LABEL}"


def trends_dir(out: str | Path | None, project: Project) -> Path:
    return (Path(out) if out is not None else REPORTS) / project.id / TRENDS_LABEL


def trends_title(project: Project) -> str:
    """The trends report's title: the project and its years."""
    first, last = project.years[0], project.years[-1]
    return f"{project.name}{first}—{last}年趋势分析" if first != last else f"{project.name}{first}年趋势分析"


def trends_values(project: Project, declared: set[str]) -> dict[str, Any]:
    """The notebook's parameters for ``project``: its data and years, and its parameters folder and
    scoring table where the notebook declares them."""
    values: dict[str, Any] = {"data_root": notebook_path(project.data_root), "years": list(project.years)}
    if "params_dir" in declared:
        values["params_dir"] = str(project.params)
    if "scoring" in declared:
        values["scoring"] = project.scoring
    return values


def trends_fingerprint(project: Project, values: dict[str, Any], notebook: Path, package: str) -> str:
    """SHA-256 of everything the project's trends report depends on (see the module docstring)."""
    params = sorted(f for f in project.params.iterdir() if f.is_file()) if project.params.is_dir() else []
    recipe = {
        "package": package,
        "notebook": sha256(notebook),
        "project": [project.id, project.name, str(project.data_root), str(project.params), project.scoring],
        "values": values,
        "data": {str(y): source_hashes(project.data_root / str(y)) if (project.data_root / str(y)).is_dir() else None
                 for y in project.years},
        "params": [[f.name, sha256(f)] for f in params],
    }
    return hashlib.sha256(json.dumps(recipe, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def trends_link(project: Project, root: Path) -> str | None:
    """The overview's link to the project's trends report (``../<project>/trends/<page>``), or None
    when it has never run; a failed run links to the page that shows its error."""
    record = runs.read_summary(trends_dir(root, project))
    html = record.get("html") if record else None
    return f"../{project.id}/{TRENDS_LABEL}/{html}" if html else None


def run_project_trends(project: Project, out: str | Path | None = None, *, package: str,
                       notebook: str | Path = TRENDS_NOTEBOOK, force: bool = False,
                       prepare_export: bool = False) -> RunResult:
    """Run the trends notebook over the project's years into ``<out>/<project>/trends/``, unless it is
    unchanged since its last successful run (``package``: the package's fingerprint); write its
    ``summary.json``. ``prepare_export``: see :func:`~qdanalysis.run.notebook.run_notebook`."""
    notebook = Path(notebook)
    label, out_dir = trends_label(project), trends_dir(out, project)
    return runs.run_unless_unchanged(
        label, out_dir, force=force,
        prepare=lambda: _plan(project, notebook),
        fingerprint=lambda plan: trends_fingerprint(project, plan["values"], notebook, package),
        execute=lambda plan: run_notebook(notebook, out_dir, plan["values"], cell_timeout=plan["cell_timeout"],
                                          title=trends_title(project), label=label, prepare_export=prepare_export),
        write=lambda result, stamp: runs.write_summary(out_dir, result, stamp))


def _plan(project: Project, notebook: Path) -> dict[str, Any]:
    """The notebook's values and cell timeout for the project's trends run.

    Raises:
        ValidationError: the notebook or the project's ``runner.yaml`` is refused.
    """
    return {"values": trends_values(project, check_notebook(notebook)),
            "cell_timeout": load_runner(project.params)["cell_timeout"]}


def unchanged_trends(project: Project, out: Path | None, notebook: Path, package: str) -> RunResult | None:
    """The skipped result of a project whose trends are unchanged, recognised without a worker."""
    return runs.unchanged_result(trends_label(project), trends_dir(out, project), lambda: _plan(project, notebook),
                            lambda plan: trends_fingerprint(project, plan["values"], notebook, package))


def check_trends_params(projects: list[Project], notebook: str | Path | None) -> None:
    """Refuse, before any run starts, the ``trends.yaml`` of a project whose trends report is to run and would
    refuse it (when the notebook takes the project's parameters folder).

    Raises:
        ValidationError: every problem of every such file at once, each naming the file, the line and the key.
    """
    if not projects or notebook is None or "params_dir" not in check_notebook(Path(notebook)):
        return
    from qdanalysis.run.trends_params import load_trends_thresholds

    problems = []
    for project in projects:
        try:
            load_trends_thresholds(project.params)
        except ValidationError as err:
            problems += err.problems
    if problems:
        raise ValidationError(problems)


def trends_to_run(projects: list[Project], out: Path | None, *, force: bool, package: str,
                  report: Callable[[RunResult], None], notebook: Path = TRENDS_NOTEBOOK) -> list[Project]:
    """Those of ``projects`` whose trends report must run; each unchanged one is handed to ``report`` as skipped
    (recognised without starting a kernel or parsing anything)."""
    return runs.to_run(projects, lambda project: unchanged_trends(project, out, notebook, package), force=force,
                  report=report)


def crashed_trends(project: Project, out: Path | None, err: BaseException) -> RunResult:
    """The failed result (and summary) of a trends run that raised inside the runner: it fails this project's
    trends only."""
    result = runs.crashed_result(trends_label(project), err)
    runs.write_summary(trends_dir(out, project), result, "")
    return result
