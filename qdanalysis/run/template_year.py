"""``qdanalysis template``: the input template, with ``--year`` pre-filled for the team: 评价记录 by the year's
scoring table, 发现处理 with the year's findings, 整改情况 with the year before's problems (as ``new-year`` lists
them, when that year's data folder is beside this one). A file already at the path may hold the team's entries: it
is refused, or with ``force`` first kept as a dated copy (:func:`qdanalysis.run.keep.back_up`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from qdanalysis.analyse.followup import Prior, Unread
from qdanalysis.analyse.scoring_table import ScoringTable, record_rows
from qdanalysis.errors import QdanalysisError, display_path
from qdanalysis.paths import year_folder
from qdanalysis.read.template import write_template
from qdanalysis.read.year import YearData, load_year
from qdanalysis.run import keep


@dataclass(frozen=True)
class Template:
    """What ``template`` wrote.

    Attributes:
        path: the workbook.
        backup: the dated copy of the file that was there (None: there was none).
        table: the scoring table 评价记录 lists (None without a year).
        decisions: the findings listed in 发现处理.
        followed: the year before's problems listed in 整改情况.
        prior: what is known of the year before (its problems, why its data was not read, or None).
    """

    path: Path
    backup: Path | None = None
    table: ScoringTable | None = None
    decisions: int = 0
    followed: int = 0
    prior: Prior | Unread | None = None


def findings_to_decide(data: YearData) -> list[list]:
    """发现处理 rows: the 编号 and title of each finding of the year's data, in report order (decisions already in
    the folder are left out of the analysis, so that an outdated one does not stop it)."""
    from qdanalysis.analyse.engine import analyse
    from qdanalysis.analyse.findings import DATA_ORIGIN, in_report_order

    undecided = replace(data, frames={**data.frames, "decisions": data.decisions.iloc[0:0]})
    return [[f.code, f.title] for f in in_report_order(analyse(undecided).findings) if f.origin == DATA_ORIGIN]


def write_year_template(out: str | Path, year: int | None = None, root: str | Path | None = None,
                        scoring: str | Path = "", force: bool = False) -> Template:
    """Write the template to ``out``, pre-filled for ``year`` when given.

    Raises:
        QdanalysisError: ``out`` exists and ``force`` is false.
        ValidationError: the year's data or scoring table is refused.
    """
    from qdanalysis.run.new_year import followup_rows
    from qdanalysis.run.pipeline import previous_problems, scoring_for

    out = Path(out)
    if out.exists() and not force:
        raise QdanalysisError(f"{display_path(out)} 已存在，可能已填有评价组的内容，未覆盖。要另出一份，请换一个文件名；"
                              f"要重新生成，请加 --force（原文件先另存为 {keep.backup_name(out, dt.datetime.now()).name}"
                              " 这样带日期的备份）")
    table, listed, followed, prior = None, [], [], None
    if year is not None:
        data = load_year(year, root) if year_folder(year, root).is_dir() else None
        table = scoring_for(year, scoring, data)
        listed = findings_to_decide(data) if data is not None else []
        prior = previous_problems(year, root)
        followed = followup_rows(prior) if isinstance(prior, Prior) else []
    backup = keep.back_up(out) if out.exists() else None
    rows = {k: v for k, v in (("decisions", listed), ("followup", followed)) if v}
    path = write_template(out, year, record_rows(table) if table else None, rows=rows or None)
    return Template(path, backup, table, len(listed), len(followed), prior)
