"""The file under check, what the checks learn about it, and the refusals they raise.

Every check of :mod:`qdanalysis.read.safety` takes an :class:`Inspector` and returns an
:class:`Archive`, or raises the :class:`ValidationError` one of its refusals builds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qdanalysis.errors import Problem, ValidationError, display_path
from qdanalysis.read.safety.limits import MAX_CELL_CHARS

#: Error text recorded for a formula cell saved without its computed value.
UNCACHED_FORMULA = "#公式未计算"
#: Error text recorded (followed by the value) for a number cell holding NaN or an infinity.
NOT_A_NUMBER = "#非有效数字:"


@dataclass
class SheetScan:
    """What the pre-read scan learned about one worksheet part."""

    part: str
    max_row: int = 0  # 1-based extent of cells that may hold a value
    max_col: int = 0
    shared_refs: int = 0  # cells of type "s"
    errors: list[tuple[int, int, str]] = field(default_factory=list)
    ranges: int = 0  # merged, hyperlink, validation and formatting ranges


@dataclass
class Archive:
    """Result of :func:`~qdanalysis.read.safety.container.inspect_container`, used by :func:`read_workbook`."""

    sheets: dict[str, SheetScan]  # by part name
    sheet_parts: dict[str, str]  # sheet name -> part name (best effort)
    legacy: bool = False  # an OLE2 file: an Excel 97-2003 workbook for biff.inspect_xls to check


class Inspector:
    """One file under check; every refusal raises :class:`ValidationError`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.display = display_path(path)
        self.name = self.path.name

    def fail(self, message: str, hint: str) -> ValidationError:
        return ValidationError([Problem(self.display, "", None, "", message, hint)])

    def resave_hint(self) -> str:
        return f"请用Excel打开“{self.name}”，另存为“Excel工作簿（*.xlsx）”后重试"

    def corrupt(self, detail: str) -> ValidationError:
        return self.fail(
            f"文件已损坏或不完整（{detail}）",
            f"请重新导出或重新下载“{self.name}”；若Excel仍能打开，请另存为新的 .xlsx 文件后重试",
        )

    def malicious(self, message: str) -> ValidationError:
        return self.fail(
            message,
            f"请勿打开来源不明的文件；如确认“{self.name}”来源可信，请在Excel中打开后另存为新的 .xlsx 文件",
        )

    def bomb(self, detail: str) -> ValidationError:
        return self.malicious(f"{detail}，可能是恶意文件（压缩炸弹）")

    def too_long_text(self, chars: int) -> ValidationError:
        return self.malicious(f"有单元格文本长度超过Excel上限{MAX_CELL_CHARS}个字符（约{chars}个），可能是恶意文件")
