"""The outcome of a notebook run (:class:`RunResult`) and how a batch of runs is printed in the terminal."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qdanalysis.errors import display_path
from qdanalysis.fmt import display_width

#: The label of the multi-year run.
TRENDS_LABEL = "trends"

STATUS_OK, STATUS_FAILED = "ok", "failed"
#: A portfolio's project-year whose inputs and code are unchanged since its last successful run.
STATUS_SKIPPED = "skipped"
#: A year that a batch finds but cannot run (a data folder without its params file, or the reverse); its
#: ``error`` says why and what to do. Not a failure: nothing was asked of it that went wrong.
STATUS_NOT_RUN = "not-run"
_STATUS_TEXT = {STATUS_OK: "成功", STATUS_FAILED: "失败", STATUS_SKIPPED: "未变化，跳过", STATUS_NOT_RUN: "跳过"}


@dataclass(frozen=True)
class RunResult:
    """The outcome of one notebook run.

    Attributes:
        label: the year (``"2020"``), ``"trends"``, or a portfolio's ``"<project>/<year>"``.
        status: ``"ok"``, ``"failed"``, ``"skipped"`` (unchanged since its last successful run) or
            ``"not-run"`` (found but not runnable: a data folder without its params file, or the reverse).
        seconds: wall-clock time of the run.
        ipynb: the executed notebook, or None when nothing was written.
        html: the report, or None when nothing was written.
        error: why the run failed or was not run, in Chinese ("" when it succeeded).
        score: the score line the notebook displayed for the runner ("" when it shows none).
        pdf: the A4 PDF of the report (``--pdf``), or None when none was asked for or printed.
        notice: why a PDF that was asked for is missing, in Chinese ("" otherwise); the HTML
            is written all the same and the run keeps its status.
    """

    label: str
    status: str
    seconds: float
    ipynb: Path | None = None
    html: Path | None = None
    error: str = ""
    score: str = ""
    pdf: Path | None = None
    notice: str = ""

    @property
    def ok(self) -> bool:
        return self.status in (STATUS_OK, STATUS_SKIPPED, STATUS_NOT_RUN)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _label_text(label: str) -> str:
    return "多年趋势" if label == TRENDS_LABEL else label


def format_progress(result: RunResult, done: int, total: int) -> str:
    """One line per finished run: ``[2/5] 2020 成功 12.3 秒 reports/2020/1.0-annual-report.html``."""
    if result.status == STATUS_NOT_RUN:
        return f"[{done}/{total}] 跳过 {_label_text(result.label)}：{result.error}"
    head = f"[{done}/{total}] {_label_text(result.label)} {_STATUS_TEXT[result.status]} {result.seconds:.1f} 秒"
    if result.html is not None:
        head += f" {display_path(result.html)}"
    if result.pdf is not None:
        head += f" {display_path(result.pdf)}"
    if result.error:
        head += f"：{result.error}"
    if result.notice:
        head += f"（{result.notice}）"
    return head


def _outputs(result: RunResult) -> str:
    shown = [display_path(p) for p in (result.html, result.pdf) if p is not None]
    return "、".join(shown) if shown else "（无）"


def format_summary(results: list[RunResult], label_header: str = "年份") -> str:
    """The table printed after a batch: 年份 (a portfolio's 项目/年份), 状态, 用时(秒), 输出 (the HTML, and the
    PDF when one was printed)."""
    header = [label_header, "状态", "用时(秒)", "输出"]
    rows = [[_label_text(r.label), _STATUS_TEXT[r.status], f"{r.seconds:.1f}",
             _outputs(r)] for r in results]
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        lines.append("  ".join([*(_pad(c, w) for c, w in zip(row, widths)), row[-1]]).rstrip())
    failed = sum(not r.ok for r in results)
    skipped = sum(r.status == STATUS_SKIPPED for r in results)
    not_run = sum(r.status == STATUS_NOT_RUN for r in results)
    counts = (f"成功 {len(results) - failed - skipped - not_run}，失败 {failed}" + (f"，未变化跳过 {skipped}" if skipped else "")
              + (f"，跳过 {not_run}" if not_run else ""))
    lines.append(f"共 {len(results)} 项：{counts}")
    lines += [f"跳过 {_label_text(r.label)}：{r.error}" for r in results if r.status == STATUS_NOT_RUN]
    lines += [f"{_label_text(r.label)}：{r.score}" for r in results if r.score]
    lines += [f"{_label_text(r.label)}：{r.notice}" for r in results if r.notice]
    return "\n".join(lines)
