"""Mutation families of issue 17: each mutates a base's zip parts in one way that once made the reader read
something other than what the file says (see tests/mutants.py, which judges the mutants).
"""

from __future__ import annotations

import random
import re
import zipfile
from typing import Callable

from mutant_book import _CELL, MAIN_NS, SHIPPED_YEAR, Book, _col, _data_cells, _pick, inline

#: Headers of the annual money columns (a per-month amount there is a misread).
ANNUAL_HEADERS = ("预算数", "调整后预算数", "执行数", "本年支付")
INVISIBLE = ("\u200b", "\u200d", "\ufeff", "\u00ad", "\u2060", "\u200e")


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

