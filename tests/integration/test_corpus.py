"""A corpus of bad and awkward input files, each run through ``qdanalysis validate`` as a user would.

Every file is built here, in tmp_path. Each case is run in a subprocess with a 2 GiB address
space limit and a timeout (``tests/limited_runs.py``): it must be either loaded (exit 0, then checked
value by value with the Python API) or refused (exit 1) with a Chinese message that names the place
(``file:sheet:row:column``). Never a traceback, an internal error (exit 3), a signal or a hang.

Workbooks are written as raw SpreadsheetML with :mod:`zipfile` (``tests/spreadsheetml.py``,
:func:`write_xlsx`): every byte is under control (formulas without a cached value, error cells,
control characters, a million rows in seconds), which openpyxl cannot do; password-protected and legacy
files as OLE2 compound files (``tests/compound_file.py``). The million-row load is
tests/integration/test_million_rows.py.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from compound_file import write_cfb
from limited_runs import assert_clean_exit, problem_lines, run_cli
from spreadsheetml import DateSerial, Error, Formula, Raw, write_xlsx

from qdanalysis.read.loaders import load_contracts, load_indicators, load_sms, read_budget

CJK = re.compile(r"[\u4e00-\u9fff]")

# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------

UNIT = ["单位：元"]
HEAD = ["类别", "项目名称", "预算数", "执行数"]


def budget(*rows: list, unit: list | None = UNIT, head: list = HEAD) -> dict[str, list]:
    return {"预算执行": ([unit] if unit else []) + [head, *rows]}


@dataclass
class Case:
    """One file of the corpus.

    Attributes:
        name: the case id.
        build: writes the file at the given path and returns the path to validate.
        loaded: True if the file must pass, False if it must be refused.
        expect: text each expected in the output, in order (``{f}`` is the file name).
        check: for loaded files, a check of the values through the Python API.
    """

    name: str
    build: Callable[[Path], Path]
    loaded: bool
    expect: list[str] = field(default_factory=list)
    check: Callable[[Path], None] | None = None


CASES: list[Case] = []


def case(name: str, loaded: bool, expect: list[str] | None = None, check=None, file: str = "报表.xlsx"):
    def register(build):
        CASES.append(Case(name, lambda tmp: build(tmp / file), loaded, expect or [], check))
        return build

    return register


# --- every refusal of DATA_CONTRACT.md ----------------------------------------------------


@case("missing required column", False, ["{f}:预算执行:2:执行数: 缺少必填列「执行数」", "实际支出"])
def _(p):
    return write_xlsx(p, budget(["甲", "A", 1], head=["类别", "项目名称", "预算数"]))


@case("money cell not a number", False, ["{f}:预算执行:3:预算数(C列): 金额「六十六」无法识别为数字"])
def _(p):
    return write_xlsx(p, budget(["甲", "A", "六十六", 1]))


@case("negative budget", False, ["{f}:预算执行:3:预算数(C列): 金额「-5」为负数"])
def _(p):
    return write_xlsx(p, budget(["甲", "A", -5, 1]))


@case("same item twice", False, ["{f}:预算执行:4:项目名称(B列): 项目「A」重复出现（第一次在预算执行第3行）"])
def _(p):
    return write_xlsx(p, budget(["甲", "A", 1, 1], ["甲", "A", 2, 2]))


@case("subtotal does not add up", False, ["{f}:预算执行:5:预算数(C列): 小计4.00元与明细（第3-4行）之和3.00元不符"])
def _(p):
    return write_xlsx(p, budget(["甲", "A", 1, 1], ["甲", "B", 2, 2], ["甲小计", None, 4, 3]))


@case("total does not add up", False, ["{f}:预算执行:5:执行数(D列): 合计", "与明细（第3-4行）之和3.00元不符"])
def _(p):
    return write_xlsx(p, budget(["甲", "A", 1, 1], ["甲", "B", 2, 2], ["合计", None, 3, 4]))


@case("unit cannot be told", False, ["{f}:预算执行:2:预算数(C列): 无法判断金额单位", "单位：万元"])
def _(p):
    return write_xlsx(p, budget(["甲", "A", 1, 1], unit=None))


@case("indicator target cannot be parsed", False, ["{f}:绩效指标:2:指标值(D列): 指标值「大概八十左右」无法识别"])
def _(p):
    return write_xlsx(p, {"绩效指标": [["一级指标", "二级指标", "三级指标", "指标值"],
                                       ["产出指标", "数量指标", "短信条数", "大概八十左右"]]})


@case("several errors reported in one run", False,
      ["{f}:预算执行:3:预算数(C列): 金额「abc」", "{f}:预算执行:4:执行数(D列): 金额「-1」为负数",
       "{f}:预算执行:5:项目名称(B列): 项目「A」重复出现"])
def _(p):
    return write_xlsx(p, budget(["甲", "A", "abc", 1], ["甲", "B", 1, -1], ["乙", "A", 1, 1]))


@case("csv named .xlsx", False, ["{f}: ", "不是Excel工作簿（.xlsx），看起来是CSV或文本文件"])
def _(p):
    p.write_bytes("类别,项目名称,预算数,执行数\n甲,机房维护,66.7,60\n".encode("gb18030"))
    return p


# Read by its content, whatever its name: this one is a workbook without a sheet.
@case("xls named .xlsx", False, ["{f}: ", "工作簿为空（没有工作表）"])
def _(p):
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x2775, 0x07CD, 0, 0x0206)
    return write_cfb(p, {"Workbook": bof + struct.pack("<HH", 0x000A, 0)})


@case("password-protected workbook", False, ["{f}: ", "工作簿设有打开密码，无法读取", "取消密码"])
def _(p):
    # What Excel writes for "Encrypt with Password": an OLE2 file with these two streams.
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"
    return write_cfb(p, {"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 5000) + os.urandom(5000)})


@case("empty file", False, ["{f}: ", "文件为空（0字节）"])
def _(p):
    p.write_bytes(b"")
    return p


@case("empty workbook", False, ["{f}: ", "工作簿为空"])
def _(p):
    return write_xlsx(p, {"Sheet1": [], "Sheet2": []})


# --- damaged files -----------------------------------------------------------------------------


def _sample(p: Path) -> Path:
    return write_xlsx(p, budget(*[["甲", f"项目{i}", i, i] for i in range(1, 300)]))


@case("truncated xlsx", False, ["{f}: ", "文件已损坏或不完整"])
def _(p):
    full = _sample(p.with_name("full.xlsx"))
    data = full.read_bytes()
    p.write_bytes(data[: len(data) * 2 // 3])
    return p


@case("corrupted sheet data", False, ["{f}: ", "文件已损坏或不完整"])
def _(p):
    _sample(p)
    with zipfile.ZipFile(p) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(p.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + info.compress_size // 3, start + info.compress_size // 3 + 16):
        data[k] ^= 0x5A
    p.write_bytes(bytes(data))
    return p


@case("corrupted central directory", False, ["{f}: ", "文件已损坏或不完整"])
def _(p):
    data = bytearray(_sample(p).read_bytes())
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 42 : cd + 46] = struct.pack("<I", len(data) + 10_000)  # a local header offset past the end
    p.write_bytes(bytes(data))
    return p


@case("zip bomb through the CLI", False, ["{f}: ", "压缩炸弹"])
def _(p):
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (64 << 20) + b"</worksheet>")
    return p


# --- awkward but valid ---------------------------------------------------------------------


def _items(path: Path) -> pd.DataFrame:
    return read_budget(path).items.set_index("item")


def check_header_only(path: Path) -> None:
    sheet = read_budget(path)
    assert sheet.items.empty and sheet.totals["budget"] is None


@case("sheet with only headers", True, ["{f}: 通过校验（预算执行0行）"], check_header_only)
def _(p):
    return write_xlsx(p, budget())


def check_title_merged(path: Path) -> None:
    items = _items(path)
    assert items.loc["机房维护", "budget"] == Decimal("667000.00")
    assert items.loc["机房维护", "executed"] == Decimal("600000.00")


@case("title merged across the header", True, ["{f}: 通过校验（预算执行1行）"], check_title_merged)
def _(p):
    rows = [["2020年专项业务费预算执行明细表"], ["单位：万元"], HEAD, ["运维", "机房维护", 66.7, 60]]
    return write_xlsx(p, {"预算执行": rows}, merges={"预算执行": ["A1:D1", "A2:D2"]})


def check_header_merged_sideways(path: Path) -> None:
    items = _items(path)
    assert items.loc["机房维护", "budget"] == Decimal("667000.00")
    assert items.loc["机房维护", "executed"] == Decimal("600000.00")


@case("header cell merged over two columns", True, ["{f}: 通过校验（预算执行1行）"], check_header_merged_sideways)
def _(p):
    rows = [["单位：万元"], ["类别", "项目名称", "预算数", None, "执行数"], ["运维", "机房维护", 66.7, None, 60]]
    return write_xlsx(p, {"预算执行": rows}, merges={"预算执行": ["C2:D2"]})


def check_two_row_header(path: Path) -> None:
    items = _items(path)
    assert list(items.index) == ["机房维护"] and items["budget"].iloc[0] == Decimal("667000.00")
    assert items["executed"].iloc[0] == Decimal("600000.00") and items["src_row"].iloc[0] == 4


@case("two-row header with merged cells", True, ["{f}: 通过校验（预算执行1行）"], check_two_row_header)
def _(p):
    rows = [["单位：万元"], ["类别", "项目名称", "金额", None], [None, None, "预算数", "执行数"],
            ["运维", "机房维护", 66.7, 60]]
    return write_xlsx(p, {"预算执行": rows}, merges={"预算执行": ["A2:A3", "B2:B3", "C2:D2"]})


def check_category_merged_down(path: Path) -> None:
    items = _items(path)
    assert list(items["category"]) == ["运维", "运维", "网络"]


@case("category merged down over its items", True, ["{f}: 通过校验（预算执行3行）"], check_category_merged_down)
def _(p):
    rows = [["单位：万元"], HEAD, ["运维", "机房维护", 1, 1], [None, "空调维护", 2, 2], ["网络", "专线", 3, 3]]
    return write_xlsx(p, {"预算执行": rows}, merges={"预算执行": ["A3:A4"]})


def check_formula_cached(path: Path) -> None:
    sheet = read_budget(path)
    items = sheet.items.set_index("item")
    assert items.loc["A", "executed"] == Decimal("600000.00")
    assert sheet.totals["budget"] == Decimal("1667000.00") and sheet.totals["executed"] == Decimal("1600000.00")


@case("formulas with cached values", True, ["{f}: 通过校验（预算执行2行）"], check_formula_cached)
def _(p):
    return write_xlsx(p, budget(["甲", "A", 66.7, Formula("C3-6.7", 60)], ["甲", "B", 100, 100],
                                ["合计", None, Formula("SUM(C3:C4)", 166.7), Formula("SUM(D3:D4)", 160)],
                                unit=["单位：万元"]))


@case("formulas without cached values", False,
      ["{f}:预算执行:3:执行数(D列): 单元格是公式，但文件里没有保存计算结果", "请用Excel打开该文件并保存"])
def _(p):
    # Written by a program and never calculated: every reader sees the cell as empty, so
    # taking it as 未披露 would pass an unknown figure off as undisclosed.
    return write_xlsx(p, budget(["甲", "A", 66.7, Formula("C3-6.7")], ["甲", "B", 100, 100], unit=["单位：万元"]))


@case("error value in a money cell", False, ["{f}:预算执行:3:执行数(D列): ", "#DIV/0!"])
def _(p):
    return write_xlsx(p, budget(["甲", "A", 10, Error("#DIV/0!")], ["甲", "B", 10, 10]))


CONTRACT_HEAD = ["合同编号", "项目名称", "供应商", "签订日期", "合同金额"]
SIGNED = dt.date(2019, 8, 10)


def check_dates(path: Path) -> None:
    contracts = load_contracts(path)
    assert (contracts["signed"] == pd.Timestamp(SIGNED)).all(), contracts[["contract_id", "signed"]]
    assert set(contracts["signed_precision"]) == {"day"}


@case("dates as numbers and as text", True, ["{f}: 通过校验（合同台账6行）"], check_dates)
def _(p):
    serial = (SIGNED - dt.date(1899, 12, 30)).days
    dates = [DateSerial(serial), serial, "2019-08-10", "2019/8/10", "2019年8月10日", "２０１９．０８．１０"]
    rows = [["单位：元"], CONTRACT_HEAD] + [[f"HT-{i}", "机房维护", "甲公司", d, 1000] for i, d in enumerate(dates)]
    return write_xlsx(p, {"合同台账": rows})


def check_numbers_as_text(path: Path) -> None:
    items = _items(path)
    assert items.loc["A", "budget"] == Decimal("667000.00")
    assert items.loc["B", "budget"] == Decimal("1234567.89")
    assert items.loc["C", "budget"] == Decimal("942.00") and items.loc["C", "executed"] == Decimal("660000.00")


@case("numbers as text, full-width, separators, own units", True, ["{f}: 通过校验（预算执行3行）"],
      check_numbers_as_text)
def _(p):
    return write_xlsx(p, budget(["甲", "A", "６６．７万元", " 66.7万 "], ["甲", "B", "1,234,567.89元", "1"],
                                ["甲", "C", "942元", "66万元"], unit=["单位：万元"], head=HEAD))


def check_long_cell(path: Path) -> None:
    items = read_budget(path).items
    assert items["item"].str.len().max() == 32_767


@case("very long cells", True, ["{f}: 通过校验（预算执行2行）"], check_long_cell)
def _(p):
    return write_xlsx(p, budget(["甲", "长" * 32_767, 1, 1], ["甲", "B", 1, 1]))


@case("very long bad cell: the message stays short", False, ["{f}:预算执行:3:预算数(C列): 金额「" + "九" * 40 + "…（共30000个字符）」无法识别为数字"])
def _(p):
    return write_xlsx(p, budget(["甲", "A", "九" * 30_000, 1]))


@case("the same very long item twice: the message stays short", False,
      ["{f}:预算执行:4:项目名称(B列): 项目「" + "长" * 40 + "…（共32767个字符）」重复出现"])
def _(p):
    return write_xlsx(p, budget(["甲", "长" * 32_767, 1, 1], ["甲", "长" * 32_767, 1, 1]))


def check_control_characters(path: Path) -> None:
    items = read_budget(path).items
    assert len(items) == 2
    assert "\x07" in items["item"].iloc[0]


@case("control characters in text", True, ["{f}: 通过校验（预算执行2行）"], check_control_characters)
def _(p):
    # Excel writes a control character as _x0007_; a careless exporter writes it raw.
    sheet = write_xlsx(p, budget(["甲", "响铃_x0007_项目", 1, 1], ["甲", "制表\t换行\n项目", 1, 1]))
    return sheet


def check_raw_control_characters(path: Path) -> None:
    assert list(read_budget(path).items["item"]) == ["原始\x01控制\x1b字符", "B"]


@case("raw control characters in the XML", True, ["{f}: 通过校验（预算执行2行）"], check_raw_control_characters)
def _(p):
    # Not well-formed XML 1.0, but what a careless exporter writes: read as it is.
    return write_xlsx(p, budget(["甲", "原始\x01控制\x1b字符", 1, 1], ["甲", "B", 1, 1]))


@case("control characters in a bad cell are not echoed raw", False, ["{f}:预算执行:3:预算数(C列): 金额「␛[2J␛[31m66」无法识别为数字"])
def _(p):
    return write_xlsx(p, budget(["甲", "A", "\x1b[2J\x1b[31m66", 1]))


@case("huge number in a money cell", False, ["{f}:预算执行:3:预算数(C列): ", "过大"])
def _(p):
    return write_xlsx(p, budget(["甲", "A", 1e300, 1], ["甲", "B", 10**20, 1]))


@case("NaN and infinity in number cells", False, ["{f}:预算执行:4:预算数(C列): "])
def _(p):
    return write_xlsx(p, budget(["甲", "A", 1, Raw("NaN")], ["甲", "B", Raw("INF"), 1]))


@case("boolean in a money cell", False, ["{f}:预算执行:3:执行数(D列): 金额「True」不是数字"])
def _(p):
    return write_xlsx(p, budget(["甲", "A", 1, True]))


@case("date out of range", False, ["{f}:合同台账:3:签订日期(D列): 日期「9999-12-31」"])
def _(p):
    return write_xlsx(p, {"合同台账": [["单位：元"], CONTRACT_HEAD, ["HT-1", "机房维护", "甲公司", "9999-12-31", 1000]]})


@case("huge count", False, ["{f}:短信结算:3:条数(C列): "])
def _(p):
    return write_xlsx(p, {"短信结算": [["单位：元"], ["月份", "部门", "条数", "金额"], ["2020年1月", "办公厅", 1e20, 10]]})


def check_hidden(path: Path) -> None:
    assert len(read_budget(path).items) == 1


@case("budget on a hidden sheet", True, ["{f}: 通过校验（预算执行1行）"], check_hidden)
def _(p):
    return write_xlsx(p, {"说明": [["见隐藏页"]], **budget(["甲", "A", 1, 1])}, hidden=["预算执行"])


@case("sheet named for the table without its header", False, ["{f}:预算执行: ", "找不到「预算执行」的表头"])
def _(p):
    return write_xlsx(p, {"预算执行": [["这里什么都没有"], ["见附件"]]})


@case("no recognisable table", False, ["{f}: ", "没有找到任何可识别的表"])
def _(p):
    return write_xlsx(p, {"Sheet1": [["姓名", "电话"], ["张三", "123"]]})


def check_sms_sheet(path: Path) -> None:
    sms = load_sms(path, year=2020)
    assert list(sms["count"]) == [120_000, 98_000]


@case("sms settlement with months as Excel dates", True, ["{f}: 通过校验（短信结算2行）"], check_sms_sheet)
def _(p):
    jan, feb = ((dt.date(2020, m, 1) - dt.date(1899, 12, 30)).days for m in (1, 2))
    rows = [["单位：元"], ["月份", "部门", "条数", "金额"], [DateSerial(jan), "办公厅", "12万", 7800],
            [DateSerial(feb), "办公厅", "98,000", 6370]]
    return write_xlsx(p, {"短信结算": rows})


def check_indicators(path: Path) -> None:
    ind = load_indicators(path).set_index("name")
    assert ind.loc["短信条数", "target_op"] == ">=" and ind.loc["短信条数", "target_value"] == 800_000
    assert ind.loc["制度", "target_op"] == "is"


@case("indicators with merged levels", True, ["{f}: 通过校验（绩效指标2行）"], check_indicators)
def _(p):
    rows = [["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "短信条数", "≥80万条"],
            [None, None, "制度", "健全"]]
    return write_xlsx(p, {"绩效指标": rows}, merges={"绩效指标": ["A2:A3", "B2:B3"]})


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Case, tmp_path):
    path = case.build(tmp_path)
    run = run_cli("validate", path.name, cwd=path.parent)

    assert_clean_exit(run)
    expected = [e.format(f=path.name) for e in case.expect]
    if case.loaded:
        assert run.returncode == 0, run.output
    else:
        assert run.returncode == 1, run.output
        lines = problem_lines(run)
        assert lines, run.output
        for line in lines:
            assert line.startswith(f"{path.name}:"), line  # names the file, then sheet:row:column
            assert CJK.search(line.split(": ", 1)[-1]), line  # says it in Chinese
            assert len(line) < 1000, line[:300]  # a huge cell is not echoed whole
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", line), repr(line)  # no raw control characters
    position = 0
    for text in expected:
        found = run.stdout.find(text, position)
        assert found >= 0, (text, run.output)
        position = found
    if case.check is not None:
        case.check(path)


@pytest.mark.slow  # the fork server the corpus runs its cases from (tests/limited_runs.py)
def test_a_run_forked_from_the_server_ends_as_a_fresh_python_would(tmp_path, monkeypatch):
    import limited_runs

    (tmp_path / "probe.py").write_text(limited_runs.PROBE, encoding="utf-8")
    monkeypatch.setenv("QD_PROBE", "这次")
    for arg in ("0", "3", "raise", "出错了"):
        forked = limited_runs._forked("probe", arg, cwd=tmp_path, timeout=60)
        fresh = limited_runs.run_python("-m", "probe", arg, cwd=tmp_path, timeout=60)
        assert (forked.returncode, forked.stdout) == (fresh.returncode, fresh.stdout), (forked, fresh)
        assert forked.stderr.splitlines()[-1:] == fresh.stderr.splitlines()[-1:], (forked.stderr, fresh.stderr)
        assert ("Traceback" in forked.stderr) == ("Traceback" in fresh.stderr) == (arg == "raise")
    assert forked.returncode == 1 and forked.stderr == "出错了\n"
    assert f"cwd {tmp_path} path0 {tmp_path} env 这次" in forked.stdout and "own session True" in forked.stdout
    assert forked.stdout.endswith("thread joined\natexit ran\n")
