"""A portfolio run's ``summary.json`` and its skip-if-unchanged rule, shared by project-years and trends reports.

Each run of a portfolio (:mod:`qdanalysis.run.portfolio`, :mod:`qdanalysis.run.portfolio_trends`) is
planned, fingerprinted (SHA-256 of everything its report depends on) and skipped when the fingerprint is that
of its last successful run and its report is still there; otherwise it runs and writes ``summary.json`` beside
the report: its outcome, and the fingerprint when it succeeded (a failed run leaves ``""``, so it is retried).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from qdanalysis.atomic import write_text
from qdanalysis.errors import ValidationError
from qdanalysis.run.results import STATUS_FAILED, STATUS_OK, STATUS_SKIPPED, RunResult

SUMMARY_FILE = "summary.json"

Plan = TypeVar("Plan")
Item = TypeVar("Item")


def read_summary(out_dir: Path) -> dict[str, Any] | None:
    """The ``summary.json`` of a run's folder, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads((out_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_summary(out_dir: Path, result: RunResult, stamp: str, head: dict[str, Any] | None = None,
                  tail: dict[str, Any] | None = None) -> None:
    """Write the run's ``summary.json``: ``head``, the outcome (the fingerprint ``stamp`` only when it succeeded),
    then ``tail``."""
    record = {
        **(head or {}),
        "status": result.status, "error": result.error, "seconds": round(result.seconds, 3),
        "html": result.html.name if result.html is not None else None,
        "fingerprint": stamp if result.ok else "",
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        **(tail or {}),
    }
    write_text(out_dir / SUMMARY_FILE, json.dumps(record, ensure_ascii=False, indent=1) + "\n")


def unchanged(out_dir: Path, stamp: str) -> dict[str, Any] | None:
    """The last summary when the last run succeeded with this fingerprint and its report is still there."""
    last = read_summary(out_dir)
    if not last or last.get("status") != STATUS_OK or last.get("fingerprint") != stamp or not last.get("html"):
        return None
    return last if (out_dir / str(last["html"])).is_file() else None


def skipped_result(label: str, out_dir: Path, last: dict[str, Any], seconds: float) -> RunResult:
    """The skipped result of an unchanged run, from its last summary (its score, where it showed one)."""
    html = out_dir / str(last["html"])
    return RunResult(label, STATUS_SKIPPED, seconds, html.with_suffix(".ipynb"), html,
                     score=str((last.get("summary") or {}).get("score", "")))


def failed_result(label: str, start: float, err: ValidationError) -> RunResult:
    """The failed result of a run whose inputs were refused (its problems joined in one line)."""
    return RunResult(label, STATUS_FAILED, time.monotonic() - start, error="；".join(str(p) for p in err.problems))


def crashed_result(label: str, err: BaseException) -> RunResult:
    """The failed result of a run that raised inside the runner (an internal error)."""
    return RunResult(label, STATUS_FAILED, 0.0, error=f"内部错误：{type(err).__name__}: {err}")


def unchanged_result(label: str, out_dir: Path, prepare: Callable[[], Plan],
                     fingerprint: Callable[[Plan], str]) -> RunResult | None:
    """The skipped result of a run that is unchanged, recognised without running anything; None when it must run
    (or its inputs are refused: the run itself reports that)."""
    start = time.monotonic()
    try:
        plan = prepare()
    except ValidationError:
        return None
    last = unchanged(out_dir, fingerprint(plan))
    return skipped_result(label, out_dir, last, time.monotonic() - start) if last is not None else None


def run_unless_unchanged(label: str, out_dir: Path, *, prepare: Callable[[], Plan],
                         fingerprint: Callable[[Plan], str], execute: Callable[[Plan], RunResult],
                         write: Callable[[RunResult, str], None], force: bool = False) -> RunResult:
    """Plan a run, skip it when unchanged (unless ``force``), else execute it; ``write`` its summary.

    A refused plan or a run refused by the notebook runner (:class:`ValidationError`) fails this run only,
    with its problems as the error; its summary keeps no fingerprint, so it is retried next time.
    """
    start = time.monotonic()
    try:
        plan = prepare()
    except ValidationError as err:
        result = failed_result(label, start, err)
        write(result, "")
        return result
    stamp = fingerprint(plan)
    last = None if force else unchanged(out_dir, stamp)
    if last is not None:
        return skipped_result(label, out_dir, last, time.monotonic() - start)
    try:
        result = execute(plan)
    except ValidationError as err:
        result = failed_result(label, start, err)
    write(result, stamp)
    return result


def to_run(items: Iterable[Item], check: Callable[[Item], RunResult | None], *, force: bool,
           report: Callable[[RunResult], None]) -> list[Item]:
    """Those of ``items`` that must run; ``check`` gives an unchanged one's skipped result, which is handed to
    ``report`` instead (nothing is checked under ``force``)."""
    chosen = []
    for item in items:
        skipped = None if force else check(item)
        if skipped is None:
            chosen.append(item)
        else:
            report(skipped)
    return chosen
