"""Mutants of real and test workbooks, and the judge that says how the reader took each one.

Used by ``tests/integration/test_fuzz.py`` (a bounded number in ``make test``) and by the ``fuzz`` section
of ``benchmarks/run.py`` (a larger campaign that prints counts per family and outcome).

A *base* is a year folder holding one workbook: the shipped ``data/raw/2020`` workbook (read,
copied, never written) or a small workbook built here. Each *family* mutates the base's zip
parts in one way that once made the reader read something other than what the file says
(issue 17). Every mutant must come out as one of:

* ``refused``: a :class:`ValidationError` whose problems name the sheet, and the row and
  column where there is one (``located``), or, for a damaged file, the file (``file``);
* ``identical``: accepted, and every table equal, figure by figure, to the base's;
* ``changed (intended)``: accepted, and every table equal to the mutant's *twin*: a plainly written
  workbook with the change the mutation intended (an ISO date cell where a date was); a mutant without a
  twin intends no change;

and never ``different`` (accepted with figures the mutation did not intend: a silent misread), ``disagree``
(validate passes, ingest refuses), ``error`` (any other exception), ``timeout`` or ``memory``.
"""

from __future__ import annotations

import random
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from qdanalysis.paths import DATA_RAW

SHIPPED_YEAR = 2020
SHIPPED = DATA_RAW / str(SHIPPED_YEAR) / "2020年专项业务费.xlsx"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#: Headers of the annual money columns (a per-month amount there is a misread).
ANNUAL_HEADERS = ("预算数", "调整后预算数", "执行数", "本年支付")
INVISIBLE = ("\u200b", "\u200d", "\ufeff", "\u00ad", "\u2060", "\u200e")
OUTCOMES = ("refused (located)", "refused (file)", "identical", "changed (intended)", "different", "disagree", "error", "timeout", "memory")
#: The outcomes that are defects.
DEFECTS = ("different", "disagree", "error", "timeout", "memory")


# --------------------------------------------------------------------------- bases


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


# --------------------------------------------------------------------------- a workbook's parts


_CELL = re.compile(r'<c r="([A-Z]+)([0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)


class Book:
    """The parts of one .xlsx, editable as text."""

    def __init__(self, path: Path):
        with zipfile.ZipFile(path) as zf:
            self.parts: dict[str, bytes] = {n: zf.read(n) for n in zf.namelist()}
        self.raw: bytes | None = None  # set by byte-level families: written as is
        self.twin: Book | None = None  # what Excel shows for the mutant, where the mutation intends a change

    def text(self, part: str) -> str:
        return self.parts[part].decode("utf-8")

    def set_text(self, part: str, text: str) -> None:
        self.parts[part] = text.encode("utf-8")

    def sheet_parts(self) -> dict[str, str]:
        """Sheet name -> worksheet part."""
        book = self.text("xl/workbook.xml")
        rels = self.text("xl/_rels/workbook.xml.rels")
        targets = dict(re.findall(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
        targets.update({i: t for t, i in re.findall(r'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
        out = {}
        for name, rid in re.findall(r'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', book):
            target = targets.get(rid, "")
            out[name] = target.lstrip("/") if target.startswith("/xl/") else "xl/" + target
        return out

    def shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.parts:
            return []
        items = re.findall(r"<si>(.*?)</si>", self.text("xl/sharedStrings.xml"), re.S)
        return ["".join(re.findall(r"<t[^>]*>([^<]*)</t>", si)) for si in items]

    def cells(self, part: str) -> list[re.Match]:
        return list(_CELL.finditer(self.text(part)))

    def value(self, m: re.Match) -> str | None:
        """A cell's text: its shared or inline string, or its <v>."""
        attrs, inner = m.group(3), m.group(4) or ""
        if 't="s"' in attrs:
            v = re.search(r"<v>([0-9]+)</v>", inner)
            return self.shared_strings()[int(v.group(1))] if v else None
        if 't="inlineStr"' in attrs:
            return "".join(re.findall(r"<t[^>]*>([^<]*)</t>", inner))
        v = re.search(r"<v>([^<]*)</v>", inner)
        return v.group(1) if v else None

    def header(self, part: str) -> dict[str, str]:
        """Column letters -> header text, from the row that holds the most known headers."""
        rows: dict[int, dict[str, str]] = {}
        for m in self.cells(part):
            value = self.value(m)
            if value:
                rows.setdefault(int(m.group(2)), {})[m.group(1)] = value
        known = ("项目名称", "预算数", "合同编号", "月份", "一级指标", "单位", "名称", "事项")
        best = max(rows.items(), key=lambda kv: sum(v in known for v in kv[1].values()), default=(0, {}))
        self.header_row = best[0]
        return best[1]

    def replace(self, part: str, m: re.Match, xml: str) -> None:
        text = self.text(part)
        self.set_text(part, text[: m.start()] + xml + text[m.end():])

    def write(self, path: Path) -> Path:
        if self.raw is not None:
            path.write_bytes(self.raw)
            return path
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in self.parts.items():
                zf.writestr(name, data)
        return path


def inline(ref: str, text: str, attrs: str = "") -> str:
    from html import escape

    return f'<c r="{ref}"{attrs} t="inlineStr"><is><t>{escape(text, quote=False)}</t></is></c>'


def _data_cells(book: Book, rng: random.Random, *, headers: tuple[str, ...] | None = None,
                numeric: bool | None = None, sheets: tuple[str, ...] | None = None) -> list[tuple[str, re.Match]]:
    """Cells below a table's header, optionally under given headers, numeric or not."""
    found = []
    for name, part in book.sheet_parts().items():
        if part not in book.parts or (sheets and not any(s in name for s in sheets)):
            continue
        head = book.header(part)
        if not head:
            continue
        for m in book.cells(part):
            if int(m.group(2)) <= book.header_row or (headers and head.get(m.group(1)) not in headers):
                continue
            attrs, inner = m.group(3), m.group(4) or ""
            is_number = "<v>" in inner and not re.search(r't="(s|str|inlineStr|e|b)"', attrs)
            if numeric is None or numeric == is_number:
                if book.value(m) not in (None, ""):
                    found.append((part, m))
    return found


def _pick(cells: list, rng: random.Random):
    return rng.choice(cells) if cells else None


# --------------------------------------------------------------------------- families


def fam_range_bomb(book: Book, rng: random.Random) -> str | None:
    """A huge merged or hyperlink range, with what makes calamine give up (issue 17 §1): refused
    above 16,000,000 cells, read by the fallback without expanding it below."""
    part = book.sheet_parts()[rng.choice(list(book.sheet_parts()))]
    kind = rng.choice(["mergeCell", "hyperlink"])
    # the last one is just under the bound: the fallback reader must read it without expanding it
    ref = rng.choice(["A1:P1048576", "A1:XFD1048576", "B2:AZ1048576", "A1:O1048576"])
    text = book.text(part)
    element = (f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>' if kind == "mergeCell"
               else f'<hyperlinks><hyperlink ref="{ref}" location="A1" display="x"/></hyperlinks>')
    text = text.replace("</sheetData>", "</sheetData>" + element, 1)
    trigger = rng.choice(["zz", "dimension", "empty r"])
    if trigger == "zz":
        text = re.sub(r'<c r="([A-Z]+[0-9]+)"', r'<c r="\1" t="zz"', text, count=1)
    elif trigger == "dimension":
        text = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A0:A0"', text, count=1)
    else:
        text = re.sub(r'<c r="[A-Z]+[0-9]+"', '<c r=""', text, count=1)
    book.set_text(part, text)
    return f"{kind} {ref} + {trigger}"


def fam_fallback(book: Book, rng: random.Random) -> str | None:
    """Only what makes calamine give up: an unknown cell type, dimension A0:A0, r=\"\"."""
    part, m = _pick(_data_cells(book, rng), rng) or (None, None)
    if part is None:
        return None
    trigger = rng.choice(["zz", "dimension", "empty r"])
    if trigger == "zz":
        book.replace(part, m, m.group(0).replace(f'<c r="{m.group(1)}{m.group(2)}"',
                                                  f'<c r="{m.group(1)}{m.group(2)}" t="zz"', 1))
    elif trigger == "dimension":
        book.set_text(part, re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A0:A0"', book.text(part), count=1))
    else:
        book.replace(part, m, m.group(0).replace(f'r="{m.group(1)}{m.group(2)}"', 'r=""', 1))
    return f"{trigger} at {m.group(1)}{m.group(2)}"


def fam_uncached_formula(book: Book, rng: random.Random) -> str | None:
    """A number turned into a formula whose cached value is empty: <v />, <v></v> or none."""
    part, m = _pick(_data_cells(book, rng, numeric=True), rng) or (None, None)
    if part is None:
        return None
    v = rng.choice(["<v />", "<v></v>", "<v/>", ""])
    ref = f"{m.group(1)}{m.group(2)}"
    book.replace(part, m, f'<c r="{ref}"><f>1+1</f>{v}</c>')
    return f"{ref} {v or 'no <v>'}"


def fam_non_finite(book: Book, rng: random.Random) -> str | None:
    """A number cell holding NaN or an infinity."""
    part, m = _pick(_data_cells(book, rng, numeric=True), rng) or (None, None)
    if part is None:
        return None
    v = rng.choice(["NaN", "nan", "inf", "-inf", "Infinity", "1e400", "-1E999"])
    ref = f"{m.group(1)}{m.group(2)}"
    book.replace(part, m, f'<c r="{ref}"><v>{v}</v></c>')
    return f"{ref} {v}"


def fam_error_without_r(book: Book, rng: random.Random) -> str | None:
    """An error cell without its r attribute, where calamine places it (right of its neighbour)."""
    options = []
    for part, m in _data_cells(book, rng):
        text = book.text(part)
        before = text.rfind("<c ", 0, m.start())
        prev = _CELL.match(text, before) if before >= 0 else None
        row_start = text.rfind("<row", 0, m.start())
        col = _col(m.group(1))
        if prev and prev.end() == m.start() and prev.group(2) == m.group(2) and _col(prev.group(1)) == col - 1:
            options.append((part, m))
        elif m.group(1) == "A" and text.rfind(">", 0, m.start()) == m.start() - 1 and row_start > before:
            options.append((part, m))
    part, m = _pick(options, rng) or (None, None)
    if part is None:
        return None
    error = rng.choice(["#REF!", "#N/A", "#DIV/0!", "#VALUE!"])
    book.replace(part, m, f'<c t="e"><v>{error}</v></c>')
    return f"{m.group(1)}{m.group(2)} {error} without r"


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def fam_inline_with_v(book: Book, rng: random.Random) -> str | None:
    """t="inlineStr" carrying a <v> (with or without its <is>)."""
    part, m = _pick(_data_cells(book, rng), rng) or (None, None)
    if part is None:
        return None
    ref = f"{m.group(1)}{m.group(2)}"
    value = book.value(m)
    kind = rng.choice(["v only", "is and v"])
    if kind == "v only":
        xml = f'<c r="{ref}" t="inlineStr"><v>{value}</v></c>'
    else:
        xml = inline(ref, value).replace("</is></c>", "</is><v>0</v></c>")
    book.replace(part, m, xml)
    return f"{ref} {kind}"


def fam_shared_index(book: Book, rng: random.Random) -> str | None:
    """A shared-string index that is not a plain index in range: x, -1, 10^20, ' 1 ', 1.0."""
    cells = [(p, m) for p, m in _data_cells(book, rng) if 't="s"' in m.group(3)]
    part, m = _pick(cells, rng) or (None, None)
    if part is None:
        return None
    index = rng.choice(["x", "-1", "100000000000000000000", " 1 ", "1.0", "", "+1"])
    book.replace(part, m, re.sub(r"<v>[^<]*</v>", f"<v>{index}</v>", m.group(0), count=1))
    return f"{m.group(1)}{m.group(2)} index {index!r}"


def fam_per_unit(book: Book, rng: random.Random) -> str | None:
    """An annual money cell written per month or per message."""
    part, m = _pick(_data_cells(book, rng, headers=ANNUAL_HEADERS), rng) or (None, None)
    if part is None:
        return None
    text = rng.choice(["7.6万元/月", "123元/月", "0.5万元/条", "942元/月", "3万/月"])
    book.replace(part, m, inline(f"{m.group(1)}{m.group(2)}", text))
    return f"{m.group(1)}{m.group(2)} {text}"


def fam_spaced_number(book: Book, rng: random.Random) -> str | None:
    """A number typed with spaces inside (4 5 0)."""
    part, m = _pick(_data_cells(book, rng, numeric=True), rng) or (None, None)
    if part is None:
        return None
    digits = book.value(m)
    if len(digits.replace(".", "").replace("-", "")) < 2:
        return None
    spaced = rng.choice([" ".join(digits), digits[:1] + " " + digits[1:], digits[:-1] + "\u3000" + digits[-1:]])
    book.replace(part, m, inline(f"{m.group(1)}{m.group(2)}", spaced))
    return f"{m.group(1)}{m.group(2)} {spaced!r}"


def fam_number_forms(book: Book, rng: random.Random) -> str | None:
    """A number as text in an unambiguous form (thousands commas, full-width digits): read identically."""
    part, m = _pick(_data_cells(book, rng, headers=ANNUAL_HEADERS + ("合同金额", "条数", "金额"), numeric=True), rng) \
        or (None, None)
    if part is None:
        return None
    value = book.value(m)
    number = float(value)
    if number != round(number, 2):
        return None
    whole, _, frac = f"{number:.2f}".partition(".")
    form = rng.choice(["commas", "full-width", "spaces around"])
    if form == "commas":
        text = f"{int(whole):,}.{frac}"
    elif form == "full-width":
        text = "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() or ch == "." else ch for ch in f"{whole}.{frac}")
    else:
        text = f"  {whole}.{frac} "
    book.replace(part, m, inline(f"{m.group(1)}{m.group(2)}", text))
    return f"{m.group(1)}{m.group(2)} {text!r}"


def fam_long_inline(book: Book, rng: random.Random) -> str | None:
    """An inline string longer than Excel's 32,767 characters, in one run or in many."""
    part, m = _pick(_data_cells(book, rng), rng) or (None, None)
    if part is None:
        return None
    ref = f"{m.group(1)}{m.group(2)}"
    if rng.random() < 0.5:
        xml = inline(ref, "长" * 40_000)
    else:
        runs = "".join(f"<r><t>{'字' * 100}</t></r>" for _ in range(400))
        xml = f'<c r="{ref}" t="inlineStr"><is>{runs}</is></c>'
    book.replace(part, m, xml)
    return f"{ref} long inline string"


def fam_merged_title(book: Book, rng: random.Random) -> str | None:
    """A merge starting at the sheet's title, down into a fill-down column (一级指标, 类别)."""
    options = []
    for name, part in book.sheet_parts().items():
        if part not in book.parts:
            continue
        head = book.header(part)
        header_row = book.header_row
        for letters, header in head.items():
            if header in ("一级指标", "二级指标", "类别"):
                title = [m for m in book.cells(part) if m.group(1) == letters and int(m.group(2)) < header_row
                         and book.value(m)]
                last = max((int(m.group(2)) for m in book.cells(part)), default=0)
                if title and last > header_row:
                    options.append((part, letters, int(title[0].group(2)), rng.randint(header_row + 1, last)))
                elif not title and letters == "A" and last > header_row:
                    options.append((part, letters, 1, rng.randint(header_row + 1, last)))
    choice = _pick(options, rng)
    if choice is None:
        return None
    part, letters, top, bottom = choice
    text = book.text(part)
    if not any(m.group(1) == letters and int(m.group(2)) == top for m in book.cells(part)):
        return None
    merge = f'<mergeCell ref="{letters}{top}:{letters}{bottom}"/>'
    if "</mergeCells>" in text:
        text = text.replace("</mergeCells>", merge + "</mergeCells>", 1)
    else:
        text = text.replace("</sheetData>", f'</sheetData><mergeCells count="1">{merge}</mergeCells>', 1)
    book.set_text(part, text)
    return f"merge {letters}{top}:{letters}{bottom}"


def fam_invisible(book: Book, rng: random.Random) -> str | None:
    """An invisible character inside an item name: read identically (it is removed)."""
    part, m = _pick(_data_cells(book, rng, headers=("项目名称",), numeric=False), rng) or (None, None)
    if part is None:
        return None
    name = book.value(m)
    ch = rng.choice(INVISIBLE)
    at = rng.randint(0, len(name))
    book.replace(part, m, inline(f"{m.group(1)}{m.group(2)}", name[:at] + ch + name[at:]))
    return f"{m.group(1)}{m.group(2)} U+{ord(ch):04X}"


def fam_invisible_duplicate(book: Book, rng: random.Random) -> str | None:
    """An item renamed to another item's name plus an invisible character: a duplicate."""
    cells = _data_cells(book, rng, headers=("项目名称",), numeric=False, sheets=("预算",))
    names = {book.value(m) for _, m in cells}
    if len(cells) < 2:
        return None
    (part, m), (_, other) = rng.sample(cells, 2)
    target = book.value(other)
    if target == book.value(m) or any(w in target for w in ("小计", "合计", "总计", "总额")) or len(names) < 2:
        return None
    ch = rng.choice(INVISIBLE)
    book.replace(part, m, inline(f"{m.group(1)}{m.group(2)}", target + ch))
    return f"{m.group(1)}{m.group(2)} = {target} + U+{ord(ch):04X}"


def fam_subtotal_word(book: Book, rng: random.Random) -> str | None:
    """An item renamed to contain 小计, 合计 or 总额."""
    part, m = _pick(_data_cells(book, rng, headers=("项目名称",), numeric=False, sheets=("预算",)), rng) or (None, None)
    if part is None:
        return None
    name = book.value(m)
    if any(w in name for w in ("小计", "合计", "总计", "总额")):
        return None
    word = rng.choice(["小计", "合计", "总额", "总计"])
    at = rng.randint(0, len(name))
    book.replace(part, m, inline(f"{m.group(1)}{m.group(2)}", name[:at] + word + name[at:]))
    return f"{m.group(1)}{m.group(2)} +{word}"


def fam_chartsheet(book: Book, rng: random.Random) -> str | None:
    """A data sheet turned into a chart sheet of the same name."""
    sheets = book.sheet_parts()
    name = rng.choice([n for n in sheets if any(w in n for w in ("预算执行", "合同台账", "短信结算", "绩效指标"))])
    part = sheets[name]
    rels = book.text("xl/_rels/workbook.xml.rels")
    target = part[len("xl/"):]
    chart_target = target.replace("worksheets/", "chartsheets/")
    rels = re.sub(
        r'(<Relationship[^>]*?)Type="[^"]*worksheet"([^>]*?Target="/?(?:xl/)?' + re.escape(target) + '")',
        r'\1Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet"\2', rels)
    rels = re.sub(r'(<Relationship[^>]*?Target=")(/?(?:xl/)?)' + re.escape(target) + '"',
                  lambda m: f'{m.group(1)}{m.group(2)}{chart_target}"', rels)
    rels = re.sub(r'Target="(/?(?:xl/)?)' + re.escape(target) + r'"([^>]*?)Type="[^"]*worksheet"',
                  lambda m: f'Target="{m.group(1)}{chart_target}"{m.group(2)}'
                            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet"', rels)
    book.set_text("xl/_rels/workbook.xml.rels", rels)
    del book.parts[part]
    book.parts["xl/" + chart_target] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><chartsheet xmlns="{MAIN_NS}">'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews></chartsheet>').encode()
    types = book.text("[Content_Types].xml").replace(
        f'PartName="/{part}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"',
        f'PartName="/xl/{chart_target}" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml"')
    book.set_text("[Content_Types].xml", types)
    return f"{name} as a chart sheet"


def fam_sms_month(book: Book, rng: random.Random) -> str | None:
    """An SMS settlement month outside the evaluated year."""
    part, m = _pick(_data_cells(book, rng, headers=("月份",), sheets=("短信",)), rng) or (None, None)
    if part is None:
        return None
    month = rng.choice([f"{SHIPPED_YEAR - 1}年12月", f"{SHIPPED_YEAR + 1}年1月", f"{SHIPPED_YEAR - 1}-06"])
    book.replace(part, m, inline(f"{m.group(1)}{m.group(2)}", month))
    return f"{m.group(1)}{m.group(2)} {month}"


def fam_bytes(book: Book, rng: random.Random) -> str | None:
    """The file's bytes: flipped, truncated, or an end-of-central-directory that claims 0 entries."""
    tmp = Book.__new__(Book)
    tmp.parts, tmp.raw = book.parts, None
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in book.parts.items():
            zf.writestr(name, data)
    data = bytearray(buf.getvalue())
    kind = rng.choice(["flip", "truncate", "eocd zero"])
    if kind == "flip":
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        data = data[: rng.randrange(len(data))]
    else:
        at = data.rfind(b"PK\x05\x06")
        data[at + 8 : at + 12] = b"\x00\x00\x00\x00"
    book.raw = bytes(data)
    return kind


def fam_zip_entries(book: Book, rng: random.Random) -> str | None:
    """The package: a part dropped, invalid UTF-8 in _rels/.rels, a backslash in a sheet's target."""
    kind = rng.choice(["drop", "bad rels", "backslash"])
    if kind == "drop":
        name = rng.choice([n for n in book.parts if not n.endswith("/")])
        del book.parts[name]
        return f"drop {name}"
    if kind == "bad rels":
        book.parts["_rels/.rels"] = book.parts["_rels/.rels"].replace(b"Relationships", b"Relationships\xff", 1)
        return kind
    rels = book.text("xl/_rels/workbook.xml.rels")
    book.set_text("xl/_rels/workbook.xml.rels", rels.replace("worksheets/", "worksheets\\", 1))
    return kind


FAMILIES: dict[str, Callable[[Book, random.Random], str | None]] = {
    "range bomb": fam_range_bomb,
    "fallback trigger": fam_fallback,
    "uncached formula": fam_uncached_formula,
    "NaN/inf": fam_non_finite,
    "error without r": fam_error_without_r,
    "inlineStr with v": fam_inline_with_v,
    "shared index": fam_shared_index,
    "per-month unit": fam_per_unit,
    "spaces in number": fam_spaced_number,
    "number forms": fam_number_forms,
    "long inline string": fam_long_inline,
    "merged title": fam_merged_title,
    "invisible char": fam_invisible,
    "invisible duplicate": fam_invisible_duplicate,
    "subtotal word": fam_subtotal_word,
    "chart sheet": fam_chartsheet,
    "SMS month": fam_sms_month,
    "bytes": fam_bytes,
    "zip entries": fam_zip_entries,
}


# --------------------------------------------------------------------------- judging


@dataclass
class Verdict:
    family: str
    base: str
    what: str
    outcome: str
    detail: str = ""


def tables_of(folder: Path, year: int, *, require: bool):
    """``(problems, {frame name: frame}, budget totals)`` as validate (require=False) or ingest sees them."""
    from qdanalysis.read.inputs import BY_NAME, read_inputs

    found = read_inputs(folder, year, require=require)
    frames, totals = {}, None
    for name, loaded in found.loaded.items():
        for key, df in BY_NAME[name].frames(loaded).items():
            frames[key] = df.drop(columns=["src_file"], errors="ignore").reset_index(drop=True)
        if name == "budget":
            totals = (loaded.totals, loaded.undisclosed)
    return found.problems, frames, totals


def same_tables(a: dict, b: dict) -> str:
    """"" when two sets of frames are equal figure by figure, else what differs."""
    import pandas as pd

    if a.keys() != b.keys():
        return f"tables {sorted(a.keys() ^ b.keys())}"
    for name in a:
        try:
            pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)
        except AssertionError as exc:
            return f"{name}: {str(exc).splitlines()[0]}"
    return ""


def judge(folder: Path, year: int, base: tuple, family: str, base_name: str, what: str,
          twin: Path | None = None) -> Verdict:
    """How the reader took the mutant in ``folder``, against the base's ``(frames, totals)``, or against its
    ``twin`` folder's where the mutation intends a change. Comparing is part of judging: a comparison that
    raises is an ``error``, never a pass."""
    from qdanalysis.errors import ValidationError

    try:
        problems, frames, totals = tables_of(folder, year, require=False)
        intended = base
        if twin is not None and not problems:
            twin_problems, twin_frames, twin_totals = tables_of(twin, year, require=False)
            if twin_problems:
                return Verdict(family, base_name, what, "different", f"accepted, but its twin is refused: "
                               f"{twin_problems[0]}")
            intended = (twin_frames, twin_totals)
        if problems:
            located = any(p.sheet for p in problems)
            return Verdict(family, base_name, what, "refused (located)" if located else "refused (file)",
                           str(problems[0]))
        ingest_problems = tables_of(folder, year, require=True)[0] if "budget" in base[0] else []
        if ingest_problems:
            return Verdict(family, base_name, what, "disagree", str(ingest_problems[0]))
        diff = same_tables(intended[0], frames) or ("totals" if totals != intended[1] else "")
        if diff:
            return Verdict(family, base_name, what, "different", diff)
        changed = intended is not base and (same_tables(base[0], frames) or totals != base[1])
        return Verdict(family, base_name, what, "changed (intended)" if changed else "identical", "")
    except ValidationError as exc:  # a loader raising outside read_inputs' collection
        return Verdict(family, base_name, what, "refused (file)", str(exc.problems[0]))
    except MemoryError:
        return Verdict(family, base_name, what, "memory")
    except Exception as exc:  # noqa: BLE001 - an internal error is an outcome to count
        return Verdict(family, base_name, what, "error", f"{type(exc).__name__}: {exc}")


def make_mutant(base_file: Path, family: str, rng: random.Random, out_dir: Path, year: int = SHIPPED_YEAR):
    """Write one mutant of ``base_file`` into ``out_dir/<year>/`` (and its twin, if it has one, into
    ``out_dir/twin/<year>/``): ``(folder, what, twin folder or None)``; None when the family does not apply."""
    book = Book(base_file)
    what = FAMILIES[family](book, rng)
    if what is None:
        return None
    folder = out_dir / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    book.write(folder / base_file.name)
    twin = None
    if book.twin is not None:
        twin = out_dir / "twin" / str(year)
        twin.mkdir(parents=True, exist_ok=True)
        book.twin.write(twin / base_file.name)
    return folder, what, twin


def base_tables(folder: Path, year: int = SHIPPED_YEAR) -> tuple:
    problems, frames, totals = tables_of(folder, year, require=False)
    assert not problems, problems
    return frames, totals


# the families of issue 30 (references, order, typed cells, nesting) live in their own module
from structure_mutants import FAMILIES as _STRUCTURE_FAMILIES  # noqa: E402

FAMILIES.update(_STRUCTURE_FAMILIES)
