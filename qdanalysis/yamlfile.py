"""Reading the project's YAML files (parameters, scoring tables, portfolios) with Chinese errors: the file,
the line of each key, and what a value is in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import yaml

from qdanalysis.errors import Problem, ProblemCollector, ValidationError, display_path


def read_yaml(path: str | Path, what: str, missing_hint: str,
              locate: Callable[[str], Any]) -> tuple[Any, Any, str]:
    """Read ``path`` with ``yaml.safe_load`` and locate its keys.

    Args:
        path: the file.
        what: what the file is, in Chinese (参数文件, 评分表文件), for the messages.
        missing_hint: how to get such a file, shown when it does not exist.
        locate: maps the text to the line numbers of its keys (called on valid YAML).

    Returns:
        ``(data, locate(text), source)``, source being the path as the user reads it.

    Raises:
        ValidationError: missing file, not UTF-8, or not valid YAML (with the line).
    """
    path = Path(path)
    source = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationError(Problem(source, "", None, "", f"找不到{what}", missing_hint)) from None
    except UnicodeDecodeError:
        raise ValidationError(Problem(source, "", None, "", f"{what}不是 UTF-8 编码",
                                      "请用文本编辑器以 UTF-8 编码另存")) from None
    try:
        return yaml.safe_load(text), locate(text), source
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ValidationError(Problem(source, "", mark.line + 1 if mark is not None else None, "",
                                      f"{what}不是合法的 YAML 格式",
                                      "请检查缩进、冒号后的空格和引号是否成对")) from None


def node_lines(text: str) -> tuple[dict[tuple, int], list[tuple[tuple, int]]]:
    """Line (1-based) of every key path, and the keys written twice in one mapping.

    ``yaml.compose`` only builds nodes (no Python object is constructed), so it is as safe
    as ``safe_load``; ``safe_load`` alone keeps the last of two equal keys silently.
    """
    lines: dict[tuple, int] = {}
    duplicates: list[tuple[tuple, int]] = []

    def walk(node: yaml.Node, path: tuple) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                child = path + (key,)
                if key in seen:
                    duplicates.append((child, key_node.start_mark.line + 1))
                    continue
                seen.add(key)
                lines[child] = key_node.start_mark.line + 1
                walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for j, value_node in enumerate(node.value):
                walk(value_node, path + (j,))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return lines, duplicates


def top_lines(text: str) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Line (1-based) of each top-level key, and the top-level keys written twice."""
    lines, duplicates = node_lines(text)
    return ({path[0]: line for path, line in lines.items() if len(path) == 1},
            [(path[0], line) for path, line in duplicates if len(path) == 1])


@dataclass(frozen=True)
class KeyValueFile:
    """One kind of "key: value" parameter file, and the checks every such file shares: a key written twice,
    a file that is empty (where keys are required) or not a mapping, an unknown key, a key that belongs in
    another file. Each problem names the file, the line and the key, in one wording for every kind of file.

    Attributes:
        what: what the file is (参数文件, 运行设置文件…): ``<what>是空的``, ``<what>应当是「键: 值」的形式``.
        word: what one key is called (参数, 运行设置, 键): ``<word>「x」写了两次``, ``不认识的<word>「x」``.
        keys: the top-level keys it takes, in the order the hint lists them.
        example: one line of the file, for the hint to a file that is not a mapping.
        missing_hint: how to get such a file, when it does not exist.
        required: the hint to an empty file, which is then refused; None: an empty file holds no keys.
        elsewhere: keys of another file -> (message, hint) saying where they belong.
        allowed_note: said after the list of the keys it takes.
        shape_hint: the hint to a file that is not a mapping (default: ``例如写一行 <example>``).
        nested: the lines and keys written twice at every depth (``projects[1].name``), not only the top level.
    """

    what: str
    word: str
    keys: tuple[str, ...]
    example: str
    missing_hint: str = ""
    required: str | None = None
    elsewhere: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    allowed_note: str = ""
    shape_hint: str = ""
    nested: bool = False

    def read(self, path: str | Path) -> tuple[Any, dict, ProblemCollector]:
        """Read ``path``: the data as parsed, the line of each key (by key; by key path when ``nested``), and a
        collector holding a problem for each key written twice.

        Raises:
            ValidationError: missing file, not UTF-8, or not valid YAML (see :func:`read_yaml`).
        """
        data, (lines, duplicates), source = read_yaml(path, self.what, self.missing_hint,
                                                      node_lines if self.nested else top_lines)
        problems = ProblemCollector(source)
        for where, line in duplicates:
            name = key_path(where) if self.nested else where
            problems.add("", line, name, f"{self.word}「{name}」写了两次", "请只保留一处")
        return data, lines, problems

    def check(self, data: Any, problems: ProblemCollector, lines: dict | None = None) -> dict:
        """The parsed file as a mapping (``{}`` for an empty one that may be empty); each unknown or misplaced
        key is added to ``problems``.

        Raises:
            ValidationError: the file is empty and keys are required, or is not a mapping (with the problems
                collected so far).
        """
        lines = lines or {}
        if data is None and self.required is None:
            return {}
        if data is None or not isinstance(data, dict):
            message, row, hint = ((f"{self.what}是空的", None, self.required) if data is None else
                                  (f"{self.what}应当是「键: 值」的形式", 1,
                                   self.shape_hint or f"例如写一行 {self.example}"))
            raise ValidationError(problems.problems + [Problem(problems.file, "", row, "", message, hint)])
        for key in map(str, data):
            line = lines.get((key,) if self.nested else key)
            if key in self.elsewhere:
                problems.add("", line, key, *self.elsewhere[key])
            elif key not in self.keys:
                problems.add("", line, key, f"不认识的{self.word}「{key}」",
                             f"可用的{self.word}只有：{'、'.join(self.keys)}{self.allowed_note}")
        return data

    def load(self, path: str | Path) -> tuple[dict, dict, ProblemCollector]:
        """:meth:`read` then :meth:`check`: the mapping, the lines of its keys and the problems found so far
        (the caller adds those of the values, then raises them all at once).

        Raises:
            ValidationError: the file is missing, not YAML, empty where keys are required, or not a mapping.
        """
        data, lines, problems = self.read(path)
        return self.check(data, problems, lines), lines, problems


def line_of(lines: dict[tuple, int], path: tuple) -> int | None:
    """The line of ``path``, else of its nearest parent that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


def key_path(path: tuple) -> str:
    """``("indicators", 2, "rule")`` -> ``indicators[3].rule`` (list positions 1-based)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def is_int(value: Any) -> bool:
    """A YAML integer (``true`` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


def number(key: str, value: Any, what: str, hint: str, add: Callable[[str, str, str], None]) -> Decimal | None:
    """A YAML number as an exact Decimal (``0.1`` is 0.1); text (a quoted number, a unit written beside it) or a
    value of another type is reported through ``add(key, message, hint)`` as not being ``what`` and gives None."""
    if isinstance(value, str):
        add(key, f"{key}「{value}」写成了文字", hint)
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        add(key, f"{key} 应为{what}，实际是{type_name(value)}", hint)
    else:
        return Decimal(str(value))
    return None


def type_name(value: Any) -> str:
    """What a YAML value is, in Chinese, for messages (整数, 文字, 列表…)."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "是/否"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "小数"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "键值表"
    return type(value).__name__
