"""``python -m qdanalysis``: the command line, from any folder."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.slow  # starts Python twice and reaches `run`'s refusal of a bad year
def test_python_m_qdanalysis_is_the_command_line_from_outside_the_checkout(tmp_path):
    r = subprocess.run([sys.executable, "-m", "qdanalysis", "--help"], capture_output=True, text=True, cwd=tmp_path,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("用法：qdanalysis") and "validate" in r.stdout and "new-year" in r.stdout
    r = subprocess.run([sys.executable, "-m", "qdanalysis", "run", "--year", "20"], capture_output=True, text=True,
                       cwd=tmp_path, timeout=120)
    assert r.returncode == 2 and "年份「20」应写四位数字，如 2020" in r.stderr and "new-year" not in r.stderr
