"""The command line speaks Chinese while it parses, and only then."""

from __future__ import annotations

import pytest

import qdanalysis
from qdanalysis.run.cli import main


def test_the_command_line_speaks_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：qdanalysis") and "选项：" in out and "显示本帮助并退出" in out
    assert "usage:" not in out and "show this help" not in out and "options:" not in out
    with pytest.raises(SystemExit) as err:
        main(["ingest"])
    assert err.value.code == 2
    assert "qdanalysis ingest：错误：缺少必需的参数：--year" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "--all", "--jobs", "abc"])
    assert "参数 --jobs：无效的整数值：'abc'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["summary", "--year", "abc"])
    assert "参数 --year：年份「abc」应写四位数字，如 2020" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"qdanalysis {qdanalysis.__version__}"


def test_argparse_is_english_again_outside_the_command_line():
    import argparse

    assert argparse._("usage: ") == "usage: "  # the translation lasts only while qdanalysis parses
