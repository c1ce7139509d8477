"""A year's folder: which of its files are read, which are skipped and why, and each workbook read once."""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from qdanalysis.errors import Problem, ValidationError, display_path
from qdanalysis.read.xlsx import SheetData, read_workbook

#: What a year's folder reads: Excel workbooks, Excel 97-2003 workbooks and WPS 表格's .et (the same format).
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et")
#: Files a folder holds that are not data and need no word: the marker of illustrative data.
QUIET_FILES = frozenset({"DEMO"})
_RESAVE_HOW = "用Excel或WPS打开后另存为“Excel工作簿（*.xlsx）”，再放回该文件夹"
_RESAVE = "请" + _RESAVE_HOW
_OTHER_SHEETS = {".xlsb": "Excel二进制工作簿（.xlsb）", ".ods": "OpenDocument表格（.ods）",
                 ".numbers": "Numbers表格（.numbers）", ".xltx": "Excel模板（.xltx）", ".xlt": "Excel模板（.xlt）",
                 ".ett": "WPS表格模板（.ett）", ".xml": "XML文件（可能是Excel 2003 XML表格）",
                 ".htm": "网页文件（有些系统导出的“Excel”其实是网页）", ".html": "网页文件（有些系统导出的“Excel”其实是网页）"}


@dataclass(frozen=True)
class Skipped:
    """A file of a year's folder that is not read, why, and what to do if it holds data."""

    path: Path
    reason: str
    hint: str

    def text(self) -> str:
        """``data/raw/2021/预算.csv：CSV或文本文件，不作为工作簿读取（若是数据表，请…）``"""
        return f"{display_path(self.path)}：{self.reason}（{self.hint}）"


def skipped_files(folder: str | Path) -> list[Skipped]:
    """Every file of ``folder`` that :func:`workbook_paths` leaves out, with the reason and the conversion hint.

    Sub-folders are not listed (an SMS log sits in one, named by the SMS sheet); nor is the
    marker of illustrative data.
    """
    p = Path(folder)
    if not p.is_dir():
        return []
    out = []
    for f in sorted(p.iterdir()):
        if not f.is_file() or f.name in QUIET_FILES:
            continue
        suffix = f.suffix.lower()
        if f.name.startswith("~$"):
            out.append(Skipped(f, "Excel或WPS打开工作簿时生成的临时文件（~$开头），不是数据",
                               "关闭该工作簿后通常自动删除；若仍在，可直接删除"))
        elif f.name.startswith("."):
            out.append(Skipped(f, "隐藏文件（文件名以“.”开头），不读取", "若其中有数据，请去掉文件名开头的“.”"))
        elif suffix in SPREADSHEET_SUFFIXES:
            continue
        elif suffix in (".csv", ".txt", ".tsv"):
            out.append(Skipped(f, "CSV或文本文件，不作为工作簿读取：无法可靠判断其编码、单位和表头",
                               f"若是数据表，请{_RESAVE_HOW}；若是短信结算表“明细文件”列所指的发送明细，无需处理"))
        elif suffix in _OTHER_SHEETS:
            out.append(Skipped(f, f"{_OTHER_SHEETS[suffix]}，不支持此格式", _RESAVE))
        else:
            out.append(Skipped(f, "不是工作簿，不读取", "数据文件夹只读取 .xlsx、.xlsm、.xls、.et 工作簿；"
                               "若其中有数据，请" + _RESAVE_HOW))
    return out


def workbook_paths(path: str | Path) -> list[Path]:
    """The spreadsheets a path stands for: the file itself, or the workbooks in a folder."""
    p = Path(path)
    if p.is_dir():
        files = sorted(
            f for f in p.iterdir()
            if f.is_file() and f.suffix.lower() in SPREADSHEET_SUFFIXES and not f.name.startswith(("~$", "."))
        )
        return files
    return [p]


def no_workbook(path: str | Path) -> Problem:
    """The problem of a path that holds no workbook: a missing file, or a folder of none (naming what it holds)."""
    if not Path(path).is_dir():
        return Problem(display_path(path), "", None, "", "找不到文件", "请检查路径和文件名是否正确")
    skipped = skipped_files(path)
    names = "；".join(f"「{s.path.name}」：{s.reason}" for s in skipped)
    return Problem(
        display_path(path), "", None, "",
        "文件夹中没有工作簿（.xlsx、.xlsm、.xls、.et）" + (f"，未读取的文件：{names}" if names else ""),
        _RESAVE if skipped else "请把工作簿（.xlsx）放到该文件夹中",
    )


_SHARED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("qdanalysis_shared_reads", default=None)


@contextlib.contextmanager
def shared_reads() -> Iterator[None]:
    """Within this block each workbook is read once, however many loaders look into it
    (a year's five tables often share one file). Nested in another such block, it shares that block's reads."""
    if _SHARED.get() is not None:
        yield
        return
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def read_sheets(file: Path) -> list[SheetData]:
    """The sheets of one workbook (read once within :func:`shared_reads`)."""
    cache = _SHARED.get()
    if cache is None:
        return read_workbook(file)
    try:
        stat = file.stat()
        key = (str(file.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return read_workbook(file)
    if key not in cache:
        try:
            cache[key] = read_workbook(file)
        except ValidationError as err:
            cache[key] = err
    result = cache[key]
    if isinstance(result, ValidationError):
        raise result
    return result

