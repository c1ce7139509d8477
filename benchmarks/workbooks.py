"""Large input files for the benchmarks, written fast and deterministically.

The contract ledger is written as raw SpreadsheetML (shared strings, a date style, a
``单位：元`` line), the way Excel saves it, because openpyxl would take minutes to write
100,000 rows. The SMS log is written with pyarrow.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTRACT_HEADER = ["合同编号", "项目编号", "项目名称", "供应商", "签订日期", "服务开始", "服务结束",
                   "合同金额（元）", "计费方式", "单价", "数量", "采购方式", "本年支付（元）", "服务内容", "备注"]
_VENDORS = ["青岛示例网络技术有限公司", "山东示例信息安全有限公司", "中国联通", "中国电信", "示例软件集团有限公司"]
_PROCUREMENT = ["公开招标", "竞争性磋商", "单一来源", "续签"]
_ITEMS = ["电子政务机房UPS等关键设备维护服务费", "全市机关Internet专线费", "市直单位网络接入费",
          "金宏短信平台通信费", "数字证书购置和更新服务费"]
SMS_DEPARTMENTS = ("办公厅", "发改委", "财政局", "公安局", "卫健委", "教育局", "自然资源局", "住建局",
                   "交通局", "农业农村局", "商务局", "文旅局", "市场监管局", "应急局", "医保局", "信访局")
SMS_LOG_YEAR = 2020


def _content_types() -> str:
    return (DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')


def _styles() -> str:
    return (DECL + f'<styleSheet xmlns="{MAIN_NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
            '</numFmts><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill>'
            '</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _write_xlsx(path: Path, sheet_name: str, rows_xml: list[str], strings: dict[str, int]) -> None:
    from xml.sax.saxutils import escape

    sheet = DECL + f'<worksheet xmlns="{MAIN_NS}"><sheetData>' + "".join(rows_xml) + "</sheetData></worksheet>"
    shared = (DECL + f'<sst xmlns="{MAIN_NS}" uniqueCount="{len(strings)}">'
              + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
    parts = {
        "[Content_Types].xml": _content_types(),
        "_rels/.rels": DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": DECL + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": DECL
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared,
        "xl/styles.xml": _styles(),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode("utf-8"))


def write_contract_ledger(path: Path, n_rows: int) -> Path:
    """A 合同台账 workbook of ``n_rows`` contracts, shaped like an Excel export.

    Row 1 is a title, row 2 ``单位：元``, row 3 the header. Amounts are numbers, except
    that every fourth monthly contract writes its price as text (``942元/月``), as ledgers do.
    """
    strings: dict[str, int] = {}

    def s(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="s"><v>{strings.setdefault(text, len(strings))}</v></c>'

    def n(ref: str, value) -> str:
        return f'<c r="{ref}"><v>{value}</v></c>'

    def d(ref: str, serial: int) -> str:
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'

    cols = [chr(65 + i) for i in range(len(CONTRACT_HEADER))]
    rows = [f'<row r="1">{s("A1", "2020年合同台账")}</row>', f'<row r="2">{s("A2", "单位：元")}</row>',
            '<row r="3">' + "".join(s(f"{c}3", h) for c, h in zip(cols, CONTRACT_HEADER)) + "</row>"]
    for i in range(n_rows):
        r = i + 4
        monthly = i % 3 == 0
        signed = 43466 + (i * 7) % 700  # 2019-01-01 onwards
        amount = 10_000 + (i * 7919) % 900_000 + (i % 100) / 100
        cells = [
            s(f"A{r}", f"HT2020-{i + 1:06d}"),
            s(f"B{r}", f"{1 + i % 5}.{1 + i % 9}"),
            s(f"C{r}", _ITEMS[i % len(_ITEMS)]),
            s(f"D{r}", _VENDORS[i % len(_VENDORS)]),
            d(f"E{r}", signed),
            d(f"F{r}", signed + 10),
            d(f"G{r}", signed + 375),
        ]
        if monthly:
            price = s(f"J{r}", "942元/月") if i % 4 == 0 else n(f"J{r}", 942 + i % 50)
            cells += [s(f"I{r}", "月"), price, n(f"K{r}", 1 + i % 90)]
        else:
            cells += [n(f"H{r}", amount), s(f"I{r}", "年")]
        cells += [s(f"L{r}", _PROCUREMENT[i % len(_PROCUREMENT)]), n(f"M{r}", round(amount * 0.9, 2)),
                  s(f"N{r}", "设备维保、巡检及现场排障服务"), s(f"O{r}", "") if i % 5 else s(f"O{r}", "按季度支付")]
        rows.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    _write_xlsx(path, "合同台账", rows, strings)
    return path


def write_sms_log(csv_path: Path | None, parquet_path: Path | None, n_rows: int, *, seed: int = 20201231,
                  year: int = SMS_LOG_YEAR) -> dict:
    """A year's message-level SMS log: 发送时间, 部门, 条数 (1 or 2 billable segments).

    Returns:
        ``{"count": total segments, "groups": {(month, department): segments}}`` computed
        here with numpy, to check every engine's answer against.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    start = np.datetime64(f"{year}-01-01T00:00:00", "s")
    seconds = int((np.datetime64(f"{year + 1}-01-01T00:00:00", "s") - start).astype(int))
    times = start + np.sort(rng.integers(0, seconds, n_rows)).astype("timedelta64[s]")
    dept_index = rng.integers(0, len(SMS_DEPARTMENTS), n_rows).astype(np.int32)
    segments = np.where(rng.random(n_rows) < 0.15, 2, 1).astype(np.int64)
    departments = pa.DictionaryArray.from_arrays(pa.array(dept_index), pa.array(SMS_DEPARTMENTS))
    table = pa.table({"发送时间": pa.array(times, pa.timestamp("s")), "部门": departments, "条数": segments})
    if parquet_path is not None:
        pq.write_table(table, parquet_path)
    if csv_path is not None:
        # Plain text as a platform exports it: 2020-01-01 00:00:07,办公厅,1
        plain = table.set_column(1, "部门", departments.dictionary_decode())
        pcsv.write_csv(plain, csv_path, pcsv.WriteOptions(quoting_style="none"))
    months = times.astype("datetime64[M]").astype(int) % 12 + 1
    key = months * 100 + dept_index
    uniq, inverse = np.unique(key, return_inverse=True)
    sums = np.bincount(inverse, weights=segments).astype(np.int64)
    groups = {(int(k) // 100, SMS_DEPARTMENTS[int(k) % 100]): int(v) for k, v in zip(uniq, sums)}
    return {"count": int(segments.sum()), "groups": groups}


def convert_to_xls(xlsx: Path, out_dir: Path) -> Path | None:
    """The same workbook saved as Excel 97-2003 (.xls) by LibreOffice, or None without ``soffice``.

    Only a benchmark uses it: no pure-Python .xls writer exists, and the tests read committed
    fixtures (``tests/fixtures/``).
    """
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    profile = out_dir / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xls",
                    "--outdir", str(out_dir), str(xlsx)], check=True, capture_output=True, timeout=600)
    return out_dir / (xlsx.stem + ".xls")
