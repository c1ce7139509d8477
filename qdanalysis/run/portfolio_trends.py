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

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qdanalysis.atomic import write_text
from qdanalysis.errors import ValidationError
from qdanalysis.paths import REPORTS
from qdanalysis.read.hashes import sha256, source_hashes
from qdanalysis.run.notebook import TRENDS_NOTEBOOK, check_notebook, notebook_path, run_notebook
from qdanalysis.run.params import load_runner
from qdanalysis.run.portfolio_file import Project
from qdanalysis.run.results import STATUS_FAILED, STATUS_OK, STATUS_SKIPPED, TRENDS_LABEL, RunResult

SUMMARY_FILE = "summary.json"


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


def read_trends_summary(out_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((out_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def trends_link(project: Project, root: Path) -> str | None:
    """The overview's link to the project's trends report (``../<project>/trends/<page>``), or None
    when it has never run; a failed run links to the page that shows its error."""
    record = read_trends_summary(trends_dir(root, project))
    html = record.get("html") if record else None
    return f"../{project.id}/{TRENDS_LABEL}/{html}" if html else None


def run_project_trends(project: Project, out: str | Path | None = None, *, package: str,
                       notebook: str | Path = TRENDS_NOTEBOOK, force: bool = False) -> RunResult:
    """Run the trends notebook over the project's years into ``<out>/<project>/trends/``, unless it is
    unchanged since its last successful run (``package``: the package's fingerprint); write its
    ``summary.json``."""
    notebook = Path(notebook)
    label, out_dir, start = trends_label(project), trends_dir(out, project), time.monotonic()
    try:
        values = trends_values(project, check_notebook(notebook))
        cell_timeout = load_runner(project.params)["cell_timeout"]
    except ValidationError as err:
        result = RunResult(label, STATUS_FAILED, time.monotonic() - start, error="；".join(map(str, err.problems)))
        _write(out_dir, result, "")
        return result
    stamp = trends_fingerprint(project, values, notebook, package)
    skipped = None if force else _skipped(project, out_dir, stamp, start)
    if skipped is not None:
        return skipped
    try:
        result = run_notebook(notebook, out_dir, values, cell_timeout=cell_timeout, title=trends_title(project),
                              label=label)
    except ValidationError as err:
        result = RunResult(label, STATUS_FAILED, time.monotonic() - start, error="；".join(map(str, err.problems)))
    _write(out_dir, result, stamp)
    return result


def _skipped(project: Project, out_dir: Path, stamp: str, start: float) -> RunResult | None:
    """A skipped result when the last run succeeded with this fingerprint and its page is still there."""
    last = read_trends_summary(out_dir)
    if not last or last.get("status") != STATUS_OK or last.get("fingerprint") != stamp or not last.get("html"):
        return None
    html = out_dir / str(last["html"])
    if not html.is_file():
        return None
    return RunResult(trends_label(project), STATUS_SKIPPED, time.monotonic() - start, html.with_suffix(".ipynb"), html)


def unchanged_trends(project: Project, out: Path | None, notebook: Path, package: str) -> RunResult | None:
    """The skipped result of a project whose trends are unchanged, recognised without a worker."""
    start = time.monotonic()
    try:
        values = trends_values(project, check_notebook(notebook))
    except ValidationError:
        return None  # the worker reports the refusal
    return _skipped(project, trends_dir(out, project), trends_fingerprint(project, values, notebook, package), start)


def _write(out_dir: Path, result: RunResult, stamp: str) -> None:
    record = {"status": result.status, "error": result.error, "seconds": round(result.seconds, 3),
              "html": result.html.name if result.html is not None else None,
              "fingerprint": stamp if result.ok else "",
              "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    write_text(out_dir / SUMMARY_FILE, json.dumps(record, ensure_ascii=False, indent=1) + "\n")


def trends_to_run(projects: list[Project], out: Path | None, *, force: bool, package: str,
                  report: Callable[[RunResult], None], notebook: Path = TRENDS_NOTEBOOK) -> list[Project]:
    """Those of ``projects`` whose trends report must run; each unchanged one is handed to ``report`` as skipped
    (recognised without starting a kernel or parsing anything)."""
    to_run = []
    for project in projects:
        skipped = None if force else unchanged_trends(project, out, notebook, package)
        if skipped is None:
            to_run.append(project)
        else:
            report(skipped)
    return to_run


def crashed_trends(project: Project, out: Path | None, err: BaseException) -> RunResult:
    """The failed result (and summary) of a trends run that raised inside the runner: it fails this project's
    trends only."""
    result = RunResult(trends_label(project), STATUS_FAILED, 0.0, error=f"内部错误：{type(err).__name__}: {err}")
    _write(trends_dir(out, project), result, "")
    return result
