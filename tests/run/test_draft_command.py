"""``qdanalysis draft``: the figures' process forked before the pipeline and python-docx are loaded; the draft written
and said, with the score."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap

import pytest

from qdanalysis.run import draft_command


@pytest.mark.slow  # the 2020 draft written in a process of its own
def test_the_figures_process_is_forked_before_the_pipeline_is_loaded(tmp_path):
    script = textwrap.dedent(f"""
        import os, sys
        from qdanalysis.run.cli import main

        fork, modules = os.fork, ("qdanalysis.run.pipeline", "qdanalysis.read.year", "docx", "matplotlib")
        os.fork = lambda: print(sorted(m for m in modules if m in sys.modules), flush=True) or fork()
        sys.exit(main(["draft", "--year", "2020", "--out", {str(tmp_path)!r}]))
    """)
    env = {**os.environ, "QDANALYSIS_PROCESSED": str(tmp_path / "processed")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    loaded, written, score = done.stdout.splitlines()
    assert loaded == "['qdanalysis.read.year']"  # what both processes need, loaded once for both
    assert written.startswith("已生成报告初稿：") and written.endswith("2020年绩效评价报告（初稿）.docx")
    assert score.startswith("评分表：params/scoring-2020.yaml") and "暂不定级" in score
    assert (tmp_path / "2020" / "2020年绩效评价报告（初稿）.docx").stat().st_size > 100_000


def test_the_collector_looks_less_often_while_the_draft_is_made_and_as_before_after():
    before = gc.get_threshold()
    with draft_command.fewer_collections():
        assert gc.get_threshold() == (draft_command.YOUNG_COLLECTION, *before[1:])
    assert gc.get_threshold() == before
    with pytest.raises(KeyError), draft_command.fewer_collections():
        raise KeyError("the year refused")
    assert gc.get_threshold() == before


def test_the_draft_is_made_with_fewer_collections(monkeypatch, tmp_path):
    from types import SimpleNamespace

    from qdanalysis.run import pipeline

    seen = []

    def draft_year(*args, **kwargs):
        seen.append(gc.get_threshold()[0])
        raise KeyError("stop here")

    monkeypatch.setattr(pipeline, "draft_year", draft_year)
    options = SimpleNamespace(root=None, out=tmp_path, template=None, year=2020, force=False)
    with pytest.raises(KeyError, match="stop here"):
        draft_command.draft(options, lambda _: "")
    assert seen == [draft_command.YOUNG_COLLECTION] and gc.get_threshold()[0] != draft_command.YOUNG_COLLECTION


def test_the_command_ends_before_the_collector_looks_as_before(monkeypatch, tmp_path):
    from types import SimpleNamespace

    from qdanalysis.run import pipeline

    seen = []
    monkeypatch.setattr(pipeline, "draft_year", lambda *args, **kwargs: (tmp_path / "初稿.docx", SimpleNamespace(score=None)))
    monkeypatch.setattr(draft_command, "leave", lambda status: seen.append(gc.get_threshold()[0]) or status)
    options = SimpleNamespace(root=None, out=tmp_path, template=None, year=2020, force=False)
    assert draft_command.draft(options, lambda _: "") == 0
    assert seen == [draft_command.YOUNG_COLLECTION]  # the command leaves here, the threshold not yet put back
    assert gc.get_threshold()[0] != draft_command.YOUNG_COLLECTION  # a caller of its own gets it back as it was
