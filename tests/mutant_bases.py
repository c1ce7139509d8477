"""The bases that mutants are made of: a year folder holding one workbook, the shipped ``data/raw/2020``
workbook (read, copied, never written) or a small one built here (see tests/mutants.py).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from mutant_book import MAIN_NS, SHIPPED_YEAR, Book

from qdanalysis.paths import DATA_RAW

SHIPPED = DATA_RAW / str(SHIPPED_YEAR) / "2020年专项业务费.xlsx"


def small_base(folder: Path, year: int = SHIPPED_YEAR) -> Path:
    """A year folder with one small workbook written by openpyxl (shared strings, merged
    categories): budget, contracts, SMS and indicators, titles above every header."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    sheets = {
        "预算执行": [
            [f"{year}年预算执行明细表"], [None, None, None, None, "单位：万元"],
            ["类别", "项目名称", "预算数", "调整后预算数", "执行数", "编号"],
            ["运维", "机房维护", 66.7, 70, 60, "1.1"], [None, "网络维护", 72.8, None, 70.5, "1.2"],
            ["运维", "小计", 139.5, None, 130.5],
            ["线路", "互联网专线", 100.68, None, 100.68, "2.1"], ["线路", "小计", 100.68, None, 100.68],
            ["合计", None, 240.18, None, 231.18],
        ],
        "合同台账": [
            [f"{year}年合同台账"], ["单位：元"],
            ["合同编号", "项目名称", "供应商", "签订日期", "合同金额", "计费方式", "单价", "本年支付"],
            ["HT-1", "机房维护", "甲公司", f"{year - 1}-08-10", 667000, "年", None, 600000],
            ["HT-2", "互联网专线", "乙公司", f"{year}-01-05", None, "月", 83900, 1006800],
        ],
        "短信结算": [
            [f"{year}年短信结算"], ["单位：元"], ["月份", "条数", "单价", "金额"],
            *[[f"{year}年{m}月", 1000 * m, "0.05元/条", 50 * m] for m in range(1, 13)],
        ],
        "绩效指标": [
            [f"{year}年绩效指标"], [None],
            ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值"],
            ["产出指标", "数量指标", "短信条数", "≥8000条", "78000条"],
            [None, "质量指标", "故障率", "≤1%", "0.5%"],
            ["效益指标", "社会效益", "满意度", "≥90%", "95%"],
        ],
    }
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb["预算执行"].merge_cells("A4:A5")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "小样本.xlsx"
    wb.save(path)
    return path


def shared_strings_base(folder: Path, year: int = SHIPPED_YEAR) -> Path:
    """:func:`small_base` with its texts in a shared-strings table, as Excel saves them (the
    openpyxl in use writes inline strings)."""
    from html import escape, unescape

    path = small_base(folder, year)
    book = Book(path)
    strings: dict[str, int] = {}
    for name, part in book.sheet_parts().items():
        def shared(m: re.Match) -> str:
            # openpyxl writes characters as references (&#24180;) when lxml is installed: decode them first
            text = unescape("".join(re.findall(r"<t[^>]*>([^<]*)</t>", m.group(3))))
            return f'<c r="{m.group(1)}"{m.group(2)} t="s"><v>{strings.setdefault(text, len(strings))}</v></c>'

        book.set_text(part, re.sub(r'<c r="([A-Z]+[0-9]+)"([^>]*?) t="inlineStr"><is>(.*?)</is></c>', shared,
                                   book.text(part), flags=re.S))
    items = "".join(f"<si><t>{escape(t, quote=False)}</t></si>" for t in strings)
    book.parts["xl/sharedStrings.xml"] = (f'<sst xmlns="{MAIN_NS}" count="{len(strings)}" '
                                          f'uniqueCount="{len(strings)}">{items}</sst>').encode()
    book.set_text("xl/_rels/workbook.xml.rels", book.text("xl/_rels/workbook.xml.rels").replace(
        "</Relationships>", '<Relationship Id="rIdSst" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'))
    book.set_text("[Content_Types].xml", book.text("[Content_Types].xml").replace(
        "</Types>", '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    return book.write(path)


def shipped_base(folder: Path) -> Path:
    """A copy of the shipped 2020 workbook (the original under data/raw is only read)."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(SHIPPED, folder / SHIPPED.name))
