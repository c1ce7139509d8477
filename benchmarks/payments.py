"""Benchmarks of issue 25 (they measure; they assert nothing): the payment ledger and the 一体化 budget layout.

  ledger   a 200,000-row 支付明细 (.xlsx): ``load_payments`` against ``pandas.read_excel(engine="calamine")`` of the
           same file (the target: within 1.2×), then the ledger's analyses (target: under 1 s).
  budget   the same N items as the hand-typed 预算执行 sheet and as the 预算管理一体化 export (two-row header,
           headings, two rows per item by 支出经济分类): ``read_budget`` of each (target: the export within 1.1×).

Usage:
    python benchmarks/payments.py [--rows 200000] [--items 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd
from workbooks import _write_xlsx

from qdanalysis.analyse.payments import analyse_payments
from qdanalysis.read.loaders.budget import read_budget
from qdanalysis.read.loaders.payments import load_payments

PAYMENT_HEADER = ["支付日期", "凭证号", "项目代码", "项目名称", "收款人", "合同编号", "金额（元）", "摘要"]
_PAYEES = ["青岛示例网络技术有限公司", "山东示例信息安全有限公司", "中国联通", "中国电信", "示例软件集团有限公司"]


class _Sheet:
    """Rows of SpreadsheetML with shared strings."""

    def __init__(self) -> None:
        self.strings: dict[str, int] = {}
        self.rows: list[str] = []

    def s(self, ref: str, text: str) -> str:
        return f'<c r="{ref}" t="s"><v>{self.strings.setdefault(text, len(self.strings))}</v></c>'

    @staticmethod
    def n(ref: str, value) -> str:
        return f'<c r="{ref}"><v>{value}</v></c>'

    @staticmethod
    def d(ref: str, serial: int) -> str:
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'

    def row(self, r: int, cells: list[str]) -> None:
        self.rows.append(f'<row r="{r}">' + "".join(cells) + "</row>")


def write_ledger(path: Path, n_rows: int) -> Path:
    """A 国库集中支付明细 of ``n_rows`` payments in 2020: title, 单位 line, header, then the payments."""
    w = _Sheet()
    cols = [chr(65 + i) for i in range(len(PAYMENT_HEADER))]
    w.row(1, [w.s("A1", "2020年国库集中支付明细")])
    w.row(2, [w.s("A2", "单位：元")])
    w.row(3, [w.s(f"{c}3", h) for c, h in zip(cols, PAYMENT_HEADER)])
    for i in range(n_rows):
        r = i + 4
        w.row(r, [w.d(f"A{r}", 43831 + (i * 7) % 366), w.s(f"B{r}", f"ZF2020{i:07d}"),
                  w.s(f"C{r}", f"3702002020{i % 300:06d}"), w.s(f"D{r}", f"项目{i % 300}"),
                  w.s(f"E{r}", _PAYEES[i % len(_PAYEES)]), w.s(f"F{r}", f"HT-{i % 900}") if i % 3 else "",
                  w.n(f"G{r}", 100 + (i * 7919) % 90_000 + (i % 100) / 100), w.s(f"H{r}", "运维服务费")])
    _write_xlsx(path, "支付明细", w.rows, w.strings)
    return path


def write_budgets(folder: Path, n_items: int) -> tuple[Path, Path]:
    """``n_items`` items of the export (two rows each, by 支出经济分类; 10 headings) and a hand-typed sheet of as
    many rows (each row an item): the same rows in both layouts."""
    per = n_items // 10
    typed, system = _Sheet(), _Sheet()
    typed.row(1, [typed.s("A1", "单位：元")])
    typed.row(2, [typed.s(f"{c}2", h) for c, h in zip("ABCDE", ["编号", "类别", "项目名称", "预算数", "执行数"])])
    system.row(1, [system.s("A1", "单位：元")])
    system.row(2, [system.s(f"{c}2", h) for c, h in zip("ABCDEG", ["序号", "项目代码", "项目名称", "支出经济分类", "预算数",
                                                                    "执行数"])])
    system.row(3, [system.s(f"{c}3", h) for c, h in zip("EFGH", ["年初预算", "调整后预算", "支出金额", "执行率"])])
    system.row(4, [system.s("A4", "合计"), system.n("E4", 2 * per * 10), system.n("G4", per * 10)])
    r_typed, r_sys = 3, 5
    for k in range(10):
        system.row(r_sys, [system.s(f"C{r_sys}", f"{'一二三四五六七八九十'[k]}、类别{k}"), system.n(f"E{r_sys}", 2 * per),
                           system.n(f"G{r_sys}", per)])
        r_sys += 1
        for j in range(per):
            code = f"3702002020{k:02d}{j:05d}"
            for half in range(2):  # as many rows as the export: each of its rows an item here
                typed.row(r_typed, [typed.s(f"A{r_typed}", f"{k + 1}.{2 * j + half + 1}"),
                                    typed.s(f"B{r_typed}", f"类别{k}"), typed.s(f"C{r_typed}", f"项目{k}-{j}-{half}"),
                                    typed.n(f"D{r_typed}", 1), typed.n(f"E{r_typed}", 0.5)])
                r_typed += 1
            for half, econ in enumerate(("30213 维修（护）费", "31002 办公设备购置")):
                cells = [system.s(f"D{r_sys}", econ), system.n(f"E{r_sys}", 1), system.n(f"G{r_sys}", 0.5)]
                if not half:
                    cells = [system.s(f"B{r_sys}", code), system.s(f"C{r_sys}", f"{j + 1}.项目{k}-{j}"), *cells]
                system.row(r_sys, cells)
                r_sys += 1
    a, b = folder / "typed.xlsx", folder / "system.xlsx"
    _write_xlsx(a, "预算执行", typed.rows, typed.strings)
    _write_xlsx(b, "导出数据", system.rows, system.strings)
    return a, b


def _times(fn, runs: int) -> tuple[float, float]:
    """The minimum and the median of ``runs`` timings of ``fn`` (s)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def _line(name: str, t: tuple[float, float]) -> str:
    return f"{name} min {t[0]:.2f} s / median {t[1]:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qdbench-payments-") as tmp:
        folder = Path(tmp)
        ledger = write_ledger(folder / "ledger.xlsx", args.rows)
        ours = _times(lambda: load_payments(ledger, year=2020), args.runs)
        calamine = _times(lambda: pd.read_excel(ledger, engine="calamine", header=2), args.runs)
        print(f"ledger {args.rows} rows: {_line('load_payments', ours)}, {_line('read_excel(calamine)', calamine)}, "
              f"ratio min {ours[0] / calamine[0]:.2f} / median {ours[1] / calamine[1]:.2f} (target ≤ 1.2)")
        payments = load_payments(ledger, year=2020)
        budget = pd.DataFrame({"code": [], "item": [], "executed": []})
        analysed = _times(lambda: analyse_payments(payments, budget, pd.DataFrame(), {"budget": Decimal(10**9)}, 2020),
                          args.runs)
        print(f"ledger analyses: {_line('', analysed).strip()} (target < 1 s)")
        typed, system = write_budgets(folder, args.items)
        t_typed = _times(lambda: read_budget(typed), args.runs)
        t_system = _times(lambda: read_budget(system), args.runs)
        print(f"budget, {2 * args.items} rows each: {_line('hand-typed', t_typed)}, {_line('一体化 export', t_system)}, "
              f"ratio min {t_system[0] / t_typed[0]:.2f} / median {t_system[1] / t_typed[1]:.2f} (target ≤ 1.1)")


if __name__ == "__main__":
    main()
