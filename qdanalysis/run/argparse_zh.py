"""argparse in Chinese: its own texts (usage, section titles, errors) translated for the command line.

argparse looks its messages up through ``gettext`` at the moment it formats them; :func:`chinese`
swaps in a translation for the duration of a parse or a help text and restores the original after,
so nothing outside the command line is affected (a notebook, pytest's own options).
"""

from __future__ import annotations

import argparse
import contextlib
import re
from typing import Iterator

#: argparse's English texts (Python 3.11–3.13) and their translations.
MESSAGES: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的%(type)s值：%(value)r",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 必须指定其中之一",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "unexpected option string: %s": "不认识的选项：%s",
    "%r is not callable": "%r 不可调用",
    "cannot merge actions - two groups are named %r": "两组同名：%r",
}
PLURALS: dict[str, str] = {"expected %s argument": "需要 %s 个值"}
#: Type names as argparse writes them in "invalid %(type)s value".
TYPE_NAMES = {"int": "整数", "float": "数值", "Path": "路径", "str": "文字"}


def _translate(message: str) -> str:
    return MESSAGES.get(message, message)


def _ntranslate(singular: str, plural: str, n: int) -> str:
    return PLURALS.get(singular, singular if n == 1 else plural)


@contextlib.contextmanager
def chinese() -> Iterator[None]:
    """Within the block, argparse writes its own texts in Chinese."""
    saved = (argparse._, argparse.ngettext)
    argparse._, argparse.ngettext = _translate, _ntranslate
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose help, usage and errors are in Chinese (its -h and section titles too)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)  # examples keep their lines
        with chinese():
            super().__init__(*args, **kwargs)

    def add_argument_group(self, *args, **kwargs):
        with chinese():
            return super().add_argument_group(*args, **kwargs)

    def parse_known_args(self, args=None, namespace=None):
        with chinese():
            return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        with chinese():
            text = super().format_help()
        return re.sub(r"(?m)^(\S[^\n]*?):$", r"\1：", text)  # section headings: 选项：

    def format_usage(self) -> str:
        with chinese():
            return super().format_usage()

    def error(self, message: str):
        for english, chinese_name in TYPE_NAMES.items():
            message = re.sub(rf"无效的{english}值", f"无效的{chinese_name}值", message)
        with chinese():
            super().error(message)
