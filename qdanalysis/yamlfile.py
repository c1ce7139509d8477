"""Reading the project's YAML files (parameters, scoring tables, portfolios) with Chinese errors: the file,
the line of each key, and what a value is in words."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import yaml

from qdanalysis.errors import Problem, ValidationError, display_path


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
