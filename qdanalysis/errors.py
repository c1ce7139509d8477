"""Exceptions. Every error about a user's input derives from :class:`QdanalysisError`.

Bad spreadsheets raise :class:`ValidationError`, which carries every :class:`Problem`
found in one run, each naming file, sheet, row (as Excel numbers it) and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class QdanalysisError(Exception):
    """Base class of the errors this package raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    Attributes:
        file: path of the workbook (as given by the user).
        sheet: sheet name, or "" when the problem concerns the whole file.
        row: Excel row number (1-based), or None for the whole sheet/file.
        column: column header as written in the sheet (or its Excel letter), or "".
        message: what is wrong, in Chinese.
        hint: how to fix it, in Chinese.
    """

    file: str
    sheet: str
    row: int | None
    column: str
    message: str
    hint: str = ""

    def location(self) -> str:
        """``file:sheet:row:column`` for terminals and logs, leaving out the parts a problem does not
        have (``报表.xlsx:预算执行:9:D列``, ``params/2021.yaml:3:year``, or the file alone)."""
        parts = [self.file, self.sheet, "" if self.row is None else str(self.row), self.column]
        return ":".join(p for i, p in enumerate(parts) if p or i == 0)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.hint:
            text += f"（{self.hint}）"
        return text


class ValidationError(QdanalysisError, ValueError):
    """An input file was refused. ``problems`` lists every problem found, in order."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        head = f"输入数据有 {len(self.problems)} 处问题："
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class MissingTableError(ValidationError):
    """No workbook of a folder (or file) holds an input table.

    Attributes:
        table: the table's name in the input declaration (``contracts``, ``sms``, …).
        title: its Chinese sheet title (``合同台账``).
    """

    def __init__(self, problem: Problem, table: str, title: str):
        self.table = table
        self.title = title
        super().__init__(problem)


@dataclass
class ProblemCollector:
    """Collects problems across a file so that all of them are reported in one run."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, sheet: str, row: int | None, column: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.file, sheet, row, column, message, hint))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)


def display_path(path: str | Path) -> str:
    """A path as the user should read it: relative to the working directory when possible."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
