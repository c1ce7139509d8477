"""The checks an Excel 97-2003 workbook (.xls, BIFF8) passes before calamine opens it.

A .xls is an OLE2 compound file (a small file system of 512-byte sectors) whose ``Workbook`` stream
is a sequence of BIFF records. WPS 表格 saves its own .et in the same format. calamine trusts both
layers: a sector chain that loops, a sheet whose declared dimensions reach row 4 billion, a cell in
column 60,000 or a shared-string index beyond the table would make it allocate without bound or
abort. :func:`inspect_xls` walks the container and every record once, without building the sheet,
and refuses such a file with the same limits as an xlsx (:mod:`qdanalysis.read.safety.limits`). It also
lists the cells that hold an error value (``#DIV/0!``): calamine reads them as blanks.
"""

from __future__ import annotations

import struct

from qdanalysis.read.safety.inspector import Archive, Inspector, SheetScan
from qdanalysis.read.safety.limits import (
    MAX_RANGES,
    MAX_SHARED_TEXT_CHARS,
    MAX_SHEET_CELLS,
    MAX_UNIQUE_STRINGS,
    MAX_WORKBOOK_CELLS,
)
from qdanalysis.read.safety.refs import column_letter

__all__ = ["MAX_XLS_BYTES", "XLS_COLS", "XLS_ROWS", "inspect_xls"]

MAX_XLS_BYTES = 128 << 20  # a full Excel 97-2003 sheet of numbers is far below this
XLS_ROWS, XLS_COLS = 65_536, 256  # the largest sheet Excel 97-2003 makes (IV65536)
_MB = 1 << 20

_END_OF_CHAIN, _FREE = 0xFFFFFFFE, 0xFFFFFFFF
_MAX_REGULAR_SECTOR = 0xFFFFFFFA
_STREAM, _ROOT = 2, 5

# BIFF8 record types.
_BOF, _EOF, _FILEPASS, _BOUNDSHEET, _SST, _CONTINUE = 0x0809, 0x000A, 0x002F, 0x0085, 0x00FC, 0x003C
_DIMENSIONS, _MERGEDCELLS, _MULRK = 0x0200, 0x00E5, 0x00BD
_FORMULA, _BOOLERR, _LABELSST = 0x0006, 0x0205, 0x00FD
_CELLS = frozenset((0x0203, 0x027E, _LABELSST, 0x0204, 0x00D6, _BOOLERR, _FORMULA))  # one cell, (row, col) first
_ERROR_TEXT = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
               0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


def inspect_xls(inspector: Inspector) -> Archive:
    """Check an OLE2 file as an Excel 97-2003 workbook; its sheets' scans by sheet name.

    Raises:
        ValidationError: the file is not such a workbook, is encrypted, damaged, or beyond the limits.
    """
    size = inspector.path.stat().st_size
    if size > MAX_XLS_BYTES:
        raise inspector.fail(f"Excel 97-2003 工作簿过大（{size // _MB} MB，上限{MAX_XLS_BYTES // _MB} MB）",
                             inspector.resave_hint())
    data = inspector.path.read_bytes()
    try:
        stream = _Container(inspector, data).workbook_stream()
        return _Records(inspector, stream).scan()
    except (struct.error, IndexError) as exc:  # a field cut off by the end of a sector or record
        raise inspector.corrupt(f"Excel 97-2003 工作簿结构不完整：{exc}") from None


class _Container:
    """The sectors of an OLE2 compound file, read with every index and chain checked."""

    def __init__(self, inspector: Inspector, data: bytes):
        self.inspector, self.data = inspector, data
        if len(data) < 512:
            raise self.corrupt("文件头不完整")
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            raise self.corrupt(f"扇区大小异常（2^{shift}）")
        self.sector = 1 << shift
        self.sectors = max(0, (len(data) - self.sector) // self.sector)  # the header fills sector -1
        self.fat = self._fat()

    def corrupt(self, detail: str):
        return self.inspector.corrupt(f"Excel 97-2003 复合文档结构有误：{detail}")

    def _sector(self, index: int) -> bytes:
        if index >= self.sectors:
            raise self.corrupt(f"扇区编号{index}超出文件范围（共{self.sectors}个扇区）")
        start = (index + 1) * self.sector
        return self.data[start:start + self.sector]

    def _fat(self) -> list[int]:
        per = self.sector // 4
        ids = [i for i in struct.unpack_from("<109I", self.data, 0x4C) if i != _FREE]
        n_fat, difat, n_difat = struct.unpack_from("<I", self.data, 0x2C)[0], *struct.unpack_from("<II", self.data, 0x44)
        seen: set[int] = set()
        while difat not in (_END_OF_CHAIN, _FREE) and n_difat:
            if difat in seen:
                raise self.corrupt("扇区分配表的索引链循环")
            seen.add(difat)
            block = struct.unpack(f"<{per}I", self._sector(difat))
            ids += [i for i in block[:-1] if i != _FREE]
            difat, n_difat = block[-1], n_difat - 1
        if n_fat > self.sectors or len(ids) < n_fat:
            raise self.corrupt(f"声明了{n_fat}个分配表扇区，文件中只有{min(len(ids), self.sectors)}个")
        fat: list[int] = []
        for i in ids[:n_fat]:
            fat += struct.unpack(f"<{per}I", self._sector(i))
        return fat

    def _chain(self, start: int, table: list[int], limit: int) -> list[int]:
        chain: list[int] = []
        seen: set[int] = set()
        current = start
        while current != _END_OF_CHAIN:
            if current > _MAX_REGULAR_SECTOR or current >= len(table) or current in seen or len(chain) >= limit:
                raise self.corrupt("扇区链断裂或循环")
            seen.add(current)
            chain.append(current)
            current = table[current]
        return chain

    def _read(self, start: int, size: int) -> bytes:
        chain = self._chain(start, self.fat, self.sectors)
        if size > len(chain) * self.sector:
            raise self.corrupt("数据流比它占用的扇区还长")
        return b"".join(self._sector(i) for i in chain)[:size]

    def workbook_stream(self) -> bytes:
        first_dir = struct.unpack_from("<I", self.data, 0x30)[0]
        directory = b"".join(self._sector(i) for i in self._chain(first_dir, self.fat, self.sectors))
        entries = []
        for offset in range(0, len(directory) - 127, 128):
            raw = directory[offset:offset + 128]
            length = min(struct.unpack_from("<H", raw, 0x40)[0], 64)
            name = raw[:max(length - 2, 0)].decode("utf-16-le", "replace")
            kind, start, size = raw[0x42], *struct.unpack_from("<IQ", raw, 0x74)
            entries.append((name, kind, start, size if self.sector == 4096 else size & 0xFFFFFFFF))
        streams = {name.lower(): (start, size) for name, kind, start, size in entries if kind == _STREAM}
        if "workbook" not in streams:
            if "book" in streams:
                raise self.inspector.fail("这是 Excel 5.0/95 格式的旧工作簿，不支持此格式",
                                          self.inspector.resave_hint())
            raise self.inspector.fail("不是Excel工作簿：这是一个 Office 复合文档，但其中没有工作簿",
                                      self.inspector.resave_hint())
        start, size = streams["workbook"]
        if size > len(self.data):
            raise self.corrupt("工作簿数据流的长度超出文件大小")
        cutoff = struct.unpack_from("<I", self.data, 0x38)[0]
        if size >= cutoff:
            return self._read(start, size)
        root = next(((s, z) for _, kind, s, z in entries if kind == _ROOT), None)
        if root is None:
            raise self.corrupt("缺少根目录项")
        mini_stream = self._read(*root)
        n_mini, first_mini = struct.unpack_from("<I", self.data, 0x40)[0], struct.unpack_from("<I", self.data, 0x3C)[0]
        mini_fat: list[int] = []
        for i in self._chain(first_mini, self.fat, max(n_mini, 1)):
            mini_fat += struct.unpack(f"<{self.sector // 4}I", self._sector(i))
        chain = self._chain(start, mini_fat, len(mini_stream) // 64 + 1)
        if size > len(chain) * 64:
            raise self.corrupt("数据流比它占用的扇区还长")
        return b"".join(mini_stream[i * 64:(i + 1) * 64] for i in chain)[:size]


class _Records:
    """One pass over the BIFF records of a ``Workbook`` stream."""

    def __init__(self, inspector: Inspector, stream: bytes):
        self.inspector, self.stream = inspector, stream
        self.names: dict[int, str] = {}  # stream offset of a worksheet's BOF -> its name
        self.sst: list[int] = []  # characters of each shared string
        self.text = 0  # characters the sheets' shared-string cells make

    def corrupt(self, detail: str):
        return self.inspector.corrupt(f"Excel 97-2003 工作簿记录有误：{detail}")

    def records(self, pos: int = 0):
        """``(offset, type, body)`` of each record from ``pos`` to the end of the stream."""
        stream, n = self.stream, len(self.stream)
        while pos + 4 <= n:
            kind, length = struct.unpack_from("<HH", stream, pos)
            if pos + 4 + length > n:
                raise self.corrupt(f"第{pos}字节处的记录被截断")
            yield pos, kind, stream[pos + 4:pos + 4 + length]
            pos += 4 + length

    def scan(self) -> Archive:
        """The globals (password, sheets, shared strings), then each sheet from where its BOUNDSHEET
        record points, as calamine reads it: a sheet whose position is forged is checked where it points."""
        sheets: dict[str, SheetScan] = {}
        positions: list[tuple[int, str]] = []
        sst_parts: list[bytes] | None = None
        for _, kind, body in self.records():
            if sst_parts is not None and kind == _CONTINUE:
                sst_parts.append(body)
                continue
            if sst_parts is not None:
                self._strings(sst_parts)
                sst_parts = None
            if kind == _EOF:
                break
            if kind == _FILEPASS:
                raise self.inspector.fail(
                    "工作簿设有打开密码，无法读取",
                    f"请在Excel或WPS中打开“{self.inspector.name}”，取消密码后另存为 .xlsx",
                )
            if kind == _BOUNDSHEET and len(body) >= 8:
                positions.append((struct.unpack_from("<I", body)[0], self._short_string(body, 6)))
            elif kind == _SST:
                sst_parts = [body]
        if sst_parts is not None:
            self._strings(sst_parts)
        for pos, name in positions:
            scan = sheets.setdefault(name, SheetScan(name))
            depth = 0
            for _, kind, body in self.records(pos) if pos < len(self.stream) else ():
                if kind == _BOF:
                    depth += 1
                elif kind == _EOF:
                    depth -= 1
                    if depth <= 0:
                        break
                else:
                    self._cell_record(scan, kind, body)
        total = 0
        for name, scan in sheets.items():
            cells = scan.max_row * scan.max_col
            if cells > MAX_SHEET_CELLS:
                raise self.inspector.malicious(
                    f"工作表“{name}”的数据区域过大（{scan.max_row}行×{scan.max_col}列，上限{MAX_SHEET_CELLS}个单元格），可能是恶意文件")
            total += cells
        if total > MAX_WORKBOOK_CELLS:
            raise self.inspector.malicious(f"工作簿的数据区域合计过大（{total}个单元格，上限{MAX_WORKBOOK_CELLS}个），可能是恶意文件")
        ranges = sum(s.ranges for s in sheets.values())
        if ranges > MAX_RANGES:
            raise self.inspector.malicious(f"工作簿中的合并单元格区域过多（{ranges}个，上限{MAX_RANGES}个），可能是恶意文件")
        if self.text > MAX_SHARED_TEXT_CHARS:
            raise self.inspector.malicious(
                f"工作簿引用的文字合计过多（{self.text}个字符，上限{MAX_SHARED_TEXT_CHARS}个），可能是恶意文件")
        return Archive(sheets, {name: name for name in sheets}, legacy=True)

    def _cell_record(self, scan: SheetScan, kind: int, body: bytes) -> None:
        if kind in _CELLS or kind == _MULRK:
            if len(body) < 6:
                raise self.corrupt("单元格记录过短")
            row, col = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0] if kind == _MULRK else col
            if kind == _MULRK and (last < col or (len(body) - 6) != 6 * (last - col + 1)):
                raise self.corrupt(f"工作表“{scan.part}”第{row + 1}行的多值记录与其列范围不符")
            if max(col, last) >= XLS_COLS:
                raise self.inspector.malicious(
                    f"工作表“{scan.part}”第{row + 1}行有单元格位于第{max(col, last) + 1}列，超出Excel 97-2003的{XLS_COLS}列，"
                    "可能是恶意文件")
            scan.max_row, scan.max_col = max(scan.max_row, row + 1), max(scan.max_col, last + 1)
            if kind == _LABELSST:
                index = struct.unpack_from("<I", body, 6)[0] if len(body) >= 10 else len(self.sst)
                if index >= len(self.sst):
                    raise self.inspector.corrupt(
                        f"工作表“{scan.part}”单元格{column_letter(col)}{row + 1}引用了不存在的第{index + 1}个共享字符串"
                        f"（共{len(self.sst)}个）")
                scan.shared_refs += 1
                self.text += self.sst[index]
            error = self._error(kind, body)
            if error is not None:
                scan.errors.append((row, col, error))
        elif kind == _DIMENSIONS and len(body) in (10, 14):
            # calamine sizes the sheet from this record: its first and last row and column must make a real range.
            first_row, last_row, first_col, last_col = (struct.unpack_from("<IIHH", body) if len(body) == 14
                                                         else struct.unpack_from("<HHHH", body))
            rows, cols = last_row - first_row, last_col - first_col
            empty = last_row == 0 or last_col == 0
            if not empty and (rows <= 0 or cols <= 0 or last_row > XLS_ROWS or last_col > XLS_COLS
                              or rows * cols > MAX_SHEET_CELLS):
                raise self.inspector.malicious(
                    f"工作表“{scan.part}”声明的区域异常（第{first_row + 1}至{last_row}行、第{first_col + 1}至{last_col}列；"
                    f"上限{XLS_ROWS}行、{XLS_COLS}列），可能是恶意文件")
        elif kind == _MERGEDCELLS and len(body) >= 2:
            scan.ranges += struct.unpack_from("<H", body)[0]

    @staticmethod
    def _error(kind: int, body: bytes) -> str | None:
        """The error value a BOOLERR cell or a formula's cached result holds, as Excel shows it."""
        if kind == _BOOLERR and len(body) >= 8 and body[7] == 1:
            return _ERROR_TEXT.get(body[6], f"#错误{body[6]}")
        if kind == _FORMULA and len(body) >= 14 and body[12:14] == b"\xff\xff" and body[6] == 2:
            return _ERROR_TEXT.get(body[8], f"#错误{body[8]}")
        return None

    @staticmethod
    def _short_string(body: bytes, at: int) -> str:
        count, high = body[at], body[at + 1] & 1 if len(body) > at + 1 else 0
        raw = body[at + 2:at + 2 + count * (2 if high else 1)]
        return raw.decode("utf-16-le", "replace") if high else raw.decode("latin-1")

    def _strings(self, parts: list[bytes]) -> None:
        """The length of every string of the shared-string table (SST and its CONTINUE records)."""
        first = parts[0]
        if len(first) < 8:
            raise self.corrupt("共享字符串表过短")
        unique = struct.unpack_from("<I", first, 4)[0]
        size = sum(map(len, parts))
        if unique > MAX_UNIQUE_STRINGS or unique > size // 3:
            raise self.inspector.malicious(
                f"共享字符串表声明了{unique}个字符串，而其数据只有{size}字节，可能是恶意文件")
        reader = _Segments(parts, 8, self.corrupt)
        lengths = []
        for _ in range(unique):
            chars, flags = struct.unpack("<HB", reader.take(3))
            runs = struct.unpack("<H", reader.take(2))[0] if flags & 0x8 else 0
            ext = struct.unpack("<I", reader.take(4))[0] if flags & 0x4 else 0
            reader.characters(chars, flags & 0x1)
            reader.skip(4 * runs + ext)
            lengths.append(chars)
        self.sst = lengths


class _Segments:
    """A cursor over a record and its CONTINUE records, where text resumes with a new flags byte."""

    def __init__(self, parts: list[bytes], offset: int, corrupt):
        self.parts, self.index, self.offset, self.corrupt = parts, 0, offset, corrupt

    def _next(self) -> None:
        self.index += 1
        self.offset = 0
        if self.index >= len(self.parts):
            raise self.corrupt("共享字符串表在字符串结束前中断")

    def take(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            if self.offset >= len(self.parts[self.index]):
                self._next()
            part = self.parts[self.index]
            piece = part[self.offset:self.offset + n - len(out)]
            out += piece
            self.offset += len(piece)
        return out

    def skip(self, n: int) -> None:
        while n:
            if self.offset >= len(self.parts[self.index]):
                self._next()
            step = min(n, len(self.parts[self.index]) - self.offset)
            self.offset += step
            n -= step

    def characters(self, count: int, high: int) -> None:
        while count:
            if self.offset >= len(self.parts[self.index]):
                self._next()
                high = self.take(1)[0] & 1  # a CONTINUE that splits text starts with its flags
            width = 2 if high else 1
            step = min(count, (len(self.parts[self.index]) - self.offset) // width)
            if step == 0:
                raise self.corrupt("共享字符串表中的字符被截断")
            self.offset += step * width
            count -= step
