"""Tests for qdanalysis.present.font_worker: the font subset made in a child process."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from qdanalysis.present import webfont
from qdanalysis.present.font_worker import FontWorker, FontWorkerError


def _font_tools_doing(folder: Path, body: str, monkeypatch) -> None:
    """Workers started from now on import a ``fontTools`` package that does ``body``."""
    (folder / "fontTools").mkdir(parents=True)
    (folder / "fontTools" / "__init__.py").write_text(body, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")]))


@pytest.mark.slow
def test_the_worker_gives_the_subset_made_in_this_process():
    characters = webfont.characters_of("<p>专项业务费绩效评价（941万元）</p>")
    worker = FontWorker()
    worker.ask(characters)
    assert worker.asked == characters
    assert worker.result() == webfont.subset_woff(characters)
    worker.stop()  # after its result: nothing to do


def test_a_worker_that_fails_says_why(tmp_path, monkeypatch):
    _font_tools_doing(tmp_path, "raise ImportError('fontTools 安装不完整')", monkeypatch)
    worker = FontWorker()
    worker.ask("预算")
    with pytest.raises(FontWorkerError, match="字体子集进程失败：ImportError: fontTools 安装不完整"):
        worker.result()


def test_a_worker_that_hangs_is_stopped_after_the_timeout(tmp_path, monkeypatch):
    _font_tools_doing(tmp_path, "import time\ntime.sleep(120)", monkeypatch)
    worker = FontWorker()
    worker.ask("预算")
    started = time.monotonic()
    with pytest.raises(FontWorkerError, match="1 秒内未完成"):
        worker.result(timeout=1.0)
    assert time.monotonic() - started < 30
    assert worker._process.poll() is not None  # killed, not left behind


def test_a_worker_serves_one_subset_and_is_stopped_unasked():
    worker = FontWorker()
    with pytest.raises(FontWorkerError, match="尚未收到字符"):
        worker.result()
    worker.ask("预算")
    with pytest.raises(FontWorkerError, match="只能使用一次"):
        worker.ask("执行")
    worker.stop()
    worker.stop()
    assert worker._process.poll() is not None
    with pytest.raises(FontWorkerError, match="已结束"):
        worker.result()


def test_subset_takes_the_workers_only_for_the_characters_asked_and_makes_it_here_otherwise(tmp_path, monkeypatch):
    _font_tools_doing(tmp_path, "raise ImportError('fontTools 安装不完整')", monkeypatch)
    failed = FontWorker()
    failed.ask("预算")
    assert failed.subset("预算") == webfont.subset_woff("预算")  # the worker failed: made here, the same bytes

    asked_other = FontWorker()
    asked_other.ask("执行")
    monkeypatch.setattr(asked_other, "result", lambda: pytest.fail("the subset of other characters was taken"))
    assert asked_other.subset("预算") == webfont.subset_woff("预算")
    asked_other.stop()

    asked = FontWorker()
    asked.ask("预算")
    monkeypatch.setattr(asked, "result", lambda: b"worker's")
    assert asked.subset("预算") == b"worker's"
    asked.stop()
