"""A workbook's parts, editable as text (:class:`Book`), and the cells of its tables: what a mutation family
edits (tests/misread_mutants.py, tests/structure_mutants.py; see tests/mutants.py).
"""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

#: The year every base and mutant is read as (the shipped workbook's).
SHIPPED_YEAR = 2020
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


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


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n

