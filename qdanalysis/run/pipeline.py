"""The one place that loads and analyses for the outputs: a year, the years of a folder, their trends.

The report, the Excel export, the Word draft, ``summary`` and the notebooks receive what these
functions return (a :class:`~qdanalysis.analyse.year.YearAnalysis`, or the
:class:`~qdanalysis.present.trends_report.TrendsReport` of several years); no presentation code
loads data. In JupyterLab::

    import qdanalysis
    a = qdanalysis.analyse_year(2020)     # = qdanalysis.run.pipeline.analysed_year
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from qdanalysis.analyse.engine import analyse, frames_only
from qdanalysis.analyse.followup import Prior, Unread, prior_from_analysis
from qdanalysis.analyse.scoring_evaluation import evaluation_from_indicators
from qdanalysis.analyse.scoring_file import load_scoring
from qdanalysis.analyse.scoring_from_indicators import table_from_indicators
from qdanalysis.analyse.scoring_presets import PRESETS, load_preset
from qdanalysis.analyse.scoring_table import ScoringTable
from qdanalysis.analyse.year import YearAnalysis
from qdanalysis.domain import is_year_name
from qdanalysis.errors import ValidationError, display_path
from qdanalysis.paths import DATA_RAW, PARAMS, project_path, year_folder
from qdanalysis.read.inputs import BY_NAME
from qdanalysis.read.year import YearData, load_year
from qdanalysis.run.params import load_no_contract_threshold, param_file_for

if TYPE_CHECKING:
    from qdanalysis.present.figure_server import FigureServer
    from qdanalysis.present.trends_report import TrendsReport

#: The preset a year is scored against when neither a file is given nor ``params/scoring-<year>.yaml`` exists:
#: the evaluation's own indicator system (决策、过程、产出、效益), built on the year's 绩效指标 sheet.
DEFAULT_PRESET = "third-party"


def year_folders(root: Path) -> list[int]:
    """The years that have a data folder (:func:`~qdanalysis.domain.is_year_name`) under ``root``."""
    if not root.is_dir():
        return []
    return sorted(int(p.name) for p in root.iterdir() if p.is_dir() and is_year_name(p.name))


def scoring_for(year: int, scoring: str | Path = "", data: YearData | None = None,
                params_dir: str | Path | None = None) -> ScoringTable:
    """The scoring table a year is scored against.

    In order: ``scoring`` (a YAML file, relative paths relative to the project; or a preset's name);
    else ``<params_dir>/scoring-<year>.yaml`` when it exists (``params_dir`` defaults to ``params/``, the real
    years' tables, which 示例数据 never takes; a portfolio project names its own folder); else the ``third-party`` evaluation table. A preset is
    built on the year's own 绩效指标 sheet when ``data`` has one: ``third-party`` takes its indicators as
    产出 and 效益 beside the preset's 决策 and 过程 (:func:`evaluation_from_indicators`);
    ``self-evaluation`` is the unit's 自评 split (the sheet's 分值, else the preset's group weights:
    :func:`table_from_indicators`). Without a sheet, the preset itself.
    """
    if scoring and str(scoring) not in PRESETS:
        return replace(load_scoring(project_path(scoring)), chosen="按 --scoring 指定的评分表文件")
    demo = bool(getattr(data, "demo", False)) and params_dir is None
    if not scoring and not demo:  # 示例数据 is never scored with a real year's table of params/
        default = (project_path(params_dir) if params_dir else PARAMS) / f"scoring-{int(year)}.yaml"
        if default.exists():
            return replace(load_scoring(default), chosen=f"本年度的评分表文件 scoring-{int(year)}.yaml")
    preset = str(scoring or DEFAULT_PRESET)
    why = (f"按 --scoring {preset} 指定" if scoring
           else f"示例数据不使用真实年度的评分表文件，按评价指标体系（{preset}）" if demo
           else f"本年度没有评分表文件 scoring-{int(year)}.yaml，默认按评价指标体系（{preset}）")
    if data is None or not len(data.indicators):
        return replace(load_preset(preset), chosen=f"{why}，本年没有绩效指标表，用预置表")
    first = data.indicators.iloc[0]
    where = f"《{Path(str(first['src_file'])).stem}》工作簿「{first['src_sheet']}」表" if first.get("src_file") else ""
    if preset == "self-evaluation":
        return replace(table_from_indicators(data.indicators, int(year), where), chosen=f"{why}，按绩效指标表生成单位自评表")
    # a year with a contract ledger (even one still to be filled, as new-year leaves it) keeps 政府采购及合同管理
    contracts = BY_NAME["contracts"].title not in getattr(data, "missing", []) or bool(len(data.contracts))
    table = evaluation_from_indicators(data.indicators, int(year), where, has_contracts=contracts)
    return replace(table, chosen=f"{why}，产出、效益取自绩效指标表")


def analysed_year(year: int, root: str | Path | None = None, scoring: str | Path = "",
                  evaluator: dict | None = None, params_dir: str | Path | None = None,
                  no_contract_threshold: Decimal | str | None = None,
                  on_frames: Callable[[YearAnalysis], None] | None = None) -> YearAnalysis:
    """Load ``<root>/<year>/`` (root defaults to ``data/raw``; relative to the project) and analyse it.

    Args:
        year: the budget year.
        root: the folder holding ``<year>/``.
        scoring: the scoring table (see :func:`scoring_for`).
        evaluator: the evaluator's entries for the scoring table.
        params_dir: the folder of ``scoring-<year>.yaml`` and ``<year>.yaml`` (default ``params/``).
        no_contract_threshold: the threshold (元) of 无合同大额支付 (F24), as ``qdanalysis run`` passes it from
            the params file; None or "": the ``no_contract_threshold`` of ``<params_dir>/<year>.yaml`` when it
            sets one, else the rule's default.
        on_frames: given the year's analysis frames alone (:func:`~qdanalysis.analyse.engine.frames_only`) as
            soon as they are computed, before the scoring table, the checks, the findings and the score (a draft
            hands its charts to its figures' process then).

    Raises:
        ValidationError: the year's workbooks, the scoring table, the evaluator's entries or the params file's
            threshold have problems.
    """
    data = load_year(int(year), project_path(root) if root is not None else None)
    partial = None
    if on_frames is not None:
        partial = frames_only(data)
        on_frames(partial)
    threshold = (Decimal(str(no_contract_threshold)) if no_contract_threshold not in (None, "")
                 else None if data.demo and params_dir is None  # 示例数据 takes no params/ file: the default
                 else load_no_contract_threshold(param_file_for(int(year), params_dir)))
    return analyse(data, scoring_for(year, scoring, data, params_dir), evaluator, no_contract_threshold=threshold,
                   previous=previous_problems(int(year), root, params_dir), partial=partial)


def prior_of(data: YearData, params_dir: str | Path | None = None) -> Prior:
    """A year's problems as the next year follows them up: the year analysed unscored (its problems do not depend
    on a score) with its own params' threshold, numbered as its report numbers them. ``new-year`` and ``template``
    pre-fill the 整改情况 sheet from it, and the next year's report follows it (:func:`previous_problems`).

    Raises:
        ValidationError: the year's data (its 发现处理 against its findings) or its params file is refused.
    """
    threshold = (None if data.demo and params_dir is None  # 示例数据 takes no params/ file: the default
                 else load_no_contract_threshold(param_file_for(data.year, params_dir)))
    return prior_from_analysis(analyse(data, no_contract_threshold=threshold))


def previous_problems(year: int, root: str | Path | None = None, params_dir: str | Path | None = None
                      ) -> Prior | Unread | None:
    """The problems of the year before ``year`` when its data folder is beside this year's: that year analysed
    (unscored: its problems do not depend on a score) with its own params' threshold; None when there is no such
    folder; an :class:`Unread` (its first problem, their count, the command listing them) when its data is refused,
    so that the report says so before it falls back on the 上年主要问题 sheet or the 整改情况 record."""
    before = int(year) - 1
    folder_root = project_path(root) if root is not None else None
    if not year_folder(before, folder_root).is_dir():
        return None
    try:
        return prior_of(load_year(before, folder_root), params_dir)
    except ValidationError as err:  # that year's own run reports its problems; this year's report says so
        named = folder_root is not None and folder_root.resolve() != DATA_RAW.resolve()
        command = f"qdanalysis validate --year {before}" + (f" --root {display_path(folder_root)}" if named else "")
        return Unread(before, err.problems[0], len(err.problems), command)


def analysed_years(root: Path, years: list[int] | None = None, scored: bool = False
                   ) -> tuple[list[YearAnalysis], dict[int, list[str]]]:
    """Every year under ``root`` (or ``years``) analysed, unscored unless ``scored``; a year whose data is refused
    is listed with its problems instead.

    ``scored``: each year scored as its annual report is (:func:`scoring_for`), the demo's years against the
    preset (a real year's scoring table does not fit made-up data); a year its table does not fit stays unscored.
    """
    analysed, failed = [], {}
    for year in (list(years) if years else year_folders(root)):
        try:
            data = load_year(year, root)
        except ValidationError as err:
            failed[year] = [str(p) for p in err.problems]
            continue
        analysis = None
        if scored:
            try:
                analysis = analyse(data, scoring_for(year, DEFAULT_PRESET if data.demo else "", data))
            except ValidationError:
                analysis = None
        analysed.append(analysis or analyse(data))
    return analysed, failed


def trends_report(data_root: str | Path = "data/raw", years: list[int] | None = None,
                  params_dir: str | Path | None = None) -> TrendsReport:
    """The multi-year report of the years under ``data_root`` (or ``years``), T05's and T06's thresholds from
    ``<params_dir>/trends.yaml`` (default ``params/``; 示例数据 takes no ``params/`` file: the defaults).

    Raises:
        ValidationError: the thresholds file is refused (naming its line and key).
    """
    from qdanalysis.analyse.rules.standing import StandingThresholds
    from qdanalysis.analyse.trends import analyse_trends  # the comparisons across years, only for this report
    from qdanalysis.present.trends_report import TrendsReport
    from qdanalysis.run.trends_params import load_trends_thresholds
    root = project_path(data_root)
    wanted = list(years) if years else year_folders(root)
    analysed, failed = analysed_years(root, wanted, scored=True)
    demo = any(a.demo for a in analysed)
    thresholds = (StandingThresholds() if demo and not params_dir
                  else load_trends_thresholds(project_path(params_dir) if params_dir else None))
    return TrendsReport(root, wanted, analysed, failed, demo, analyse_trends(analysed, thresholds))


def draft_year(year: int, root: str | Path | None = None, out: str | Path | None = None, *,
               scoring: str | Path = "", template: str | Path | None = None,
               title: str | None = None, force: bool = False,
               on_backup: Callable[[Path], None] | None = None,
               figures: FigureServer | None = None) -> tuple[Path, YearAnalysis]:
    """Analyse ``year`` and write its Word draft; returns the path and the analysis. The figures are drawn by
    ``figures`` (:mod:`qdanalysis.present.figure_server`), else by one forked now, before the year is read; it is
    given the charts as soon as the analysis frames exist (``on_frames`` of :func:`analysed_year`).

    A draft changed since the tool wrote it (the evaluator's edits) is never replaced silently
    (:mod:`qdanalysis.run.keep`): it is refused before any work, or with ``force`` first copied to a
    dated backup, whose path is given to ``on_backup``.

    Raises:
        ChangedFileError: the draft has changed since the tool wrote it and ``force`` is false.
        ValidationError: the year's data, the scoring table or the record has problems.
    """
    from qdanalysis.paths import draft_path
    from qdanalysis.present.figure_server import figure_server
    from qdanalysis.present.report import AnnualReport
    from qdanalysis.run import keep

    target = draft_path(out, int(year))
    keep.check(target, force)
    with contextlib.ExitStack() as stack:
        if figures is None:  # loads the plotting libraries while the year is read and analysed
            figures = stack.enter_context(figure_server())
        # the charts drawn from as soon as the frames they show exist, while the rest is analysed, python-docx
        # loaded and the text written
        analysis = analysed_year(int(year), root, scoring, on_frames=None if figures is None
                                 else lambda partial: figures.submit_frames(partial, title))
        report = AnnualReport(analysis, title)
        if figures is not None:
            figures.submit(report.charts())  # once handed over, nothing more: a chart not among them is drawn here
        from qdanalysis.present.draft import write_draft  # python-docx, only for the draft

        backup = keep.back_up(target)
        if backup is not None and on_backup is not None:
            on_backup(backup)
        path = write_draft(analysis, target, template=template, title=title, figures=figures, report=report)
    keep.remember(path)
    return path, analysis
