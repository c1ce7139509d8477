"""``qdanalysis new-year``: start a year from the one before it, without the traps of copying by hand.

It writes ``params/<year>.yaml`` (the previous year's file with its ``year:`` line and the year in
its title changed, comments kept), copies ``params/scoring-<previous>.yaml`` to ``scoring-<year>.yaml`` (the
weights carry over; only its year changes) and creates ``<root>/<year>/`` holding the input template
pre-filled from the previous year: items with their codes and categories, indicators with their
targets and weights, network lines, the contracts whose service runs on into the new year, and
the 评价记录 rows of the table that will score it. Every amount and actual value is left blank for
the user (blank is 未披露, never 0).

This is the one command that creates something under ``data/raw/``: a new folder only. It is
refused when the folder or the params file exists, and both appear whole or not at all
(:func:`qdanalysis.atomic.new_folder`, :func:`qdanalysis.atomic.create_file`).

A copy of illustrative data (示例数据) stays illustrative: the new folder gets the ``DEMO`` marker,
its workbook is named ``示例数据_<year>.xlsx`` and every title says 【示例数据】, so that every chart
and table made from it says so too, and the params title carries the same label.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from qdanalysis.atomic import create_file, new_folder
from qdanalysis.domain import DEMO_LABEL, ONE_OFF
from qdanalysis.errors import Problem, QdanalysisError, ValidationError, display_path
from qdanalysis.paths import DATA_RAW, PARAMS, PROJECT_ROOT, year_folder
from qdanalysis.read.inputs import read_inputs
from qdanalysis.read.schema import (
    BUDGET,
    CONTRACTS,
    FOLLOWUP,
    INDICATORS,
    LINES,
    PAYMENTS,
    PROJECT,
    SMS,
    UNITS_COUNTED,
)
from qdanalysis.read.year import DEMO_MARKER_FILE, YearData, is_demo_folder, load_year
from qdanalysis.run.params import default_title, load_params, load_runner, param_file_for, validate_params

#: Written before every title of a copy of illustrative data (as ``qdanalysis demo`` does).
DEMO_PREFIX = f"【{DEMO_LABEL}】"
#: The 项目信息 rows that describe the project itself and so hold from year to year.
PROJECT_FIELDS = ("项目名称", "主管部门", "实施单位")


@dataclass(frozen=True)
class SheetFill:
    """What ``new-year`` put in one sheet and what the user fills in.

    Attributes:
        title: the sheet's name.
        rows: the rows pre-filled.
        text: what the rows are and what to fill in, in Chinese.
    """

    title: str
    rows: int
    text: str


@dataclass(frozen=True)
class NewYear:
    """What ``new-year`` created.

    Attributes:
        year: the new year.
        source: the year its rows were pre-filled from (None: ``--empty``).
        folder: the new year's data folder.
        workbook: the workbook in it (None with ``params_only``: the folder was there and is left as it is).
        params: the new params file.
        params_from: the params file it was copied from (None: written from the defaults).
        title: the report title the params file gives.
        demo: the folder holds illustrative data (a copy of 示例数据).
        sheets: what each sheet holds and what to fill in.
        open_ended: the previous year's contracts left out because their end date is not
            given, so whether they run on cannot be told.
        scoring: the scoring table the 评价记录 rows follow, as the user reads its name.
        root_option: ``--root`` for the commands to print when the params file cannot name
            the data root itself (a folder outside the project), else "".
        scoring_file: the new year's scoring table ``scoring-<year>.yaml`` (None: none was written).
        scoring_from: the previous year's table it was copied from (None: none was copied; the year is
            then scored by a table made from its own 绩效指标 sheet unless ``scoring-<year>.yaml`` existed).
    """

    year: int
    source: int | None
    folder: Path
    workbook: Path | None
    params: Path
    params_from: Path | None
    title: str
    demo: bool
    sheets: list[SheetFill] = field(default_factory=list)
    open_ended: list[str] = field(default_factory=list)
    scoring: str = ""
    root_option: str = ""
    scoring_file: Path | None = None
    scoring_from: Path | None = None


# --------------------------------------------------------------------------- the params file


def params_for_year(text: str, old: int, new: int, *, demo: bool = False) -> str:
    """The text of a params file for ``new`` made from that of ``old``: every comment and key kept.

    The value of the top-level ``year:`` becomes ``new``; in the title, and in the comment lines,
    the year ``old`` becomes ``new`` (the title ``…2020年绩效评价数据分析`` would otherwise publish
    the 2021 report under 2020). With ``demo``, a title that does not say 示例数据 gets the prefix.
    Nothing else is touched, so keys added later (a nested section for the runner) carry over.
    """
    year_pattern = re.compile(rf"(?<!\d){old}(?!\d)")

    def title(written: str) -> str:
        written = year_pattern.sub(str(new), written)
        if demo and DEMO_LABEL not in written:
            quote = written[:1] if written[:1] in "'\"" else ""
            written = quote + DEMO_PREFIX + written[len(quote):]
        return written

    text = _with_year(text, new, "title", title)
    lines = text.splitlines(keepends=True)
    return "".join(year_pattern.sub(str(new), line) if line.lstrip().startswith("#") else line for line in lines)


def _with_year(text: str, new: int, named: str, rewrite) -> str:
    """``text`` (YAML) with the value of its top-level ``year:`` set to ``new`` and the scalar under ``named``
    rewritten by ``rewrite`` (its text as written, quotes included); every other character, comments included,
    stays as it is."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    edits: list[tuple[int, int, str]] = []
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            span = (value.start_mark.index, value.end_mark.index)
            if key.value == "year":
                edits.append((*span, str(new)))
            elif key.value == named and isinstance(value, yaml.ScalarNode):
                edits.append((*span, rewrite(text[span[0]:span[1]])))
    for start, end, written in sorted(edits, reverse=True):
        text = text[:start] + written + text[end:]
    return text


def fresh_params(year: int, root: Path, *, demo: bool = False) -> tuple[str, str]:
    """A params file for ``year`` when the previous year has none, and the ``--root`` option its runs
    need ("" when the file can name ``root`` itself, that is when it lies inside the project)."""
    title = (DEMO_PREFIX if demo else "") + default_title(year)
    resolved, project = root.resolve(), PROJECT_ROOT.resolve()
    inside = resolved == project or project in resolved.parents
    lines = [f"# {year} 年度报告的运行参数（qdanalysis run --year {year} / --all 读取本文件）。",
             f"# 由 qdanalysis new-year {year} 生成；上一年度没有参数文件，以下取默认值。", "",
             "# 年份（必填）：整数，不加引号，须与文件名中的年份一致。", f"year: {year}", ""]
    if inside:
        lines += ["# 原始数据根目录：相对于项目根目录，其下应有 <年份>/ 文件夹。",
                  f"data_root: {resolved.relative_to(project).as_posix()}", ""]
    lines += ["# 报告标题：一行文字，不超过 200 个字；其中的年份须与 year 一致。", f"title: {title}", ""]
    return "\n".join(lines), "" if inside else f" --root {display_path(root)}"


# --------------------------------------------------------------------------- the rows


def _blank(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value))


def _text(value) -> str | None:
    return None if _blank(value) else str(value)


def _date(value, precision: str | None = "day"):
    """A date as the template takes it: a date, or ``2019年9月`` / ``2019年`` when only that much is known."""
    if _blank(value):
        return None
    value = pd.Timestamp(value)
    if precision == "year":
        return f"{value.year}年"
    if precision == "month":
        return f"{value.year}年{value.month}月"
    return value.date()


def _count(value, unit) -> object:
    """A 数量 as written: ``92个单位`` for organisations counted, else the number."""
    if _blank(value):
        return None
    return f"{int(value)}个{UNITS_COUNTED}" if unit == UNITS_COUNTED else int(value)


def _bandwidth(mbps) -> str | None:
    if _blank(mbps):
        return None
    return f"{int(mbps)}M" if float(mbps).is_integer() else f"{mbps}M"


def _number(value):
    if _blank(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def _row(schema, values: dict) -> list:
    """A row in the order of the sheet's columns (those not given left blank)."""
    return [values.get(col.key) for col in schema.columns]


def budget_rows(data: YearData) -> list[list]:
    """The items with their codes and categories; every amount blank."""
    return [_row(BUDGET, {"code": _text(r.code), "category": _text(r.category), "item": _text(r.item)})
            for r in data.budget.itertuples()]


def open_contracts(contracts: pd.DataFrame, year: int) -> tuple[pd.DataFrame, list[str]]:
    """The contracts of the ledger of ``year`` whose service runs on after it, and those whose end is not given.

    A contract runs on when its 服务结束 falls after 31 December of ``year`` (a multi-year contract
    does). One without an end date that is not a one-off payment and that no later contract of the
    ledger renews may or may not: it is not carried, it is named for the user to decide.
    """
    year_end = pd.Timestamp(dt.date(year, 12, 31))
    renewed = set(contracts["renews"].dropna().astype(str))
    ends = contracts["end"]
    running = contracts[ends.notna() & (ends > year_end)]
    unknown = contracts[ends.isna() & (contracts["billing"] != ONE_OFF)
                        & ~contracts["contract_id"].astype(str).isin(renewed)]
    return running, [str(c) for c in unknown["contract_id"]]


def contract_rows(running: pd.DataFrame) -> list[list]:
    """The running contracts with their parties, dates, billing and renewal link; every amount blank."""
    return [_row(CONTRACTS, {
        "contract_id": _text(r.contract_id), "item_code": _text(r.item_code), "item": _text(r.item),
        "vendor": _text(r.vendor), "signed": _date(r.signed, r.signed_precision), "start": _date(r.start),
        "end": _date(r.end), "billing": _text(r.billing), "quantity": _count(r.quantity, r.quantity_unit),
        "procurement": _text(r.procurement), "renews": _text(r.renews), "scope": _text(r.scope),
    }) for r in running.itertuples()]


def line_rows(data: YearData) -> list[list]:
    """The lines: organisation, carrier, type, bandwidth, count, item; the monthly fee blank."""
    out = []
    for r in data.lines.itertuples():
        start = None if _blank(r.start) else pd.Timestamp(r.start)
        # The loader keeps the first day of a month it was given as 2019年6月; writing the month keeps the
        # precision the user gave (a date of the 1st would claim a day the sheet never stated).
        started = None if start is None else (f"{start.year}年{start.month}月" if start.day == 1 else start.date())
        out.append(_row(LINES, {
            "unit": _text(r.unit), "carrier": _text(r.carrier), "line_type": _text(r.line_type),
            "bandwidth_mbps": _bandwidth(r.bandwidth_mbps), "count": _count(r.count, r.count_unit),
            "start": started, "item_code": _text(r.item_code), "item": _text(r.item),
        }))
    return out


def sms_rows(data: YearData, year: int) -> list[list]:
    """One row per month of ``year`` (per department when the previous year's settlement had them)."""
    departments = sorted({str(d) for d in data.sms["department"].dropna()}) or [None]
    return [_row(SMS, {"month": f"{year}年{m}月", "department": d}) for m in range(1, 13) for d in departments]


def indicator_rows(data: YearData) -> list[list]:
    """The indicators with their targets, weights and items; the actual values blank."""
    return [_row(INDICATORS, {
        "level1": _text(r.level1), "level2": _text(r.level2), "name": _text(r.name),
        "target": _text(r.target_text), "weight": _number(r.weight), "item_codes": _text(r.item_codes),
    }) for r in data.indicators.itertuples()]


def project_rows(data: YearData) -> list[list]:
    """The 项目信息 rows that name the project (项目名称, 主管部门, 实施单位)."""
    return [_row(PROJECT, {"field": r.field, "text": r.text})
            for r in data.project.itertuples() if r.field in PROJECT_FIELDS and not _blank(r.text)]


def followup_rows(prior) -> list[list]:
    """整改情况 rows: each problem of the year before (``prior``, a :class:`~qdanalysis.analyse.followup.Prior`:
    :func:`qdanalysis.run.pipeline.prior_of`) as its report numbers them (问题编号, 上年问题, 类别), the data's and the
    team's, those the team did not adopt (不采纳) left out; the status for the team to set. ``new-year`` and
    ``template --year`` write them."""
    return [_row(FOLLOWUP, {"code": p.code, "title": p.title, "category": p.category}) for p in prior.problems]


def scoring_for_year(text: str, old: int, new: int, source_name: str) -> str:
    """The text of a scoring table for ``new`` copied from that of ``old``: the value of ``year:`` and the year in
    ``name:`` change, a first comment says where it comes from; the indicators and their weights stay as they were."""
    year_pattern = re.compile(rf"(?<!\d){old}(?!\d)")
    text = _with_year(text, new, "name", lambda written: year_pattern.sub(str(new), written))
    head = (f"# 由 qdanalysis new-year {new} 从 {source_name} 复制：指标和分值沿用{old}年，只改了 year 和名称中的年份；\n"
            f"# {new}年的指标或分值有调整的，请修改本文件（各组分值合计须不变，总分须为 100）。\n")
    return head + text


def _carried_scoring(year: int, source: int, params_dir: str | Path | None) -> tuple[str | None, Path, Path]:
    """The text of ``scoring-<year>.yaml`` copied from ``scoring-<source>.yaml`` (None when there is nothing to
    copy, or the new year's table exists already), the file it is copied from and the file to write."""
    folder = Path(params_dir) if params_dir is not None else PARAMS
    old, new = folder / f"scoring-{source}.yaml", folder / f"scoring-{year}.yaml"
    if not old.is_file() or new.exists():
        return None, old, new
    return scoring_for_year(old.read_text(encoding="utf-8"), source, year, display_path(old)), old, new


def _scoring_of(text: str, path: Path):
    """The copied table, checked as ``run`` will check it (a refused copy stops new-year before it writes)."""
    from qdanalysis.analyse.scoring_file import validate_scoring

    return validate_scoring(yaml.safe_load(text), display_path(path))


# --------------------------------------------------------------------------- the command


def _note(source: int, carried: str, fill: str) -> str:
    return f"说明：本表由{source}年度数据预填，{carried}；{fill}待填写，未掌握的请留空（按未披露处理），不要填0。"


def _refuse(path: Path, message: str, hint: str) -> ValidationError:
    return ValidationError(Problem(display_path(path), "", None, "", message, hint))


def _resolve_root(root: str | Path | None, params_from: Path | None) -> Path:
    """The data root: ``--root``, else the previous params file's ``data_root``, else ``data/raw``.

    A ``--root`` other than the root the copied params file names is refused: the new file would
    send ``run --year`` to a folder that is not the one just created.
    """
    named = load_params(params_from)["data_root"] if params_from is not None else None
    if root is None:
        return named or DATA_RAW
    chosen = Path(root).resolve()
    if named is not None and named.resolve() != chosen:
        raise _refuse(params_from, f"--root {display_path(root)} 与本参数文件的 data_root（{display_path(named)}）不一致；"
                                   "新年度的参数文件沿用该 data_root，run --year 将不会读取新建的文件夹",
                      "请去掉 --root，或用 --params-dir 指定另一个参数文件夹")
    return chosen


def new_year(year: int, source: int | None = None, root: str | Path | None = None,
             params_dir: str | Path | None = None, *, empty: bool = False, params_only: bool = False) -> NewYear:
    """Create ``<root>/<year>/`` and ``<params_dir>/<year>.yaml`` for a new year.

    Args:
        year: the new year.
        source: the year to pre-fill from (default: the year before).
        root: the data root (default: the ``data_root`` of the source year's params file, else ``data/raw``).
        params_dir: where the params files live (default ``params/``).
        empty: write the blank template when there is no year to pre-fill from.
        params_only: write the params file only, for a year folder that exists already (one put
            there by hand); the folder is not touched.

    Raises:
        ValidationError: the folder or the params file exists, there is no year to copy from
            (without ``empty``), the source year's data or params file is refused; nothing is written.
    """
    source = year - 1 if source is None else int(source)
    if source >= year:
        raise QdanalysisError(f"--from {source} 应早于新年度 {year}（new-year 沿用以前年度的数据）")
    params_from = param_file_for(source, params_dir)
    params_from = params_from if params_from.is_file() else None
    root_path = _resolve_root(root, params_from)
    folder, params_path = year_folder(year, root_path), param_file_for(year, params_dir)
    if not root_path.is_dir():
        raise _refuse(root_path, "找不到数据根目录", "请检查 --root（其下应有各年度的 <年份>/ 文件夹）")
    if params_only:
        return _params_only(year, source, folder, params_path, params_from, root_path, params_dir)
    exists = [p for p in (folder, params_path) if p.exists()]
    if exists:
        raise ValidationError([_refuse(p, f"{'文件夹' if p.is_dir() else '文件'}已存在；new-year 只新建，不改动已有的文件",
                                       f"{year}年度已经建立，请直接填写；确需重新生成，请先自行移走 "
                                       f"{display_path(folder)}/ 和 {display_path(params_path)}"
                                       + ("；数据文件夹已有而缺参数文件时，加 --params-only 只生成参数文件"
                                          if p == folder and not params_path.exists() else "")).problems[0]
                               for p in exists])
    previous = year_folder(source, root_path)
    data = None
    if not empty:
        if not previous.is_dir():
            raise _refuse(previous, f"找不到{source}年的数据文件夹，无法预填{year}年的工作簿",
                          "请用 --from 指定要沿用的年度，或加 --empty 生成空白模板")
        data = load_year(source, root_path)
    demo = data is not None and is_demo_folder(previous)

    text, root_option, params = _new_params(year, source, params_path, params_from, root_path, demo)
    scoring_text, scoring_from, scoring_path = _carried_scoring(year, source, params_dir)

    from qdanalysis.analyse.scoring_table import record_rows
    from qdanalysis.read.template import template_workbook
    from qdanalysis.run.pipeline import prior_of, scoring_for

    table = (_scoring_of(scoring_text, scoring_path) if scoring_text is not None
             else scoring_for(year, "", data, params_dir))
    records = record_rows(table)
    rows: dict[str, list[list]] = {}
    notes: dict[str, str] = {}
    sheets: list[SheetFill] = []
    open_ended: list[str] = []
    if data is not None:
        running, open_ended = open_contracts(data.contracts, source)
        rows = {"budget": budget_rows(data), "contracts": contract_rows(running), "lines": line_rows(data),
                "sms": sms_rows(data, year), "indicators": indicator_rows(data), "project": project_rows(data),
                "followup": followup_rows(prior_of(data, params_dir))}
        plan = {
            "budget": ("沿用上年的项目编号、类别和项目名称", "预算数、调整后预算数、执行数和合计行",
                       f"{len(rows['budget'])} 个项目，已预填编号、类别和名称；请填写预算数、执行数（调整后预算数未调整的留空），"
                       "在末行加合计行；本年新增、取消的项目请增删行"),
            "contracts": (f"列出服务期延续到{year}年的合同（服务结束日期晚于{source}年12月31日）及其续签关系",
                          "合同金额或单价、本年支付",
                          (f"{len(rows['contracts'])} 份服务期延续到{year}年的合同，请填写合同金额或单价、本年支付；"
                           if len(rows["contracts"]) else f"上年台账中没有服务期确定延续到{year}年的合同；")
                          + "本年新签、续签的合同请逐行增加（续签的在「续签自」填原合同编号）"),
            "lines": ("沿用上年的线路（运营商、线路类型、带宽、数量）", "月租",
                      f"{len(rows['lines'])} 行线路，已预填运营商、线路类型、带宽、数量；请填写月租，增减线路请增删行"),
            "sms": (f"按{year}年各月列出", "条数、单价、金额", f"{len(rows['sms'])} 行（{year}年各月）；请填写条数、单价、金额"),
            "indicators": ("沿用上年的指标名称、指标值和分值", "实际完成值",
                           f"{len(rows['indicators'])} 个指标，{_weights_said(data)}；请填写实际完成值，本年指标值有调整的请修改"),
            "project": ("沿用上年的项目名称、主管部门和实施单位", "项目背景、总体目标等",
                        f"{len(rows['project'])} 项（{'、'.join(r[0] for r in rows['project'])}）；其余事项请按本年立项文件填写"),
        }
        plan["followup"] = (f"列出{source}年评价发现的问题（数据分析的和评价组核查的，不采纳的除外）的编号、问题和类别",
                            "整改状态、整改措施、佐证",
                            f"{len(rows['followup'])} 个{source}年的问题；由评价组逐条核实，填写整改状态（已整改、部分整改、未整改"
                            "或待核实）、整改措施和佐证；留空的按数据分析的系统建议列示，标为待评价组确认")
        for key, (carried, fill, told) in plan.items():
            notes[key] = _note(source, carried, fill)
            sheets.append(SheetFill(_SCHEMAS[key].title, len(rows[key]), told))
    sheets.append(SheetFill("评价记录", len(records),
                            f"按评分表“{table.name}”列出 {len(records)} 个指标；由评价组填写核实值、得分和佐证材料"))
    if data is not None:
        sheets.append(SheetFill("产出与成效", 0, "空表；请按本年评价报告“工作成效”填写（选填）"))
        sheets.append(SheetFill("评价发现", 0, "空表（不沿用上年的问题）；由评价组填写本年现场核查发现的问题（选填）"))
        sheets.append(SheetFill("发现处理", 0, "空表（上年的处理意见不适用于本年）；由评价组对本年数据分析发现的问题逐条填写采纳、修改或不采纳（选填）"))
        paid = data.frames.get("payments")
        last = f"{source}年的{len(paid)}笔支付不沿用" if paid is not None and len(paid) else f"{source}年没有支付明细"
        sheets.append(SheetFill(_SCHEMAS["payments"].title, 0, f"空表（{last}）；请按本年国库集中支付明细填写（选填）"))

    prefix = DEMO_PREFIX if demo else ""
    guide = ()
    if data is not None:
        guide = (f"本工作簿由 qdanalysis new-year 依据{source}年度数据预填：沿用上年的项目、线路、绩效指标和服务期延续的合同；"
                 "金额和实际完成值均留空，待按本年数据填写。",)
        if demo:
            guide = (f"本工作簿是{DEMO_LABEL}的延续，由{source}年度{DEMO_LABEL}预填，不是真实数据。", *guide)
    wb = template_workbook(year, records, rows=rows, notes=notes, title_prefix=prefix, guide_notes=guide)
    name = f"{DEMO_LABEL}_{year}.xlsx" if demo else f"{year}年专项业务费.xlsx"
    buffer = io.BytesIO()
    wb.save(buffer)

    created = scoring_made = False  # the params and scoring files are created last inside the folder's block,
    # removed if the folder fails
    try:
        with new_folder(folder) as tmp:
            (tmp / name).write_bytes(buffer.getvalue())
            if demo:
                (tmp / DEMO_MARKER_FILE).write_text(
                    f"{DEMO_LABEL}：本文件夹由 qdanalysis new-year 依据{source}年度{DEMO_LABEL}预填，仅用于演示，不是真实数据。\n",
                    encoding="utf-8")
            found = read_inputs(tmp, year)
            if found.problems:  # what new-year writes must load back: never leave a folder the loaders refuse
                raise ValidationError(found.problems)
            create_file(params_path, text.encode("utf-8"))
            created = True
            if scoring_text is not None:
                create_file(scoring_path, scoring_text.encode("utf-8"))
                scoring_made = True
    except BaseException as err:
        if created:
            params_path.unlink(missing_ok=True)
        if scoring_made:
            scoring_path.unlink(missing_ok=True)
        if isinstance(err, FileExistsError):  # made by someone else while this ran
            raise _refuse(folder, f"{display_path(folder)}/ 或 {display_path(params_path)} 在生成过程中已被建立；未写入任何文件",
                          "请确认是否有人同时在建立该年度") from None
        raise
    return NewYear(year, None if data is None else source, folder, folder / name, params_path, params_from,
                   params["title"], demo, sheets, open_ended, display_path(table.file) if table.file else table.name,
                   root_option, scoring_path if scoring_text is not None else None,
                   scoring_from if scoring_text is not None else None)


def _weights_said(data: YearData) -> str:
    """What the 绩效指标 rows carry over, said as it is: 分值 only when the previous year gave them."""
    weights = data.indicators["weight"] if "weight" in data.indicators else pd.Series(dtype=object)
    blank = int(weights.isna().sum())
    if blank == len(weights):
        return "已预填指标值（上年的绩效指标表没有分值，分值栏留空）"
    return "已预填指标值和分值" + (f"（{blank} 个指标上年没有分值，留空）" if blank else "")


def _new_params(year: int, source: int, params_path: Path, params_from: Path | None, root: Path,
                demo: bool) -> tuple[str, str, dict]:
    """The new year's params text (from the previous year's file, else fresh), the ``--root`` option the
    run command then needs, and the text's parameters, checked with the runner settings of its folder
    (its runner.yaml may allow a data root outside the project)."""
    if params_from is not None:
        text, root_option = params_for_year(params_from.read_text(encoding="utf-8"), source, year, demo=demo), ""
    else:
        text, root_option = fresh_params(year, root, demo=demo)
    params = validate_params(yaml.safe_load(text), display_path(params_path), runner=load_runner(params_path.parent))
    return text, root_option, params


def _params_only(year: int, source: int, folder: Path, params_path: Path, params_from: Path | None,
                 root: Path, params_dir: str | Path | None) -> NewYear:
    """The params file alone, for a year folder that exists (``--params-only``)."""
    if params_path.exists():
        raise _refuse(params_path, "文件已存在；new-year 只新建，不改动已有的文件", f"{year}年度的参数文件已经建立，请直接修改")
    if not folder.is_dir():
        raise _refuse(folder, f"找不到{year}年的数据文件夹", "请去掉 --params-only，由 new-year 同时新建数据文件夹")
    demo = is_demo_folder(folder)
    text, root_option, params = _new_params(year, source, params_path, params_from, root, demo)
    scoring_text, scoring_from, scoring_path = _carried_scoring(year, source, params_dir)
    if scoring_text is not None:
        _scoring_of(scoring_text, scoring_path)
    create_file(params_path, text.encode("utf-8"))
    if scoring_text is not None:
        create_file(scoring_path, scoring_text.encode("utf-8"))
    return NewYear(year, None, folder, None, params_path, params_from, params["title"], demo, root_option=root_option,
                   scoring_file=scoring_path if scoring_text is not None else None,
                   scoring_from=scoring_from if scoring_text is not None else None)


_SCHEMAS = {"budget": BUDGET, "contracts": CONTRACTS, "lines": LINES, "sms": SMS, "indicators": INDICATORS,
            "project": PROJECT, "payments": PAYMENTS, "followup": FOLLOWUP}
