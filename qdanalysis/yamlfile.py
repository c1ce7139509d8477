"""Reading the project's YAML files (parameters, scoring tables) with Chinese errors."""

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
